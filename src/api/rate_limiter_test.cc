#include "api/rate_limiter.h"

#include <gtest/gtest.h>

namespace engram::api {
namespace {

TEST(RateLimiterTest, AllowsBurstThenRefusesWithRetryAfter) {
  ManualClock clock;
  RateLimiter limiter(&clock);
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(limiter.Check("k", 60).allowed) << i;
  RateDecision d = limiter.Check("k", 60);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 1);  // one token per second at 60/min
  clock.Advance(1000);
  EXPECT_TRUE(limiter.Check("k", 60).allowed);
  EXPECT_FALSE(limiter.Check("k", 60).allowed);
}

TEST(RateLimiterTest, KeysAreIndependentAndZeroIsUnlimited) {
  ManualClock clock;
  RateLimiter limiter(&clock);
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(limiter.Check("a", 6).allowed);
  EXPECT_FALSE(limiter.Check("a", 6).allowed);
  EXPECT_TRUE(limiter.Check("b", 6).allowed);
  for (int i = 0; i < 10000; ++i) ASSERT_TRUE(limiter.Check("c", 0).allowed);
}

TEST(RateLimiterTest, RetryAfterGrowsWithSlowerLimits) {
  ManualClock clock;
  RateLimiter limiter(&clock);
  ASSERT_TRUE(limiter.Check("k", 1).allowed);
  RateDecision d = limiter.Check("k", 1);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 60);
  clock.Advance(30000);
  EXPECT_EQ(limiter.Check("k", 1).retry_after_seconds, 30);
}

}  // namespace
}  // namespace engram::api
