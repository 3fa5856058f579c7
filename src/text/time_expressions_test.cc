#include "text/time_expressions.h"

#include <gtest/gtest.h>

#include <string>

namespace engram::text {
namespace {

// "1:56 pm on 8 May, 2023" (a Monday).
const TimeContext kCtx{.reference = *ParseIso8601("2023-05-08T13:56:00Z")};

struct Want {
  const char* text;        // matched surface text
  TimeExprKind kind;
  const char* normalized;
  const char* start;       // ISO start of the resolved interval, or "" when unresolved
  const char* end;
};

void ExpectOne(const char* input, const Want& w, const TimeContext& ctx = kCtx) {
  const std::string s = input;
  const auto found = FindTimeExpressions(s, ctx);
  ASSERT_EQ(found.size(), 1u) << input;
  const TimeExpression& e = found[0];
  EXPECT_EQ(e.Text(s), w.text) << input;
  EXPECT_EQ(TimeExprKindName(e.kind), TimeExprKindName(w.kind)) << input;
  EXPECT_EQ(e.normalized, w.normalized) << input;
  if (*w.start) {
    ASSERT_TRUE(e.start_ms.has_value()) << input;
    EXPECT_EQ(FormatIso8601(*e.start_ms), w.start) << input;
    EXPECT_EQ(FormatIso8601(*e.end_ms), w.end) << input;
  } else {
    EXPECT_FALSE(e.start_ms.has_value()) << input;
  }
}

using K = TimeExprKind;

TEST(TimeExpressionsTest, AbsoluteDates) {
  struct Case {
    const char* in;
    Want want;
  } cases[] = {
      {"It happened on 8 May, 2023.", {"8 May, 2023", K::kDate, "2023-05-08", "2023-05-08T00:00:00Z", "2023-05-09T00:00:00Z"}},
      {"It happened May 8, 2023!", {"May 8, 2023", K::kDate, "2023-05-08", "2023-05-08T00:00:00Z", "2023-05-09T00:00:00Z"}},
      {"See you May 20th", {"May 20th", K::kDate, "2023-05-20", "2023-05-20T00:00:00Z", "2023-05-21T00:00:00Z"}},
      {"Monday, May 8, 2023 was busy", {"Monday, May 8, 2023", K::kDate, "2023-05-08", "2023-05-08T00:00:00Z", "2023-05-09T00:00:00Z"}},
      {"the 3rd of July", {"3rd of July", K::kDate, "2023-07-03", "2023-07-03T00:00:00Z", "2023-07-04T00:00:00Z"}},
      {"due 2023-05-08", {"2023-05-08", K::kDate, "2023-05-08", "2023-05-08T00:00:00Z", "2023-05-09T00:00:00Z"}},
      {"due 05/08/2023", {"05/08/2023", K::kDate, "2023-05-08", "2023-05-08T00:00:00Z", "2023-05-09T00:00:00Z"}},
      {"due 25/12/2023", {"25/12/2023", K::kDate, "2023-12-25", "2023-12-25T00:00:00Z", "2023-12-26T00:00:00Z"}},
      {"back in May 2023", {"May 2023", K::kDate, "2023-05", "2023-05-01T00:00:00Z", "2023-06-01T00:00:00Z"}},
      {"I moved in 2022", {"2022", K::kDate, "2022", "2022-01-01T00:00:00Z", "2023-01-01T00:00:00Z"}},
      {"trip in March", {"March", K::kDate, "2023-03", "2023-03-01T00:00:00Z", "2023-04-01T00:00:00Z"}},
      {"Q4 2025 Goals", {"Q4 2025", K::kDateRange, "2025-Q4", "2025-10-01T00:00:00Z", "2026-01-01T00:00:00Z"}},
      {"summer 2022 trip", {"summer 2022", K::kDateRange, "2022-SU", "2022-06-01T00:00:00Z", "2022-09-01T00:00:00Z"}},
      {"from May 1-5, 2023", {"May 1-5, 2023", K::kDateRange, "2023-05-01/2023-05-05", "2023-05-01T00:00:00Z", "2023-05-06T00:00:00Z"}},
      {"worked there 2019-2021", {"2019-2021", K::kDateRange, "2019/2021", "2019-01-01T00:00:00Z", "2022-01-01T00:00:00Z"}},
  };
  for (const auto& c : cases) ExpectOne(c.in, c.want);
}

TEST(TimeExpressionsTest, RelativeDates) {
  struct Case {
    const char* in;
    Want want;
  } cases[] = {
      {"I went to the LGBTQ support group yesterday", {"yesterday", K::kRelative, "2023-05-07", "2023-05-07T00:00:00Z", "2023-05-08T00:00:00Z"}},
      {"today is fine", {"today", K::kRelative, "2023-05-08", "2023-05-08T00:00:00Z", "2023-05-09T00:00:00Z"}},
      {"see you tomorrow", {"tomorrow", K::kRelative, "2023-05-09", "2023-05-09T00:00:00Z", "2023-05-10T00:00:00Z"}},
      {"It was last week", {"last week", K::kRelative, "2023-W18", "2023-05-01T00:00:00Z", "2023-05-08T00:00:00Z"}},
      {"starting next week", {"next week", K::kRelative, "2023-W20", "2023-05-15T00:00:00Z", "2023-05-22T00:00:00Z"}},
      {"next Tuesday works", {"next Tuesday", K::kRelative, "2023-05-09", "2023-05-09T00:00:00Z", "2023-05-10T00:00:00Z"}},
      {"last Friday I ran", {"last Friday", K::kRelative, "2023-05-05", "2023-05-05T00:00:00Z", "2023-05-06T00:00:00Z"}},
      {"two weeks ago", {"two weeks ago", K::kRelative, "2023-W17", "2023-04-24T00:00:00Z", "2023-05-01T00:00:00Z"}},
      {"3 days ago", {"3 days ago", K::kRelative, "2023-05-05", "2023-05-05T00:00:00Z", "2023-05-06T00:00:00Z"}},
      {"a couple of days ago", {"a couple of days ago", K::kRelative, "2023-05-06", "2023-05-06T00:00:00Z", "2023-05-07T00:00:00Z"}},
      {"in 3 days", {"in 3 days", K::kRelative, "2023-05-11", "2023-05-11T00:00:00Z", "2023-05-12T00:00:00Z"}},
      {"next month", {"next month", K::kRelative, "2023-06", "2023-06-01T00:00:00Z", "2023-07-01T00:00:00Z"}},
      {"last year", {"last year", K::kRelative, "2022", "2022-01-01T00:00:00Z", "2023-01-01T00:00:00Z"}},
      {"this weekend", {"this weekend", K::kRelative, "2023-W19-WE", "2023-05-13T00:00:00Z", "2023-05-15T00:00:00Z"}},
      {"last summer", {"last summer", K::kRelative, "2022-SU", "2022-06-01T00:00:00Z", "2022-09-01T00:00:00Z"}},
      {"the day before yesterday", {"the day before yesterday", K::kRelative, "2023-05-06", "2023-05-06T00:00:00Z", "2023-05-07T00:00:00Z"}},
      {"in the past week", {"past week", K::kDateRange, "2023-05-01/2023-05-08", "2023-05-01T00:00:00Z", "2023-05-09T00:00:00Z"}},
  };
  for (const auto& c : cases) ExpectOne(c.in, c.want);
}

TEST(TimeExpressionsTest, TimesRangesAndDurations) {
  struct Case {
    const char* in;
    Want want;
    int start_minute;
    int end_minute;
    const char* zone;
  } cases[] = {
      {"at 2 PM", {"2 PM", K::kTime, "14:00", "", ""}, 14 * 60, -1, ""},
      {"at 2pm", {"2pm", K::kTime, "14:00", "", ""}, 14 * 60, -1, ""},
      {"at 14:00 UTC", {"14:00 UTC", K::kTime, "14:00 UTC", "", ""}, 14 * 60, -1, "UTC"},
      {"by 9:30 am PST", {"by 9:30 am PST", K::kTimeRange, "-09:30 PST", "", ""}, -1, 9 * 60 + 30, "PST"},
      {"lunch at noon", {"noon", K::kTime, "12:00", "", ""}, 12 * 60, -1, ""},
      {"Typical focus blocks 9\u201312 PT;", {"9\u201312 PT", K::kTimeRange, "09:00-12:00 PT", "", ""}, 9 * 60, 12 * 60, "PT"},
      {"blocks 9-12 PT", {"9-12 PT", K::kTimeRange, "09:00-12:00 PT", "", ""}, 9 * 60, 12 * 60, "PT"},
      {"open 9am-5pm", {"9am-5pm", K::kTimeRange, "09:00-17:00", "", ""}, 9 * 60, 17 * 60, ""},
      {"meetings after 1 PM preferred", {"after 1 PM", K::kTimeRange, "13:00-", "", ""}, 13 * 60, -1, ""},
      {"between 2 and 4 pm", {"between 2 and 4 pm", K::kTimeRange, "14:00-16:00", "", ""}, 14 * 60, 16 * 60, ""},
      {"from 9am to 5pm ET", {"from 9am to 5pm ET", K::kTimeRange, "09:00-17:00 ET", "", ""}, 9 * 60, 17 * 60, "ET"},
      {"call at 10 UTC+2 please", {"", K::kTime, "", "", ""}, 0, 0, ""},
      {"for 3 hours", {"3 hours", K::kDuration, "PT3H", "", ""}, -1, -1, ""},
      {"stayed two weeks", {"two weeks", K::kDuration, "P2W", "", ""}, -1, -1, ""},
  };
  for (const auto& c : cases) {
    const std::string s = c.in;
    const auto found = FindTimeExpressions(s, kCtx);
    if (*c.want.text == 0) {
      EXPECT_TRUE(found.empty()) << c.in;  // bare "10" is not a time
      continue;
    }
    ExpectOne(c.in, c.want);
    if (found.size() != 1) continue;
    EXPECT_EQ(found[0].start_minute, c.start_minute) << c.in;
    EXPECT_EQ(found[0].end_minute, c.end_minute) << c.in;
    EXPECT_EQ(found[0].timezone, c.zone) << c.in;
  }
  const auto pst = FindTimeExpressions("9:30 am PST", kCtx);
  ASSERT_EQ(pst.size(), 1u);
  EXPECT_EQ(pst[0].utc_offset_minutes, -480);
  const auto pt = FindTimeExpressions("9:30 am PT", kCtx);
  ASSERT_EQ(pt.size(), 1u);
  EXPECT_FALSE(pt[0].utc_offset_minutes.has_value());  // PT depends on daylight saving
  EXPECT_DOUBLE_EQ(FindTimeExpressions("for 3 hours", kCtx)[0].duration_seconds, 3 * 3600);
}

TEST(TimeExpressionsTest, SeveralInOneSentence) {
  const std::string s = "Let\u2019s move stand-up to 2 PM starting next week.";
  const auto found = FindTimeExpressions(s, kCtx);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].normalized, "14:00");
  EXPECT_EQ(found[1].normalized, "2023-W20");

  const std::string said = "1:56 pm on 8 May, 2023";
  const auto two = FindTimeExpressions(said, kCtx);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].kind, TimeExprKind::kTime);
  EXPECT_EQ(two[0].start_minute, 13 * 60 + 56);
  EXPECT_EQ(two[1].normalized, "2023-05-08");
}

TEST(TimeExpressionsTest, NoFalsePositives) {
  for (const char* s : {"I may go", "hire 3 engineers", "Call 555-123-4567", "reach $1M ARR", "once a week",
                        "March on", "the year was good", ""}) {
    EXPECT_TRUE(FindTimeExpressions(s, kCtx).empty()) << s;
  }
}

TEST(TimeExpressionsTest, ReferenceOffsetDecidesToday) {
  // 02:00 UTC on 9 May is still 8 May in California.
  const TimeContext la{.reference = *ParseIso8601("2023-05-09T02:00:00Z"), .utc_offset_minutes = -420};
  const auto found = FindTimeExpressions("yesterday", la);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].normalized, "2023-05-07");
  EXPECT_EQ(FormatIso8601(*found[0].start_ms), "2023-05-07T07:00:00Z");
}

TEST(TimeExpressionsTest, Cues) {
  for (const char* q : {"When did Caroline go to the LGBTQ support group?", "What year did she move?",
                        "How long ago was the trip?", "what date is the party", "How many years has she painted?"}) {
    EXPECT_TRUE(IsWhenQuestion(q)) << q;
  }
  for (const char* q : {"Where does Caroline work?", "What does Melanie paint?"}) {
    EXPECT_FALSE(IsWhenQuestion(q)) << q;
  }
}

}  // namespace
}  // namespace engram::text
