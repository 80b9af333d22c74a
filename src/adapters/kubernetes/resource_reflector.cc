#include "adapters/kubernetes/resource_reflector.h"

#include <algorithm>

#include "adapters/kubernetes/kubernetes_errors.h"
#include "adapters/kubernetes/watch_event.h"
#include "rego/builtins/url_query.h"
#include "value/json.h"

namespace gatehouse::adapters {

std::string ObjectKey(const value::Value& object) {
  const value::Value* metadata = object.Find("metadata");
  if (metadata == nullptr) return "";
  const value::Value* name = metadata->Find("name");
  if (name == nullptr || !name->AsString() || name->AsString()->empty()) return "";
  const value::Value* ns = metadata->Find("namespace");
  return (ns && ns->AsString() ? *ns->AsString() : std::string()) + "/" + *name->AsString();
}

std::chrono::milliseconds NextBackoff(std::chrono::milliseconds current,
                                      const ReflectorOptions& options) {
  if (current.count() <= 0) return std::min(options.backoff_initial, options.backoff_max);
  return std::min(current * 2, options.backoff_max);
}

ResourceReflector::ResourceReflector(KubeConnection connection, std::unique_ptr<HttpStream> stream,
                                     std::string collection, std::string selector, std::string what,
                                     OnChange on_change, OnError on_error, ReflectorOptions options)
    : connection_(std::move(connection)),
      stream_(std::move(stream)),
      collection_(std::move(collection)),
      selector_(std::move(selector)),
      what_(std::move(what)),
      on_change_(std::move(on_change)),
      on_error_(std::move(on_error)),
      options_(options) {}

ResourceReflector::~ResourceReflector() { Stop(); }

Error ResourceReflector::ApiError(const std::string& doing, int status,
                                  const std::string& body) const {
  KubeAnswer answer;
  answer.status = status;
  answer.body = body;
  return KubeApiError(doing + " " + what_, answer);
}

// A request cut short by Stop() says nothing about the API: it is not reported.
void ResourceReflector::Report(const Error& error) {
  if (Stopping() || !on_error_) return;
  on_error_(error);
}

ResourceReflector::ListOutcome ResourceReflector::ListPages() {
  std::map<std::string, std::shared_ptr<const value::Value>> fresh;
  std::string continue_token;
  std::string resource_version;
  do {
    Result<HttpHeaders> headers = KubeRequestHeaders(connection_);
    if (!headers) return {headers.error()};
    HttpRequest request;
    // Query parameters sorted by name, as client-go sends them.
    std::string query;
    auto add = [&query](const std::string& parameter) {
      query += (query.empty() ? "?" : "&") + parameter;
    };
    if (!continue_token.empty()) add("continue=" + rego::builtins::QueryEscape(continue_token));
    if (!selector_.empty()) add(selector_);
    if (options_.page_size > 0) add("limit=" + std::to_string(options_.page_size));
    request.url = connection_.server + collection_ + query;
    request.headers = std::move(headers).value();
    request.timeout = options_.list_timeout;
    std::string body;
    Result<HttpStreamEnd> end = stream_->Get(request, [&body](int, std::string_view line) {
      if (body.empty()) body = line;  // one JSON line, as the API server writes it
      return true;
    });
    if (!end) return {end.error()};
    if (end->status == 410) {
      ListOutcome outcome{ApiError("listing", end->status, body)};
      outcome.expired = true;
      return outcome;
    }
    if (end->status != 200) return {ApiError("listing", end->status, body)};
    Result<ResourceListPage> page = ParseResourceList(body);
    if (!page) {
      return {MakeError(page.error().code, what_ + ": " + page.error().message)};
    }
    for (value::Value& item : page->items) {
      std::string key = ObjectKey(item);
      if (key.empty()) continue;
      fresh[key] = std::make_shared<const value::Value>(std::move(item));
    }
    if (fresh.size() > options_.max_objects) {
      return {MakeError(
          KubernetesError::kApiError,
          "listing " + what_ + ": more than " + std::to_string(options_.max_objects) + " objects")};
    }
    resource_version = page->resource_version;  // the last page's: watch from there
    continue_token = page->continue_token;
  } while (!continue_token.empty() && !Stopping());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    objects_ = std::move(fresh);
    resource_version_ = resource_version;
    need_list_ = false;
    synced_ = true;
    ++generation_;
  }
  if (on_change_) on_change_();
  return {Ok()};
}

Status ResourceReflector::List() {
  ListOutcome outcome = ListPages();
  if (outcome.expired) outcome = ListPages();  // an expired continue token: from the start
  if (!outcome.status) Report(outcome.status.error());
  return outcome.status;
}

ResourceReflector::WatchEnd ResourceReflector::WatchOnce() {
  Result<HttpHeaders> headers = KubeRequestHeaders(connection_);
  if (!headers) {
    Report(headers.error());
    return WatchEnd::kFailed;
  }
  HttpRequest request;
  request.url = connection_.server + collection_ + "?allowWatchBookmarks=true&" +
                (selector_.empty() ? "" : selector_ + "&") +
                "resourceVersion=" + resource_version() +
                "&timeoutSeconds=" + std::to_string(options_.watch_timeout.count()) + "&watch=true";
  request.headers = std::move(headers).value();
  request.timeout = options_.watch_timeout + options_.watch_slack;
  std::string error_body;
  std::optional<Error> failure;
  bool expired = false;
  std::size_t events = 0;
  Result<HttpStreamEnd> end = stream_->Get(request, [&](int status, std::string_view line) -> bool {
    if (status != 200) {
      if (error_body.empty()) error_body = line;
      return true;
    }
    if (line.empty()) return true;
    Result<WatchEvent> event = ParseWatchEvent(line);
    if (!event) {
      failure = MakeError(event.error().code, what_ + ": " + event.error().message);
      return false;
    }
    ++events;
    using Type = WatchEvent::Type;
    if (event->type == Type::kError) {
      if (event->status_code == 410) {
        expired = true;
      } else {
        failure = MakeError(KubernetesError::kApiError, "watching " + what_ + ": code " +
                                                            std::to_string(event->status_code) +
                                                            ": " + event->status_message);
      }
      return false;
    }
    bool changed = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      resource_version_ = event->resource_version;
      if (event->type != Type::kBookmark) {
        std::string key = ObjectKey(event->object);
        if (!key.empty()) {
          if (event->type == Type::kDeleted) {
            objects_.erase(key);
          } else if (objects_.size() < options_.max_objects || objects_.count(key) != 0) {
            objects_[key] = std::make_shared<const value::Value>(std::move(event->object));
          } else {
            failure = MakeError(KubernetesError::kApiError,
                                "watching " + what_ + ": more than " +
                                    std::to_string(options_.max_objects) + " objects");
            return false;
          }
          ++generation_;
          changed = true;
        }
      }
    }
    if (changed && on_change_) on_change_();
    return !Stopping();
  });
  if (Stopping()) return WatchEnd::kStopped;
  if (!end) {
    Report(end.error());
    return WatchEnd::kFailed;
  }
  if (end->status == 410) return WatchEnd::kExpired;
  if (end->status != 200) {
    Report(ApiError("watching", end->status, error_body));
    return WatchEnd::kFailed;
  }
  if (failure) {
    Report(*failure);
    return WatchEnd::kFailed;
  }
  if (expired) return WatchEnd::kExpired;
  return events > 0 ? WatchEnd::kEnded : WatchEnd::kEndedEmpty;
}

void ResourceReflector::Run() {
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

void ResourceReflector::Start() {
  thread_ = std::thread([this] { Run(); });
}

void ResourceReflector::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stream_->Cancel();
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<std::shared_ptr<const value::Value>> ResourceReflector::Objects() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<const value::Value>> out;
  out.reserve(objects_.size());
  for (const auto& [key, object] : objects_) out.push_back(object);
  return out;
}

std::size_t ResourceReflector::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return objects_.size();
}

bool ResourceReflector::synced() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return synced_;
}

std::uint64_t ResourceReflector::generation() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return generation_;
}

std::string ResourceReflector::resource_version() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return resource_version_;
}

bool ResourceReflector::Stopping() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stopping_;
}

bool ResourceReflector::WaitFor(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, delay, [this] { return stopping_; });
  return !stopping_;
}

}  // namespace gatehouse::adapters
