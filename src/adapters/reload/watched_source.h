// WatchedSource: keeps a configuration input (a file, or a ConfigMap read through the
// Kubernetes API) under watch and hands each new version to a loader.
//
// A Fetcher returns the current text (or an Error, or nullopt for "absent"); Poll() calls it and,
// when the text differs from the last one seen, calls the loader. The loader parses and
// publishes; when it fails, the previous good version keeps serving and the failure is counted
// and returned (the reference implementation installs a half-parsed policy instead). Files are
// read through their path on every poll, so kubelet's `..data` symlink swap in a mounted
// ConfigMap is seen like any other change. Start() runs Poll() every `interval` on a thread of
// its own until Stop() or destruction. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/result.h"

namespace gatehouse::adapters {

class WatchedSource {
 public:
  using Fetcher = std::function<Result<std::optional<std::string>>()>;
  // Receives the new text (nullopt when the source disappeared). Returns an Error to refuse it.
  using Loader = std::function<Status(const std::optional<std::string>& text)>;

  WatchedSource(std::string description, Fetcher fetch, Loader load);
  ~WatchedSource();
  WatchedSource(const WatchedSource&) = delete;
  WatchedSource& operator=(const WatchedSource&) = delete;

  // Checks once. Ok when nothing changed or the change was loaded; the loader's or fetcher's
  // error otherwise.
  Status Poll();
  void Start(std::chrono::milliseconds interval);
  void Stop();

  const std::string& description() const { return description_; }
  std::uint64_t reloads() const;
  std::uint64_t failures() const;
  std::string last_error() const;

 private:
  std::string description_;
  Fetcher fetch_;
  Loader load_;
  mutable std::mutex mutex_;
  std::optional<std::optional<std::string>> last_seen_;  // outer nullopt: never polled
  std::uint64_t reloads_ = 0;
  std::uint64_t failures_ = 0;
  std::string last_error_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// A Fetcher reading a file: nullopt when it does not exist, an Error when it cannot be read.
WatchedSource::Fetcher FileFetcher(std::string path);

}  // namespace gatehouse::adapters
