// RateLimiter: a token bucket per API key, `limit` requests per minute with a burst of `limit`.
// Limits come from the key's kind (sk_test_ / sk_live_ / other), set by configuration; 0 means
// unlimited. The clock is injected so tests move time by hand.
// Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "common/time.h"

namespace engram::api {

struct RateDecision {
  bool allowed = true;
  int retry_after_seconds = 0;  // when not allowed: whole seconds until one request fits
};

class RateLimiter {
 public:
  explicit RateLimiter(const Clock* clock) : clock_(clock) {}
  RateDecision Check(const std::string& key_id, int limit_per_minute);

 private:
  struct Bucket {
    double tokens;
    TimeMs last;
  };
  const Clock* clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace engram::api
