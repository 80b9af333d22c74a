#include "admission/gatekeeper_config.h"

#include <algorithm>

#include "admission/admission_errors.h"
#include "admission/match.h"

namespace gatehouse::admission {
namespace {

std::string_view ProcessName(Process p) {
  switch (p) {
    case Process::kAudit:
      return "audit";
    case Process::kWebhook:
      return "webhook";
    case Process::kSync:
      return "sync";
    case Process::kMutationWebhook:
      return "mutation-webhook";
  }
  return {};
}

const std::string* StringField(const value::Value& v, std::string_view key) {
  const value::Value* f = v.Find(key);
  return f != nullptr ? f->AsString() : nullptr;
}

}  // namespace

bool GatekeeperConfig::IsConfigDocument(const value::Value& doc) {
  const std::string* api_version = StringField(doc, "apiVersion");
  const std::string* kind = StringField(doc, "kind");
  return api_version != nullptr && kind != nullptr && *kind == "Config" &&
         api_version->starts_with("config.gatekeeper.sh/");
}

Result<GatekeeperConfig> GatekeeperConfig::Parse(const value::Value& doc) {
  auto invalid = [&](const std::string& what) {
    return MakeError(AdmissionError::kInvalidConfig, "Config: " + what);
  };
  if (!IsConfigDocument(doc)) return invalid("not a config.gatekeeper.sh Config");
  GatekeeperConfig c;
  const value::Value* spec = doc.Find("spec");
  if (spec == nullptr || spec->is_null()) return c;
  if (!spec->is_object()) return invalid("spec must be an object");
  if (const value::Value* sync = spec->Find("sync"); sync && sync->is_object()) {
    if (const value::Value* only = sync->Find("syncOnly"); only && !only->is_null()) {
      if (!only->is_array()) return invalid("spec.sync.syncOnly must be a list");
      for (std::size_t i = 0; i < only->AsArray()->size(); ++i) {
        const value::Value& e = (*only->AsArray())[i];
        const std::string at = "spec.sync.syncOnly[" + std::to_string(i) + "]";
        if (!e.is_object()) return invalid(at + " must be an object");
        SyncedKind k;
        for (auto [key, out] : {std::pair<const char*, std::string*>{"group", &k.group},
                                {"version", &k.version},
                                {"kind", &k.kind}}) {
          const value::Value* f = e.Find(key);
          if (f == nullptr || f->is_null()) continue;
          if (!f->is_string()) return invalid(at + "." + key + " must be a string");
          *out = *f->AsString();
        }
        if (k.kind.empty()) return invalid(at + ".kind: Required value");
        c.sync_only_.push_back(std::move(k));
      }
    }
  }
  if (const value::Value* match = spec->Find("match"); match && !match->is_null()) {
    if (!match->is_array()) return invalid("spec.match must be a list");
    for (std::size_t i = 0; i < match->AsArray()->size(); ++i) {
      const value::Value& e = (*match->AsArray())[i];
      const std::string at = "spec.match[" + std::to_string(i) + "]";
      Exclusion x;
      for (auto [key, out] :
           {std::pair<const char*, std::vector<std::string>*>{"excludedNamespaces", &x.namespaces},
            {"processes", &x.processes}}) {
        const value::Value* list = e.Find(key);
        if (list == nullptr || list->is_null()) continue;
        if (!list->is_array()) return invalid(at + "." + key + " must be a list of strings");
        for (const value::Value& s : *list->AsArray()) {
          if (!s.is_string()) return invalid(at + "." + key + " must be a list of strings");
          out->push_back(*s.AsString());
        }
      }
      c.exclusions_.push_back(std::move(x));
    }
  }
  return c;
}

bool GatekeeperConfig::Excluded(Process process, std::string_view ns) const {
  const std::string_view name = ProcessName(process);
  return std::any_of(exclusions_.begin(), exclusions_.end(), [&](const Exclusion& x) {
    const bool applies = std::any_of(x.processes.begin(), x.processes.end(),
                                     [&](const std::string& p) { return p == "*" || p == name; });
    return applies &&
           std::any_of(x.namespaces.begin(), x.namespaces.end(),
                       [&](const std::string& pattern) { return WildcardMatches(pattern, ns); });
  });
}

bool GatekeeperConfig::Synced(std::string_view group, std::string_view version,
                              std::string_view kind) const {
  return std::any_of(sync_only_.begin(), sync_only_.end(), [&](const SyncedKind& k) {
    return k.group == group && k.kind == kind && (k.version.empty() || k.version == version);
  });
}

}  // namespace gatehouse::admission
