#include "adapters/kubernetes/configmap_watch.h"

#include <algorithm>

#include "adapters/kubernetes/configmap_watch_event.h"
#include "adapters/kubernetes/kubernetes_errors.h"
#include "value/json.h"

namespace gatehouse::adapters {

std::chrono::milliseconds NextBackoff(std::chrono::milliseconds current,
                                      const ConfigMapWatchOptions& options) {
  if (current.count() <= 0) return std::min(options.backoff_initial, options.backoff_max);
  return std::min(current * 2, options.backoff_max);
}

ConfigMapWatch::ConfigMapWatch(KubeConnection connection, std::unique_ptr<HttpStream> stream,
                               std::string namespace_name, std::string name, std::string key,
                               WatchedSource& target, ConfigMapWatchOptions options)
    : connection_(std::move(connection)),
      stream_(std::move(stream)),
      namespace_name_(std::move(namespace_name)),
      name_(std::move(name)),
      key_(std::move(key)),
      target_(target),
      options_(options) {}

ConfigMapWatch::~ConfigMapWatch() { Stop(); }

std::string ConfigMapWatch::CollectionUrl() const {
  // Namespace and object names are DNS labels / subdomains: nothing to escape in a path or in
  // the selector value. '=' in the selector is escaped as client-go escapes it.
  return connection_.server + "/api/v1/namespaces/" + namespace_name_ +
         "/configmaps?fieldSelector=metadata.name%3D" + name_;
}

Error ConfigMapWatch::ApiError(const std::string& doing, int status,
                               const std::string& body) const {
  std::string message = "HTTP " + std::to_string(status);
  if (Result<value::Value> parsed = value::ParseJson(body); parsed && parsed->is_object()) {
    if (const value::Value* m = parsed->Find("message"); m && m->AsString()) {
      message += ": " + m->AsString()->substr(0, 200);
    }
  }
  return MakeError(KubernetesError::kApiError,
                   doing + " ConfigMap " + namespace_name_ + "/" + name_ + ": " + message);
}

Status ConfigMapWatch::OfferState(std::optional<std::string> text) {
  last_offered_ = text;
  return target_.Offer(std::move(text));
}

// A request cut short by Stop() says nothing about the source: reporting it would replace the
// failure in force (or a healthy state) with "http_cancelled" at every shutdown.
Status ConfigMapWatch::OfferError(const Error& error) {
  if (Stopping()) return error;
  return target_.Offer(error);
}

Status ConfigMapWatch::List() {
  Result<HttpHeaders> headers = KubeRequestHeaders(connection_);
  if (!headers) return OfferError(headers.error());
  HttpRequest request;
  request.url = CollectionUrl();
  request.headers = std::move(headers).value();
  request.timeout = options_.list_timeout;
  std::string body;
  Result<HttpStreamEnd> end = stream_->Get(request, [&body](int, std::string_view line) {
    if (body.empty()) body = line;  // one JSON line, as the API server writes it
    return true;
  });
  if (!end) return OfferError(end.error());
  if (end->status != 200) return OfferError(ApiError("listing", end->status, body));
  Result<ConfigMapListState> state = ParseConfigMapList(body, key_);
  if (!state) return OfferError(state.error());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    resource_version_ = state->resource_version;
    need_list_ = false;
  }
  return OfferState(std::move(state->text));
}

ConfigMapWatch::WatchEnd ConfigMapWatch::WatchOnce() {
  Result<HttpHeaders> headers = KubeRequestHeaders(connection_);
  if (!headers) {
    (void)OfferError(headers.error());
    return WatchEnd::kFailed;
  }
  HttpRequest request;
  // The query parameters in the order client-go's reflector sends them (sorted by name).
  request.url = connection_.server + "/api/v1/namespaces/" + namespace_name_ +
                "/configmaps?allowWatchBookmarks=true&fieldSelector=metadata.name%3D" + name_ +
                "&resourceVersion=" + resource_version() +
                "&timeoutSeconds=" + std::to_string(options_.watch_timeout.count()) + "&watch=true";
  request.headers = std::move(headers).value();
  request.timeout = options_.watch_timeout + options_.watch_slack;
  std::string error_body;
  std::optional<Error> failure;
  bool expired = false;
  bool opened = false;
  std::size_t events = 0;
  Result<HttpStreamEnd> end = stream_->Get(request, [&](int status, std::string_view line) -> bool {
    if (status != 200) {
      if (error_body.empty()) error_body = line;
      return true;
    }
    if (!opened && last_offered_) {
      opened = true;
      (void)target_.Offer(*last_offered_);  // the API answers again: a fetch error is over
    }
    opened = true;
    if (line.empty()) return true;
    Result<ConfigMapWatchEvent> event = ParseConfigMapWatchEvent(line, key_);
    if (!event) {
      failure = event.error();
      return false;
    }
    ++events;
    using Type = ConfigMapWatchEvent::Type;
    if (event->type == Type::kError) {
      if (event->status_code == 410) {
        expired = true;
      } else {
        failure = MakeError(KubernetesError::kApiError,
                            "watching ConfigMap " + namespace_name_ + "/" + name_ + ": code " +
                                std::to_string(event->status_code) + ": " + event->status_message);
      }
      return false;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      resource_version_ = event->resource_version;
    }
    if (event->type != Type::kBookmark) (void)OfferState(std::move(event->text));
    return !Stopping();
  });
  if (Stopping()) return WatchEnd::kStopped;
  if (!end) {
    (void)OfferError(end.error());
    return WatchEnd::kFailed;
  }
  if (end->status == 410) return WatchEnd::kExpired;
  if (end->status != 200) {
    (void)OfferError(ApiError("watching", end->status, error_body));
    return WatchEnd::kFailed;
  }
  if (failure) {
    (void)OfferError(*failure);
    return WatchEnd::kFailed;
  }
  if (expired) return WatchEnd::kExpired;
  if (last_offered_) (void)target_.Offer(*last_offered_);
  return events > 0 ? WatchEnd::kEnded : WatchEnd::kEndedEmpty;
}

void ConfigMapWatch::Run() {
  std::chrono::milliseconds backoff{0};
  while (!Stopping()) {
    bool list_first;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      list_first = need_list_;
    }
    if (list_first) {
      (void)List();
      if (Stopping()) return;
      std::lock_guard<std::mutex> lock(mutex_);
      list_first = need_list_;  // still set: the list failed
    }
    if (list_first) {
      backoff = NextBackoff(backoff, options_);
      if (!WaitFor(backoff)) return;
      continue;
    }
    switch (WatchOnce()) {
      case WatchEnd::kEnded:
        backoff = std::chrono::milliseconds(0);
        break;
      case WatchEnd::kEndedEmpty:
        // A stream that ended at once without a word: do not spin against such a server.
        backoff = std::chrono::milliseconds(0);
        if (!WaitFor(options_.backoff_initial)) return;
        break;
      case WatchEnd::kExpired: {
        std::lock_guard<std::mutex> lock(mutex_);
        need_list_ = true;  // at once: the re-list's resourceVersion leaves no gap
        break;
      }
      case WatchEnd::kFailed: {
        {
          std::lock_guard<std::mutex> lock(mutex_);
          need_list_ = true;
        }
        backoff = NextBackoff(backoff, options_);
        if (!WaitFor(backoff)) return;
        break;
      }
      case WatchEnd::kStopped:
        return;
    }
  }
}

void ConfigMapWatch::Start() {
  thread_ = std::thread([this] { Run(); });
}

void ConfigMapWatch::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stream_->Cancel();
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string ConfigMapWatch::resource_version() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return resource_version_;
}

bool ConfigMapWatch::Stopping() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stopping_;
}

bool ConfigMapWatch::WaitFor(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, delay, [this] { return stopping_; });
  return !stopping_;
}

}  // namespace gatehouse::adapters
