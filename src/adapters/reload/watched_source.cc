#include "adapters/reload/watched_source.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/reload/reload_errors.h"
#include "common/common_errors.h"

namespace gatehouse::adapters {

WatchedSource::WatchedSource(std::string description, Fetcher fetch, Loader load, Observer observe)
    : description_(std::move(description)),
      fetch_(std::move(fetch)),
      load_(std::move(load)),
      observe_(std::move(observe)) {}

WatchedSource::~WatchedSource() { Stop(); }

Status WatchedSource::Poll() {
  std::lock_guard<std::mutex> poll_lock(poll_mutex_);
  if (!fetch_) return Ok();  // versions are pushed through Offer()
  return Consider(fetch_());
}

Status WatchedSource::Offer(Result<std::optional<std::string>> fetched) {
  std::lock_guard<std::mutex> poll_lock(poll_mutex_);
  return Consider(std::move(fetched));
}

Status WatchedSource::Consider(Result<std::optional<std::string>> fetched) {
  if (!fetched) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const bool repeated = fetch_error_ && fetch_error_->code == fetched.error().code &&
                            fetch_error_->message == fetched.error().message;
      fetch_error_ = fetched.error();
      if (repeated) return Ok();
      ++failures_;
    }
    Report(fetched.error());
    return fetched.error();
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    fetch_error_.reset();
    // Unchanged: nothing new, whether it loaded or was refused (reported once already).
    if (last_seen_.has_value() && *last_seen_ == *fetched) return Ok();
  }
  // Absent is a failure, not an empty version: an empty policy would revoke every grant, and a
  // mistyped path at start-up would serve no policy at all.
  Status outcome =
      fetched->has_value()
          ? load_(**fetched)
          : Status(MakeError(ReloadError::kSourceMissing, description_ + ": not found"));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Remember the text even when refused, so a broken version is reported once, not every poll.
    last_seen_ = std::move(fetched).value();
    if (outcome) {
      ++reloads_;
      loaded_ = true;
      last_seen_error_.reset();
    } else {
      ++failures_;
      last_seen_error_ = outcome.error();
    }
  }
  Report(outcome);
  return outcome;
}

void WatchedSource::Report(const Status& outcome) {
  if (observe_) observe_(outcome);
}

void WatchedSource::Start(std::chrono::milliseconds interval) {
  if (!fetch_) return;  // nothing to poll: a push source (Offer) is driven by its watcher
  thread_ = std::thread([this, interval] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, interval, [this] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      (void)Poll();  // failures are counted and exposed; the last good version keeps serving
      lock.lock();
    }
  });
}

void WatchedSource::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t WatchedSource::reloads() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return reloads_;
}

std::uint64_t WatchedSource::failures() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return failures_;
}

bool WatchedSource::loaded() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return loaded_;
}

Status WatchedSource::health() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (fetch_error_) return *fetch_error_;
  if (last_seen_error_) return *last_seen_error_;
  return Ok();
}

std::string WatchedSource::last_error() const {
  Status current = health();
  return current ? std::string() : current.error().message;
}

WatchedSource::Fetcher FileFetcher(std::string path) {
  return [path]() -> Result<std::optional<std::string>> {
    std::error_code ec;
    const std::filesystem::file_status status = std::filesystem::status(path, ec);
    if (status.type() == std::filesystem::file_type::not_found) {
      return std::optional<std::string>();
    }
    // Anything else that cannot be read (permissions, a directory) is an error, not "absent".
    if (ec)
      return MakeError(CommonError::kFileUnreadable, "cannot read " + path + ": " + ec.message());
    if (!std::filesystem::is_regular_file(status)) {
      return MakeError(CommonError::kFileUnreadable,
                       "cannot read " + path + ": not a regular file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return MakeError(CommonError::kFileUnreadable,
                       "cannot read " + path + ": " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
      return MakeError(CommonError::kFileUnreadable, "cannot read " + path + ": read error");
    return std::optional<std::string>(text.str());
  };
}

}  // namespace gatehouse::adapters
