// `gatehouse audit [-f PATH... | --kubeconfig FILE [-n NS]] [-o json]`: Gatekeeper's audit, once,
// on files or on a cluster.
//
// Each PATH is a YAML/JSON file or a directory searched recursively (hidden entries skipped).
// Gatekeeper resources among the documents (ConstraintTemplates, constraints, the Config) make the
// policy set; every other object (items of a `List` included) is audited, and the objects the
// Config syncs (all of them without a Config) form data.inventory. Output: per constraint its
// total and its first violations (the status Gatekeeper would write), or with `-o json` one JSON
// line per violation in the fields of Gatekeeper's `violation_audited` log events, then one
// `constraint_audited` line per constraint. With --kubeconfig the resources come from the API
// (templates, their constraints, the Config `config` of -n), the audited objects are those of
// the kinds the constraints match (listed in pages), data.inventory holds the kinds the Config
// syncs and every Namespace is known to namespaceSelector. Exit status: 0 without deny violations,
// 1 with some, 2 when a resource is refused or a file cannot be read (what is wrong goes to
// stderr).
#include "admission/audit.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "adapters/admission/gatekeeper_cluster.h"
#include "adapters/http/http_client.h"
#include "adapters/kubernetes/api_discovery.h"
#include "adapters/kubernetes/collection_list.h"
#include "adapters/kubernetes/kube_client.h"
#include "admission/document_fields.h"
#include "admission/gatekeeper_config.h"
#include "admission/policy_set.h"
#include "gatehouse/commands.h"
#include "gatehouse/policy_files.h"
#include "value/json.h"
#include "value/yaml.h"

namespace gatehouse::app {
namespace {

namespace fs = std::filesystem;

struct AuditFlags {
  std::vector<std::string> files;
  std::string kubeconfig;
  std::string config_namespace = "kube-system";
  std::string output = "text";
  std::size_t limit = admission::kDefaultViolationsLimit;
};

struct AuditInput {
  std::vector<admission::SourcedDocument> resources;
  std::shared_ptr<const admission::PolicySet> set;
  std::vector<value::Value> objects;     // audited
  std::vector<value::Value> synced;      // data.inventory
  std::vector<value::Value> namespaces;  // for namespaceSelector, beyond synced ones
};

bool IsGatekeeperResource(const value::Value& doc) {
  const value::Value* api_version = doc.Find("apiVersion");
  if (api_version == nullptr || !api_version->is_string()) return false;
  const std::string& v = *api_version->AsString();
  return v.starts_with("templates.gatekeeper.sh/") || v.starts_with("constraints.gatekeeper.sh/") ||
         v.starts_with("config.gatekeeper.sh/");
}

Status ReadPath(const std::string& path, std::vector<admission::SourcedDocument>& resources,
                std::vector<value::Value>& objects) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (auto it = fs::recursive_directory_iterator(path, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->path().filename().string().starts_with(".")) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      const std::string ext = it->path().extension().string();
      if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) {
        files.push_back(it->path());
      }
    }
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  value::YamlLimits limits;
  limits.max_bytes = 64 << 20;
  limits.max_depth = 512;
  for (const fs::path& f : files) {
    Result<std::string> text = ReadWholeFile(f.string());
    if (!text) return text.error();
    auto docs = value::ParseYamlStream(*text, limits);
    if (!docs) return MakeError(docs.error().code, f.string() + ": " + docs.error().message);
    for (std::size_t i = 0; i < docs->size(); ++i) {
      value::Value& d = (*docs)[i];
      if (!d.is_object()) continue;
      if (IsGatekeeperResource(d)) {
        resources.push_back({f.string() + "#" + std::to_string(i + 1), std::move(d)});
        continue;
      }
      const value::Value* kind = d.Find("kind");
      const value::Value* items = d.Find("items");
      if (kind && kind->is_string() && kind->AsString()->ends_with("List") && items &&
          items->is_array()) {
        for (const value::Value& item : *items->AsArray()) objects.push_back(item);
        continue;
      }
      objects.push_back(std::move(d));
    }
  }
  return Ok();
}

// The resources, objects, synced objects and namespaces of files.
Status ReadFiles(const AuditFlags& flags, AuditInput& in) {
  for (const std::string& path : flags.files) {
    if (Status read = ReadPath(path, in.resources, in.objects); !read) return read;
  }
  in.set = admission::PolicySet::Build(in.resources);
  bool has_config = false;
  for (const admission::SourcedDocument& d : in.resources) {
    has_config = has_config || admission::GatekeeperConfig::IsConfigDocument(d.doc);
  }
  for (const value::Value& o : in.objects) {
    const std::string api_version = admission::StringAt(o, {"apiVersion"});
    const auto slash = api_version.find('/');
    const std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
    const std::string version =
        slash == std::string::npos ? api_version : api_version.substr(slash + 1);
    if (!has_config || in.set->config().Synced(group, version, admission::StringAt(o, {"kind"}))) {
      in.synced.push_back(o);
    }
  }
  return Ok();
}

// The same from a cluster: Gatekeeper's resources, the objects the constraints match, the kinds
// the Config syncs, and every Namespace (for namespaceSelector).
Status ReadCluster(const AuditFlags& flags, AuditInput& in) {
  std::error_code ec;
  const fs::path scratch =
      fs::temp_directory_path(ec) / ("gatehouse-audit-" + std::to_string(getpid()));
  Result<adapters::KubeConnection> connection =
      adapters::LoadKubeConnection(flags.kubeconfig, scratch.string());
  if (!connection) return connection.error();
  Result<std::shared_ptr<adapters::HttpClient>> http = adapters::MakeHttpClient(connection->tls);
  if (!http) return http.error();
  adapters::KubeClient kube(*connection, *http, std::chrono::seconds(30));
  Result<std::vector<admission::SourcedDocument>> resources =
      adapters::ReadGatekeeperResources(kube, flags.config_namespace);
  fs::remove_all(scratch, ec);
  if (!resources) return resources.error();
  in.resources = std::move(resources).value();
  in.set = admission::PolicySet::Build(in.resources);
  Result<std::vector<value::Value>> objects = adapters::ListAuditedObjects(kube, *in.set);
  if (!objects) return objects.error();
  in.objects = std::move(objects).value();
  for (const admission::SyncedKind& k : in.set->config().sync_only()) {
    Result<std::optional<adapters::ApiResource>> resource =
        adapters::FindApiResource(kube, k.group, k.version, k.kind);
    if (!resource) return resource.error();
    if (!*resource) continue;  // not served: nothing to sync
    Result<std::vector<value::Value>> synced =
        adapters::ListCollection(kube, (*resource)->CollectionPath());
    if (!synced) return synced.error();
    for (value::Value& o : *synced) {
      const std::string ns = admission::StringAt(o, {"metadata", "namespace"});
      if (!ns.empty() && in.set->config().Excluded(admission::Process::kSync, ns)) continue;
      in.synced.push_back(std::move(o));
    }
  }
  Result<std::vector<value::Value>> namespaces =
      adapters::ListCollection(kube, "/api/v1/namespaces");
  if (!namespaces) return namespaces.error();
  in.namespaces = std::move(namespaces).value();
  return Ok();
}

int RunAudit(const AuditFlags& flags) {
  if (flags.files.empty() == flags.kubeconfig.empty()) {
    std::cerr << "gatehouse audit: give the resources and objects with -f PATH, or a cluster "
                 "with --kubeconfig FILE (one of the two)\n";
    return 2;
  }
  if (flags.output != "text" && flags.output != "json") {
    std::cerr << "gatehouse audit: -o must be text or json, not \"" << flags.output << "\"\n";
    return 2;
  }
  AuditInput in;
  if (Status read = flags.kubeconfig.empty() ? ReadFiles(flags, in) : ReadCluster(flags, in);
      !read) {
    std::cerr << "gatehouse audit: " << read.error().ToString() << "\n";
    return 2;
  }
  const std::shared_ptr<const admission::PolicySet>& set = in.set;
  const std::vector<value::Value>& objects = in.objects;
  for (const admission::PolicyProblem& p : set->problems()) {
    std::cerr << "gatehouse audit: " << p.source << ": " << p.kind << " " << p.name << ": "
              << p.error.message << "\n";
  }
  auto inventory = admission::Inventory::Build(in.synced, in.namespaces);
  const admission::AuditOutcome outcome = admission::Audit(*set, objects, *inventory, flags.limit);
  bool denied = false;
  for (const admission::ConstraintAudit& a : outcome.constraints) {
    denied = denied || (a.total_violations > 0 &&
                        a.constraint->action == admission::EnforcementAction::kDeny);
  }
  if (flags.output == "json") {
    for (std::size_t i = 0; i < outcome.all.size(); ++i) {
      const admission::AuditEntry& e = outcome.all[i];
      const admission::Constraint& c = *outcome.all_constraints[i];
      value::Value line = value::Value::MakeObject();
      line.Set("process", "audit");
      line.Set("event_type", "violation_audited");
      line.Set("constraint_group", "constraints.gatekeeper.sh");
      line.Set("constraint_api_version", c.api_version.substr(c.api_version.find('/') + 1));
      line.Set("constraint_kind", c.kind);
      line.Set("constraint_name", c.name);
      line.Set("constraint_action", e.enforcement_action);
      line.Set("resource_group", e.group);
      line.Set("resource_api_version", e.version);
      line.Set("resource_kind", e.kind);
      line.Set("resource_namespace", e.namespace_name);
      line.Set("resource_name", e.name);
      line.Set("msg", e.message);
      std::cout << value::ToJson(line) << "\n";
    }
    for (const admission::ConstraintAudit& a : outcome.constraints) {
      value::Value line = value::Value::MakeObject();
      line.Set("process", "audit");
      line.Set("event_type", "constraint_audited");
      line.Set("constraint_kind", a.constraint->kind);
      line.Set("constraint_name", a.constraint->name);
      line.Set("constraint_action",
               std::string(admission::EnforcementActionName(a.constraint->action)));
      line.Set("total_violations", static_cast<std::int64_t>(a.total_violations));
      std::cout << value::ToJson(line) << "\n";
    }
  } else {
    std::size_t total = 0;
    for (const admission::ConstraintAudit& a : outcome.constraints) {
      total += a.total_violations;
      std::cout << a.constraint->kind << " " << a.constraint->name << " ("
                << admission::EnforcementActionName(a.constraint->action)
                << "): " << a.total_violations << " violations\n";
      for (const admission::AuditEntry& e : a.violations) {
        std::cout << "  " << (e.group.empty() ? "" : e.group + "/") << e.version << " " << e.kind
                  << " " << (e.namespace_name.empty() ? "" : e.namespace_name + "/") << e.name
                  << ": " << e.message << "\n";
      }
    }
    std::cout << outcome.objects_audited << " objects audited, " << outcome.constraints.size()
              << " constraints, " << total << " violations\n";
  }
  std::cout << std::flush;
  if (!set->problems().empty()) return 2;
  return denied ? 1 : 0;
}

}  // namespace

void RegisterAuditCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<AuditFlags>();
  CLI::App* cmd = app.add_subcommand(
      "audit", "Audit objects against Gatekeeper constraints once, as Gatekeeper's audit does");
  cmd->add_option("-f,--filename", flags->files,
                  "files or directories holding templates, constraints, the Config and the "
                  "objects to audit (repeatable)");
  cmd->add_option("--kubeconfig", flags->kubeconfig,
                  "audit a cluster through its API: its templates, constraints and Config, "
                  "and the objects the constraints match");
  cmd->add_option("-n,--namespace", flags->config_namespace,
                  "with --kubeconfig: the namespace of the Config resource (`config`)")
      ->default_str("kube-system");
  cmd->add_option("-o,--output", flags->output, "text or json (JSON lines)");
  cmd->add_option("--constraint-violations-limit", flags->limit,
                  "violations listed per constraint (all are counted)")
      ->default_str("20");
  cmd->callback([flags, exit_code] { *exit_code = RunAudit(*flags); });
}

}  // namespace gatehouse::app
