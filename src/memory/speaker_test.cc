#include "memory/speaker.h"

#include <gtest/gtest.h>

namespace engram::memory {
namespace {

TEST(SpeakerTest, RolesInAnyCase) {
  for (const char* s : {"assistant", "Assistant", "AI", "bot", "system", "tool", "function", "model", "agent",
                        "developer"}) {
    EXPECT_TRUE(IsAssistantRole(s)) << s;
    EXPECT_FALSE(IsUserRole(s)) << s;
  }
  for (const char* s : {"", "user", "USER", "Human"}) {
    EXPECT_TRUE(IsUserRole(s)) << s;
    EXPECT_FALSE(IsAssistantRole(s)) << s;
  }
  for (const char* s : {"Caroline", "Melanie", "assistant2"}) {
    EXPECT_FALSE(IsAssistantRole(s)) << s;
    EXPECT_FALSE(IsUserRole(s)) << s;
  }
}

}  // namespace
}  // namespace engram::memory
