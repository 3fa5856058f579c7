#include "index/fusion.h"

#include <cmath>

namespace engram::index {

double RecencyDecay(TimeMs now, TimeMs timestamp, double half_life_days) {
  if (!(half_life_days > 0) || timestamp >= now) return 1.0;
  const double age_days = static_cast<double>(now - timestamp) / 86'400'000.0;
  return std::exp2(-age_days / half_life_days);
}

}  // namespace engram::index
