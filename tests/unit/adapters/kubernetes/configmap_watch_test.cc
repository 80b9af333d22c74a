// ConfigMapWatch against a fake API server that replays what a real kube-apiserver 1.26 said
// (tests/data/kube-apiserver-1.26/api/configmap-list-watch.json and
// configmap-watch-without-watch-cache.json), asserting the requests a client-go reflector makes.
#include "adapters/kubernetes/configmap_watch.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

#include "adapters/http/http_errors.h"
#include "adapters/kubernetes/kubernetes_errors.h"
#include "adapters/reload/reload_errors.h"
#include "common/common_errors.h"
#include "unit/adapters/http/socket_test_util.h"
#include "unit/adapters/kubernetes/fake_kube_api.h"

namespace gatehouse::adapters {
namespace {

using testing::CapturedExchange;
using testing::FakeAnswer;
using testing::FakeKubeApi;
using testing::LoadCapturedExchanges;

constexpr const char* kInitial = "mode: enforce\nrequiredLabels:\n- owner\n";
constexpr const char* kEdit1 = "mode: enforce\nrequiredLabels:\n- owner\n- team\n";
constexpr const char* kEdit2 = "mode: audit\n";

// The loader and observer of a WatchedSource, with a bounded wait for what they saw.
class Recorder {
 public:
  explicit Recorder(std::string refuse = "") : refuse_(std::move(refuse)) {}

  WatchedSource::Loader Loader() {
    return [this](const std::string& text) -> Status {
      std::lock_guard<std::mutex> lock(mutex_);
      offered_.push_back(text);
      if (!refuse_.empty() && text == refuse_) {
        changed_.notify_all();
        return MakeError(CommonError::kInvalidArgument, "refused by the test");
      }
      loaded_.push_back(text);
      changed_.notify_all();
      return Ok();
    };
  }
  WatchedSource::Observer Observer() {
    return [this](const Status& outcome) {
      std::lock_guard<std::mutex> lock(mutex_);
      outcomes_.push_back(outcome ? "ok" : std::string(outcome.error().code.wire()));
      changed_.notify_all();
    };
  }
  // Waits (at most 5 s) until the observer has seen `n` outcomes.
  bool WaitForOutcomes(std::size_t n) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(5), [&] { return outcomes_.size() >= n; });
  }
  std::vector<std::string> loaded() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return loaded_;
  }
  std::vector<std::string> outcomes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return outcomes_;
  }

 private:
  std::string refuse_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> offered_, loaded_, outcomes_;
};

ConfigMapWatchOptions FastOptions(int timeout_seconds) {
  ConfigMapWatchOptions options;
  options.watch_timeout = std::chrono::seconds(timeout_seconds);
  options.watch_slack = std::chrono::seconds(5);
  options.list_timeout = std::chrono::seconds(5);
  options.backoff_initial = std::chrono::milliseconds(1);
  options.backoff_max = std::chrono::milliseconds(4);
  return options;
}

std::unique_ptr<HttpStream> Stream(std::size_t max_line = 3 << 20) {
  Result<std::unique_ptr<HttpStream>> stream = MakeHttpStream({}, max_line);
  EXPECT_TRUE(stream);
  return std::move(stream).value();
}

KubeConnection Connection(const FakeKubeApi& api) {
  KubeConnection connection;
  connection.server = api.url();
  connection.bearer_token = "test-token";
  return connection;
}

std::string WithTimeout(const std::string& path, int seconds) {
  return std::regex_replace(path, std::regex("timeoutSeconds=[0-9]+"),
                            "timeoutSeconds=" + std::to_string(seconds));
}

const std::string kListPath =
    "/api/v1/namespaces/gatehouse-system/configmaps?fieldSelector=metadata.name%3Dgatehouse-policy";

std::string WatchPath(const std::string& rv, int timeout) {
  return "/api/v1/namespaces/gatehouse-system/configmaps?allowWatchBookmarks=true&fieldSelector="
         "metadata.name%3Dgatehouse-policy&resourceVersion=" +
         rv + "&timeoutSeconds=" + std::to_string(timeout) + "&watch=true";
}

class ConfigMapWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = LoadCapturedExchanges("configmap-list-watch.json");
    b_ = LoadCapturedExchanges("configmap-watch-without-watch-cache.json");
    ASSERT_EQ(a_.size(), 23u);
    ASSERT_EQ(b_.size(), 8u);
  }
  std::vector<CapturedExchange> a_, b_;
};

// 1, 4 (deleted), 5: list → watch → MODIFIED twice → DELETED → bookmark → clean end → watch from
// the bookmark's resourceVersion.
TEST_F(ConfigMapWatchTest, EditsAreServedDeleteIsMissingAndBookmarkIsWatchedFrom) {
  FakeKubeApi api({a_[3].answer, a_[5].answer});
  Recorder recorder;
  WatchedSource source("ConfigMap gatehouse-system/gatehouse-policy key \"policy.yaml\"", {},
                       recorder.Loader(), recorder.Observer());
  ConfigMapWatch watch(Connection(api), Stream(), "gatehouse-system", "gatehouse-policy",
                       "policy.yaml", source, FastOptions(10));
  ASSERT_TRUE(watch.List());
  EXPECT_EQ(watch.resource_version(), "194");
  watch.Start();
  ASSERT_TRUE(recorder.WaitForOutcomes(4));
  ASSERT_TRUE(api.WaitForRequests(3));
  watch.Stop();
  EXPECT_EQ(recorder.loaded(), (std::vector<std::string>{kInitial, kEdit1, kEdit2}));
  EXPECT_EQ(recorder.outcomes(), (std::vector<std::string>{"ok", "ok", "ok", "source_missing"}));
  EXPECT_TRUE(source.loaded());
  EXPECT_EQ(source.health().error().code, ReloadError::kSourceMissing);
  EXPECT_EQ(source.reloads(), 3u);
  EXPECT_EQ(source.failures(), 1u);
  const std::vector<std::string> requests = api.requests();
  ASSERT_GE(requests.size(), 3u);
  EXPECT_EQ(requests[0], a_[3].path);            // exactly the captured list
  EXPECT_EQ(requests[1], a_[5].path);            // exactly the captured watch (timeoutSeconds=10)
  EXPECT_EQ(requests[2], WatchPath("198", 10));  // from the BOOKMARK
}

// 2: a MODIFIED the loader refuses keeps the last good version; the next good edit loads.
TEST_F(ConfigMapWatchTest, BrokenEditKeepsTheLastGoodOne) {
  FakeAnswer held = a_[5].answer;
  held.hold_after_chunks = 1;
  FakeKubeApi api({a_[3].answer, held});
  Recorder recorder(kEdit1);
  WatchedSource source("ConfigMap gatehouse-system/gatehouse-policy", {}, recorder.Loader(),
                       recorder.Observer());
  ConfigMapWatch watch(Connection(api), Stream(), "gatehouse-system", "gatehouse-policy",
                       "policy.yaml", source, FastOptions(10));
  ASSERT_TRUE(watch.List());
  watch.Start();
  ASSERT_TRUE(recorder.WaitForOutcomes(2));
  EXPECT_EQ(source.health().error().code, CommonError::kInvalidArgument);
  EXPECT_EQ(source.last_error(), "refused by the test");
  EXPECT_EQ(recorder.loaded(), std::vector<std::string>{kInitial});  // still serving
  EXPECT_EQ(source.failures(), 1u);
  api.Release();
  ASSERT_TRUE(recorder.WaitForOutcomes(3));
  EXPECT_EQ(recorder.loaded(), (std::vector<std::string>{kInitial, kEdit2}));
  watch.Stop();
}

// A live event that arrives with the response head (one read) is served at once, while the
// stream stays open waiting for the next chunk.
TEST_F(ConfigMapWatchTest, EventArrivingWithTheHeadIsServedWhileTheStreamWaits) {
  // Small enough for head and event to fit the first read (the captured events are larger).
  FakeAnswer held = a_[5].answer;
  held.chunks = {
      R"({"type":"MODIFIED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":)"
      R"("gatehouse-policy","resourceVersion":"195"},"data":{"policy.yaml":"mode: audit\n"}}})"
      "\n"};
  held.first_chunk_with_head = true;
  held.hold_after_chunks = 1;
  FakeKubeApi api({a_[3].answer, held});
  Recorder recorder;
  WatchedSource source("ConfigMap gatehouse-system/gatehouse-policy", {}, recorder.Loader(),
                       recorder.Observer());
  ConfigMapWatch watch(Connection(api), Stream(), "gatehouse-system", "gatehouse-policy",
                       "policy.yaml", source, FastOptions(10));
  ASSERT_TRUE(watch.List());
  watch.Start();
  ASSERT_TRUE(recorder.WaitForOutcomes(2));
  EXPECT_EQ(recorder.loaded(), (std::vector<std::string>{kInitial, kEdit2}));
  EXPECT_EQ(watch.resource_version(), "195");
  watch.Stop();
}

// 3, 4 (re-created): watch → ERROR 410 → re-list (the ConfigMap is gone meanwhile: published)
// → watch from the re-list's resourceVersion → ADDED loads → bookmark → watch from it.
TEST_F(ConfigMapWatchTest, ExpiredWatchRelistsWithoutGap) {
  FakeKubeApi api({a_[3].answer, a_[17].answer, a_[19].answer, a_[20].answer});
  Recorder recorder;
  WatchedSource source("ConfigMap gatehouse-system/gatehouse-policy", {}, recorder.Loader(),
                       recorder.Observer());
  ConfigMapWatch watch(Connection(api), Stream(), "gatehouse-system", "gatehouse-policy",
                       "policy.yaml", source, FastOptions(5));
  ASSERT_TRUE(watch.List());
  watch.Start();
  ASSERT_TRUE(recorder.WaitForOutcomes(3));
  ASSERT_TRUE(api.WaitForRequests(5));
  watch.Stop();
  EXPECT_EQ(recorder.outcomes(), (std::vector<std::string>{"ok", "source_missing", "ok"}));
  ASSERT_EQ(recorder.loaded().size(), 2u);
  EXPECT_EQ(recorder.loaded()[0], kInitial);
  EXPECT_TRUE(source.health());
  const std::vector<std::string> requests = api.requests();
  EXPECT_EQ(requests[0], kListPath);
  EXPECT_EQ(requests[1], a_[17].path);                  // resourceVersion=194, timeoutSeconds=5
  EXPECT_EQ(requests[2], a_[19].path);                  // the re-list
  EXPECT_EQ(requests[3], WithTimeout(a_[20].path, 5));  // resourceVersion=205
  EXPECT_EQ(requests[4], WatchPath("206", 5));
}

// 6: the three replayed events, re-split in the middle of lines as the server splits packed
// events (at 2048 bytes), are all parsed.
TEST_F(ConfigMapWatchTest, EventLinesSplitAcrossChunksAreParsed) {
  FakeAnswer replay = a_[11].answer;
  ASSERT_EQ(replay.chunks.size(), 1u);
  const std::string all = replay.chunks[0];
  replay.chunks = {all.substr(0, 100), all.substr(100, 600), all.substr(700, 650),
                   all.substr(1350)};
  FakeKubeApi api({a_[3].answer, replay});
  Recorder recorder;
  WatchedSource source("ConfigMap gatehouse-system/gatehouse-policy", {}, recorder.Loader(),
                       recorder.Observer());
  ConfigMapWatch watch(Connection(api), Stream(), "gatehouse-system", "gatehouse-policy",
                       "policy.yaml", source, FastOptions(3));
  ASSERT_TRUE(watch.List());
  watch.Start();
  ASSERT_TRUE(recorder.WaitForOutcomes(4));
  ASSERT_TRUE(api.WaitForRequests(3));
  watch.Stop();
  EXPECT_EQ(recorder.loaded(), (std::vector<std::string>{kInitial, kEdit1, kEdit2}));
  EXPECT_EQ(api.requests()[1], a_[11].path);
  EXPECT_EQ(api.requests()[2], WatchPath("198", 3));  // from the DELETED event
}

// 6: a line longer than the limit is refused with a clear error, nothing is loaded.
TEST_F(ConfigMapWatchTest, OverLongLineIsRefused) {
  FakeKubeApi api({a_[3].answer});
  Recorder recorder;
  WatchedSource source("ConfigMap gatehouse-system/gatehouse-policy", {}, recorder.Loader(),
                       recorder.Observer());
  ConfigMapWatch watch(Connection(api), Stream(256), "gatehouse-system", "gatehouse-policy",
                       "policy.yaml", source, FastOptions(3));
  Status listed = watch.List();
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code, HttpError::kLineTooLong);
  EXPECT_EQ(listed.error().message, "a line exceeds 256 bytes");
  EXPECT_FALSE(source.loaded());
  EXPECT_EQ(source.health().error().code, HttpError::kLineTooLong);
}

// 7: without the watch cache an ERROR event with code 500 → failure (last good serves, health
// says why) → back-off → re-list → watch.
TEST_F(ConfigMapWatchTest, ErrorEventBacksOffAndRelists) {
  FakeAnswer relist = b_[7].answer;
  FakeKubeApi api({b_[0].answer, b_[1].answer, b_[4].answer, relist});
  Recorder recorder;
  WatchedSource source("ConfigMap gatehouse-system/gatehouse-policy", {}, recorder.Loader(),
                       recorder.Observer());
  ConfigMapWatch watch(Connection(api), Stream(), "gatehouse-system", "gatehouse-policy",
                       "policy.yaml", source, FastOptions(5));
  ASSERT_TRUE(watch.List());
  watch.Start();
  ASSERT_TRUE(recorder.WaitForOutcomes(3));
  ASSERT_TRUE(api.WaitForRequests(5));
  watch.Stop();
  EXPECT_EQ(recorder.outcomes(), (std::vector<std::string>{"ok", "ok", "kube_api_error"}));
  EXPECT_EQ(recorder.loaded(), (std::vector<std::string>{"mode: enforce\n", "mode: audit\n"}));
  EXPECT_TRUE(source.health());  // the re-list answered: the failure is over
  EXPECT_EQ(source.failures(), 1u);
  const std::vector<std::string> requests = api.requests();
  EXPECT_EQ(requests[0], b_[0].path);
  EXPECT_EQ(requests[1], b_[1].path);
  EXPECT_EQ(requests[2], WatchPath("212", 5));                     // from the MODIFIED event
  EXPECT_EQ(requests[3], b_[7].path);                              // re-list after the back-off
  EXPECT_EQ(requests[4], WatchPath(watch.resource_version(), 5));  // the re-list's
}

// 7: an HTTP 500 on the list is a failure with the API's message; the next list succeeds.
TEST_F(ConfigMapWatchTest, ServerErrorThenSuccess) {
  FakeAnswer failure;
  failure.status = 500;
  failure.reason = "Internal Server Error";
  failure.headers = {{"Content-Type", "application/json"}};
  failure.body =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"etcdserver: request timed out","code":500})"
      "\n";
  FakeKubeApi api({failure, a_[3].answer});
  Recorder recorder;
  WatchedSource source("ConfigMap gatehouse-system/gatehouse-policy", {}, recorder.Loader(),
                       recorder.Observer());
  ConfigMapWatch watch(Connection(api), Stream(), "gatehouse-system", "gatehouse-policy",
                       "policy.yaml", source, FastOptions(5));
  Status first = watch.List();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, KubernetesError::kApiError);
  EXPECT_EQ(first.error().message,
            "listing ConfigMap gatehouse-system/gatehouse-policy: HTTP 500: etcdserver: request "
            "timed out");
  watch.Start();
  ASSERT_TRUE(recorder.WaitForOutcomes(2));
  ASSERT_TRUE(api.WaitForRequests(3));
  watch.Stop();
  EXPECT_EQ(recorder.loaded(), std::vector<std::string>{kInitial});
  EXPECT_TRUE(source.health());
  EXPECT_EQ(api.requests()[1], kListPath);
  EXPECT_EQ(api.requests()[2], WatchPath("194", 5));
}

// 7: Stop() during a watch that stays silent (timeoutSeconds=300) returns promptly.
TEST_F(ConfigMapWatchTest, StopDuringAHangingWatchIsPrompt) {
  FakeKubeApi api({a_[3].answer});  // then: 200 chunked and silence
  Recorder recorder;
  WatchedSource source("ConfigMap gatehouse-system/gatehouse-policy", {}, recorder.Loader(),
                       recorder.Observer());
  ConfigMapWatch watch(Connection(api), Stream(), "gatehouse-system", "gatehouse-policy",
                       "policy.yaml", source, ConfigMapWatchOptions{});
  ASSERT_TRUE(watch.List());
  watch.Start();
  ASSERT_TRUE(api.WaitForRequests(2));
  const auto before = std::chrono::steady_clock::now();
  watch.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(2));
  EXPECT_EQ(api.requests()[1], WatchPath("194", 300));
}

// Connection refused: a fetch failure with the transport's code; Stop() still prompt.
TEST_F(ConfigMapWatchTest, ConnectionRefusedIsAFetchFailure) {
  KubeConnection connection;
  connection.server = "http://127.0.0.1:" + std::to_string(testing::ClosedPort());
  Recorder recorder;
  WatchedSource source("ConfigMap gatehouse-system/gatehouse-policy", {}, recorder.Loader(),
                       recorder.Observer());
  ConfigMapWatch watch(connection, Stream(), "gatehouse-system", "gatehouse-policy", "policy.yaml",
                       source, FastOptions(5));
  Status first = watch.List();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, HttpError::kConnect);
  watch.Start();
  watch.Stop();
  EXPECT_EQ(source.health().error().code, HttpError::kConnect);
  EXPECT_EQ(source.failures(), 1u);  // the same error repeated is reported once
}

TEST(ConfigMapWatchBackoffTest, DoublesUpToTheCap) {
  ConfigMapWatchOptions options;  // 500 ms doubling to 30 s
  std::vector<long> seen;
  std::chrono::milliseconds delay{0};
  for (int i = 0; i < 9; ++i) {
    delay = NextBackoff(delay, options);
    seen.push_back(static_cast<long>(delay.count()));
  }
  EXPECT_EQ(seen, (std::vector<long>{500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000}));
}

}  // namespace
}  // namespace gatehouse::adapters
