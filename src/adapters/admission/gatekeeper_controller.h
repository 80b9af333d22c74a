// GatekeeperController: gatehouse as Gatekeeper's controller (`--gatekeeper-source kubernetes`).
//
// Every replica list-watches ConstraintTemplates, the constraints of every template's kind, the
// Config (`config` in the controller's namespace), Namespaces (for namespaceSelector) and the
// kinds the Config syncs, and publishes a PolicySet and an Inventory for the webhook after each
// change (a settle delay gathers bursts; changes of status, resourceVersion or managedFields
// alone rebuild nothing). A template that does not compile keeps its last good version.
//
// The leader (SetLeading, from a Lease) also does what Gatekeeper's controller does to the
// cluster: creates or updates each template's constraint CRD (`<kind>.constraints.gatekeeper.sh`,
// waiting for Established before `created: true`), deletes the CRD of a deleted template,
// writes `status` on templates and constraints by JSON merge patch on `/status` (only when it
// differs), and runs the audit every `audit_interval` on a thread of its own at low priority —
// listing the kinds the constraints match — writing its results into each constraint's status.
//
// Start() lists templates, Config and Namespaces once and fails when it cannot (RBAC, CRDs not
// installed), so a misconfigured server does not start judging with nothing. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "adapters/kubernetes/api_discovery.h"
#include "adapters/kubernetes/kube_client.h"
#include "adapters/kubernetes/resource_reflector.h"
#include "admission/inventory.h"
#include "admission/policy_set.h"
#include "admission/resource_status.h"
#include "common/result.h"
#include "common/snapshot.h"

namespace gatehouse::adapters {

struct GatekeeperControllerOptions {
  std::string config_namespace;  // where the Config lives (the server's namespace)
  std::string pod_id;            // byPod[].id in status
  std::chrono::milliseconds audit_interval{60000};  // 0: no periodic audit
  std::size_t violations_limit = admission::kDefaultViolationsLimit;
  std::uint64_t max_steps = 5'000'000;
  std::chrono::milliseconds settle{100};
  std::chrono::milliseconds crd_poll{500};  // re-check a CRD not yet Established
  std::size_t max_audited_objects = 200000;
  ReflectorOptions reflector;
};

class GatekeeperController {
 public:
  // Called on the controller's thread after each publication.
  using OnPublish = std::function<void(const admission::PolicySet&)>;

  GatekeeperController(std::shared_ptr<KubeClient> kube, GatekeeperControllerOptions options,
                       std::shared_ptr<Snapshot<admission::PolicySet>> policies,
                       std::shared_ptr<Snapshot<admission::Inventory>> inventory,
                       OnPublish on_publish);
  ~GatekeeperController();
  GatekeeperController(const GatekeeperController&) = delete;
  GatekeeperController& operator=(const GatekeeperController&) = delete;

  // Lists once, publishes the first set, starts watching. Errors: "kube_api_error" (saying
  // which collection and the server's words), the HTTP client's, "invalid_json".
  Status Start();
  void Stop();

  // From leader election: only the leader writes to the cluster and audits.
  void SetLeading(bool leading);
  bool leading() const;

  // Readiness: "" when every watched collection has been listed, else what is missing.
  std::string NotReadyReason() const;
  // Publications so far, and audits finished (tests wait on them).
  std::uint64_t publications() const;
  std::uint64_t audits() const;
  // Runs one audit now (the leader's periodic audit calls it); writes status when leading.
  Status AuditOnce();

 private:
  struct CrdState {
    std::string wanted;  // the CRD we last made sure of, as JSON
    bool established = false;
    std::string error;  // create_error text
  };
  struct Written {
    std::string resource_version;
    std::string patch;
  };

  std::unique_ptr<ResourceReflector> MakeReflector(const std::string& collection,
                                                   const std::string& selector,
                                                   const std::string& what);
  void MarkDirty();
  void Run();
  void RunAudits();
  // One pass: rebuild and publish what changed; as leader, CRDs and status. Returns when to
  // look again without a change (a CRD not yet Established), or nullopt.
  std::optional<std::chrono::milliseconds> Reconcile(bool start_reflectors);
  bool RebuildPolicies();
  void EnsureConstraintReflectors(bool start);
  void EnsureSyncedReflectors(bool start);
  void RebuildInventory();
  bool EnsureCrds();  // false: some CRD is not Established yet
  void DeleteOrphanCrds();
  void WriteStatuses();
  void WriteStatus(const std::string& path, const value::Value& object, const value::Value& wanted,
                   const std::vector<std::string>& owned);

  std::shared_ptr<KubeClient> kube_;
  GatekeeperControllerOptions options_;
  std::shared_ptr<Snapshot<admission::PolicySet>> policies_;
  std::shared_ptr<Snapshot<admission::Inventory>> inventory_;
  OnPublish on_publish_;

  // Owned by the controller thread after Start(); `mutex_` guards the maps that other threads
  // read (readiness) and the flags.
  std::unique_ptr<ResourceReflector> templates_;
  std::unique_ptr<ResourceReflector> config_;
  std::unique_ptr<ResourceReflector> namespaces_;
  std::map<std::string, std::unique_ptr<ResourceReflector>> constraints_;  // by kind
  std::map<std::string, std::unique_ptr<ResourceReflector>> synced_;       // by collection path
  std::map<std::string, ApiResource> synced_resources_;  // "group/version/kind" → resource
  std::string policy_fingerprint_;
  std::string inventory_fingerprint_;
  std::map<std::string, CrdState> crds_;    // by constraint kind
  std::map<std::string, Written> written_;  // by status path
  std::string template_kinds_;              // for orphan CRD deletion, as last seen

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool dirty_ = false;
  bool stopping_ = false;
  bool leading_ = false;
  bool leadership_changed_ = false;
  std::uint64_t publications_ = 0;
  std::uint64_t audits_ = 0;
  std::string not_ready_;
  std::map<std::string, admission::AuditStatus> audit_results_;  // by "Kind/name"
  std::mutex audit_mutex_;                                       // one audit at a time
  std::thread worker_;
  std::thread auditor_;
};

}  // namespace gatehouse::adapters
