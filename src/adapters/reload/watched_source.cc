#include "adapters/reload/watched_source.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gatehouse::adapters {

WatchedSource::WatchedSource(std::string description, Fetcher fetch, Loader load)
    : description_(std::move(description)), fetch_(std::move(fetch)), load_(std::move(load)) {}

WatchedSource::~WatchedSource() { Stop(); }

Status WatchedSource::Poll() {
  Result<std::optional<std::string>> fetched = fetch_();
  std::lock_guard<std::mutex> lock(mutex_);
  if (!fetched) {
    ++failures_;
    last_error_ = fetched.error().message;
    return fetched.error();
  }
  if (last_seen_.has_value() && *last_seen_ == *fetched) return Ok();
  Status loaded = load_(*fetched);
  // Remember the text even when refused, so a broken version is reported once, not every poll.
  last_seen_ = *fetched;
  if (!loaded) {
    ++failures_;
    last_error_ = loaded.error().message;
    return loaded;
  }
  ++reloads_;
  last_error_.clear();
  return Ok();
}

void WatchedSource::Start(std::chrono::milliseconds interval) {
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

std::string WatchedSource::last_error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_error_;
}

WatchedSource::Fetcher FileFetcher(std::string path) {
  return [path]() -> Result<std::optional<std::string>> {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::optional<std::string>();
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return MakeError("file_unreadable", "cannot read " + path + ": " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return std::optional<std::string>(text.str());
  };
}

}  // namespace gatehouse::adapters
