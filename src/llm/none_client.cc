#include "llm/none_client.h"

namespace engram::llm {

Result<ChatResponse> NoneLlmClient::Chat(const ChatRequest&) {
  return Status::Unavailable("no LLM is configured");
}

}  // namespace engram::llm
