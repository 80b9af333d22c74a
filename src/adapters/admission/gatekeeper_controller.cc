#include "adapters/admission/gatekeeper_controller.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <set>
#include <utility>

#include "adapters/admission/gatekeeper_cluster.h"
#include "adapters/http/http_stream.h"
#include "adapters/kubernetes/collection_list.h"
#include "adapters/kubernetes/kubernetes_errors.h"
#include "adapters/kubernetes/watch_event.h"
#include "adapters/log/log.h"
#include "admission/audit.h"
#include "admission/constraint.h"
#include "admission/constraint_crd.h"
#include "admission/document_fields.h"
#include "value/json.h"

namespace gatehouse::adapters {
namespace {

using Clock = std::chrono::steady_clock;

// The part of a document that decides what it means: without status and the server's
// bookkeeping, so a status write or a resourceVersion bump rebuilds nothing.
std::string Meaning(const value::Value& doc) {
  value::Value copy = doc;
  copy.Erase("status");
  if (value::Value* metadata = copy.FindMutable("metadata")) {
    for (const char* field : {"resourceVersion", "managedFields", "generation"}) {
      metadata->Erase(field);
    }
  }
  return value::ToJson(copy);
}

std::string TemplateKind(const value::Value& doc) {
  return admission::StringAt(doc, {"spec", "crd", "spec", "names", "kind"});
}

std::string NameOf(const value::Value& doc) {
  return admission::StringAt(doc, {"metadata", "name"});
}

// A 404 answer described by KubeApiError: the resource's CRD is not installed.
bool NotServed(const Error& e) {
  return e.code == KubernetesError::kApiError && e.message.find("HTTP 404") != std::string::npos;
}

}  // namespace

GatekeeperController::GatekeeperController(
    std::shared_ptr<KubeClient> kube, GatekeeperControllerOptions options,
    std::shared_ptr<Snapshot<admission::PolicySet>> policies,
    std::shared_ptr<Snapshot<admission::Inventory>> inventory, OnPublish on_publish)
    : kube_(std::move(kube)),
      options_(std::move(options)),
      policies_(std::move(policies)),
      inventory_(std::move(inventory)),
      on_publish_(std::move(on_publish)) {}

GatekeeperController::~GatekeeperController() { Stop(); }

std::unique_ptr<ResourceReflector> GatekeeperController::MakeReflector(
    const std::string& collection, const std::string& selector, const std::string& what) {
  Result<std::unique_ptr<HttpStream>> stream = MakeHttpStream(kube_->connection().tls);
  if (!stream) {
    LogError("Kubernetes watch not possible",
             {{"what", what}, {"error", stream.error().ToString()}});
    return nullptr;
  }
  return std::make_unique<ResourceReflector>(
      kube_->connection(), std::move(stream).value(), collection, selector, what,
      [this] { MarkDirty(); },
      [what](const Error& e) {
        LogWarn("Kubernetes list or watch failed", {{"what", what}, {"error", e.ToString()}});
      },
      options_.reflector);
}

void GatekeeperController::MarkDirty() {
  std::lock_guard<std::mutex> lock(mutex_);
  dirty_ = true;
  wake_.notify_all();
}

Status GatekeeperController::Start() {
  templates_ = MakeReflector(kConstraintTemplatesPath, "", "ConstraintTemplates");
  config_ = MakeReflector(ConfigsPath(options_.config_namespace), kConfigSelector,
                          "Config " + options_.config_namespace + "/config");
  namespaces_ = MakeReflector("/api/v1/namespaces", "", "Namespaces");
  if (!templates_ || !config_ || !namespaces_) {
    return MakeError(KubernetesError::kApiError, "cannot open Kubernetes watches");
  }
  const std::pair<ResourceReflector*, const char*> firsts[] = {
      {templates_.get(), " (is Gatekeeper's ConstraintTemplate CRD installed?)"},
      {config_.get(), " (is Gatekeeper's Config CRD installed?)"},
      {namespaces_.get(), ""}};
  for (const auto& [reflector, hint] : firsts) {
    if (Status listed = reflector->List(); !listed) {
      if (NotServed(listed.error())) {
        return MakeError(listed.error().code, listed.error().message + hint);
      }
      return listed;
    }
  }
  Reconcile(false);
  templates_->Start();
  config_->Start();
  namespaces_->Start();
  worker_ = std::thread([this] { Run(); });
  auditor_ = std::thread([this] { RunAudits(); });
  return Ok();
}

void GatekeeperController::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
  if (auditor_.joinable()) auditor_.join();
  constraints_.clear();
  synced_.clear();
  templates_.reset();
  config_.reset();
  namespaces_.reset();
}

void GatekeeperController::SetLeading(bool leading) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (leading_ == leading) return;
  leading_ = leading;
  leadership_changed_ = true;
  dirty_ = true;
  wake_.notify_all();
  LogInfo(leading ? "leading: writing Gatekeeper status and auditing"
                  : "no longer leading: status writes and audit stop",
          {{"pod", options_.pod_id}});
}

bool GatekeeperController::leading() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return leading_;
}

std::string GatekeeperController::NotReadyReason() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return not_ready_;
}

std::uint64_t GatekeeperController::publications() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return publications_;
}

std::uint64_t GatekeeperController::audits() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return audits_;
}

void GatekeeperController::Run() {
  std::optional<Clock::time_point> recheck;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      auto ready = [&] { return stopping_ || dirty_ || (recheck && Clock::now() >= *recheck); };
      if (recheck) {
        wake_.wait_until(lock, *recheck, ready);
      } else {
        wake_.wait(lock, ready);
      }
      if (stopping_) return;
      // Let a burst of events (a list, a kubectl apply of many files) settle into one pass.
      wake_.wait_for(lock, options_.settle, [&] { return stopping_; });
      if (stopping_) return;
      dirty_ = false;
    }
    std::optional<std::chrono::milliseconds> again = Reconcile(true);
    recheck = again ? std::optional<Clock::time_point>(Clock::now() + *again) : std::nullopt;
  }
}

std::optional<std::chrono::milliseconds> GatekeeperController::Reconcile(bool start_reflectors) {
  bool leading = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    leading = leading_;
    if (leadership_changed_) {
      leadership_changed_ = false;
      crds_.clear();
      written_.clear();
      template_kinds_.clear();
    }
  }
  RebuildPolicies();
  const std::size_t before = constraints_.size();
  EnsureConstraintReflectors(start_reflectors);
  // New constraint collections listed at start-up belong in the first set.
  if (!start_reflectors && constraints_.size() != before) RebuildPolicies();
  EnsureSyncedReflectors(start_reflectors);
  RebuildInventory();
  bool crds_settled = true;
  if (leading) {
    crds_settled = EnsureCrds();
    DeleteOrphanCrds();
    WriteStatuses();
  }
  std::string not_ready;
  auto check = [&not_ready](const ResourceReflector* r) {
    if (r != nullptr && !r->synced()) not_ready += (not_ready.empty() ? "" : ", ") + r->what();
  };
  check(templates_.get());
  check(config_.get());
  check(namespaces_.get());
  for (const auto& [kind, r] : constraints_) check(r.get());
  for (const auto& [path, r] : synced_) check(r.get());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    not_ready_ = not_ready.empty() ? "" : "not yet listed: " + not_ready;
  }
  // A CRD not yet Established: look again soon (reflectors that list later say so themselves).
  if (!crds_settled) return options_.crd_poll;
  return std::nullopt;
}

bool GatekeeperController::RebuildPolicies() {
  std::vector<admission::SourcedDocument> docs;
  std::string fingerprint;
  auto add = [&](const ResourceReflector& r) {
    for (const auto& object : r.Objects()) {
      fingerprint += Meaning(*object);
      fingerprint += '\n';
      docs.push_back({ClusterSource(*object), *object});
    }
  };
  add(*templates_);
  add(*config_);
  for (const auto& [kind, r] : constraints_) add(*r);
  if (fingerprint == policy_fingerprint_ && policies_->Load() != nullptr) return false;
  policy_fingerprint_ = std::move(fingerprint);
  std::shared_ptr<const admission::PolicySet> previous = policies_->Load();
  std::shared_ptr<const admission::PolicySet> set =
      admission::PolicySet::Build(docs, previous.get());
  for (const admission::PolicyProblem& p : set->problems()) {
    LogError(
        "Gatekeeper resource refused",
        {{"source", p.source}, {"kind", p.kind}, {"name", p.name}, {"error", p.error.ToString()}});
  }
  policies_->Publish(set);
  if (on_publish_) on_publish_(*set);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++publications_;
  }
  LogInfo("Gatekeeper resources in force",
          {{"templates", std::to_string(set->templates().size())},
           {"constraints", std::to_string(set->constraints().size())},
           {"refused", std::to_string(set->problems().size())}});
  return true;
}

void GatekeeperController::EnsureConstraintReflectors(bool start) {
  std::shared_ptr<const admission::PolicySet> set = policies_->Load();
  std::set<std::string> kinds;
  if (set) {
    for (const auto& [kind, loaded] : set->templates()) kinds.insert(kind);
  }
  for (auto it = constraints_.begin(); it != constraints_.end();) {
    it = kinds.count(it->first) ? std::next(it) : constraints_.erase(it);
  }
  for (const std::string& kind : kinds) {
    if (constraints_.count(kind)) continue;
    auto reflector = MakeReflector(ConstraintsPath(admission::ConstraintResourceName(kind)), "",
                                   kind + " constraints");
    if (!reflector) continue;
    if (!start) (void)reflector->List();  // a 404 (no CRD yet) is retried by the watch
    reflector->Start();
    constraints_.emplace(kind, std::move(reflector));
  }
}

void GatekeeperController::EnsureSyncedReflectors(bool start) {
  std::shared_ptr<const admission::PolicySet> set = policies_->Load();
  std::set<std::string> wanted;
  if (set) {
    for (const admission::SyncedKind& k : set->config().sync_only()) {
      const std::string key = k.group + "/" + k.version + "/" + k.kind;
      auto found = synced_resources_.find(key);
      if (found == synced_resources_.end()) {
        Result<std::optional<ApiResource>> resource =
            FindApiResource(*kube_, k.group, k.version, k.kind);
        if (!resource) {
          LogWarn("cannot look up a synced kind",
                  {{"kind", key}, {"error", resource.error().ToString()}});
          continue;
        }
        if (!*resource) {
          LogWarn("the Config syncs a kind the API server does not serve", {{"kind", key}});
          continue;
        }
        found = synced_resources_.emplace(key, **resource).first;
      }
      wanted.insert(found->second.CollectionPath());
    }
  }
  for (auto it = synced_.begin(); it != synced_.end();) {
    it = wanted.count(it->first) ? std::next(it) : synced_.erase(it);
  }
  for (const std::string& path : wanted) {
    if (synced_.count(path)) continue;
    auto reflector = MakeReflector(path, "", "synced " + path);
    if (!reflector) continue;
    if (!start) (void)reflector->List();
    reflector->Start();
    synced_.emplace(path, std::move(reflector));
  }
}

void GatekeeperController::RebuildInventory() {
  std::string fingerprint = std::to_string(namespaces_->generation());
  for (const auto& [path, r] : synced_) {
    fingerprint += ";" + path + "=" + std::to_string(r->generation());
  }
  std::shared_ptr<const admission::PolicySet> set = policies_->Load();
  // The Config's sync exclusions change what is in the tree without any object changing.
  if (set) {
    for (const admission::GatekeeperConfig::Exclusion& e : set->config().exclusions()) {
      for (const std::string& n : e.namespaces) fingerprint += "|" + n;
      for (const std::string& p : e.processes) fingerprint += "&" + p;
    }
  }
  if (fingerprint == inventory_fingerprint_ && inventory_->Load() != nullptr) return;
  inventory_fingerprint_ = std::move(fingerprint);
  std::vector<value::Value> objects;
  for (const auto& [path, r] : synced_) {
    for (const auto& object : r->Objects()) {
      const std::string ns = admission::StringAt(*object, {"metadata", "namespace"});
      if (set && !ns.empty() && set->config().Excluded(admission::Process::kSync, ns)) continue;
      objects.push_back(*object);
    }
  }
  std::vector<value::Value> namespaces;
  for (const auto& object : namespaces_->Objects()) namespaces.push_back(*object);
  inventory_->Publish(admission::Inventory::Build(objects, namespaces));
}

bool GatekeeperController::EnsureCrds() {
  std::shared_ptr<const admission::PolicySet> set = policies_->Load();
  if (!set) return true;
  bool settled = true;
  for (auto it = crds_.begin(); it != crds_.end();) {
    it = set->FindTemplate(it->first) ? std::next(it) : crds_.erase(it);
  }
  for (const auto& [kind, loaded] : set->templates()) {
    value::Value wanted = admission::ConstraintCrd(loaded.tmpl);
    const std::string wanted_json = value::ToJson(wanted);
    CrdState& state = crds_[kind];
    if (state.wanted == wanted_json && (state.established || !state.error.empty())) continue;
    const std::string name = admission::ConstraintCrdName(loaded.tmpl);
    const std::string path = std::string(kCrdsPath) + "/" + name;
    Result<KubeAnswer> current = kube_->Call("GET", path);
    if (!current) {
      LogWarn("cannot read a constraint CRD",
              {{"crd", name}, {"error", current.error().ToString()}});
      settled = false;
      continue;
    }
    Result<KubeAnswer> written = current;
    if (current->status == 404) {
      written = kube_->Call("POST", kCrdsPath, wanted_json);
    } else if (current->ok()) {
      Result<value::Value> existing = current->Json();
      if (existing && !admission::CrdSpecMatches(*existing, wanted)) {
        if (const std::string* rv = ResourceVersionOf(*existing)) {
          wanted.FindMutable("metadata")->Set("resourceVersion", *rv);
        }
        written = kube_->Call("PUT", path, value::ToJson(wanted));
      }
    }
    if (!written) {
      LogWarn("cannot write a constraint CRD",
              {{"crd", name}, {"error", written.error().ToString()}});
      settled = false;
      continue;
    }
    if (written->status == 409) {  // created or changed meanwhile: read it again
      settled = false;
      continue;
    }
    state.wanted = wanted_json;
    if (!written->ok()) {
      state.established = false;
      state.error = written->Describe();
      LogError("the API server refused a constraint CRD", {{"crd", name}, {"error", state.error}});
      continue;
    }
    state.error.clear();
    Result<value::Value> crd = written->Json();
    state.established = crd && admission::CrdEstablished(*crd);
    if (written.value().status == 201) LogInfo("constraint CRD created", {{"crd", name}});
    if (!state.established) settled = false;
  }
  return settled;
}

void GatekeeperController::DeleteOrphanCrds() {
  if (!templates_->synced()) return;  // never delete on a copy that was not listed
  std::set<std::string> kinds;
  for (const auto& object : templates_->Objects()) kinds.insert(TemplateKind(*object));
  std::string joined;
  for (const std::string& k : kinds) joined += k + ",";
  if (joined == template_kinds_) return;
  Result<std::vector<value::Value>> crds =
      ListCollection(*kube_, kCrdsPath, "labelSelector=gatekeeper.sh%2Fconstraint%3Dyes");
  if (!crds) {
    LogWarn("cannot list constraint CRDs", {{"error", crds.error().ToString()}});
    return;
  }
  template_kinds_ = joined;
  for (const value::Value& crd : *crds) {
    if (admission::StringAt(crd, {"spec", "group"}) != admission::kConstraintsGroup) continue;
    const std::string kind = admission::StringAt(crd, {"spec", "names", "kind"});
    if (kind.empty() || kinds.count(kind)) continue;
    const std::string name = NameOf(crd);
    Result<KubeAnswer> deleted = kube_->Call("DELETE", std::string(kCrdsPath) + "/" + name);
    if (deleted && (deleted->ok() || deleted->status == 404)) {
      LogInfo("constraint CRD of a deleted template removed", {{"crd", name}});
    } else {
      LogWarn(
          "cannot remove a constraint CRD",
          {{"crd", name}, {"error", deleted ? deleted->Describe() : deleted.error().ToString()}});
    }
  }
}

void GatekeeperController::WriteStatuses() {
  std::shared_ptr<const admission::PolicySet> set = policies_->Load();
  if (!set) return;
  std::map<std::string, std::vector<admission::StatusError>> errors;  // by source
  for (const admission::PolicyProblem& p : set->problems()) {
    const char* code =
        p.resource == admission::ResourceKind::kTemplate ? "ingest_error" : "invalid_constraint";
    errors[p.kind + "/" + p.name].push_back({code, p.error.message});
  }
  for (const auto& object : templates_->Objects()) {
    const std::string name = NameOf(*object);
    std::vector<admission::StatusError> found = errors["ConstraintTemplate/" + name];
    bool created = false;
    if (auto crd = crds_.find(TemplateKind(*object)); crd != crds_.end()) {
      created = crd->second.established;
      if (!crd->second.error.empty()) found.push_back({"create_error", crd->second.error});
    }
    WriteStatus(std::string(kConstraintTemplatesPath) + "/" + name + "/status", *object,
                admission::TemplateStatus(*object, options_.pod_id, created, found),
                admission::TemplateStatusFields());
  }
  std::set<std::string> enforced;
  for (const admission::Constraint& c : set->constraints()) enforced.insert(c.kind + "/" + c.name);
  std::map<std::string, admission::AuditStatus> audits;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    audits = audit_results_;
  }
  for (const auto& [kind, reflector] : constraints_) {
    for (const auto& object : reflector->Objects()) {
      const std::string key = kind + "/" + NameOf(*object);
      std::optional<admission::AuditStatus> audit;
      if (auto a = audits.find(key); a != audits.end()) audit = a->second;
      WriteStatus(ConstraintsPath(admission::ConstraintResourceName(kind)) + "/" + NameOf(*object) +
                      "/status",
                  *object,
                  admission::ConstraintStatus(*object, options_.pod_id, enforced.count(key) > 0,
                                              errors[key], audit),
                  admission::ConstraintStatusFields());
    }
  }
}

void GatekeeperController::WriteStatus(const std::string& path, const value::Value& object,
                                       const value::Value& wanted,
                                       const std::vector<std::string>& owned) {
  std::optional<value::Value> patch = admission::StatusPatch(object, wanted, owned);
  if (!patch) return;
  const std::string body = value::ToJson(*patch);
  const std::string* rv = ResourceVersionOf(object);
  Written now{rv ? *rv : "", body};
  // Sent already, and the watch has not brought the result back yet.
  if (auto w = written_.find(path); w != written_.end() &&
                                    w->second.resource_version == now.resource_version &&
                                    w->second.patch == now.patch) {
    return;
  }
  Result<KubeAnswer> answer = kube_->Call("PATCH", path, body, "application/merge-patch+json");
  if (answer && answer->ok()) {
    written_[path] = std::move(now);
    return;
  }
  if (answer && answer->status == 404) return;  // deleted meanwhile
  LogWarn("cannot write status",
          {{"path", path}, {"error", answer ? answer->Describe() : answer.error().ToString()}});
}

void GatekeeperController::RunAudits() {
  // Audit competes with nothing that answers requests: below the webhook's threads.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
  if (options_.audit_interval.count() <= 0) return;
  bool scheduled = false;  // an audit is due at `next` (set when leadership starts)
  Clock::time_point next = Clock::now();
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(500));
      if (stopping_) return;
      if (!leading_) {
        scheduled = false;
        continue;
      }
      if (!scheduled) {
        // Newly leading: the first audit soon, once the copies are listed.
        scheduled = true;
        next = Clock::now() + options_.settle;
        continue;
      }
      if (!not_ready_.empty() || Clock::now() < next) continue;
    }
    (void)AuditOnce();
    next = Clock::now() + options_.audit_interval;
  }
}

Status GatekeeperController::AuditOnce() {
  std::lock_guard<std::mutex> one_at_a_time(audit_mutex_);
  std::shared_ptr<const admission::PolicySet> set = policies_->Load();
  std::shared_ptr<const admission::Inventory> inventory = inventory_->Load();
  if (!set) return Ok();
  if (!inventory) inventory = admission::Inventory::Build({});
  const auto started = Clock::now();
  CollectionListOptions list_options;
  list_options.max_objects = options_.max_audited_objects;
  Result<std::vector<value::Value>> objects = ListAuditedObjects(*kube_, *set, list_options);
  if (!objects) {
    LogWarn("audit could not list objects", {{"error", objects.error().ToString()}});
    return objects.error();
  }
  const admission::AuditOutcome outcome =
      admission::Audit(*set, *objects, *inventory, options_.violations_limit, options_.max_steps);
  const auto now = std::chrono::system_clock::now();
  std::map<std::string, admission::AuditStatus> results;
  for (const admission::ConstraintAudit& a : outcome.constraints) {
    results[a.constraint->kind + "/" + a.constraint->name] =
        admission::AuditStatus{now, a.total_violations, a.violations};
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    audit_results_ = std::move(results);
    ++audits_;
    dirty_ = true;
    wake_.notify_all();
  }
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  LogInfo("audit finished", {{"objects", std::to_string(outcome.objects_audited)},
                             {"violations", std::to_string(outcome.all.size())},
                             {"milliseconds", std::to_string(ms)}});
  return Ok();
}

}  // namespace gatehouse::adapters
