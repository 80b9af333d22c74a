// Metrics: a small Prometheus registry (counters, gauges, histograms) rendered in the text
// exposition format 0.0.4.
//
// A metric is registered once with a fixed label set and the registry returns a reference that
// stays valid for the registry's lifetime; updating it is lock-free (atomics only), so request
// paths keep the reference and never touch the registry again. Registering the same name and
// labels again returns the same metric. Registration and rendering take a mutex; all methods are
// thread-safe. A name registered with a different type, help or bucket layout than its family,
// or an invalid metric/label name, is a programming error: the call still returns a working
// metric (never throws) but it is not exported, and RegistrationErrors() says why.
// No I/O: serving /metrics is the adapters' job.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Inc() { value_.fetch_add(1.0, std::memory_order_relaxed); }
  // Negative amounts are ignored: a counter only goes up.
  void Add(double amount) {
    if (amount > 0) value_.fetch_add(amount, std::memory_order_relaxed);
  }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double amount) { value_.fetch_add(amount, std::memory_order_relaxed); }
  void Inc() { Add(1); }
  void Dec() { Add(-1); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Buckets are upper bounds (le), strictly increasing; +Inf is implicit.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);

  void Observe(double value);
  const std::vector<double>& upper_bounds() const { return upper_bounds_; }
  // Cumulative counts per bucket, +Inf last (size upper_bounds().size() + 1).
  std::vector<std::uint64_t> CumulativeCounts() const;
  std::uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  double Sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // non-cumulative, +Inf last
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// 100 µs … 10 s, for request and upstream latencies in seconds.
std::vector<double> DefaultLatencyBuckets();

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  Counter& AddCounter(std::string_view name, std::string_view help, MetricLabels labels = {});
  Gauge& AddGauge(std::string_view name, std::string_view help, MetricLabels labels = {});
  Histogram& AddHistogram(std::string_view name, std::string_view help,
                          std::vector<double> upper_bounds, MetricLabels labels = {});

  // Families in name order, series in label order; HELP and TYPE once per family.
  std::string RenderPrometheusText() const;

  std::vector<std::string> RegistrationErrors() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Series {
    std::string labels;  // rendered `a="x",b="y"` (sorted by name), the series key
    Counter* counter = nullptr;
    Gauge* gauge = nullptr;
    Histogram* histogram = nullptr;
  };
  struct Family {
    Type type;
    std::string help;
    std::vector<double> upper_bounds;
    std::map<std::string, Series> series;  // by rendered labels
  };

  // Finds or creates the series; nullptr (and an error recorded) when it cannot be exported.
  Series* FindOrAddSeriesLocked(std::string_view name, std::string_view help, Type type,
                                const std::vector<double>& upper_bounds,
                                const MetricLabels& labels);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
  // Stable addresses: deques never move their elements on push_back.
  std::deque<Counter> counters_;
  std::deque<Gauge> gauges_;
  std::deque<Histogram> histograms_;
  std::vector<std::string> errors_;
};

}  // namespace gatehouse
