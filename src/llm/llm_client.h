// LlmClient: the seam to a chat-completions model (OpenAI-compatible servers: OpenAI, Ollama, vLLM,
// llama.cpp server, ...), with tool calls.
//
// The LLM is optional: every feature that uses one has a deterministic path without it, chosen when
// Enabled() is false (see none_client.h). Implementations map upstream trouble to Status codes:
// kUnavailable (unreachable, overloaded, disabled), kDeadlineExceeded (timed out), kUnauthenticated
// (the configured key was refused), kInvalidArgument (the upstream rejected the request),
// kInternal (the upstream answered something unreadable).
//
// Thread-safety: implementations must be thread-safe; one client serves concurrent callers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace engram::llm {

// A function call the model asked for.
struct ToolCall {
  std::string id;              // echoed back in the tool message that answers it
  std::string name;
  std::string arguments_json;  // a JSON object as text, exactly as the model produced it (unvalidated)
};

struct ChatMessage {
  std::string role;          // "system", "user", "assistant" or "tool"
  std::string content;       // empty for an assistant message that only carries tool_calls
  std::string name;          // optional participant name
  std::string tool_call_id;  // role "tool": the ToolCall::id this message answers
  std::vector<ToolCall> tool_calls;  // role "assistant": the calls the model asked for
};

// A tool the model may call.
struct ToolSpec {
  std::string name;
  std::string description;
  std::string parameters_schema_json;  // JSON Schema of the arguments; empty = an object without fields
};

struct ChatRequest {
  std::vector<ChatMessage> messages;
  std::vector<ToolSpec> tools;                        // none: the model answers in text
  std::optional<double> temperature;                  // unset: the server's default
  int max_tokens = 0;                                 // 0: the server's default
  std::optional<std::string> response_format_json;    // e.g. {"type":"json_object"}
  int timeout_ms = 0;                                 // per attempt; 0 = the client's default
};

struct ChatResponse {
  ChatMessage message;        // role "assistant"; content and/or tool_calls
  std::string finish_reason;  // "stop", "length", "tool_calls", ... ("" when the server sent none)
  int prompt_tokens = 0;      // usage as reported by the server (0 when not reported)
  int completion_tokens = 0;
};

class LlmClient {
 public:
  virtual ~LlmClient();
  // One chat completion. The reply's tool calls are returned, not executed: the caller runs them
  // and sends the results back as "tool" messages in a following request.
  virtual Result<ChatResponse> Chat(const ChatRequest& request) = 0;
  // False for the "none" client: callers take their deterministic path instead of calling Chat.
  virtual bool Enabled() const { return true; }
};

}  // namespace engram::llm
