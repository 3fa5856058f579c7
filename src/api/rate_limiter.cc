#include "api/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace engram::api {

RateDecision RateLimiter::Check(const std::string& key_id, int limit_per_minute) {
  if (limit_per_minute <= 0) return {};
  const TimeMs now = clock_->NowMs();
  const double capacity = limit_per_minute;
  const double per_ms = capacity / 60000.0;
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = buckets_.try_emplace(key_id, Bucket{capacity, now});
  Bucket& b = it->second;
  if (!inserted) {
    b.tokens = std::min(capacity, b.tokens + std::max<TimeMs>(0, now - b.last) * per_ms);
    b.last = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {};
  }
  const double wait_ms = (1.0 - b.tokens) / per_ms;
  return {false, std::max(1, static_cast<int>(std::ceil(wait_ms / 1000.0)))};
}

}  // namespace engram::api
