// NoneLlmClient: the LlmClient used when no model is configured. Enabled() is false so callers take
// their deterministic path; Chat, if called anyway, fails with kUnavailable.
// Thread-safety: stateless, thread-safe.
#pragma once

#include "llm/llm_client.h"

namespace engram::llm {

class NoneLlmClient final : public LlmClient {
 public:
  Result<ChatResponse> Chat(const ChatRequest& request) override;
  bool Enabled() const override { return false; }
};

}  // namespace engram::llm
