#include "index/fusion.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace engram::index {
namespace {

TEST(FusionTest, CalibrateBm25Table) {
  struct Case {
    double s, self, k, want;
  } cases[] = {
      {0.0, 5.0, 0.5, 0.0},
      {5.0, 5.0, 0.5, 2.0 / 3.0},  // says what the query says
      {2.5, 5.0, 0.5, 0.5},        // half the query's IDF mass
      {1.0, 5.0, 0.5, 1.0 / 3.5},  // a fifth
      {10.0, 5.0, 0.5, 0.8},       // repeated / short: above, never 1
      {5.0, 0.0, 0.5, 0.0},        // query with no terms
      {5.0, 5.0, 1.0, 0.5},
      {-1.0, 5.0, 0.5, 0.0},
  };
  for (const auto& c : cases) EXPECT_NEAR(CalibrateBm25(c.s, c.self, c.k), c.want, 1e-12) << c.s << " " << c.self;
}

TEST(FusionTest, CalibrateCosineTable) {
  struct Case {
    double cos, lo, hi, want;
  } cases[] = {
      {0.5, 0.0, 1.0, 0.5},  {-0.2, 0.0, 1.0, 0.0}, {1.3, 0.0, 1.0, 1.0},
      {0.6, 0.2, 0.8, 2.0 / 3.0}, {NAN, 0.0, 1.0, 0.0}, {0.5, 0.5, 0.5, 1.0}, {0.4, 0.5, 0.5, 0.0},
  };
  for (const auto& c : cases) EXPECT_NEAR(CalibrateCosine(c.cos, c.lo, c.hi), c.want, 1e-12) << c.cos;
}

TEST(FusionTest, FuseWeightedTable) {
  struct Case {
    double lexical;
    std::optional<double> vec;
    double alpha, want;
  } cases[] = {
      {0.5, 0.9, 0.6, 0.74},
      {0.5, std::nullopt, 0.6, 0.5},  // no vector: lexical alone, same scale
      {0.5, 0.9, 1.5, 0.9},           // alpha clamped to 1
      {0.4, 0.2, 0.0, 0.4},
      {0.0, 0.7, 0.6, 0.42},
  };
  for (const auto& c : cases) EXPECT_NEAR(FuseWeighted(c.lexical, c.vec, c.alpha), c.want, 1e-12);
}

TEST(FusionTest, RecencyDecayTable) {
  constexpr TimeMs kDay = 86'400'000;
  const TimeMs now = 100 * kDay;
  struct Case {
    TimeMs ts;
    double half_life, want;
  } cases[] = {
      {now - 30 * kDay, 30, 0.5},  {now - 60 * kDay, 30, 0.25}, {now - 15 * kDay, 30, std::sqrt(0.5)},
      {now, 30, 1.0},              {now + kDay, 30, 1.0},       {now - 60 * kDay, 0, 1.0},
  };
  for (const auto& c : cases) EXPECT_NEAR(RecencyDecay(now, c.ts, c.half_life), c.want, 1e-12) << c.ts;
}

TEST(FusionTest, ApplyRecencyTable) {
  struct Case {
    double score, decay, weight, want;
  } cases[] = {
      {0.8, 0.5, 0.5, 0.6}, {0.8, 0.5, 0.0, 0.8}, {0.8, 0.5, 1.0, 0.4}, {0.8, 0.5, 2.0, 0.4}, {0.8, 1.0, 0.7, 0.8},
  };
  for (const auto& c : cases) EXPECT_NEAR(ApplyRecency(c.score, c.decay, c.weight), c.want, 1e-12);
}

}  // namespace
}  // namespace engram::index
