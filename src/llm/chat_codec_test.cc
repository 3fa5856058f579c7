// The chat wire format without a server: request shapes servers disagree least about, and the
// response variants seen from OpenAI, Ollama, vLLM and llama.cpp.
#include "llm/chat_codec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace engram::llm {
namespace {

using json = nlohmann::json;

TEST(ChatCodecTest, EncodesMessagesToolsAndOptions) {
  ChatRequest r;
  r.messages = {{.role = "user", .content = "hi", .name = "ann"},
                {.role = "assistant", .tool_calls = {{.id = "c1", .name = "f", .arguments_json = ""}}},
                {.role = "tool", .content = "42", .tool_call_id = "c1"},
                {.role = "assistant", .content = "thinking", .tool_calls = {{.id = "c2", .name = "g", .arguments_json = R"({"x":1})"}}}};
  r.tools = {{.name = "f"}, {.name = "g", .description = "gee", .parameters_schema_json = R"({"type":"object"})"}};
  auto body = EncodeChatRequest(r, "m");
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  json j = json::parse(*body);
  EXPECT_EQ(j["model"], "m");
  EXPECT_EQ(j["messages"][0], (json{{"role", "user"}, {"content", "hi"}, {"name", "ann"}}));
  EXPECT_TRUE(j["messages"][1]["content"].is_null());
  EXPECT_EQ(j["messages"][1]["tool_calls"][0]["function"]["arguments"], "{}");  // never empty
  EXPECT_EQ(j["messages"][2], (json{{"role", "tool"}, {"content", "42"}, {"tool_call_id", "c1"}}));
  EXPECT_EQ(j["messages"][3]["content"], "thinking");
  EXPECT_EQ(j["tools"][0]["function"]["parameters"], (json{{"type", "object"}, {"properties", json::object()}}));
  EXPECT_FALSE(j["tools"][0]["function"].contains("description"));
  EXPECT_EQ(j["tools"][1]["function"]["description"], "gee");
  EXPECT_FALSE(j.contains("temperature"));
  EXPECT_FALSE(j.contains("max_tokens"));
  EXPECT_FALSE(j.contains("response_format"));
}

TEST(ChatCodecTest, InvalidUtf8IsReplacedNotFatal) {
  ChatRequest r;
  r.messages = {{.role = "user", .content = std::string("bad \xFF byte")}};
  auto body = EncodeChatRequest(r, "m");
  ASSERT_TRUE(body.ok());
  EXPECT_TRUE(json::accept(*body));
}

TEST(ChatCodecTest, RejectsRequestsNoServerWouldAccept) {
  ChatRequest r;
  EXPECT_EQ(EncodeChatRequest(r, "m").status().code(), StatusCode::kInvalidArgument);  // no messages
  r.messages = {{.content = "no role"}};
  EXPECT_EQ(EncodeChatRequest(r, "m").status().code(), StatusCode::kInvalidArgument);
  r.messages = {{.role = "user", .content = "x"}};
  r.response_format_json = "json_object";
  EXPECT_EQ(EncodeChatRequest(r, "m").status().code(), StatusCode::kInvalidArgument);
  r.response_format_json.reset();
  r.tools = {{.name = ""}};
  EXPECT_EQ(EncodeChatRequest(r, "m").status().code(), StatusCode::kInvalidArgument);
}

TEST(ChatCodecTest, DecodesServerVariants) {
  // Arguments as an object (some local servers), no tool-call id, no usage, no finish_reason.
  auto r = DecodeChatResponse(
      R"({"choices":[{"message":{"role":"assistant","tool_calls":[{"function":{"name":"f","arguments":{"a":1}}}]}}]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->message.tool_calls.size(), 1u);
  EXPECT_EQ(r->message.tool_calls[0].id, "");
  EXPECT_EQ(json::parse(r->message.tool_calls[0].arguments_json), (json{{"a", 1}}));
  EXPECT_EQ(r->message.content, "");
  EXPECT_EQ(r->finish_reason, "");
  EXPECT_EQ(r->prompt_tokens, 0);

  // Content as an array of parts.
  auto parts = DecodeChatResponse(
      R"({"choices":[{"message":{"role":"assistant","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},"finish_reason":"stop"}]})");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->message.content, "ab");

  // A 200 carrying an error object.
  auto err = DecodeChatResponse(R"({"error":{"message":"model crashed"}})");
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.status().code(), StatusCode::kInternal);
  EXPECT_NE(err.status().message().find("model crashed"), std::string::npos);

  // A tool call without a function name is unusable.
  EXPECT_FALSE(DecodeChatResponse(R"({"choices":[{"message":{"tool_calls":[{"id":"x","function":{}}]}}]})").ok());
}

}  // namespace
}  // namespace engram::llm
