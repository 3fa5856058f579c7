// Small helpers shared by the benchmark programs: flags, percentiles, reading /metrics.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tests/support/metrics_text.h"

namespace engram::bench {

// The API key every benchmark starts its engramd with.
inline constexpr const char* kKey = "bench_key_0123456789abcdef";

// The value after `name` on the command line, or `def`.
inline std::string Arg(int argc, char** argv, const char* name, const char* def) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return def;
}

// Nearest-rank percentile, p in [0, 1]; 0 for no samples.
inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

using engram::testing::MetricValue;

}  // namespace engram::bench
