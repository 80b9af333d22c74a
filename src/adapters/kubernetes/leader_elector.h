// LeaderElector: one candidate of a leader election on a coordination.k8s.io/v1 Lease, run the
// way client-go's tools/leaderelection runs a LeaseLock with ReleaseOnCancel.
//
// Each round (RunOnce; the thread started by Start() runs one every retry_period):
// - the holder first renews optimistically: PUT with the resourceVersion of its last write,
//   without reading; if that fails (409 Conflict: the Lease changed; or any error) it falls back
//   to reading, as every other candidate does;
// - GET the Lease; a 404 means create it (POST; 409 AlreadyExists: another candidate was faster,
//   read it next round); otherwise k8s::DecideLease() says renew, acquire (released, or not
//   renewed for leaseDurationSeconds since this candidate saw it change) or follow; a write is a
//   PUT with the resourceVersion read, so of two candidates racing for an expired Lease the
//   server lets one win and answers the other 409 Conflict (read again next round).
// Leadership starts with the first successful write (on_started_leading). It ends
// (on_stopped_leading) when a read shows another holder (or no Lease), or when no write has
// succeeded for renew_deadline since the start of the last round that renewed; the elector
// keeps trying and may lead again. is_leader() turns false at that deadline even while a request
// is still in flight, so work guarded by it stops before others may take over (they wait
// lease_duration > renew_deadline from the last renewal they saw). Give the KubeClient a request
// timeout below renew_deadline - retry_period, so rounds end on time.
//
// Stop() ends leadership (is_leader() false, on_stopped_leading, which should stop the guarded
// work) and then releases the Lease if this candidate holds it: PUT holderIdentity "",
// leaseDurationSeconds 1, so another candidate takes over at once rather than after the lease
// ran out. It then joins the thread. The release comes after the callback, not before as in
// client-go, so two leaders never overlap during shutdown.
//
// Threading: the callbacks run on the elector's thread (on the caller's for RunOnce() and for a
// Stop() without Start()); they must not call Stop(). Start(), Stop() and RunOnce() belong to
// one controlling thread, and RunOnce() is for callers that schedule rounds themselves (and for
// tests): never call it after Start(). is_leader() may be called from any thread. Callbacks
// must not throw. The client, the clock and the callbacks' targets must outlive the elector.
// Failures are logged (warn) with the API's message, never credentials.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "adapters/kubernetes/kube_client.h"
#include "common/clock.h"
#include "common/result.h"
#include "k8s/lease.h"

namespace gatehouse::adapters {

struct LeaderElectorOptions {
  std::string namespace_name;  // the Lease's namespace
  std::string name;            // the Lease's name
  std::string identity;        // this candidate's holderIdentity, unique among candidates
  std::chrono::seconds lease_duration{15};  // written as leaseDurationSeconds
  std::chrono::milliseconds renew_deadline{10000};
  std::chrono::milliseconds retry_period{2000};
};

struct LeaderCallbacks {
  std::function<void()> on_started_leading;  // may be empty
  std::function<void()> on_stopped_leading;  // may be empty
};

// Ok, or "invalid_argument" naming the rule broken: namespace_name and name are non-empty DNS
// subdomains (lowercase letters, digits, '-', '.'; at most 253 bytes; they go into the URL
// path); identity is non-empty ("" means released); lease_duration >= 1 s; retry_period > 0;
// lease_duration > renew_deadline > retry_period (client-go's rules, so a holder gives up
// before others may take over, and tries more than once first).
Status ValidateLeaderElectorOptions(const LeaderElectorOptions& options);

class LeaderElector {
 public:
  LeaderElector(KubeClient& client, LeaderElectorOptions options, LeaderCallbacks callbacks = {},
                const Clock& clock = SystemClock::Instance());
  ~LeaderElector();  // Stop()
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  // Starts the thread: a round at once, then one every retry_period until Stop(). Errors:
  // ValidateLeaderElectorOptions()'s, and "invalid_argument" when already started or stopped
  // (an elector runs once).
  Status Start();
  // Idempotent; returns after the release (when holding) and the join. Bounded by the
  // client's request timeout.
  void Stop();

  // One round; true when this candidate holds the Lease afterwards (it wrote it successfully).
  // Calls the callbacks when leadership starts or ends.
  bool RunOnce();

  // Leading, and the renew deadline of the last successful round has not passed.
  bool is_leader() const;

 private:
  struct Round {
    bool held = false;      // a write succeeded: this candidate holds the Lease
    bool not_mine = false;  // a read showed another holder, a released Lease or none
  };
  Round TryAcquireOrRenew();
  // Takes the server's answer to a successful write as the new observation.
  void Adopt(const KubeAnswer& answer, k8s::LeaseRecord written);
  Result<KubeAnswer> Write(std::string_view method, const k8s::LeaseRecord& record);
  void StartLeading();
  void StopLeading(std::string_view why, bool lost);  // lost: logged as a warning
  void Release();
  void Finish();  // end of the run: stop leading, release
  void Run();
  bool WaitFor(std::chrono::milliseconds delay);  // false once stopping

  KubeClient& client_;
  const LeaderElectorOptions options_;
  const LeaderCallbacks callbacks_;
  const Clock& clock_;
  const Status valid_;  // ValidateLeaderElectorOptions(options_)
  const std::string lease_path_;
  const std::string collection_path_;
  const std::string lease_label_;  // "namespace/name" for logs

  // Round state: one thread at a time (the elector's thread while it runs, else the caller).
  std::optional<k8s::LeaseObservation> observed_;
  bool leading_ = false;  // between on_started_leading and on_stopped_leading
  std::chrono::steady_clock::time_point last_renewal_start_{};

  std::atomic<bool> leader_{false};
  std::atomic<std::int64_t> leader_until_ns_{0};  // Clock::Monotonic() since epoch

  std::mutex mutex_;
  std::condition_variable wake_;
  bool started_ = false;
  bool stopping_ = false;
  bool finished_ = false;
  std::thread thread_;
};

}  // namespace gatehouse::adapters
