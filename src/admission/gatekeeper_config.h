// GatekeeperConfig: Gatekeeper's `Config` resource (config.gatekeeper.sh/v1alpha1): which kinds
// are synced into data.inventory (`spec.sync.syncOnly`) and which namespaces each process leaves
// alone (`spec.match[]`: `excludedNamespaces` wildcards with `processes`).
//
// Processes are "audit", "webhook", "sync" and "mutation-webhook"; "*" names them all. Pure;
// thread-safe once built.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "value/value.h"

namespace gatehouse::admission {

enum class Process { kAudit, kWebhook, kSync, kMutationWebhook };

struct SyncedKind {
  std::string group;
  std::string version;
  std::string kind;
};

class GatekeeperConfig {
 public:
  struct Exclusion {
    std::vector<std::string> namespaces;  // wildcards
    std::vector<std::string> processes;   // as written; "*" for all
  };

  // True when `doc` is a Config resource (config.gatekeeper.sh/*, kind Config).
  static bool IsConfigDocument(const value::Value& doc);
  static Result<GatekeeperConfig> Parse(const value::Value& doc);

  // Whether `process` leaves namespace `ns` alone.
  bool Excluded(Process process, std::string_view ns) const;
  // Whether objects of this group and kind are synced into the inventory (any version).
  bool Synced(std::string_view group, std::string_view version, std::string_view kind) const;

  const std::vector<SyncedKind>& sync_only() const { return sync_only_; }
  const std::vector<Exclusion>& exclusions() const { return exclusions_; }

 private:
  std::vector<SyncedKind> sync_only_;
  std::vector<Exclusion> exclusions_;
};

}  // namespace gatehouse::admission
