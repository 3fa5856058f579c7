#include "llm/llm_client.h"

namespace engram::llm {

// Out of line so the vtable has one home.
LlmClient::~LlmClient() = default;

}  // namespace engram::llm
