#include "common/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace gatehouse {
namespace {

bool IsValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// Label names may not contain ':' and names starting with "__" are reserved by Prometheus.
bool IsValidLabelName(std::string_view name) {
  if (name.empty() || name.starts_with("__") || name == "le") return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void AppendEscaped(std::string& out, std::string_view text, bool escape_quotes) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void AppendNumber(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
    out.append(buffer, ec == std::errc() ? end : buffer);
  }
}

// `a="x",b="y"`, sorted by label name so the same set in any order is the same series.
std::string RenderLabels(MetricLabels labels) {
  std::sort(labels.begin(), labels.end());
  std::string out;
  for (const auto& [name, value] : labels) {
    if (!out.empty()) out += ',';
    out += name;
    out += "=\"";
    AppendEscaped(out, value, /*escape_quotes=*/true);
    out += '"';
  }
  return out;
}

void AppendSample(std::string& out, std::string_view name, std::string_view suffix,
                  std::string_view labels, std::string_view extra_label, double value) {
  out += name;
  out += suffix;
  if (!labels.empty() || !extra_label.empty()) {
    out += '{';
    out += labels;
    if (!labels.empty() && !extra_label.empty()) out += ',';
    out += extra_label;
    out += '}';
  }
  out += ' ';
  AppendNumber(out, value);
  out += '\n';
}

const char* TypeName(int type) {
  switch (type) {
    case 0:
      return "counter";
    case 1:
      return "gauge";
    default:
      return "histogram";
  }
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<std::uint64_t>[upper_bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= upper_bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double value) {
  // lower_bound: a value equal to a bound belongs to that bucket (le = "less or equal").
  auto it = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value);
  buckets_[static_cast<std::size_t>(it - upper_bounds_.begin())].fetch_add(
      1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::CumulativeCounts() const {
  std::vector<std::uint64_t> out(upper_bounds_.size() + 1);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    total += buckets_[i].load(std::memory_order_relaxed);
    out[i] = total;
  }
  return out;
}

std::vector<double> DefaultLatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

MetricsRegistry::Series* MetricsRegistry::FindOrAddSeriesLocked(
    std::string_view name, std::string_view help, Type type,
    const std::vector<double>& upper_bounds, const MetricLabels& labels) {
  std::string where(name);
  if (!IsValidMetricName(name)) {
    errors_.push_back("invalid metric name: " + where);
    return nullptr;
  }
  for (const auto& [label, value] : labels) {
    if (!IsValidLabelName(label)) {
      errors_.push_back(where + ": invalid label name: " + label);
      return nullptr;
    }
  }
  if (type == Type::kHistogram &&
      (upper_bounds.empty() || !std::is_sorted(upper_bounds.begin(), upper_bounds.end()) ||
       std::adjacent_find(upper_bounds.begin(), upper_bounds.end()) != upper_bounds.end())) {
    errors_.push_back(where + ": histogram buckets must be non-empty and strictly increasing");
    return nullptr;
  }
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(where, Family{type, std::string(help), upper_bounds, {}}).first;
  } else if (it->second.type != type || it->second.help != help ||
             it->second.upper_bounds != upper_bounds) {
    errors_.push_back(where + ": registered again with a different type, help or buckets");
    return nullptr;
  }
  std::string key = RenderLabels(labels);
  auto [series, inserted] = it->second.series.try_emplace(key);
  if (inserted) series->second.labels = key;
  return &series->second;
}

Counter& MetricsRegistry::AddCounter(std::string_view name, std::string_view help,
                                     MetricLabels labels) {
  std::lock_guard lock(mu_);
  Series* series = FindOrAddSeriesLocked(name, help, Type::kCounter, {}, labels);
  if (series != nullptr && series->counter != nullptr) return *series->counter;
  Counter& counter = counters_.emplace_back();
  if (series != nullptr) series->counter = &counter;
  return counter;
}

Gauge& MetricsRegistry::AddGauge(std::string_view name, std::string_view help,
                                 MetricLabels labels) {
  std::lock_guard lock(mu_);
  Series* series = FindOrAddSeriesLocked(name, help, Type::kGauge, {}, labels);
  if (series != nullptr && series->gauge != nullptr) return *series->gauge;
  Gauge& gauge = gauges_.emplace_back();
  if (series != nullptr) series->gauge = &gauge;
  return gauge;
}

Histogram& MetricsRegistry::AddHistogram(std::string_view name, std::string_view help,
                                         std::vector<double> upper_bounds, MetricLabels labels) {
  std::lock_guard lock(mu_);
  Series* series = FindOrAddSeriesLocked(name, help, Type::kHistogram, upper_bounds, labels);
  if (series != nullptr && series->histogram != nullptr) return *series->histogram;
  Histogram& histogram = histograms_.emplace_back(std::move(upper_bounds));
  if (series != nullptr) series->histogram = &histogram;
  return histogram;
}

std::string MetricsRegistry::RenderPrometheusText() const {
  std::lock_guard lock(mu_);
  std::string out;
  out.reserve(families_.size() * 256);
  for (const auto& [name, family] : families_) {
    out += "# HELP ";
    out += name;
    out += ' ';
    AppendEscaped(out, family.help, /*escape_quotes=*/false);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += TypeName(static_cast<int>(family.type));
    out += '\n';
    for (const auto& [key, series] : family.series) {
      if (series.counter != nullptr) {
        AppendSample(out, name, "", key, "", series.counter->Value());
      } else if (series.gauge != nullptr) {
        AppendSample(out, name, "", key, "", series.gauge->Value());
      } else if (series.histogram != nullptr) {
        const Histogram& h = *series.histogram;
        std::vector<std::uint64_t> cumulative = h.CumulativeCounts();
        std::string le;
        for (std::size_t i = 0; i < cumulative.size(); ++i) {
          le = "le=\"";
          if (i < h.upper_bounds().size()) {
            AppendNumber(le, h.upper_bounds()[i]);
          } else {
            le += "+Inf";
          }
          le += '"';
          AppendSample(out, name, "_bucket", key, le, static_cast<double>(cumulative[i]));
        }
        AppendSample(out, name, "_sum", key, "", h.Sum());
        // The +Inf bucket and _count come from one snapshot so they always agree.
        AppendSample(out, name, "_count", key, "", static_cast<double>(cumulative.back()));
      }
    }
  }
  return out;
}

std::vector<std::string> MetricsRegistry::RegistrationErrors() const {
  std::lock_guard lock(mu_);
  return errors_;
}

}  // namespace gatehouse
