// LeaderElector against what a real kube-apiserver 1.26 answered in a leader election
// (tests/data/kube-apiserver-1.26/api/lease-leader-election.json), asserting each request's
// method, path and body as client-go's leaderelection would send them. Rounds are driven one at
// a time with RunOnce() on a ManualClock, so expiry and deadlines need no sleeping; the thread
// is tested over real sockets (FakeKubeApi) and with two candidates on an emulated Lease API.
#include "adapters/kubernetes/leader_elector.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "adapters/http/http_errors.h"
#include "common/common_errors.h"
#include "k8s/lease.h"
#include "unit/adapters/kubernetes/fake_kube_api.h"
#include "unit/adapters/recording_http_client.h"
#include "value/json.h"

namespace gatehouse::adapters {
namespace {

using namespace std::chrono_literals;
using testing::CapturedExchange;
using testing::FakeAnswer;
using testing::FakeKubeApi;
using testing::LoadCapturedExchanges;
using testing::RecordingHttpClient;
using testing::Respond;

constexpr const char* kServer = "https://api.test:6443";
constexpr const char* kHolderA = "gatehouse-0_5f1c2a";
constexpr const char* kHolderB = "gatehouse-1_9d04e7";
const std::string kLeasePath =
    "/apis/coordination.k8s.io/v1/namespaces/gatehouse-system/leases/gatehouse-leader";
const std::string kCollectionPath =
    "/apis/coordination.k8s.io/v1/namespaces/gatehouse-system/leases";

// The captured exchanges, by index (see the file's "step"s):
//  0 GET 404            1 POST 201 (A, rv 244)     2 PUT 200 renew (rv 245)
//  3 POST 409 AlreadyExists (B)    4 GET 200 (A holds, rv 245)   5 PUT 409 Conflict (B, stale)
//  6 PUT 200 renew (rv 246)        7 PUT 200 release (holder "", rv 247)
//  8 GET 200 (rv 247)              9 PUT 200 acquire (B, transitions 1, rv 248)
std::vector<CapturedExchange> Capture() {
  std::vector<CapturedExchange> exchanges = LoadCapturedExchanges("lease-leader-election.json");
  EXPECT_EQ(exchanges.size(), 16u);
  return exchanges;
}

// The request body of captured exchange `i` (LoadCapturedExchanges keeps the answers only).
value::Value CapturedRequestBody(std::size_t i) {
  std::ifstream in(std::filesystem::path(GATEHOUSE_TEST_DATA_DIR) / "kube-apiserver-1.26" / "api" /
                   "lease-leader-election.json");
  std::stringstream text;
  text << in.rdbuf();
  Result<value::Value> doc = value::ParseJson(text.str());
  EXPECT_TRUE(doc);
  if (!doc) return value::Value();
  return *(*doc->Find("exchanges")->AsArray())[i].Find("request")->Find("body");
}

HttpResponse AsResponse(const FakeAnswer& answer) {
  return Respond(answer.status, answer.body.value_or(""), answer.headers);
}

// The A client's clock at the captured create: 2026-12-04T15:34:47.696687Z (plus nanoseconds,
// which the wire format floors away).
std::chrono::system_clock::time_point CaptureStart() {
  using namespace std::chrono;
  return sys_days(year(2026) / 12 / 4) + 15h + 34min + 47s + 696687us + 321ns;
}

std::string MicroTimeAt(const Clock& clock) {
  return k8s::FormatMicroTime(std::chrono::floor<std::chrono::microseconds>(clock.Now()));
}

// An HttpClient answering each request with the next scripted response; when the script runs
// out it fails like an unreachable server, so an unexpected request shows in the assertions.
class ScriptedApi {
 public:
  ScriptedApi()
      : http_(std::make_shared<RecordingHttpClient>(
            [this](const HttpRequest&) -> Result<HttpResponse> { return Next(); })) {}

  void Push(HttpResponse response) {
    std::lock_guard<std::mutex> lock(mutex_);
    script_.push_back(std::move(response));
  }
  void Push(const FakeAnswer& answer) { Push(AsResponse(answer)); }
  std::shared_ptr<HttpClient> http() const { return http_; }
  std::vector<HttpRequest> requests() const { return http_->requests(); }
  std::size_t left() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return script_.size();
  }

 private:
  Result<HttpResponse> Next() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (script_.empty()) return MakeError(HttpError::kConnect, "the test script has no answer");
    HttpResponse next = std::move(script_.front());
    script_.pop_front();
    return next;
  }

  mutable std::mutex mutex_;
  std::deque<HttpResponse> script_;
  std::shared_ptr<RecordingHttpClient> http_;
};

KubeConnection Connection(std::string server = kServer) {
  KubeConnection connection;
  connection.server = std::move(server);
  connection.bearer_token = "elector-test-token";
  return connection;
}

LeaderElectorOptions Options(std::string identity) {
  LeaderElectorOptions options;
  options.namespace_name = "gatehouse-system";
  options.name = "gatehouse-leader";
  options.identity = std::move(identity);
  return options;  // 15 s, 10 s, 2 s: client-go's defaults
}

struct Sent {
  std::string method;
  std::string path;
  value::Value body;  // null when the request had none
  const value::Value& spec() const { return *body.Find("spec"); }
  std::string rv() const {
    const value::Value* rv = body.Find("metadata")->Find("resourceVersion");
    return rv != nullptr ? *rv->AsString() : "<none>";
  }
};

Sent Decode(const HttpRequest& request) {
  Sent sent;
  sent.method = request.method;
  sent.path = request.url.rfind(kServer, 0) == 0 ? request.url.substr(std::string(kServer).size())
                                                 : request.url;
  if (!request.body.empty()) {
    Result<value::Value> body = value::ParseJson(request.body);
    EXPECT_TRUE(body) << request.body;
    if (body) sent.body = *body;
  }
  return sent;
}

std::vector<Sent> Sents(const ScriptedApi& api) {
  std::vector<Sent> out;
  for (const HttpRequest& request : api.requests()) out.push_back(Decode(request));
  return out;
}

std::string SpecString(const Sent& sent, const char* key) {
  const value::Value* v = sent.spec().Find(key);
  return v != nullptr && v->AsString() ? *v->AsString() : "<absent>";
}
std::int64_t SpecInt(const Sent& sent, const char* key) {
  const value::Value* v = sent.spec().Find(key);
  return v != nullptr && v->AsInt() ? *v->AsInt() : -1;
}

// The callbacks' calls, with the thread each ran on; waits are bounded.
class Callbacks {
 public:
  LeaderCallbacks Make() {
    return LeaderCallbacks{[this] { Record(true); }, [this] { Record(false); }};
  }
  // Runs inside on_stopped_leading, before it is counted.
  void OnStopped(std::function<void()> hook) { on_stopped_hook_ = std::move(hook); }
  int started() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return started_;
  }
  int stopped() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stopped_;
  }
  std::vector<std::thread::id> threads() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return threads_;
  }
  bool WaitForStarted(int n, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return started_ >= n; });
  }

 private:
  void Record(bool started) {
    if (!started && on_stopped_hook_) on_stopped_hook_();
    std::lock_guard<std::mutex> lock(mutex_);
    (started ? started_ : stopped_) += 1;
    threads_.push_back(std::this_thread::get_id());
    changed_.notify_all();
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::function<void()> on_stopped_hook_;
  int started_ = 0;
  int stopped_ = 0;
  std::vector<std::thread::id> threads_;
};

class LeaderElectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    exchanges_ = Capture();
    ASSERT_EQ(exchanges_.size(), 16u);
  }
  const FakeAnswer& Answer(std::size_t i) const { return exchanges_[i].answer; }

  // A creates the lease (exchanges 0 and 1) and leads.
  void BecomeLeader(LeaderElector& elector) {
    api_.Push(Answer(0));
    api_.Push(Answer(1));
    ASSERT_TRUE(elector.RunOnce());
    ASSERT_TRUE(elector.is_leader());
    ASSERT_EQ(api_.requests().size(), 2u);
  }

  std::vector<CapturedExchange> exchanges_;
  ScriptedApi api_;
  KubeClient client_{Connection(), api_.http(), std::chrono::milliseconds(1000)};
  ManualClock clock_{CaptureStart()};
  Callbacks callbacks_;
};

TEST_F(LeaderElectorTest, CreatesTheLeaseWhenItDoesNotExist) {
  LeaderElector elector(client_, Options(kHolderA), callbacks_.Make(), clock_);
  EXPECT_FALSE(elector.is_leader());
  BecomeLeader(elector);
  EXPECT_EQ(callbacks_.started(), 1);
  EXPECT_EQ(callbacks_.stopped(), 0);

  const std::vector<Sent> sent = Sents(api_);
  EXPECT_EQ(sent[0].method, "GET");
  EXPECT_EQ(sent[0].path, kLeasePath);
  EXPECT_TRUE(sent[0].body.is_null());
  EXPECT_EQ(sent[1].method, "POST");
  EXPECT_EQ(sent[1].path, kCollectionPath);
  // At the captured moment, the body is exactly what the captured candidate A created.
  const value::Value captured_create = CapturedRequestBody(1);
  EXPECT_EQ(sent[1].body, captured_create) << value::ToJson(sent[1].body);
  EXPECT_EQ(sent[1].rv(), "<none>");
  EXPECT_EQ(SpecString(sent[1], "renewTime"), "2026-12-04T15:34:47.696687Z");
  const std::vector<HttpRequest> requests = api_.requests();
  bool json = false;
  for (const auto& [name, value] : requests[1].headers) {
    json = json || (name == "Content-Type" && value == "application/json");
  }
  EXPECT_TRUE(json);
}

TEST_F(LeaderElectorTest, RenewsWithoutReadingAtTheLastResourceVersion) {
  LeaderElector elector(client_, Options(kHolderA), callbacks_.Make(), clock_);
  BecomeLeader(elector);
  clock_.Advance(1s);
  api_.Push(Answer(2));  // 200, rv 245
  ASSERT_TRUE(elector.RunOnce());
  clock_.Advance(2s);
  api_.Push(Answer(6));  // 200, rv 246
  ASSERT_TRUE(elector.RunOnce());

  const std::vector<Sent> sent = Sents(api_);
  ASSERT_EQ(sent.size(), 4u);  // no GET before either renewal
  EXPECT_EQ(sent[2].method, "PUT");
  EXPECT_EQ(sent[2].path, kLeasePath);
  EXPECT_EQ(sent[2].rv(), "244");  // the create's answer
  EXPECT_EQ(SpecString(sent[2], "holderIdentity"), kHolderA);
  EXPECT_EQ(SpecInt(sent[2], "leaseDurationSeconds"), 15);
  EXPECT_EQ(SpecString(sent[2], "acquireTime"), "2026-12-04T15:34:47.696687Z");  // kept
  EXPECT_EQ(SpecString(sent[2], "renewTime"), "2026-12-04T15:34:48.696687Z");
  EXPECT_EQ(SpecInt(sent[2], "leaseTransitions"), 0);
  EXPECT_EQ(sent[3].method, "PUT");
  EXPECT_EQ(sent[3].rv(), "245");  // the first renewal's answer
  EXPECT_EQ(SpecString(sent[3], "renewTime"), MicroTimeAt(clock_));
  EXPECT_TRUE(elector.is_leader());
  EXPECT_EQ(callbacks_.started(), 1);
  EXPECT_EQ(callbacks_.stopped(), 0);
}

TEST_F(LeaderElectorTest, AlreadyExistsThenFollowsThenTakesOverAfterExpiry) {
  LeaderElector elector(client_, Options(kHolderB), callbacks_.Make(), clock_);
  api_.Push(Answer(0));  // 404
  api_.Push(Answer(3));  // 409 AlreadyExists: A was faster
  EXPECT_FALSE(elector.RunOnce());
  api_.Push(Answer(4));  // A holds it, rv 245
  EXPECT_FALSE(elector.RunOnce());
  // Unchanged for 14 s: still A's.
  clock_.Advance(14s);
  api_.Push(Answer(4));
  EXPECT_FALSE(elector.RunOnce());
  EXPECT_FALSE(elector.is_leader());
  EXPECT_EQ(api_.requests().size(), 4u);  // GET, POST, GET, GET: no write while A is valid
  // 15 s after B first saw this spec: expired, B takes over.
  clock_.Advance(1s);
  api_.Push(Answer(4));
  api_.Push(Answer(9));  // 200, B holds it, rv 248
  EXPECT_TRUE(elector.RunOnce());
  EXPECT_TRUE(elector.is_leader());
  EXPECT_EQ(callbacks_.started(), 1);

  const std::vector<Sent> sent = Sents(api_);
  ASSERT_EQ(sent.size(), 6u);
  EXPECT_EQ(sent[1].method, "POST");
  EXPECT_EQ(SpecString(sent[1], "holderIdentity"), kHolderB);
  for (std::size_t i : {0u, 2u, 3u, 4u}) {
    EXPECT_EQ(sent[i].method, "GET") << i;
    EXPECT_EQ(sent[i].path, kLeasePath) << i;
  }
  const Sent& take = sent[5];
  EXPECT_EQ(take.method, "PUT");
  EXPECT_EQ(take.path, kLeasePath);
  EXPECT_EQ(take.rv(), "245");
  EXPECT_EQ(SpecString(take, "holderIdentity"), kHolderB);
  EXPECT_EQ(SpecInt(take, "leaseDurationSeconds"), 15);
  EXPECT_EQ(SpecInt(take, "leaseTransitions"), 1);
  EXPECT_EQ(SpecString(take, "acquireTime"), MicroTimeAt(clock_));
  EXPECT_EQ(SpecString(take, "renewTime"), MicroTimeAt(clock_));
}

TEST_F(LeaderElectorTest, ExpiryCountsFromTheLastChangeSeenNotFromRenewTime) {
  LeaderElector elector(client_, Options(kHolderB), callbacks_.Make(), clock_);
  api_.Push(Answer(4));  // A's lease, rv 245
  EXPECT_FALSE(elector.RunOnce());
  clock_.Advance(10s);
  api_.Push(Answer(6));  // A renewed: rv 246, a new renewTime
  EXPECT_FALSE(elector.RunOnce());
  clock_.Advance(14s);  // 24 s after the first read, 14 s after the change
  api_.Push(Answer(6));
  EXPECT_FALSE(elector.RunOnce());
  EXPECT_EQ(api_.requests().size(), 3u);
  clock_.Advance(1s);
  api_.Push(Answer(6));
  api_.Push(Answer(9));
  EXPECT_TRUE(elector.RunOnce());
  const std::vector<Sent> sent = Sents(api_);
  ASSERT_EQ(sent.size(), 5u);
  EXPECT_EQ(sent[4].method, "PUT");
  EXPECT_EQ(sent[4].rv(), "246");
  EXPECT_EQ(SpecInt(sent[4], "leaseTransitions"), 1);
}

TEST_F(LeaderElectorTest, ConflictOnRenewRereadsAndStepsDownForTheNewHolder) {
  LeaderElector elector(client_, Options(kHolderA), callbacks_.Make(), clock_);
  BecomeLeader(elector);
  clock_.Advance(1s);
  api_.Push(Answer(5));  // 409 Conflict on the optimistic renewal
  api_.Push(Answer(9));  // the re-read: B holds it (rv 248)
  EXPECT_FALSE(elector.RunOnce());
  EXPECT_FALSE(elector.is_leader());
  EXPECT_EQ(callbacks_.started(), 1);
  EXPECT_EQ(callbacks_.stopped(), 1);
  const std::vector<Sent> sent = Sents(api_);
  ASSERT_EQ(sent.size(), 4u);  // no write after the re-read: B's lease is valid
  EXPECT_EQ(sent[2].method, "PUT");
  EXPECT_EQ(sent[2].rv(), "244");
  EXPECT_EQ(sent[3].method, "GET");
  EXPECT_EQ(sent[3].path, kLeasePath);
  // Not the holder: Stop() releases nothing.
  elector.Stop();
  EXPECT_EQ(api_.requests().size(), 4u);
  EXPECT_EQ(callbacks_.stopped(), 1);
}

TEST_F(LeaderElectorTest, ConflictOnRenewRereadsAndRenewsAtTheNewVersion) {
  LeaderElector elector(client_, Options(kHolderA), callbacks_.Make(), clock_);
  BecomeLeader(elector);
  clock_.Advance(1s);
  api_.Push(Answer(5));  // 409 Conflict
  api_.Push(Answer(2));  // the re-read: still A's, at rv 245
  api_.Push(Answer(6));  // 200, rv 246
  EXPECT_TRUE(elector.RunOnce());
  EXPECT_TRUE(elector.is_leader());
  EXPECT_EQ(callbacks_.stopped(), 0);
  const std::vector<Sent> sent = Sents(api_);
  ASSERT_EQ(sent.size(), 5u);
  EXPECT_EQ(sent[2].method, "PUT");
  EXPECT_EQ(sent[2].rv(), "244");
  EXPECT_EQ(sent[3].method, "GET");
  EXPECT_EQ(sent[4].method, "PUT");
  EXPECT_EQ(sent[4].rv(), "245");
  EXPECT_EQ(SpecString(sent[4], "holderIdentity"), kHolderA);
  EXPECT_EQ(SpecInt(sent[4], "leaseTransitions"), 0);
}

TEST_F(LeaderElectorTest, StopStepsDownThenReleasesTheLease) {
  LeaderElector elector(client_, Options(kHolderA), callbacks_.Make(), clock_);
  BecomeLeader(elector);
  clock_.Advance(2s);
  std::size_t requests_when_stopped = 0;
  bool leader_when_stopped = true;
  callbacks_.OnStopped([&] {
    requests_when_stopped = api_.requests().size();
    leader_when_stopped = elector.is_leader();
  });
  api_.Push(Answer(7));  // 200, holder "" at rv 247
  elector.Stop();
  EXPECT_EQ(callbacks_.stopped(), 1);
  EXPECT_FALSE(elector.is_leader());
  // The guarded work stopped before another candidate could take the released lease.
  EXPECT_EQ(requests_when_stopped, 2u);
  EXPECT_FALSE(leader_when_stopped);

  const std::vector<Sent> sent = Sents(api_);
  ASSERT_EQ(sent.size(), 3u);
  const Sent& release = sent[2];
  EXPECT_EQ(release.method, "PUT");
  EXPECT_EQ(release.path, kLeasePath);
  EXPECT_EQ(release.rv(), "244");
  ASSERT_NE(release.spec().Find("holderIdentity"), nullptr);
  EXPECT_EQ(SpecString(release, "holderIdentity"), "");
  EXPECT_EQ(SpecInt(release, "leaseDurationSeconds"), 1);
  EXPECT_EQ(SpecString(release, "acquireTime"), MicroTimeAt(clock_));
  EXPECT_EQ(SpecString(release, "renewTime"), MicroTimeAt(clock_));
  EXPECT_EQ(SpecInt(release, "leaseTransitions"), 0);
  // Idempotent.
  elector.Stop();
  EXPECT_EQ(api_.requests().size(), 3u);
  EXPECT_EQ(callbacks_.stopped(), 1);
}

TEST_F(LeaderElectorTest, RenewDeadlineEndsLeadershipAndTheElectorKeepsTrying) {
  LeaderElector elector(client_, Options(kHolderA), callbacks_.Make(), clock_);
  BecomeLeader(elector);
  const HttpResponse unavailable =
      Respond(503, R"({"kind":"Status","apiVersion":"v1","status":"Failure",)"
                   R"("message":"etcdserver: request timed out","code":503})");
  clock_.Advance(4s);
  api_.Push(unavailable);  // the optimistic renewal
  api_.Push(unavailable);  // the re-read
  EXPECT_FALSE(elector.RunOnce());
  EXPECT_TRUE(elector.is_leader());  // within the renew deadline
  EXPECT_EQ(callbacks_.stopped(), 0);
  clock_.Advance(5s);
  EXPECT_TRUE(elector.is_leader());
  // 10 s after the last renewal started: no longer leader, even before the next round ends.
  clock_.Advance(1s);
  EXPECT_FALSE(elector.is_leader());
  EXPECT_FALSE(elector.RunOnce());  // transport errors (the script is empty) x2
  EXPECT_EQ(callbacks_.stopped(), 1);
  EXPECT_EQ(api_.requests().size(), 6u);
  // Still mine at the server: the elector renews and leads again. 16 s after its last write
  // its own lease has run out too, so it reads before writing.
  clock_.Advance(6s);
  api_.Push(Answer(2));  // the read: A, rv 245
  api_.Push(Answer(6));  // 200, rv 246
  EXPECT_TRUE(elector.RunOnce());
  EXPECT_TRUE(elector.is_leader());
  EXPECT_EQ(callbacks_.started(), 2);
  const std::vector<Sent> sent = Sents(api_);
  ASSERT_EQ(sent.size(), 8u);
  EXPECT_EQ(sent[6].method, "GET");  // no optimistic renewal of a lease that ran out
  EXPECT_EQ(sent[7].method, "PUT");
  EXPECT_EQ(sent[7].rv(), "245");
  EXPECT_EQ(SpecString(sent[7], "holderIdentity"), kHolderA);
  EXPECT_EQ(SpecInt(sent[7], "leaseTransitions"), 0);
}

TEST_F(LeaderElectorTest, AReleasedLeaseIsTakenAtOnce) {
  LeaderElector elector(client_, Options(kHolderB), callbacks_.Make(), clock_);
  api_.Push(Answer(7));  // the release's answer as the read: holder "", rv 247
  api_.Push(Answer(9));  // 200
  EXPECT_TRUE(elector.RunOnce());
  EXPECT_TRUE(elector.is_leader());
  const std::vector<Sent> sent = Sents(api_);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].method, "GET");
  EXPECT_EQ(sent[1].method, "PUT");
  EXPECT_EQ(sent[1].rv(), "247");
  EXPECT_EQ(SpecString(sent[1], "holderIdentity"), kHolderB);
  EXPECT_EQ(SpecInt(sent[1], "leaseDurationSeconds"), 15);
  EXPECT_EQ(SpecInt(sent[1], "leaseTransitions"), 1);
}

TEST_F(LeaderElectorTest, AnAnswerThatIsNotALeaseIsNotFollowedBlindly) {
  LeaderElector elector(client_, Options(kHolderB), callbacks_.Make(), clock_);
  api_.Push(Respond(200, R"({"kind":"Status","apiVersion":"v1"})"));
  EXPECT_FALSE(elector.RunOnce());
  api_.Push(Respond(403, R"({"kind":"Status","apiVersion":"v1","status":"Failure",)"
                         R"("reason":"Forbidden","code":403})"));
  EXPECT_FALSE(elector.RunOnce());
  EXPECT_EQ(api_.requests().size(), 2u);  // two reads, no write
  EXPECT_EQ(callbacks_.started(), 0);
}

TEST(LeaderElectorOptionsTest, RefusesWhatClientGoRefuses) {
  EXPECT_TRUE(ValidateLeaderElectorOptions(Options(kHolderA)));
  std::vector<std::pair<std::string, std::function<void(LeaderElectorOptions&)>>> cases = {
      {"empty identity", [](LeaderElectorOptions& o) { o.identity = ""; }},
      {"empty namespace", [](LeaderElectorOptions& o) { o.namespace_name = ""; }},
      {"namespace with a slash", [](LeaderElectorOptions& o) { o.namespace_name = "a/b"; }},
      {"upper-case name", [](LeaderElectorOptions& o) { o.name = "Leader"; }},
      {"name ending in '-'", [](LeaderElectorOptions& o) { o.name = "leader-"; }},
      {"name with a query", [](LeaderElectorOptions& o) { o.name = "leader?watch=1"; }},
      {"zero lease", [](LeaderElectorOptions& o) { o.lease_duration = 0s; }},
      {"zero retry", [](LeaderElectorOptions& o) { o.retry_period = 0ms; }},
      {"deadline = retry", [](LeaderElectorOptions& o) { o.renew_deadline = o.retry_period; }},
      {"lease = deadline", [](LeaderElectorOptions& o) { o.renew_deadline = o.lease_duration; }},
  };
  for (auto& [what, edit] : cases) {
    LeaderElectorOptions options = Options(kHolderA);
    edit(options);
    Status status = ValidateLeaderElectorOptions(options);
    ASSERT_FALSE(status) << what;
    EXPECT_EQ(status.error().code, CommonError::kInvalidArgument) << what;
  }
  // Short periods are fine as long as the order holds.
  LeaderElectorOptions fast = Options(kHolderA);
  fast.lease_duration = 1s;
  fast.renew_deadline = 200ms;
  fast.retry_period = 10ms;
  EXPECT_TRUE(ValidateLeaderElectorOptions(fast));
}

TEST_F(LeaderElectorTest, InvalidOptionsNeverReachTheServer) {
  LeaderElector elector(client_, Options(""), callbacks_.Make(), clock_);
  Status started = elector.Start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, CommonError::kInvalidArgument);
  EXPECT_FALSE(elector.RunOnce());
  elector.Stop();
  EXPECT_TRUE(api_.requests().empty());
}

TEST_F(LeaderElectorTest, AnElectorRunsOnce) {
  LeaderElectorOptions options = Options(kHolderA);
  options.retry_period = 1h;  // one round only
  options.renew_deadline = 2h;
  options.lease_duration = 3h;
  LeaderElector elector(client_, options, callbacks_.Make(), clock_);
  api_.Push(Answer(0));
  api_.Push(Answer(1));
  api_.Push(Answer(7));
  ASSERT_TRUE(elector.Start());
  Status again = elector.Start();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, CommonError::kInvalidArgument);
  ASSERT_TRUE(callbacks_.WaitForStarted(1));
  elector.Stop();
  EXPECT_FALSE(elector.Start());
  EXPECT_EQ(api_.requests().size(), 3u);
}

// ---- The thread, over real sockets ---------------------------------------------------------

TEST(LeaderElectorThreadTest, LeadsOnItsOwnThreadAndReleasesOnStop) {
  const std::vector<CapturedExchange> exchanges = Capture();
  ASSERT_EQ(exchanges.size(), 16u);
  FakeKubeApi server({exchanges[0].answer, exchanges[1].answer, exchanges[7].answer});
  Result<std::shared_ptr<HttpClient>> http = MakeHttpClient({});
  ASSERT_TRUE(http) << http.error().ToString();
  KubeClient client(Connection(server.url()), *http, std::chrono::milliseconds(5000));
  LeaderElectorOptions options = Options(kHolderA);
  options.retry_period = 1h;  // one round, then Stop()
  options.renew_deadline = 2h;
  options.lease_duration = 3h;
  Callbacks callbacks;
  LeaderElector elector(client, options, callbacks.Make());
  ASSERT_TRUE(elector.Start());
  ASSERT_TRUE(callbacks.WaitForStarted(1));
  EXPECT_TRUE(elector.is_leader());
  EXPECT_EQ(server.requests(), (std::vector<std::string>{kLeasePath, kCollectionPath}));
  elector.Stop();
  EXPECT_FALSE(elector.is_leader());
  EXPECT_EQ(server.requests(), (std::vector<std::string>{kLeasePath, kCollectionPath, kLeasePath}));
  ASSERT_EQ(callbacks.started(), 1);
  ASSERT_EQ(callbacks.stopped(), 1);
  const std::vector<std::thread::id> threads = callbacks.threads();
  ASSERT_EQ(threads.size(), 2u);
  EXPECT_NE(threads[0], std::this_thread::get_id());
  EXPECT_EQ(threads[0], threads[1]);  // both on the elector's thread
}

// ---- Two candidates on an emulated Lease API ------------------------------------------------

// The Lease rules of the API server that matter here: 404 until created, 409 AlreadyExists on a
// second create, 409 Conflict on a stale resourceVersion, a new resourceVersion on each write,
// and 400 for a body that is not a valid Lease (the MicroTime format included).
class LeaseApi {
 public:
  Result<HttpResponse> Handle(const HttpRequest& request) {
    const std::string path = request.url.substr(std::string(kServer).size());
    std::lock_guard<std::mutex> lock(mutex_);
    if (request.method == "GET" && path == kLeasePath) {
      if (!lease_) return Respond(404, Status(404, "NotFound"));
      return Respond(200, value::ToJson(*lease_));
    }
    const bool create = request.method == "POST" && path == kCollectionPath;
    if (!create && !(request.method == "PUT" && path == kLeasePath)) {
      return Respond(405, Status(405, "MethodNotAllowed"));
    }
    Result<value::Value> body = value::ParseJson(request.body);
    if (!body || !k8s::ParseLease(*body)) return Respond(400, Status(400, "BadRequest"));
    if (create && lease_) return Respond(409, Status(409, "AlreadyExists"));
    if (!create && lease_ &&
        k8s::ParseLease(*body)->resource_version != k8s::ParseLease(*lease_)->resource_version) {
      return Respond(409, Status(409, "Conflict"));
    }
    const bool created = !lease_;
    lease_ = *body;
    lease_->FindMutable("metadata")->Set("resourceVersion", std::to_string(++version_));
    writes_.push_back(*k8s::ParseLease(*lease_));
    changed_.notify_all();
    return Respond(created ? 201 : 200, value::ToJson(*lease_));
  }

  std::optional<k8s::LeaseRecord> lease() const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!lease_) return std::nullopt;
    return *k8s::ParseLease(*lease_);
  }
  std::size_t writes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return writes_.size();
  }
  bool WaitForWrites(std::size_t n) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return writes_.size() >= n; });
  }

 private:
  static std::string Status(int code, const char* reason) {
    return std::string(R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":")") +
           reason + R"(","code":)" + std::to_string(code) + "}";
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<value::Value> lease_;
  std::vector<k8s::LeaseRecord> writes_;
  int version_ = 100;
};

TEST(LeaderElectorThreadTest, TwoCandidatesNeverLeadTogetherAndHandOverOnStop) {
  LeaseApi api;
  auto http = std::make_shared<RecordingHttpClient>(
      [&api](const HttpRequest& request) { return api.Handle(request); });
  KubeClient client(Connection(), http, std::chrono::milliseconds(1000));

  // Who leads, per the callbacks; a second leader while one leads is a failure.
  std::mutex mutex;
  std::condition_variable changed;
  std::string leader;
  int overlaps = 0;
  std::vector<std::string> history;
  auto callbacks = [&](const std::string& me) {
    return LeaderCallbacks{[&, me] {
                             std::lock_guard<std::mutex> lock(mutex);
                             if (!leader.empty()) ++overlaps;
                             leader = me;
                             history.push_back("+" + me);
                             changed.notify_all();
                           },
                           [&, me] {
                             std::lock_guard<std::mutex> lock(mutex);
                             if (leader == me) leader.clear();
                             history.push_back("-" + me);
                             changed.notify_all();
                           }};
  };
  auto fast = [](const char* identity) {
    LeaderElectorOptions options = Options(identity);
    options.lease_duration = 1s;
    options.renew_deadline = 300ms;
    options.retry_period = 10ms;
    return options;
  };
  auto a = std::make_unique<LeaderElector>(client, fast(kHolderA), callbacks(kHolderA));
  auto b = std::make_unique<LeaderElector>(client, fast(kHolderB), callbacks(kHolderB));
  ASSERT_TRUE(a->Start());
  ASSERT_TRUE(b->Start());

  std::string first;
  {
    std::unique_lock<std::mutex> lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, 10s, [&] { return !leader.empty(); }));
    first = leader;
  }
  // The leader renews a few times while the other follows.
  ASSERT_TRUE(api.WaitForWrites(api.writes() + 5));
  LeaderElector& leading = first == kHolderA ? *a : *b;
  LeaderElector& following = first == kHolderA ? *b : *a;
  const std::string second = first == kHolderA ? kHolderB : kHolderA;
  EXPECT_FALSE(following.is_leader());
  ASSERT_EQ(api.lease()->holder_identity, first);
  EXPECT_EQ(api.lease()->lease_transitions, 0);

  leading.Stop();  // steps down, then releases: the other takes over at once
  EXPECT_FALSE(leading.is_leader());
  {
    std::unique_lock<std::mutex> lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, 10s, [&] { return leader == second; }));
  }
  EXPECT_TRUE(following.is_leader());
  ASSERT_TRUE(api.WaitForWrites(api.writes() + 2));
  EXPECT_EQ(api.lease()->holder_identity, second);
  EXPECT_EQ(api.lease()->lease_transitions, 1);

  following.Stop();
  EXPECT_EQ(api.lease()->holder_identity, "");
  EXPECT_EQ(api.lease()->lease_duration_seconds, 1);
  std::lock_guard<std::mutex> lock(mutex);
  EXPECT_EQ(overlaps, 0);
  EXPECT_EQ(history,
            (std::vector<std::string>{"+" + first, "-" + first, "+" + second, "-" + second}));
}

}  // namespace
}  // namespace gatehouse::adapters
