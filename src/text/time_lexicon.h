// Internal to engram_text: the word tables behind time_expressions.cc (month and weekday names,
// number words, units, time zones, seasons). Lookups take normalized lower-case words.
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace engram::text::lexicon {

// 1..12 for "january"/"jan"/"sept"..., 0 otherwise.
int MonthOf(std::string_view w);
// 0 (Monday) .. 6 (Sunday) for "monday"/"mon"/"tues"..., -1 otherwise.
int WeekdayOf(std::string_view w);

struct Quantity {
  double value = 0;
  bool approximate = false;  // "few", "several", "couple of"
};
// "one".."twenty", "thirty".."ninety", "a", "an", "couple", "few", "several", "half", and
// decimal numerals ("3", "1.5").
std::optional<Quantity> QuantityOf(std::string_view w);

enum class Unit { kNone, kSecond, kMinute, kHour, kDay, kWeek, kMonth, kYear };
Unit UnitOf(std::string_view w);  // singular or plural, "hr", "mins", "yrs"...

struct TimeZone {
  std::string_view name;             // canonical upper-case abbreviation, "PT"
  std::optional<int> offset_minutes; // fixed offset; nullopt for DST-dependent generic zones (PT)
};
std::optional<TimeZone> TimeZoneOf(std::string_view w);

// Seasons (northern hemisphere): 1 spring, 2 summer, 3 fall, 4 winter; 0 otherwise.
int SeasonOf(std::string_view w);

}  // namespace engram::text::lexicon
