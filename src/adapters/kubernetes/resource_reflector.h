// ResourceReflector: keeps an up-to-date copy of one collection of the Kubernetes API (every
// object of a resource, optionally narrowed by a selector) by list + watch, as client-go's
// reflector does (https://kubernetes.io/docs/reference/using-api/api-concepts/).
//
// List in pages (`limit`, `continue`; page_size 0: one request without `limit`), replace the copy,
// then watch from the list's resourceVersion with bookmarks and `timeoutSeconds`; ADDED/MODIFIED
// store the object, DELETED removes it, BOOKMARK only advances the resourceVersion; a clean end of
// the stream watches again from the last resourceVersion seen. An ERROR event with code 410 (or an
// HTTP 410, also for an expired `continue` token) means the resourceVersion is too old: re-list at
// once. Any other failure (transport, non-2xx, other ERROR events, invalid JSON, over-long
// lines) is reported to on_error, then after an exponential back-off the reflector re-lists;
// the copy keeps its last state meanwhile.
//
// on_change runs on the reflector's thread after each change of the copy (a list, an event);
// read the copy with Objects(). Start() runs on a thread of its own; Stop() (or destruction)
// cancels the open request and joins. Thread-safe.
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

#include "adapters/http/http_stream.h"
#include "adapters/kubernetes/kube_client.h"
#include "common/result.h"
#include "value/value.h"

namespace gatehouse::adapters {

struct ReflectorOptions {
  std::chrono::seconds watch_timeout{300};  // the watch's timeoutSeconds
  // The client gives up on a watch this much after watch_timeout (a server gone silent).
  std::chrono::milliseconds watch_slack{30000};
  std::chrono::milliseconds list_timeout{30000};
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{30000};
  // The list's `limit`. 0: no `limit` parameter, for a collection narrowed to one object
  // (client-go's reflector sends none for such a list either).
  std::size_t page_size = 500;
  std::size_t max_objects = 200000;  // a list or watch beyond this is an error (memory bound)
};

// The back-off after `current` (zero: none yet): backoff_initial, then doubling up to
// backoff_max.
std::chrono::milliseconds NextBackoff(std::chrono::milliseconds current,
                                      const ReflectorOptions& options);

class ResourceReflector {
 public:
  using OnChange = std::function<void()>;
  using OnError = std::function<void(const Error&)>;

  // `collection` is the collection's path ("/apis/templates.gatekeeper.sh/v1/constrainttemplates",
  // "/api/v1/namespaces"); `selector` an optional query fragment such as
  // "fieldSelector=metadata.name%3Dconfig" (already escaped). `what` names the collection in
  // errors.
  ResourceReflector(KubeConnection connection, std::unique_ptr<HttpStream> stream,
                    std::string collection, std::string selector, std::string what,
                    OnChange on_change, OnError on_error, ReflectorOptions options = {});
  ~ResourceReflector();
  ResourceReflector(const ResourceReflector&) = delete;
  ResourceReflector& operator=(const ResourceReflector&) = delete;

  // Lists once (every page) and replaces the copy. Errors: "kube_api_error" (with the API's
  // status and message), "invalid_json", the HttpStream codes, "kube_token_unreadable". Used at
  // start-up, before Start(), so an unreachable API can be fatal.
  Status List();
  // Watches (and re-lists when needed) until Stop(); lists first unless List() succeeded.
  void Start();
  void Stop();

  // The copy, ordered by namespace and name.
  std::vector<std::shared_ptr<const value::Value>> Objects() const;
  std::size_t size() const;
  // Whether a list has succeeded (the copy reflects the server at some point).
  bool synced() const;
  // Changes so far (lists and events): callers compare it to skip unchanged rebuilds.
  std::uint64_t generation() const;
  std::string resource_version() const;
  const std::string& what() const { return what_; }

 private:
  enum class WatchEnd { kEnded, kEndedEmpty, kExpired, kFailed, kStopped };
  struct ListOutcome {
    Status status;
    bool expired = false;
  };
  void Run();
  ListOutcome ListPages();
  WatchEnd WatchOnce();
  Error ApiError(const std::string& doing, int status, const std::string& body) const;
  void Report(const Error& error);
  bool Stopping() const;
  bool WaitFor(std::chrono::milliseconds delay);  // false when stopping

  KubeConnection connection_;
  std::unique_ptr<HttpStream> stream_;
  std::string collection_;
  std::string selector_;
  std::string what_;
  OnChange on_change_;
  OnError on_error_;
  ReflectorOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const value::Value>> objects_;  // "namespace/name"
  std::string resource_version_;
  std::uint64_t generation_ = 0;
  bool synced_ = false;
  bool need_list_ = true;
  bool stopping_ = false;
  std::condition_variable wake_;
  std::thread thread_;
};

// "namespace/name" (cluster-scoped: "/name") of an object; "" without metadata.name.
std::string ObjectKey(const value::Value& object);

}  // namespace gatehouse::adapters
