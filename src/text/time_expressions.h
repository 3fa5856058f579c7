// Time expressions: finds dates, times, ranges and durations in text and resolves them against the
// moment the text was written (or the question was asked).
//
// "I went to the LGBTQ support group yesterday", said at 1:56 pm on 8 May 2023, yields "yesterday":
// kRelative, day granularity, [2023-05-07, 2023-05-08), normalized "2023-05-07".
// Recognized: absolute dates ("8 May, 2023", "May 8th", "Monday, May 8, 2023", "2023-05-08",
// "05/08/2023"), month-year, "in 2022", "Q4 2025", seasons, day ranges ("May 1-5, 2023", "2020-2023");
// relative dates ("yesterday", "last week", "next Tuesday", "two weeks ago", "in 3 days", "this
// weekend", "the past week"); times ("2 PM", "9:30 am", "14:00", "noon", "5 o'clock") with zones
// ("PT", "UTC"...); time ranges ("9-12 PT", "9am-5pm", "between 2 and 4 pm", "after 1 PM");
// durations ("for 3 hours", "two weeks").
//
// Conventions, so results are predictable: weeks run Monday to Sunday; "last/next <weekday>" is the
// nearest such day strictly before/after the reference day, "this <weekday>" the one in the current
// week; a date without a year takes the reference year; "MM/DD/YYYY" is month first unless the first
// field exceeds 12; bare hours in ranges ("9-12", "1-5") read as working hours (1-6 -> pm, 7-11 ->
// am). Calendar days are those of the reference offset (TimeContext::utc_offset_minutes).
// Normalized text: "2023-05-07" (day), "2023-W18" (ISO week), "2023-W19-WE" (weekend), "2023-05"
// (month), "2025-Q4", "2023-SU" (season), "2022" (year), "2023-05-01/2023-05-05" (day range),
// "14:00", "09:00-12:00 PT", "13:00-" (after 1 PM), "P2W" / "PT3H" (ISO 8601 durations).
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"

namespace engram::text {

enum class TimeExprKind : uint8_t { kDate, kDateRange, kTime, kTimeRange, kDuration, kRelative };
enum class Granularity : uint8_t { kNone, kMinute, kDay, kWeek, kMonth, kSeason, kQuarter, kYear };

std::string_view TimeExprKindName(TimeExprKind kind);
std::string_view GranularityName(Granularity g);

struct TimeContext {
  TimeMs reference = 0;         // when the text was written / the question asked (UTC ms)
  int utc_offset_minutes = 0;   // the writer's offset: decides which calendar day "today" is
};

struct TimeExpression {
  size_t begin = 0;  // byte range in the input
  size_t end = 0;
  TimeExprKind kind = TimeExprKind::kDate;
  Granularity granularity = Granularity::kNone;
  std::optional<TimeMs> start_ms;  // resolved interval [start_ms, end_ms) for dates; unset for
  std::optional<TimeMs> end_ms;    // times of day, durations and unresolvable expressions
  std::string normalized;
  int start_minute = -1;  // times: minutes after midnight; -1 when none or open ("before 5pm")
  int end_minute = -1;
  std::string timezone;                   // "PT", "UTC"... when written; empty otherwise
  std::optional<int> utc_offset_minutes;  // of `timezone` when fixed (PST yes, PT no)
  double duration_seconds = 0;            // kDuration
  bool approximate = false;               // "a few days ago", "several weeks"

  std::string_view Text(std::string_view source) const { return source.substr(begin, end - begin); }
};

// All expressions in `text`, in order, non-overlapping (the longest match at each position wins).
std::vector<TimeExpression> FindTimeExpressions(std::string_view text, const TimeContext& context);

// "When did...", "what date", "what year", "how long ago", "since when", "at what time"...
bool IsWhenQuestion(std::string_view query);

}  // namespace engram::text
