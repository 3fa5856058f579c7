#include "llm/chat_codec.h"

#include <nlohmann/json.hpp>

#include "common/upstream_http.h"

namespace engram::llm {
namespace {

using json = nlohmann::json;

// A JSON object given as text (schemas, response_format); `what` names it in the error.
Result<json> ParseObject(const std::string& text, const std::string& what) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument(what + " must be a JSON object");
  return j;
}

json EncodeMessage(const ChatMessage& m) {
  json out = {{"role", m.role}};
  if (!m.tool_calls.empty()) {
    // OpenAI's own shape for a pure tool-call turn is content null; several servers reject "".
    out["content"] = m.content.empty() ? json(nullptr) : json(m.content);
    json calls = json::array();
    for (const ToolCall& c : m.tool_calls) {
      calls.push_back({{"id", c.id},
                       {"type", "function"},
                       {"function", {{"name", c.name}, {"arguments", c.arguments_json.empty() ? "{}" : c.arguments_json}}}});
    }
    out["tool_calls"] = std::move(calls);
  } else {
    out["content"] = m.content;
  }
  if (!m.name.empty()) out["name"] = m.name;
  if (!m.tool_call_id.empty()) out["tool_call_id"] = m.tool_call_id;
  return out;
}

// Text of a content field: a string, null, or (newer servers, multimodal models) an array of parts.
Result<std::string> ContentText(const json& content) {
  if (content.is_null()) return std::string();
  if (content.is_string()) return content.get<std::string>();
  if (content.is_array()) {
    std::string text;
    for (const json& part : content) {
      if (part.is_string()) {
        text += part.get<std::string>();
      } else if (part.is_object() && part.value("type", "") == "text" && part.contains("text") &&
                 part["text"].is_string()) {
        text += part["text"].get<std::string>();
      }
    }
    return text;
  }
  return Status::Internal("chat response message content is neither text nor null");
}

int TokenCount(const json& usage, const char* key) {
  auto it = usage.find(key);
  return it != usage.end() && it->is_number_integer() ? it->get<int>() : 0;
}

}  // namespace

Result<std::string> EncodeChatRequest(const ChatRequest& request, const std::string& model) {
  if (request.messages.empty()) return Status::InvalidArgument("chat request has no messages");
  json req = {{"model", model}};
  json messages = json::array();
  for (const ChatMessage& m : request.messages) {
    if (m.role.empty()) return Status::InvalidArgument("chat message without a role");
    messages.push_back(EncodeMessage(m));
  }
  req["messages"] = std::move(messages);
  if (!request.tools.empty()) {
    json tools = json::array();
    for (const ToolSpec& t : request.tools) {
      if (t.name.empty()) return Status::InvalidArgument("tool without a name");
      json params = {{"type", "object"}, {"properties", json::object()}};
      if (!t.parameters_schema_json.empty()) {
        ENGRAM_ASSIGN_OR_RETURN(params, ParseObject(t.parameters_schema_json, "parameters of tool " + t.name));
      }
      json fn = {{"name", t.name}, {"parameters", std::move(params)}};
      if (!t.description.empty()) fn["description"] = t.description;
      tools.push_back({{"type", "function"}, {"function", std::move(fn)}});
    }
    req["tools"] = std::move(tools);
  }
  if (request.temperature) req["temperature"] = *request.temperature;
  if (request.max_tokens > 0) req["max_tokens"] = request.max_tokens;
  if (request.response_format_json) {
    ENGRAM_ASSIGN_OR_RETURN(req["response_format"], ParseObject(*request.response_format_json, "response_format"));
  }
  // Invalid UTF-8 in a message becomes U+FFFD instead of throwing: one bad byte must not fail a call.
  return req.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<ChatResponse> DecodeChatResponse(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Internal("chat endpoint returned invalid JSON: " + upstream::Excerpt(body, 80));
  }
  try {
    auto choices = j.find("choices");
    if (choices == j.end() || !choices->is_array() || choices->empty()) {
      // Some servers answer 200 with an error object (e.g. a model that failed to load mid-call).
      if (j.contains("error")) {
        return Status::Internal("chat endpoint returned an error: " + upstream::UpstreamErrorMessage(body));
      }
      return Status::Internal("chat response has no choices");
    }
    const json& choice = (*choices)[0];
    auto msg = choice.is_object() ? choice.find("message") : choice.end();
    if (!choice.is_object() || msg == choice.end() || !msg->is_object()) {
      return Status::Internal("chat response choice has no message object");
    }
    ChatResponse out;
    out.message.role = msg->contains("role") && (*msg)["role"].is_string() ? (*msg)["role"].get<std::string>()
                                                                            : "assistant";
    if (auto c = msg->find("content"); c != msg->end()) {
      ENGRAM_ASSIGN_OR_RETURN(out.message.content, ContentText(*c));
    }
    if (auto calls = msg->find("tool_calls"); calls != msg->end() && !calls->is_null()) {
      if (!calls->is_array()) return Status::Internal("chat response tool_calls is not an array");
      for (size_t i = 0; i < calls->size(); ++i) {
        const json& c = (*calls)[i];
        auto fn = c.is_object() ? c.find("function") : c.end();
        if (!c.is_object() || fn == c.end() || !fn->is_object() || !fn->contains("name") ||
            !(*fn)["name"].is_string()) {
          return Status::Internal("chat response tool call has no function name");
        }
        ToolCall call;
        call.id = c.contains("id") && c["id"].is_string() ? c["id"].get<std::string>() : "";
        call.name = (*fn)["name"].get<std::string>();
        auto args = fn->find("arguments");
        if (args == fn->end() || args->is_null()) {
          call.arguments_json = "{}";
        } else if (args->is_string()) {
          call.arguments_json = args->get<std::string>();
        } else {
          call.arguments_json = args->dump(-1, ' ', false, json::error_handler_t::replace);
        }
        out.message.tool_calls.push_back(std::move(call));
      }
    }
    if (auto fr = choice.find("finish_reason"); fr != choice.end() && fr->is_string()) {
      out.finish_reason = fr->get<std::string>();
    }
    if (auto usage = j.find("usage"); usage != j.end() && usage->is_object()) {
      out.prompt_tokens = TokenCount(*usage, "prompt_tokens");
      out.completion_tokens = TokenCount(*usage, "completion_tokens");
    }
    return out;
  } catch (const json::exception& e) {
    return Status::Internal(std::string("malformed chat response: ") + e.what());
  }
}

}  // namespace engram::llm
