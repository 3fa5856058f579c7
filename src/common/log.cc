#include "common/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>

namespace engram::log {

namespace {
std::atomic<int> g_level{static_cast<int>(Level::kInfo)};

spdlog::logger& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_color_mt("engram");
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
    l->set_level(spdlog::level::trace);
    return l;
  }();
  return *logger;
}
}  // namespace

void SetLevel(Level level) { g_level.store(static_cast<int>(level)); }

bool SetLevel(std::string_view name) {
  if (name == "debug") SetLevel(Level::kDebug);
  else if (name == "info") SetLevel(Level::kInfo);
  else if (name == "warn") SetLevel(Level::kWarn);
  else if (name == "error") SetLevel(Level::kError);
  else if (name == "off") SetLevel(Level::kOff);
  else return false;
  return true;
}

bool Enabled(Level level) { return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed); }

void Write(Level level, std::string_view category, std::string_view message) {
  spdlog::level::level_enum l = spdlog::level::info;
  switch (level) {
    case Level::kDebug: l = spdlog::level::debug; break;
    case Level::kInfo: l = spdlog::level::info; break;
    case Level::kWarn: l = spdlog::level::warn; break;
    case Level::kError: l = spdlog::level::err; break;
    case Level::kOff: return;
  }
  Logger().log(l, "[{}] {}", category, message);
}

}  // namespace engram::log
