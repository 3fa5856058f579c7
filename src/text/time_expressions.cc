#include "text/time_expressions.h"

#include <cmath>
#include <cstdio>

#include "text/analyzer.h"
#include "text/time_lexicon.h"
#include "text/tokenizer.h"

namespace engram::text {
namespace {

using lexicon::Unit;
constexpr int64_t kDayMs = 86'400'000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int WeekdayOfDays(int64_t days) { return static_cast<int>(((days + 3) % 7 + 7) % 7); }  // Mon = 0
bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

std::string Fmt(const char* f, int64_t a, int64_t b = 0, int64_t c = 0) {
  char buf[48];
  std::snprintf(buf, sizeof buf, f, static_cast<long long>(a), static_cast<long long>(b),
                static_cast<long long>(c));
  return buf;
}

std::string DayString(int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  return Fmt("%04lld-%02lld-%02lld", y, m, d);
}

struct Tok {
  std::string w;  // canonical lower-case text (analyzer.h), unstemmed
  TokenKind kind;
  size_t begin, end;
  bool capitalized;
};

struct Match {
  size_t consumed = 0;  // tokens
  TimeExpression e;
};

class Parser {
 public:
  Parser(std::string_view text, const TimeContext& ctx) : s_(text), ctx_(ctx) {
    for (const Token& t : Tokenize(text)) {
      const char c0 = text[t.begin];
      t_.push_back(Tok{CanonicalTokenText(text, t), t.kind, t.begin, t.end, c0 >= 'A' && c0 <= 'Z'});
    }
    offset_ms_ = static_cast<int64_t>(ctx.utc_offset_minutes) * 60'000;
    ref_day_ = FloorDiv(ctx.reference + offset_ms_, kDayMs);
    CivilFromDays(ref_day_, &ref_y_, &ref_m_, &ref_d_);
  }

  std::vector<TimeExpression> Run() {
    std::vector<TimeExpression> out;
    size_t i = 0;
    while (i < t_.size()) {
      Match best;
      for (auto fn : {&Parser::AbsoluteDate, &Parser::Quarter, &Parser::Year, &Parser::Relative,
                      &Parser::TimeRange, &Parser::TimeOfDay, &Parser::Duration}) {
        Match m;
        if ((this->*fn)(i, &m) && m.consumed > best.consumed) best = std::move(m);
      }
      if (best.consumed == 0) {
        ++i;
        continue;
      }
      out.push_back(std::move(best.e));
      i += best.consumed;
    }
    return out;
  }

 private:
  const std::string& W(size_t i) const {
    static const std::string kEmpty;
    return i < t_.size() ? t_[i].w : kEmpty;
  }
  bool Is(size_t i, std::initializer_list<std::string_view> words) const {
    for (auto w : words) {
      if (W(i) == w) return true;
    }
    return false;
  }
  bool Int(size_t i, int* v) const {
    if (i >= t_.size() || (t_[i].kind != TokenKind::kNumber && t_[i].kind != TokenKind::kOrdinal)) return false;
    const std::string& w = t_[i].w;
    if (w.empty() || w.size() > 6) return false;
    int x = 0;
    for (char c : w) {
      if (c < '0' || c > '9') return false;
      x = x * 10 + (c - '0');
    }
    *v = x;
    return true;
  }
  bool DayNum(size_t i, int* d) const { return Int(i, d) && *d >= 1 && *d <= 31; }
  bool YearNum(size_t i, int* y) const {
    return Int(i, y) && t_[i].kind == TokenKind::kNumber && W(i).size() == 4 && *y >= 1000 && *y <= 2999;
  }
  // "may" is a modal verb far more often than a month: only the capitalized form counts.
  int MonthAt(size_t i) const {
    if (i >= t_.size() || t_[i].kind != TokenKind::kWord) return 0;
    const int m = lexicon::MonthOf(W(i));
    return (m == 5 && !t_[i].capitalized) ? 0 : m;
  }

  TimeMs DayStart(int64_t days) const { return days * kDayMs - offset_ms_; }
  void Span(TimeExpression* e, size_t i, size_t j) const { e->begin = t_[i].begin, e->end = t_[j - 1].end; }

  void SetDays(TimeExpression* e, int64_t d0, int64_t d1, Granularity g, std::string norm) const {
    e->start_ms = DayStart(d0);
    e->end_ms = DayStart(d1);
    e->granularity = g;
    e->normalized = std::move(norm);
  }
  void SetDay(TimeExpression* e, int64_t d) const { SetDays(e, d, d + 1, Granularity::kDay, DayString(d)); }
  void SetWeek(TimeExpression* e, int64_t monday) const {
    const int64_t thursday = monday + 3;
    int64_t y;
    unsigned m, d;
    CivilFromDays(thursday, &y, &m, &d);
    const int64_t week = (thursday - DaysFromCivil(y, 1, 1)) / 7 + 1;
    SetDays(e, monday, monday + 7, Granularity::kWeek, Fmt("%04lld-W%02lld", y, week));
  }
  void SetWeekend(TimeExpression* e, int64_t monday) const {
    SetWeek(e, monday);
    SetDays(e, monday + 5, monday + 7, Granularity::kDay, e->normalized + "-WE");
  }
  void SetMonth(TimeExpression* e, int64_t y, int m) const {
    const int64_t d0 = DaysFromCivil(y, m, 1);
    SetDays(e, d0, d0 + DaysInMonth(y, m), Granularity::kMonth, Fmt("%04lld-%02lld", y, m));
  }
  void SetYear(TimeExpression* e, int64_t y) const {
    SetDays(e, DaysFromCivil(y, 1, 1), DaysFromCivil(y + 1, 1, 1), Granularity::kYear, Fmt("%04lld", y));
  }
  void SetQuarter(TimeExpression* e, int64_t y, int q) const {
    const int64_t d0 = DaysFromCivil(y, 3 * q - 2, 1);
    const int64_t d1 = q == 4 ? DaysFromCivil(y + 1, 1, 1) : DaysFromCivil(y, 3 * q + 1, 1);
    SetDays(e, d0, d1, Granularity::kQuarter, Fmt("%04lld-Q%lld", y, q));
  }
  // Season 1..4 starting in year y (winter spans into y+1).
  void SetSeason(TimeExpression* e, int64_t y, int s) const {
    static constexpr const char* kCodes[] = {"SP", "SU", "FA", "WI"};
    const int m0 = 3 * s;  // 3, 6, 9, 12
    const int64_t d0 = DaysFromCivil(y, m0, 1);
    const int64_t d1 = s == 4 ? DaysFromCivil(y + 1, 3, 1) : DaysFromCivil(y, m0 + 3, 1);
    SetDays(e, d0, d1, Granularity::kSeason, Fmt("%04lld-", y) + kCodes[s - 1]);
  }
  // Index of the season containing the reference day, as (year, season).
  void CurrentSeason(int64_t* y, int* s) const {
    *y = ref_y_;
    if (ref_m_ <= 2) {
      *y = ref_y_ - 1, *s = 4;
    } else {
      *s = ref_m_ == 12 ? 4 : static_cast<int>(ref_m_) / 3;
    }
  }

  bool ValidDate(int64_t y, int m, int d) const { return m >= 1 && m <= 12 && d >= 1 && d <= DaysInMonth(y, m); }

  bool AbsoluteDate(size_t i, Match* out) const {
    size_t k = i;
    if (lexicon::WeekdayOf(W(k)) >= 0) ++k;  // "Monday, May 8"
    TimeExpression& e = out->e;
    e.kind = TimeExprKind::kDate;
    int d = 0, y = 0;
    if (k < t_.size() && t_[k].kind == TokenKind::kDate) {
      int64_t yy = 0;
      unsigned mm = 0, dd = 0;
      if (std::sscanf(W(k).c_str(), "%lld-%u-%u", reinterpret_cast<long long*>(&yy), &mm, &dd) == 3 &&
          ValidDate(yy, static_cast<int>(mm), static_cast<int>(dd))) {
        SetDay(&e, DaysFromCivil(yy, mm, dd));
        Span(&e, i, k + 1);
        out->consumed = k + 1 - i;
        return true;
      }
      return false;
    }
    if (int m = MonthAt(k); m != 0) {
      // "May 1-5, 2023": a day range.
      if (k + 1 < t_.size() && t_[k + 1].kind == TokenKind::kRange) {
        int a = 0, b = 0;
        if (std::sscanf(W(k + 1).c_str(), "%d-%d", &a, &b) == 2 && a >= 1 && a < b && b <= 31) {
          const int64_t yr = YearNum(k + 2, &y) ? y : ref_y_;
          if (!ValidDate(yr, m, b)) return false;
          const int64_t d0 = DaysFromCivil(yr, m, a), d1 = DaysFromCivil(yr, m, b);
          e.kind = TimeExprKind::kDateRange;
          SetDays(&e, d0, d1 + 1, Granularity::kDay, DayString(d0) + "/" + DayString(d1));
          const size_t j = k + (YearNum(k + 2, &y) ? 3 : 2);
          Span(&e, i, j);
          out->consumed = j - i;
          return true;
        }
      }
      if (DayNum(k + 1, &d) && !YearNum(k + 1, &y)) {  // "May 8th[, 2023]"
        const bool has_year = YearNum(k + 2, &y);
        const int64_t yr = has_year ? y : ref_y_;
        if (!ValidDate(yr, m, d)) return false;
        SetDay(&e, DaysFromCivil(yr, m, d));
        const size_t j = k + (has_year ? 3 : 2);
        Span(&e, i, j);
        out->consumed = j - i;
        return true;
      }
      if (YearNum(k + 1, &y) && k == i) {  // "May 2023"
        SetMonth(&e, y, m);
        Span(&e, i, k + 2);
        out->consumed = 2;
        return true;
      }
      return false;
    }
    if (DayNum(k, &d) && !YearNum(k, &y)) {  // "8 May, 2023", "8th of May"
      size_t mk = k + 1;
      if (W(mk) == "of") ++mk;
      const int m = MonthAt(mk);
      if (m == 0) return false;
      const bool has_year = YearNum(mk + 1, &y);
      const int64_t yr = has_year ? y : ref_y_;
      if (!ValidDate(yr, m, d)) return false;
      SetDay(&e, DaysFromCivil(yr, m, d));
      const size_t j = mk + (has_year ? 2 : 1);
      Span(&e, i, j);
      out->consumed = j - i;
      return true;
    }
    return false;
  }

  bool Quarter(size_t i, Match* out) const {
    const std::string& w = W(i);
    if (w.size() != 2 || w[0] != 'q' || w[1] < '1' || w[1] > '4') return false;
    int y = 0;
    const bool has_year = YearNum(i + 1, &y);
    out->e.kind = TimeExprKind::kDateRange;
    SetQuarter(&out->e, has_year ? y : ref_y_, w[1] - '0');
    out->consumed = has_year ? 2 : 1;
    Span(&out->e, i, i + out->consumed);
    return true;
  }

  // "in 2022", "since 2019", "summer 2022", "2020-2023", "in March".
  bool Year(size_t i, Match* out) const {
    TimeExpression& e = out->e;
    int y = 0, y2 = 0;
    if (i < t_.size() && t_[i].kind == TokenKind::kRange &&
        std::sscanf(W(i).c_str(), "%d-%d", &y, &y2) == 2 && y >= 1000 && y2 > y && y2 <= 2999 &&
        W(i).size() == 9) {
      e.kind = TimeExprKind::kDateRange;
      SetDays(&e, DaysFromCivil(y, 1, 1), DaysFromCivil(y2 + 1, 1, 1), Granularity::kYear,
              Fmt("%04lld/%04lld", y, y2));
      Span(&e, i, i + 1);
      out->consumed = 1;
      return true;
    }
    if (int s = lexicon::SeasonOf(W(i)); s != 0) {
      const size_t yk = W(i + 1) == "of" ? i + 2 : i + 1;
      if (!YearNum(yk, &y)) return false;
      e.kind = TimeExprKind::kDateRange;
      SetSeason(&e, y, s);
      Span(&e, i, yk + 1);
      out->consumed = yk + 1 - i;
      return true;
    }
    if (!Is(i, {"in", "since", "during", "by", "until", "before", "after", "from", "of", "around",
                "circa", "early", "late", "mid", "year"})) {
      return false;
    }
    e.kind = TimeExprKind::kDate;
    if (Match full; AbsoluteDate(i + 1, &full)) return false;  // "from May 1-5": let the date win
    if (YearNum(i + 1, &y)) {
      SetYear(&e, y);
    } else if (int m = MonthAt(i + 1); m != 0) {
      SetMonth(&e, ref_y_, m);
    } else {
      return false;
    }
    Span(&e, i + 1, i + 2);  // the preposition is context, not part of the expression
    out->consumed = 2;
    return true;
  }

  bool Relative(size_t i, Match* out) const {
    TimeExpression& e = out->e;
    e.kind = TimeExprKind::kRelative;
    const int64_t monday = ref_day_ - WeekdayOfDays(ref_day_);
    auto done = [&](size_t n) {
      Span(&e, i, i + n);
      out->consumed = n;
      return true;
    };
    const std::string& w = W(i);
    if (w == "today" || w == "tonight") return SetDay(&e, ref_day_), done(1);
    if (w == "yesterday") return SetDay(&e, ref_day_ - 1), done(1);
    if (w == "tomorrow") return SetDay(&e, ref_day_ + 1), done(1);
    if (w == "the" && W(i + 1) == "day" && W(i + 2) == "before" && W(i + 3) == "yesterday") {
      return SetDay(&e, ref_day_ - 2), done(4);
    }
    if (w == "the" && W(i + 1) == "day" && W(i + 2) == "after" && W(i + 3) == "tomorrow") {
      return SetDay(&e, ref_day_ + 2), done(4);
    }
    if (w == "last" && W(i + 1) == "night") return SetDay(&e, ref_day_ - 1), done(2);
    if (w == "this" && Is(i + 1, {"morning", "afternoon", "evening"})) return SetDay(&e, ref_day_), done(2);

    size_t k = i;
    if (Is(k, {"earlier", "later"}) && W(k + 1) == "this") ++k;  // "earlier this week" = this week
    const std::string& dir = W(k);
    int sign;
    if (dir == "last" || dir == "previous" || dir == "past") {
      sign = -1;
    } else if (dir == "next" || dir == "coming" || dir == "upcoming") {
      sign = 1;
    } else if (dir == "this") {
      sign = 0;
    } else {
      return QuantityRelative(i, out);
    }
    const std::string& unit = W(k + 1);
    const size_t n = k + 2 - i;
    if (dir == "past" && Is(k + 1, {"week", "month", "year"})) {  // rolling window up to today
      int64_t d0 = ref_day_ - 7;
      if (unit == "month") d0 = ref_day_ - 30;
      if (unit == "year") d0 = ref_day_ - 365;
      e.kind = TimeExprKind::kDateRange;
      SetDays(&e, d0, ref_day_ + 1, Granularity::kDay, DayString(d0) + "/" + DayString(ref_day_));
      return done(n);
    }
    if (unit == "week") return SetWeek(&e, monday + 7 * sign), done(n);
    if (unit == "weekend") return SetWeekend(&e, monday + 7 * sign), done(n);
    if (unit == "month") {
      const int64_t idx = ref_y_ * 12 + (ref_m_ - 1) + sign;
      return SetMonth(&e, FloorDiv(idx, 12), static_cast<int>(idx - FloorDiv(idx, 12) * 12) + 1), done(n);
    }
    if (unit == "year") return SetYear(&e, ref_y_ + sign), done(n);
    if (int wd = lexicon::WeekdayOf(unit); wd >= 0) {
      const int today = WeekdayOfDays(ref_day_);
      int64_t day = monday + wd;  // this <weekday>
      if (sign < 0) day = ref_day_ - ((today - wd + 6) % 7 + 1);
      if (sign > 0) day = ref_day_ + ((wd - today + 6) % 7 + 1);
      return SetDay(&e, day), done(n);
    }
    if (int m = lexicon::MonthOf(unit); m != 0) {
      int64_t y = ref_y_;
      if (sign < 0 && m >= static_cast<int>(ref_m_)) --y;
      if (sign > 0 && m <= static_cast<int>(ref_m_)) ++y;
      return SetMonth(&e, y, m), done(n);
    }
    if (int s = lexicon::SeasonOf(unit); s != 0) {
      int64_t cy;
      int cs;
      CurrentSeason(&cy, &cs);
      int64_t y = (s == 4 && ref_m_ <= 2) ? ref_y_ - 1 : ref_y_;  // this <season>
      if (sign < 0 && (y > cy || (y == cy && s >= cs))) --y;
      if (sign > 0 && (y < cy || (y == cy && s <= cs))) ++y;
      return SetSeason(&e, y, s), done(n);
    }
    return false;
  }

  // "two weeks ago", "a couple of days ago", "3 days ago", "in 3 days", "2 weeks from now".
  bool QuantityRelative(size_t i, Match* out) const {
    size_t k = i;
    const bool future_in = W(k) == "in";
    if (future_in) ++k;
    if (W(k) == "a" && Is(k + 1, {"couple", "few"})) ++k;
    const auto q = lexicon::QuantityOf(W(k));
    if (!q) return false;
    size_t u = k + 1;
    if (W(u) == "of") ++u;
    const Unit unit = lexicon::UnitOf(W(u));
    if (unit == Unit::kNone) return false;
    int sign;
    size_t j = u + 1;
    if (!future_in && W(j) == "ago") {
      sign = -1, ++j;
    } else if (!future_in && W(j) == "from" && W(j + 1) == "now") {
      sign = 1, j += 2;
    } else if (future_in) {
      sign = 1;
    } else {
      return false;
    }
    TimeExpression& e = out->e;
    e.kind = TimeExprKind::kRelative;
    e.approximate = q->approximate;
    const double n = q->value * sign;
    const auto whole = static_cast<int64_t>(std::llround(n));
    switch (unit) {
      case Unit::kDay: SetDay(&e, ref_day_ + whole); break;
      case Unit::kWeek: {
        const int64_t day = ref_day_ + std::llround(n * 7);
        SetWeek(&e, day - WeekdayOfDays(day));
        break;
      }
      case Unit::kMonth: {
        const int64_t idx = ref_y_ * 12 + (ref_m_ - 1) + whole;
        SetMonth(&e, FloorDiv(idx, 12), static_cast<int>(idx - FloorDiv(idx, 12) * 12) + 1);
        break;
      }
      case Unit::kYear: SetYear(&e, ref_y_ + whole); break;
      default: {
        const double unit_ms = unit == Unit::kHour ? 3.6e6 : unit == Unit::kMinute ? 6e4 : 1e3;
        const TimeMs t = ctx_.reference + static_cast<TimeMs>(std::llround(n * unit_ms));
        e.start_ms = t;
        e.end_ms = t + 60'000;
        e.granularity = Granularity::kMinute;
        e.normalized = FormatIso8601(t - t % 60'000);
      }
    }
    Span(&e, i, j);
    out->consumed = j - i;
    return true;
  }

  // A clock time at token i: minutes after midnight, whether am/pm or hh:mm made it explicit.
  bool ClockAt(size_t i, int* minutes, bool* explicit_time, size_t* consumed) const {
    *consumed = 1;
    *explicit_time = true;
    if (Is(i, {"noon", "midday"})) return *minutes = 12 * 60, true;
    if (W(i) == "midnight") return *minutes = 0, true;
    int h = 0, m = 0;
    if (i < t_.size() && t_[i].kind == TokenKind::kTime) {
      if (std::sscanf(W(i).c_str(), "%d:%d", &h, &m) != 2 || h > 23 || m > 59) return false;
      return *minutes = h * 60 + m, true;
    }
    if (Int(i, &h) && t_[i].kind == TokenKind::kNumber && h <= 24) {
      if (W(i + 1) == "oclock") {
        *consumed = 2;
        return *minutes = (h % 24) * 60, true;
      }
      *explicit_time = false;
      return *minutes = h * 60, true;
    }
    return false;
  }

  static int WorkingHour(int minutes) {
    const int h = minutes / 60;
    return (h >= 1 && h <= 6) ? minutes + 12 * 60 : minutes;
  }

  std::string ClockString(int minutes) const { return Fmt("%02lld:%02lld", minutes / 60, minutes % 60); }

  // Attaches a following time zone ("PT", "UTC+2") and finishes the normalized string.
  size_t AttachZone(size_t j, TimeExpression* e) const {
    if (auto tz = lexicon::TimeZoneOf(W(j)); tz && j < t_.size() && t_[j].kind == TokenKind::kWord) {
      e->timezone = std::string(tz->name);
      e->utc_offset_minutes = tz->offset_minutes;
      int hours = 0;
      if ((tz->name == "UTC" || tz->name == "GMT") && t_[j].end < s_.size() &&
          (s_[t_[j].end] == '+' || s_[t_[j].end] == '-') && j + 1 < t_.size() &&
          t_[j + 1].begin == t_[j].end + 1 && Int(j + 1, &hours) && hours <= 14) {
        const int sign = s_[t_[j].end] == '-' ? -1 : 1;
        e->utc_offset_minutes = sign * hours * 60;
        e->timezone += Fmt("%c%lld", sign < 0 ? '-' : '+', hours);
        ++j;
      }
      e->normalized += " " + e->timezone;
      return j + 1;
    }
    return j;
  }

  bool TimeRange(size_t i, Match* out) const {
    TimeExpression& e = out->e;
    e.kind = TimeExprKind::kTimeRange;
    e.granularity = Granularity::kMinute;
    int a = 0, b = 0;
    bool ea = false, eb = false;
    size_t ca = 0, cb = 0;
    if (Is(i, {"after", "before", "until", "till", "by"}) && ClockAt(i + 1, &a, &ea, &ca) && ea) {
      const bool after = W(i) == "after";
      (after ? e.start_minute : e.end_minute) = a;
      e.normalized = after ? ClockString(a).append("-") : std::string("-").append(ClockString(a));
      return Finish(i, i + 1 + ca, out);
    }
    if (i < t_.size() && t_[i].kind == TokenKind::kRange) {
      // Canonical "9-12", "9:00-17:00", "9-12:00": a ':' means the side had am/pm or minutes.
      const std::string& w = W(i);
      const size_t dash = w.find('-');
      const std::string l = w.substr(0, dash), r = w.substr(dash + 1);
      int h = 0, m = 0;
      if (std::sscanf(l.c_str(), "%d:%d", &h, &m) < 1 || h > 24 || m > 59) return false;
      a = h * 60 + m;
      h = m = 0;
      if (std::sscanf(r.c_str(), "%d:%d", &h, &m) < 1 || h > 24 || m > 59) return false;
      b = h * 60 + m;
      ea = l.find(':') != std::string::npos;
      eb = r.find(':') != std::string::npos;
      // Bare "9-12" is a time range only with a zone after it or "from/between/at" before it.
      const bool zone_follows = lexicon::TimeZoneOf(W(i + 1)).has_value();
      if (!ea && !eb && !zone_follows && !(i > 0 && Is(i - 1, {"from", "between", "at"}))) return false;
      return Resolve(i, i + 1, a, ea, b, eb, out);
    }
    if (Is(i, {"from", "between"}) && ClockAt(i + 1, &a, &ea, &ca) &&
        Is(i + 1 + ca, {"to", "and", "until", "till", "through"}) && ClockAt(i + 2 + ca, &b, &eb, &cb) &&
        (ea || eb || lexicon::TimeZoneOf(W(i + 2 + ca + cb)).has_value())) {
      return Resolve(i, i + 2 + ca + cb, a, ea, b, eb, out);
    }
    if (ClockAt(i, &a, &ea, &ca) && ea && Is(i + ca, {"to", "until", "till"}) &&
        ClockAt(i + ca + 1, &b, &eb, &cb) && eb) {
      return Resolve(i, i + ca + 1 + cb, a, ea, b, eb, out);
    }
    return false;
  }

  // Bare hours read as working hours; an end not after the start moves to the afternoon.
  bool Resolve(size_t i, size_t j, int a, bool ea, int b, bool eb, Match* out) const {
    if (!ea) a = WorkingHour(a);
    if (!eb) {
      b = WorkingHour(b);
      if (b <= a && b + 12 * 60 <= 24 * 60) b += 12 * 60;
    }
    out->e.start_minute = a % (24 * 60);
    out->e.end_minute = b > 24 * 60 ? b % (24 * 60) : b;
    out->e.normalized = ClockString(out->e.start_minute) + "-" + ClockString(out->e.end_minute);
    return Finish(i, j, out);
  }

  bool Finish(size_t i, size_t j, Match* out) const {
    j = AttachZone(j, &out->e);
    Span(&out->e, i, j);
    out->consumed = j - i;
    return true;
  }

  bool TimeOfDay(size_t i, Match* out) const {
    int m = 0;
    bool ex = false;
    size_t c = 0;
    if (!ClockAt(i, &m, &ex, &c) || !ex) return false;
    TimeExpression& e = out->e;
    e.kind = TimeExprKind::kTime;
    e.granularity = Granularity::kMinute;
    e.start_minute = m;
    e.normalized = ClockString(m);
    const size_t j = AttachZone(i + c, &e);
    Span(&e, i, j);
    out->consumed = j - i;
    return true;
  }

  bool Duration(size_t i, Match* out) const {
    size_t k = i;
    const bool prep = Is(k, {"for", "over", "within", "about", "around", "nearly", "almost", "lasted"});
    if (prep) ++k;
    if (W(k) == "a" && Is(k + 1, {"couple", "few"})) ++k;
    if (!prep && Is(k, {"a", "an"})) return false;  // "once a week" is a frequency
    const auto q = lexicon::QuantityOf(W(k));
    if (!q || W(k) == "half") return false;
    size_t u = k + 1;
    if (W(u) == "of") ++u;
    const Unit unit = lexicon::UnitOf(W(u));
    if (unit == Unit::kNone) return false;
    TimeExpression& e = out->e;
    e.kind = TimeExprKind::kDuration;
    e.approximate = q->approximate;
    static constexpr double kSeconds[] = {0, 1, 60, 3600, 86400, 604800, 2629746, 31556952};
    static constexpr char kCode[] = {' ', 'S', 'M', 'H', 'D', 'W', 'M', 'Y'};
    static constexpr Granularity kGran[] = {Granularity::kNone, Granularity::kMinute, Granularity::kMinute,
                                            Granularity::kMinute, Granularity::kDay, Granularity::kWeek,
                                            Granularity::kMonth, Granularity::kYear};
    const int ui = static_cast<int>(unit);
    e.duration_seconds = q->value * kSeconds[ui];
    e.granularity = kGran[ui];
    char num[32];
    std::snprintf(num, sizeof num, "%g", q->value);
    e.normalized = std::string(unit <= Unit::kHour ? "PT" : "P") + num + kCode[ui];
    Span(&e, prep ? i + 1 : i, u + 1);
    out->consumed = u + 1 - i;
    return true;
  }

  std::string_view s_;
  TimeContext ctx_;
  std::vector<Tok> t_;
  int64_t offset_ms_ = 0;
  int64_t ref_day_ = 0;
  int64_t ref_y_ = 1970;
  unsigned ref_m_ = 1, ref_d_ = 1;
};

}  // namespace

std::string_view TimeExprKindName(TimeExprKind kind) {
  switch (kind) {
    case TimeExprKind::kDate: return "date";
    case TimeExprKind::kDateRange: return "date_range";
    case TimeExprKind::kTime: return "time";
    case TimeExprKind::kTimeRange: return "time_range";
    case TimeExprKind::kDuration: return "duration";
    case TimeExprKind::kRelative: return "relative";
  }
  return "date";
}

std::string_view GranularityName(Granularity g) {
  static constexpr std::string_view kNames[] = {"none", "minute", "day",     "week",
                                                "month", "season", "quarter", "year"};
  return kNames[static_cast<int>(g)];
}

std::vector<TimeExpression> FindTimeExpressions(std::string_view text, const TimeContext& context) {
  return Parser(text, context).Run();
}

}  // namespace engram::text
