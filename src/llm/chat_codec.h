// Chat codec: ChatRequest / ChatResponse to and from the OpenAI chat-completions JSON wire format.
//
// Pure functions, split from the transport so the wire format is table-tested without a server.
// Internal to engram_llm (the JSON library stays in the .cc). Thread-safe (no state).
#pragma once

#include <string>

#include "llm/llm_client.h"

namespace engram::llm {

// The request body for `model`. kInvalidArgument for a request the server could only reject: no
// messages, a message without role, a tool without name, a parameters schema or response_format that
// is not a JSON object.
Result<std::string> EncodeChatRequest(const ChatRequest& request, const std::string& model);

// choices[0] of a 2xx response body. kInternal when the body is not JSON or lacks the message. Lenient
// where servers differ: null or missing content is "", content given as an array of text parts is
// joined, tool-call arguments sent as an object (not a string) are serialised, a missing tool-call id
// stays empty (the caller, who owns the conversation, names it uniquely).
Result<ChatResponse> DecodeChatResponse(const std::string& body);

}  // namespace engram::llm
