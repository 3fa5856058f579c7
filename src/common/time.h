// Time: an injectable Clock and ISO 8601 parsing/formatting.
//
// All times inside Engram are milliseconds since the Unix epoch, UTC (TimeMs). Clients speak ISO 8601;
// we accept `2025-10-10T09:00:00Z`, fractional seconds, `+hh:mm` offsets, a space instead of `T`, and a
// bare date (`2025-10-10`, midnight UTC). We always answer `YYYY-MM-DDTHH:MM:SSZ` (with `.mmm` only when
// the milliseconds are non-zero).
// Clock implementations are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace engram {

using TimeMs = int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs NowMs() const = 0;
};

// Wall clock.
class SystemClock final : public Clock {
 public:
  TimeMs NowMs() const override;
  // A process-wide instance for code that is handed no clock (composition root only).
  static const Clock* Default();
};

// A clock tests move by hand.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimeMs start = 1'700'000'000'000) : now_(start) {}
  TimeMs NowMs() const override { return now_.load(); }
  void Set(TimeMs t) { now_.store(t); }
  void Advance(TimeMs d) { now_.fetch_add(d); }

 private:
  std::atomic<TimeMs> now_;
};

// Parses an ISO 8601 date or date-time; nullopt when malformed.
std::optional<TimeMs> ParseIso8601(std::string_view text);
// Formats as UTC `YYYY-MM-DDTHH:MM:SS[.mmm]Z`.
std::string FormatIso8601(TimeMs t);

// Days since 1970-01-01 for a proleptic Gregorian date (used by the time-expression parser too).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
// Inverse of DaysFromCivil.
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d);

}  // namespace engram
