// Who a record's speaker is: the one list of chat roles every extraction and answering path shares.
// Pure; thread-safe.
#pragma once

#include <string_view>

namespace engram::memory {

// An assistant, bot, system, tool or similar role (any case): its turns restate, they are not
// evidence about anyone.
bool IsAssistantRole(std::string_view speaker);
// The user's own role (any case): none, "user" or "human".
bool IsUserRole(std::string_view speaker);

}  // namespace engram::memory
