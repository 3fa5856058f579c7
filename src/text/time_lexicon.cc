#include "text/time_lexicon.h"

#include <cstdlib>
#include <string>

namespace engram::text::lexicon {

int MonthOf(std::string_view w) {
  static constexpr std::string_view kFull[] = {"january", "february", "march",     "april",
                                               "may",     "june",     "july",      "august",
                                               "september", "october", "november", "december"};
  for (int m = 0; m < 12; ++m) {
    if (w == kFull[m] || (w.size() == 3 && kFull[m].substr(0, 3) == w)) return m + 1;
  }
  if (w == "sept") return 9;
  return 0;
}

int WeekdayOf(std::string_view w) {
  static constexpr std::string_view kFull[] = {"monday", "tuesday", "wednesday", "thursday",
                                               "friday", "saturday", "sunday"};
  for (int d = 0; d < 7; ++d) {
    if (w == kFull[d] || (w.size() == 3 && kFull[d].substr(0, 3) == w)) return d;
    if (w.size() == 4 && kFull[d].substr(0, 4) == w && (d == 1 || d == 3)) return d;  // tues, thur
  }
  if (w == "thurs") return 3;
  if (w == "weds") return 2;
  return -1;
}

std::optional<Quantity> QuantityOf(std::string_view w) {
  static constexpr std::string_view kUnits[] = {
      "zero",    "one",     "two",       "three",    "four",     "five",    "six",
      "seven",   "eight",   "nine",      "ten",      "eleven",   "twelve",  "thirteen",
      "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"};
  static constexpr std::string_view kTens[] = {"thirty", "forty", "fifty", "sixty", "seventy",
                                               "eighty", "ninety"};
  if (w.empty()) return std::nullopt;
  if ((w[0] >= '0' && w[0] <= '9')) {
    for (char c : w) {
      if (!((c >= '0' && c <= '9') || c == '.')) return std::nullopt;
    }
    return Quantity{std::strtod(std::string(w).c_str(), nullptr), false};
  }
  for (int i = 0; i <= 20; ++i) {
    if (w == kUnits[i]) return Quantity{static_cast<double>(i), false};
  }
  for (int i = 0; i < 7; ++i) {
    if (w == kTens[i]) return Quantity{static_cast<double>(30 + 10 * i), false};
  }
  if (w == "a" || w == "an") return Quantity{1, false};
  if (w == "half") return Quantity{0.5, false};
  if (w == "couple") return Quantity{2, true};
  if (w == "few" || w == "several") return Quantity{3, true};
  return std::nullopt;
}

Unit UnitOf(std::string_view w) {
  if (w.size() > 1 && w.back() == 's') w.remove_suffix(1);
  if (w == "second" || w == "sec") return Unit::kSecond;
  if (w == "minute" || w == "min") return Unit::kMinute;
  if (w == "hour" || w == "hr") return Unit::kHour;
  if (w == "day") return Unit::kDay;
  if (w == "week" || w == "wk") return Unit::kWeek;
  if (w == "month") return Unit::kMonth;
  if (w == "year" || w == "yr") return Unit::kYear;
  return Unit::kNone;
}

std::optional<TimeZone> TimeZoneOf(std::string_view w) {
  struct Entry {
    std::string_view key;
    std::string_view name;
    int offset;
    bool fixed;
  };
  static constexpr Entry kZones[] = {
      {"pt", "PT", -480, false},    {"pst", "PST", -480, true},  {"pdt", "PDT", -420, true},
      {"mt", "MT", -420, false},    {"mst", "MST", -420, true},  {"mdt", "MDT", -360, true},
      {"ct", "CT", -360, false},    {"cst", "CST", -360, true},  {"cdt", "CDT", -300, true},
      {"et", "ET", -300, false},    {"est", "EST", -300, true},  {"edt", "EDT", -240, true},
      {"utc", "UTC", 0, true},      {"gmt", "GMT", 0, true},     {"z", "Z", 0, true},
      {"bst", "BST", 60, true},     {"cet", "CET", 60, true},    {"cest", "CEST", 120, true},
      {"eet", "EET", 120, true},    {"eest", "EEST", 180, true}, {"ist", "IST", 330, true},
      {"jst", "JST", 540, true},    {"kst", "KST", 540, true},   {"aest", "AEST", 600, true},
      {"aedt", "AEDT", 660, true},  {"hst", "HST", -600, true},  {"akst", "AKST", -540, true},
  };
  for (const Entry& e : kZones) {
    if (w == e.key) {
      return TimeZone{e.name, e.fixed ? std::optional<int>(e.offset) : std::nullopt};
    }
  }
  return std::nullopt;
}

int SeasonOf(std::string_view w) {
  if (w == "spring") return 1;
  if (w == "summer") return 2;
  if (w == "fall" || w == "autumn") return 3;
  if (w == "winter") return 4;
  return 0;
}

}  // namespace engram::text::lexicon
