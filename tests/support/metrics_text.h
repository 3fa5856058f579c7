// Reading a series out of a Prometheus text page (GET /metrics), for tests and benchmarks.
#pragma once

#include <cstdlib>
#include <string>

namespace engram::testing {

// The value of a series (name with its labels, as printed) in a Prometheus text page, or -1.
inline double MetricValue(const std::string& text, const std::string& name) {
  const auto pos = text.find("\n" + name + " ");
  if (pos == std::string::npos) return -1;
  return std::strtod(text.c_str() + pos + name.size() + 2, nullptr);
}

}  // namespace engram::testing
