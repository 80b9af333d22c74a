#include "common/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace gatehouse {
namespace {

TEST(MetricsTest, RendersCounterFamilyWithHelpAndTypeOnce) {
  MetricsRegistry registry;
  Counter& allowed = registry.AddCounter("gatehouse_requests_total", "Requests by outcome.",
                                         {{"route", "/webhook"}, {"outcome", "allowed"}});
  Counter& denied = registry.AddCounter("gatehouse_requests_total", "Requests by outcome.",
                                        {{"route", "/webhook"}, {"outcome", "denied"}});
  allowed.Inc();
  allowed.Inc();
  denied.Add(3);
  EXPECT_EQ(registry.RenderPrometheusText(),
            "# HELP gatehouse_requests_total Requests by outcome.\n"
            "# TYPE gatehouse_requests_total counter\n"
            "gatehouse_requests_total{outcome=\"allowed\",route=\"/webhook\"} 2\n"
            "gatehouse_requests_total{outcome=\"denied\",route=\"/webhook\"} 3\n");
  EXPECT_TRUE(registry.RegistrationErrors().empty());
}

TEST(MetricsTest, SameNameAndLabelsReturnTheSameCounter) {
  MetricsRegistry registry;
  Counter& a = registry.AddCounter("x_total", "h", {{"a", "1"}, {"b", "2"}});
  Counter& b = registry.AddCounter("x_total", "h", {{"b", "2"}, {"a", "1"}});
  EXPECT_EQ(&a, &b);
  Counter& c = registry.AddCounter("x_total", "h", {{"a", "1"}});
  EXPECT_NE(&a, &c);
}

TEST(MetricsTest, CounterIgnoresNegativeAmounts) {
  MetricsRegistry registry;
  Counter& c = registry.AddCounter("c_total", "h");
  c.Add(2.5);
  c.Add(-10);
  EXPECT_DOUBLE_EQ(c.Value(), 2.5);
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  MetricsRegistry registry;
  registry.AddGauge("g", "line1\nback\\slash \"quoted\"", {{"path", "a\"b\\c\nd"}}).Set(-1.5);
  EXPECT_EQ(registry.RenderPrometheusText(),
            "# HELP g line1\\nback\\\\slash \"quoted\"\n"
            "# TYPE g gauge\n"
            "g{path=\"a\\\"b\\\\c\\nd\"} -1.5\n");
}

TEST(MetricsTest, GaugeGoesUpAndDown) {
  MetricsRegistry registry;
  Gauge& g = registry.AddGauge("inflight", "h");
  g.Inc();
  g.Inc();
  g.Dec();
  EXPECT_DOUBLE_EQ(g.Value(), 1);
  EXPECT_NE(registry.RenderPrometheusText().find("\ninflight 1\n"), std::string::npos);
}

TEST(MetricsTest, HistogramRendersCumulativeBuckets) {
  MetricsRegistry registry;
  Histogram& h = registry.AddHistogram("latency_seconds", "Latency.", {0.001, 0.01, 0.1},
                                       {{"route", "/authorize"}});
  h.Observe(0.0005);
  h.Observe(0.001);  // on the bound: counts in le="0.001"
  h.Observe(0.05);
  h.Observe(3);
  EXPECT_EQ(registry.RenderPrometheusText(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{route=\"/authorize\",le=\"0.001\"} 2\n"
            "latency_seconds_bucket{route=\"/authorize\",le=\"0.01\"} 2\n"
            "latency_seconds_bucket{route=\"/authorize\",le=\"0.1\"} 3\n"
            "latency_seconds_bucket{route=\"/authorize\",le=\"+Inf\"} 4\n"
            "latency_seconds_sum{route=\"/authorize\"} 3.0515\n"
            "latency_seconds_count{route=\"/authorize\"} 4\n");
}

TEST(MetricsTest, HistogramWithoutLabels) {
  MetricsRegistry registry;
  registry.AddHistogram("h", "x", {1}).Observe(2);
  std::string text = registry.RenderPrometheusText();
  EXPECT_NE(text.find("h_bucket{le=\"1\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_bucket{le=\"+Inf\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_count 1\n"), std::string::npos) << text;
}

TEST(MetricsTest, DefaultLatencyBucketsAreIncreasing) {
  std::vector<double> b = DefaultLatencyBuckets();
  ASSERT_FALSE(b.empty());
  EXPECT_DOUBLE_EQ(b.front(), 0.0001);
  EXPECT_DOUBLE_EQ(b.back(), 10);
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
}

TEST(MetricsTest, ConflictingRegistrationIsNotExportedButWorks) {
  MetricsRegistry registry;
  registry.AddCounter("dup", "h").Inc();
  Gauge& g = registry.AddGauge("dup", "h");
  g.Set(7);
  EXPECT_DOUBLE_EQ(g.Value(), 7);
  Counter& bad = registry.AddCounter("bad-name", "h");
  bad.Inc();
  Counter& bad_label = registry.AddCounter("ok_total", "h", {{"__reserved", "x"}});
  bad_label.Inc();
  std::string text = registry.RenderPrometheusText();
  EXPECT_EQ(text, "# HELP dup h\n# TYPE dup counter\ndup 1\n");
  EXPECT_EQ(registry.RegistrationErrors().size(), 3u);
}

TEST(MetricsTest, ConcurrentIncrementsAreNotLost) {
  MetricsRegistry registry;
  Counter& c = registry.AddCounter("c_total", "h");
  Histogram& h = registry.AddHistogram("h_seconds", "h", DefaultLatencyBuckets());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.Inc();
        h.Observe(0.002);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_DOUBLE_EQ(c.Value(), 40000);
  EXPECT_EQ(h.Count(), 40000u);
  EXPECT_EQ(h.CumulativeCounts().back(), 40000u);
}

}  // namespace
}  // namespace gatehouse
