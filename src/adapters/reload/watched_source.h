// WatchedSource: keeps a configuration input (a file, or a ConfigMap read through the
// Kubernetes API) under watch and hands each new version to a loader.
//
// A Fetcher returns the current text (or an Error, or nullopt for "absent"); Poll() calls it and,
// when the text differs from the last one seen, calls the loader. The loader parses and
// publishes; when it fails, the previous good version keeps serving and the failure is counted
// and returned (the reference implementation installs a half-parsed policy instead).
//
// A source that cannot be read is a failed reload, never an empty one: when the file, the
// ConfigMap or its key is absent, Poll() fails with "source_missing" (naming the description),
// counts it and keeps the last good version; the loader is not called, so it only ever receives
// text and no loader can turn a deleted policy into "no rules". A fetch error (unreadable file,
// Kubernetes API error) is the same kind of failure with the fetcher's code. Each failure is
// reported once — counted, passed to the observer, returned by Poll() — until the source changes
// again; the current one stays visible through health() until a version loads.
//
// A source can also be pushed to: a watcher (ConfigMapWatch, a Kubernetes watch) constructs it
// with an empty Fetcher and calls Offer() with each state it learns; Offer() does exactly what
// Poll() does after fetching, so the reload rules above hold for both. Poll() and Start() do
// nothing for such a source.
//
// Files are read through their path on every poll, so kubelet's `..data` symlink swap in a
// mounted ConfigMap is seen like any other change. Start() runs Poll() every `interval` on a
// thread of its own until Stop() or destruction. Thread-safe: Poll() calls are serialized; the
// loader and observer run on the polling thread without the state lock, so they may read the
// accessors.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/result.h"

namespace gatehouse::adapters {

class WatchedSource {
 public:
  // nullopt: the source is absent (no such file; no such ConfigMap, or no such key in it).
  using Fetcher = std::function<Result<std::optional<std::string>>()>;
  // Receives the text of a new version. Returns an Error to refuse it.
  using Loader = std::function<Status(const std::string& text)>;
  // Told of each outcome reported: Ok for a version loaded, else the failure (version refused,
  // source missing, fetch error). May be empty.
  using Observer = std::function<void(const Status& outcome)>;

  // `description` names the source in errors, e.g. "file /etc/gatehouse/policy.json".
  WatchedSource(std::string description, Fetcher fetch, Loader load, Observer observe = {});
  ~WatchedSource();
  WatchedSource(const WatchedSource&) = delete;
  WatchedSource& operator=(const WatchedSource&) = delete;

  // Checks once. Ok when nothing new happened or a new version was loaded; the new failure
  // otherwise: the loader's error, the fetcher's, or "source_missing".
  // Ok without doing anything when the Fetcher is empty (a push source).
  Status Poll();
  // Takes a state learnt elsewhere (text, nullopt for absent, or the error that stops the
  // watcher from learning it) and handles it as Poll() handles a fetched one; same outcomes.
  // Serialized with Poll().
  Status Offer(Result<std::optional<std::string>> fetched);
  void Start(std::chrono::milliseconds interval);
  void Stop();

  const std::string& description() const { return description_; }
  std::uint64_t reloads() const;
  std::uint64_t failures() const;
  // True once a version has loaded: from then on a last good version serves.
  bool loaded() const;
  // Ok, or the failure in force (what the source holds now is not what serves).
  Status health() const;
  // health()'s message, "" when healthy.
  std::string last_error() const;

 private:
  void Report(const Status& outcome);
  Status Consider(Result<std::optional<std::string>> fetched);  // poll_mutex_ held

  std::string description_;
  Fetcher fetch_;
  Loader load_;
  Observer observe_;
  std::mutex poll_mutex_;  // serializes Poll(); held while loading
  mutable std::mutex mutex_;
  std::optional<std::optional<std::string>> last_seen_;  // outer nullopt: never fetched
  std::optional<Error> last_seen_error_;  // why last_seen_ does not serve; nullopt: it loaded
  std::optional<Error> fetch_error_;      // the fetcher fails now
  bool loaded_ = false;
  std::uint64_t reloads_ = 0;
  std::uint64_t failures_ = 0;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// A Fetcher reading a file: nullopt when it does not exist, an Error ("file_unreadable") when it
// cannot be read.
WatchedSource::Fetcher FileFetcher(std::string path);

}  // namespace gatehouse::adapters
