#include "index/fusion.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace engram::index {

std::vector<std::pair<uint32_t, double>> ReciprocalRankFusion(std::span<const RankedList> lists, double k) {
  std::unordered_map<uint32_t, double> acc;
  for (const RankedList& list : lists) {
    for (size_t i = 0; i < list.ids.size(); ++i) {
      acc[list.ids[i]] += RrfTerm(static_cast<uint32_t>(i + 1), list.weight, k);
    }
  }
  std::vector<std::pair<uint32_t, double>> out(acc.begin(), acc.end());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  return out;
}

double RrfNormalized(double rrf_score, std::span<const double> list_weights, double k) {
  double best = 0;
  for (double w : list_weights) best += RrfTerm(1, w, k);
  return best > 0 ? std::clamp(rrf_score / best, 0.0, 1.0) : 0.0;
}

double RecencyDecay(TimeMs now, TimeMs timestamp, double half_life_days) {
  if (!(half_life_days > 0) || timestamp >= now) return 1.0;
  const double age_days = static_cast<double>(now - timestamp) / 86'400'000.0;
  return std::exp2(-age_days / half_life_days);
}

}  // namespace engram::index
