#include "common/metrics.h"

#include <gtest/gtest.h>

namespace engram {
namespace {

TEST(MetricsTest, RendersCountersAndHistograms) {
  Metrics m;
  m.GetCounter("engram_requests_total", "Requests", {{"route", "/ingest"}, {"status", "200"}})->Add(2);
  m.GetHistogram("engram_latency_seconds", "Latency", {{"route", "/ingest"}})->Observe(0.003);
  const std::string text = m.RenderPrometheus();
  EXPECT_NE(text.find("# TYPE engram_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("engram_requests_total{route=\"/ingest\",status=\"200\"} 2"), std::string::npos);
  EXPECT_NE(text.find("engram_latency_seconds_bucket{route=\"/ingest\",le=\"0.0025\"} 0"), std::string::npos);
  EXPECT_NE(text.find("engram_latency_seconds_bucket{route=\"/ingest\",le=\"0.005\"} 1"), std::string::npos);
  EXPECT_NE(text.find("engram_latency_seconds_count{route=\"/ingest\"} 1"), std::string::npos);
}

TEST(MetricsTest, SameSeriesSamePointer) {
  Metrics m;
  EXPECT_EQ(m.GetCounter("a", "h", {{"x", "1"}}), m.GetCounter("a", "h", {{"x", "1"}}));
  EXPECT_NE(m.GetCounter("a", "h", {{"x", "1"}}), m.GetCounter("a", "h", {{"x", "2"}}));
}

}  // namespace
}  // namespace engram
