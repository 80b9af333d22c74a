// ConfigMapWatch: follows one key of one ConfigMap through the Kubernetes watch API and pushes
// each state into a WatchedSource (WatchedSource::Offer), which keeps all reload rules (last
// good version, counts, observer, health).
//
// As client-go's reflector does (https://kubernetes.io/docs/reference/using-api/api-concepts/):
// list the ConfigMap by `fieldSelector=metadata.name=<name>` and offer `data[key]` (no item or
// no key: absent, which the WatchedSource reports as "source_missing"); then watch from the
// list's resourceVersion with bookmarks and `timeoutSeconds`. ADDED/MODIFIED offer the new text,
// DELETED offers absent, BOOKMARK only advances the resourceVersion. A clean end of the stream
// (the server's timeout) watches again from the last resourceVersion seen. An ERROR event with
// code 410 (or an HTTP 410) means the resourceVersion is too old: re-list, then watch from the
// new list resourceVersion, so no change is missed. Any other failure (transport, non-200,
// other ERROR events, invalid JSON, over-long lines) is offered as the error (a failed fetch:
// the last good version keeps serving), then after an exponential back-off (initial, doubling,
// capped) the watcher re-lists.
//
// Start() runs this on a thread of its own; Stop() (or destruction) cancels the open request
// (closing its socket) and joins. The target must outlive the watch. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "adapters/http/http_stream.h"
#include "adapters/kubernetes/kube_client.h"
#include "adapters/reload/watched_source.h"
#include "common/result.h"

namespace gatehouse::adapters {

struct ConfigMapWatchOptions {
  std::chrono::seconds watch_timeout{300};  // the watch's timeoutSeconds
  // The client gives up on a watch this much after watch_timeout (a server gone silent).
  std::chrono::milliseconds watch_slack{30000};
  std::chrono::milliseconds list_timeout{10000};
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{30000};
};

// The back-off after `current` (zero: none yet): backoff_initial, then doubling up to
// backoff_max.
std::chrono::milliseconds NextBackoff(std::chrono::milliseconds current,
                                      const ConfigMapWatchOptions& options);

class ConfigMapWatch {
 public:
  ConfigMapWatch(KubeConnection connection, std::unique_ptr<HttpStream> stream,
                 std::string namespace_name, std::string name, std::string key,
                 WatchedSource& target, ConfigMapWatchOptions options = {});
  ~ConfigMapWatch();
  ConfigMapWatch(const ConfigMapWatch&) = delete;
  ConfigMapWatch& operator=(const ConfigMapWatch&) = delete;

  // Lists once and offers the state (or the list's error) to the target; returns the target's
  // outcome: Ok when the version loaded (or nothing changed), else the failure — the loader's
  // error, "source_missing", or the list's error ("kube_api_error" with the API's status and
  // message, "invalid_json", the HttpStream codes, "kube_token_unreadable"). Used at start-up,
  // before Start(), so an absent ConfigMap can be fatal.
  Status List();
  // Watches (and re-lists when needed) until Stop(); lists first unless List() succeeded.
  void Start();
  void Stop();

  // The resourceVersion the next watch starts from ("" before the first list).
  std::string resource_version() const;

 private:
  enum class WatchEnd { kEnded, kEndedEmpty, kExpired, kFailed, kStopped };
  void Run();
  WatchEnd WatchOnce();
  Status OfferState(std::optional<std::string> text);
  Status OfferError(const Error& error);
  std::string CollectionUrl() const;
  Error ApiError(const std::string& doing, int status, const std::string& body) const;
  bool Stopping() const;
  bool WaitFor(std::chrono::milliseconds delay);  // false when stopping

  KubeConnection connection_;
  std::unique_ptr<HttpStream> stream_;
  std::string namespace_name_;
  std::string name_;
  std::string key_;
  WatchedSource& target_;
  ConfigMapWatchOptions options_;
  mutable std::mutex mutex_;
  std::string resource_version_;
  bool need_list_ = true;
  std::optional<std::optional<std::string>> last_offered_;  // the state the API said last
  bool stopping_ = false;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace gatehouse::adapters
