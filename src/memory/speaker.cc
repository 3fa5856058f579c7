#include "memory/speaker.h"

#include <array>
#include <string>

#include "memory/prose.h"

namespace engram::memory {

bool IsAssistantRole(std::string_view speaker) {
  static constexpr std::array<std::string_view, 9> kRoles = {"assistant", "ai",    "bot",   "system",   "tool",
                                                             "function",  "model", "agent", "developer"};
  const std::string lower = prose::Lower(speaker);
  for (auto r : kRoles) {
    if (lower == r) return true;
  }
  return false;
}

bool IsUserRole(std::string_view speaker) {
  const std::string lower = prose::Lower(speaker);
  return lower.empty() || lower == "user" || lower == "human";
}

}  // namespace engram::memory
