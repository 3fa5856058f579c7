// Logging: one interface with levels and categories (spdlog underneath, not exposed here).
//
// ENGRAM_LOG(kInfo, "http", "listening on {}", port) formats only when the level is enabled.
// Never log raw personal data (content, emails, traits): log ids, counts and sizes.
// Thread-safe.
#pragma once

#include <fmt/core.h>

#include <string_view>

namespace engram::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

// Sets the process-wide level ("debug", "info", "warn", "error", "off"); false if unknown.
bool SetLevel(std::string_view name);
void SetLevel(Level level);
bool Enabled(Level level);
void Write(Level level, std::string_view category, std::string_view message);

}  // namespace engram::log

#define ENGRAM_LOG(level, category, ...)                                             \
  do {                                                                               \
    if (::engram::log::Enabled(::engram::log::Level::level)) {                       \
      ::engram::log::Write(::engram::log::Level::level, category, fmt::format(__VA_ARGS__)); \
    }                                                                                \
  } while (0)
