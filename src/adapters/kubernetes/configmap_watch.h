// ConfigMapWatch: follows one key of one ConfigMap through the Kubernetes watch API and pushes
// each state into a WatchedSource (WatchedSource::Offer), which keeps all reload rules (last
// good version, counts, observer, health).
//
// It owns a ResourceReflector on the namespace's ConfigMaps narrowed to the one name
// (`fieldSelector=metadata.name=<name>`, listed without `limit`), which does the list + watch as
// client-go's reflector does (https://kubernetes.io/docs/reference/using-api/api-concepts/):
// list and offer `data[key]` (no item or no key: absent, which the WatchedSource reports as
// "source_missing"); then watch from the list's resourceVersion with bookmarks and
// `timeoutSeconds`. ADDED/MODIFIED offer the new text, DELETED offers absent, BOOKMARK only
// advances the resourceVersion. A clean end of the stream (the server's timeout) watches again
// from the last resourceVersion seen. An ERROR event with code 410 (or an HTTP 410) means the
// resourceVersion is too old: re-list, then watch from the new list resourceVersion, so no
// change is missed. Any other failure (transport, non-200, other ERROR events, invalid JSON,
// over-long lines) is offered as the error (a failed fetch: the last good version keeps
// serving), then after an exponential back-off (initial, doubling, capped) the watcher re-lists.
// Every successful list offers the state, changed or not: the API answers again, so a fetch
// error in force is over (WatchedSource ends it without a new report when the text is the same).
//
// Start() runs this on the reflector's thread; Stop() (or destruction) cancels the open request
// (closing its socket) and joins. A request cut short by Stop() is not offered. The target must
// outlive the watch. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "adapters/http/http_stream.h"
#include "adapters/kubernetes/kube_client.h"
#include "adapters/kubernetes/resource_reflector.h"
#include "adapters/reload/watched_source.h"
#include "common/result.h"

namespace gatehouse::adapters {

// ReflectorOptions with a single ConfigMap's defaults: no `limit` on the list (one object at
// most) and a 10 s list timeout. NextBackoff() (resource_reflector.h) takes it as it is.
struct ConfigMapWatchOptions : ReflectorOptions {
  ConfigMapWatchOptions() {
    list_timeout = std::chrono::milliseconds(10000);
    page_size = 0;
  }
};

class ConfigMapWatch {
 public:
  ConfigMapWatch(KubeConnection connection, std::unique_ptr<HttpStream> stream,
                 std::string namespace_name, std::string name, std::string key,
                 WatchedSource& target, ConfigMapWatchOptions options = {});
  ~ConfigMapWatch();
  ConfigMapWatch(const ConfigMapWatch&) = delete;
  ConfigMapWatch& operator=(const ConfigMapWatch&) = delete;

  // Lists once and offers the state (or the list's error) to the target. Returns the target's
  // outcome for the state: Ok when the version loaded (or nothing changed), else the loader's
  // error or "source_missing"; or the list's error ("kube_api_error" with the API's status and
  // message, "invalid_json", the HttpStream codes, "kube_token_unreadable"). Used at start-up,
  // before Start(), so an absent ConfigMap can be fatal.
  Status List();
  // Watches (and re-lists when needed) until Stop(); lists first unless List() succeeded.
  void Start();
  void Stop();

  // The resourceVersion the next watch starts from ("" before the first list).
  std::string resource_version() const;

 private:
  void OfferState();  // runs on each change of the reflector's copy

  std::string key_;
  WatchedSource& target_;
  std::mutex mutex_;
  Status offered_;  // the target's outcome for the last state offered
  // Last: destroyed (stopped and joined) first, as its thread calls OfferState().
  ResourceReflector reflector_;
};

}  // namespace gatehouse::adapters
