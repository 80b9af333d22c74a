#include "adapters/kubernetes/leader_elector.h"

#include <utility>

#include "adapters/log/log.h"
#include "common/common_errors.h"
#include "value/json.h"

namespace gatehouse::adapters {
namespace {

using std::chrono::steady_clock;

constexpr std::string_view kNamespacesPath = "/apis/coordination.k8s.io/v1/namespaces/";

bool IsDnsSubdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  auto alphanumeric = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  for (char c : s) {
    if (!alphanumeric(c) && c != '-' && c != '.') return false;
  }
  return alphanumeric(s.front()) && alphanumeric(s.back());
}

std::int64_t Nanos(steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

Status Invalid(std::string message) {
  return MakeError(CommonError::kInvalidArgument, "leader election: " + std::move(message));
}

std::string Millis(std::chrono::milliseconds d) { return std::to_string(d.count()) + "ms"; }

// What went wrong with a request: the transport error, or the API's status and message.
std::string Failure(const Result<KubeAnswer>& answer, const std::string& doing) {
  if (!answer) return answer.error().ToString();
  return KubeApiError(doing, *answer).ToString();
}

Result<k8s::LeaseRecord> ParseLeaseAnswer(const KubeAnswer& answer) {
  Result<value::Value> json = answer.Json();
  if (!json) return json.error();
  return k8s::ParseLease(*json);
}

}  // namespace

Status ValidateLeaderElectorOptions(const LeaderElectorOptions& options) {
  if (!IsDnsSubdomain(options.namespace_name)) {
    return Invalid("the namespace must be a DNS subdomain (lowercase letters, digits, '-', '.')");
  }
  if (!IsDnsSubdomain(options.name)) {
    return Invalid("the Lease name must be a DNS subdomain (lowercase letters, digits, '-', '.')");
  }
  if (options.identity.empty()) return Invalid("the identity must not be empty");
  if (options.lease_duration < std::chrono::seconds(1)) {
    return Invalid("the lease duration must be at least 1s");
  }
  if (options.retry_period <= std::chrono::milliseconds(0)) {
    return Invalid("the retry period must be positive");
  }
  if (options.renew_deadline <= options.retry_period) {
    return Invalid("the renew deadline (" + Millis(options.renew_deadline) +
                   ") must be longer than the retry period (" + Millis(options.retry_period) + ")");
  }
  if (options.lease_duration <= options.renew_deadline) {
    return Invalid("the lease duration (" + std::to_string(options.lease_duration.count()) +
                   "s) must be longer than the renew deadline (" + Millis(options.renew_deadline) +
                   ")");
  }
  return Ok();
}

LeaderElector::LeaderElector(KubeClient& client, LeaderElectorOptions options,
                             LeaderCallbacks callbacks, const Clock& clock)
    : client_(client),
      options_(std::move(options)),
      callbacks_(std::move(callbacks)),
      clock_(clock),
      valid_(ValidateLeaderElectorOptions(options_)),
      lease_path_(std::string(kNamespacesPath) + options_.namespace_name + "/leases/" +
                  options_.name),
      collection_path_(std::string(kNamespacesPath) + options_.namespace_name + "/leases"),
      lease_label_(options_.namespace_name + "/" + options_.name) {}

LeaderElector::~LeaderElector() { Stop(); }

Status LeaderElector::Start() {
  if (!valid_) return valid_;
  std::lock_guard<std::mutex> lock(mutex_);
  if (started_ || stopping_) return Invalid("the elector was already started or stopped");
  started_ = true;
  thread_ = std::thread([this] { Run(); });
  return Ok();
}

void LeaderElector::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finished_) return;
    stopping_ = true;
    finished_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();  // the thread finishes (stops leading, releases) before it ends
  } else {
    Finish();
  }
}

bool LeaderElector::is_leader() const {
  return leader_.load() && Nanos(clock_.Monotonic()) < leader_until_ns_.load();
}

bool LeaderElector::RunOnce() {
  if (!valid_) return false;
  const steady_clock::time_point start = clock_.Monotonic();
  const Round round = TryAcquireOrRenew();
  if (leading_ && round.not_mine) {
    StopLeading("the lease shows another holder or none", true);
  } else if (leading_ && !round.held &&
             clock_.Monotonic() - last_renewal_start_ >= options_.renew_deadline) {
    StopLeading("the lease was not renewed within the renew deadline", true);
  }
  if (round.held) {
    // From the start of the round: the server may have applied the write at any moment after.
    last_renewal_start_ = start;
    leader_until_ns_.store(Nanos(start + options_.renew_deadline));
    if (!leading_) StartLeading();
  }
  return round.held;
}

LeaderElector::Round LeaderElector::TryAcquireOrRenew() {
  const k8s::LeaseCandidate me{options_.identity, options_.lease_duration};
  // 1. The holder renews without reading, expecting its last write to be the current version.
  if (observed_ && observed_->record.holder_identity == options_.identity &&
      !observed_->record.resource_version.empty() &&
      k8s::LeaseStillValid(*observed_, clock_.Monotonic())) {
    k8s::LeasePlan plan = k8s::DecideLease(me, observed_, {clock_.Now(), clock_.Monotonic()});
    Result<KubeAnswer> answer = Write("PUT", plan.record);
    if (answer && answer->ok()) {
      Adopt(*answer, std::move(plan.record));
      return Round{true, false};
    }
    LogWarn(
        "leader election: renewing without reading failed; reading the lease",
        {{"lease", lease_label_}, {"error", Failure(answer, "renewing Lease " + lease_label_)}});
  }

  // 2. Read the Lease (404: it does not exist).
  Result<KubeAnswer> got = client_.Call("GET", lease_path_);
  if (!got || (!got->ok() && got->status != 404)) {
    LogWarn("leader election: reading the lease failed",
            {{"lease", lease_label_}, {"error", Failure(got, "reading Lease " + lease_label_)}});
    return Round{};
  }
  if (got->status == 404) {
    observed_.reset();
  } else {
    Result<k8s::LeaseRecord> record = ParseLeaseAnswer(*got);
    if (!record) {
      LogWarn("leader election: the lease read is not a valid Lease",
              {{"lease", lease_label_}, {"error", record.error().ToString()}});
      return Round{};
    }
    if (!observed_ || observed_->record.holder_identity != record->holder_identity) {
      LogInfo("leader election: lease holder observed",
              {{"lease", lease_label_}, {"holder", record->holder_identity}});
    }
    observed_ = k8s::ObserveLease(observed_, std::move(record).value(), clock_.Monotonic());
  }
  Round round;
  round.not_mine = !observed_ || observed_->record.holder_identity != options_.identity;

  // 3. Create, renew, acquire or follow.
  k8s::LeasePlan plan = k8s::DecideLease(me, observed_, {clock_.Now(), clock_.Monotonic()});
  if (plan.action == k8s::LeaseAction::kFollow) return round;
  const bool create = plan.action == k8s::LeaseAction::kCreate;
  const std::string doing =
      std::string(k8s::LeaseActionName(plan.action)) + " Lease " + lease_label_;
  Result<KubeAnswer> answer = Write(create ? "POST" : "PUT", plan.record);
  if (answer && answer->ok()) {
    Adopt(*answer, std::move(plan.record));
    round.held = true;
    return round;
  }
  if (answer && answer->status == 409) {
    // AlreadyExists (create) or Conflict (update): another candidate wrote first; the next
    // round reads what it wrote.
    LogInfo("leader election: another candidate wrote the lease first",
            {{"lease", lease_label_},
             {"action", std::string(k8s::LeaseActionName(plan.action))},
             {"reason", answer->Reason()}});
    return round;
  }
  LogWarn("leader election: writing the lease failed",
          {{"lease", lease_label_}, {"error", Failure(answer, doing)}});
  return round;
}

Result<KubeAnswer> LeaderElector::Write(std::string_view method, const k8s::LeaseRecord& record) {
  const bool create = method == "POST";
  // A PUT without resourceVersion is an unconditional update: it would overwrite whatever
  // another candidate wrote since.
  if (!create && record.resource_version.empty()) {
    return MakeError(CommonError::kInvalidArgument,
                     "no resourceVersion to update Lease " + lease_label_ + " against");
  }
  const std::string body =
      value::ToJson(k8s::LeaseObject(options_.namespace_name, options_.name, record));
  return client_.Call(method, create ? collection_path_ : lease_path_, body);
}

void LeaderElector::Adopt(const KubeAnswer& answer, k8s::LeaseRecord written) {
  Result<k8s::LeaseRecord> record = ParseLeaseAnswer(answer);
  if (record) {
    observed_ = k8s::LeaseObservation{std::move(record).value(), clock_.Monotonic()};
    return;
  }
  LogWarn("leader election: the answer to a write is not a valid Lease; reading it next round",
          {{"lease", lease_label_}, {"error", record.error().ToString()}});
  written.resource_version.clear();  // unknown: the next round reads before writing
  observed_ = k8s::LeaseObservation{std::move(written), clock_.Monotonic()};
}

void LeaderElector::StartLeading() {
  leading_ = true;
  leader_.store(true);
  LogInfo("leader election: started leading",
          {{"lease", lease_label_}, {"identity", options_.identity}});
  if (callbacks_.on_started_leading) callbacks_.on_started_leading();
}

void LeaderElector::StopLeading(std::string_view why, bool lost) {
  leading_ = false;
  leader_.store(false);
  Log(lost ? LogLevel::kWarn : LogLevel::kInfo, "leader election: stopped leading",
      {{"lease", lease_label_}, {"identity", options_.identity}, {"reason", std::string(why)}});
  if (callbacks_.on_stopped_leading) callbacks_.on_stopped_leading();
}

void LeaderElector::Release() {
  if (!observed_ || observed_->record.holder_identity != options_.identity) return;
  k8s::LeaseRecord released = k8s::ReleasedLease(observed_->record, clock_.Now());
  Result<KubeAnswer> answer = Write("PUT", released);
  if (answer && answer->ok()) {
    Adopt(*answer, std::move(released));
    LogInfo("leader election: released the lease",
            {{"lease", lease_label_}, {"identity", options_.identity}});
    return;
  }
  LogWarn("leader election: releasing the lease failed",
          {{"lease", lease_label_}, {"error", Failure(answer, "releasing Lease " + lease_label_)}});
}

void LeaderElector::Finish() {
  if (leading_) StopLeading("stopping", false);
  Release();
}

void LeaderElector::Run() {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) break;
    }
    RunOnce();
    if (!WaitFor(options_.retry_period)) break;
  }
  Finish();
}

bool LeaderElector::WaitFor(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, delay, [this] { return stopping_; });
  return !stopping_;
}

}  // namespace gatehouse::adapters
