#include "common/time.h"

#include <gtest/gtest.h>

namespace engram {
namespace {

TEST(TimeTest, ParsesAndFormatsRoundTrip) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"2025-10-10T09:00:00Z", "2025-10-10T09:00:00Z"},
      {"2025-10-10T09:00:00.250Z", "2025-10-10T09:00:00.250Z"},
      {"2025-10-10T11:00:00+02:00", "2025-10-10T09:00:00Z"},
      {"2025-10-10T04:30:00-0430", "2025-10-10T09:00:00Z"},
      {"2025-10-10 09:00", "2025-10-10T09:00:00Z"},
      {"2025-10-10", "2025-10-10T00:00:00Z"},
      {"1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"},
      {"2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"},
  };
  for (const auto& c : cases) {
    auto t = ParseIso8601(c.in);
    ASSERT_TRUE(t.has_value()) << c.in;
    EXPECT_EQ(FormatIso8601(*t), c.out) << c.in;
  }
}

TEST(TimeTest, RejectsMalformed) {
  for (const char* bad : {"", "2025", "2025-13-01", "2023-02-29", "2025-10-10T25:00:00Z",
                          "2025-10-10T09:00:00Q", "yesterday", "2025-10-10T09", "2025-10-10T09:00:00.Z"}) {
    EXPECT_FALSE(ParseIso8601(bad).has_value()) << bad;
  }
}

TEST(TimeTest, EpochValues) {
  EXPECT_EQ(*ParseIso8601("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseIso8601("1970-01-02T00:00:01.5Z"), 86'401'500);
}

TEST(TimeTest, ManualClockMoves) {
  ManualClock clock(1000);
  clock.Advance(500);
  EXPECT_EQ(clock.NowMs(), 1500);
}

}  // namespace
}  // namespace engram
