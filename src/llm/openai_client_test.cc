// OpenAiClient against a scripted OpenAI-compatible chat server on 127.0.0.1 (engram::api::HttpServer):
// plain answers, a tool-call round trip, retries, error mapping, timeouts, and Forward relaying a
// server-sent-event stream as it is written. Timeouts and backoffs are kept small; the only timing
// assertions are generous behavioural bounds.
#include "llm/openai_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "llm/fake_chat_server.h"

namespace engram::llm {
namespace {

using json = nlohmann::json;
using fake::Answer;
using fake::Completion;
using fake::FakeChatServer;
using fake::Reply;
using SteadyClock = std::chrono::steady_clock;

int64_t ElapsedMs(SteadyClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start).count();
}

OpenAiClientOptions FastOptions(const std::string& url) {
  OpenAiClientOptions o;
  o.url = url;
  o.model = "test-model";
  o.timeout_ms = 3000;
  o.max_retries = 2;
  o.backoff_initial_ms = 5;
  o.backoff_max_ms = 20;
  return o;
}

std::unique_ptr<OpenAiClient> Make(OpenAiClientOptions o) {
  auto r = OpenAiClient::Create(std::move(o));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

ChatRequest UserAsks(const std::string& text) {
  ChatRequest r;
  r.messages = {{.role = "system", .content = "You are terse."}, {.role = "user", .content = text}};
  return r;
}

TEST(OpenAiClientTest, CreateValidatesOptions) {
  EXPECT_EQ(OpenAiClient::Create({}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenAiClient::Create({.url = "ftp://x", .model = "m"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenAiClient::Create({.url = "http://x"}).status().code(), StatusCode::kInvalidArgument);  // no model
  EXPECT_EQ(OpenAiClient::Create({.url = "http://x", .model = "m", .timeout_ms = 0}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(OpenAiClientTest, EndpointUrlForms) {
  for (const char* url : {"http://h:1", "http://h:1/", "http://h:1/v1", "http://h:1/v1/", "http://h:1/v1/chat/completions"}) {
    auto c = Make(FastOptions(url));
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->endpoint(), "http://h:1/v1/chat/completions") << url;
    EXPECT_EQ(c->base_url(), "http://h:1") << url;
  }
  // A provider whose API root is not /v1: the full endpoint is used as given.
  EXPECT_EQ(Make(FastOptions("https://h/v1beta/openai/chat/completions"))->endpoint(),
            "https://h/v1beta/openai/chat/completions");
}

TEST(OpenAiClientTest, PlainAnswer) {
  FakeChatServer server([](const api::HttpRequest&, int) { return Answer("Paris."); });
  Metrics metrics;
  auto o = FastOptions(server.url() + "/v1");
  o.api_key = "sk-test";
  o.metrics = &metrics;
  ChatRequest req = UserAsks("Capital of France?");
  req.temperature = 0.2;
  req.max_tokens = 64;
  req.response_format_json = R"({"type":"json_object"})";
  auto r = Make(o)->Chat(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->message.role, "assistant");
  EXPECT_EQ(r->message.content, "Paris.");
  EXPECT_TRUE(r->message.tool_calls.empty());
  EXPECT_EQ(r->finish_reason, "stop");
  EXPECT_EQ(r->prompt_tokens, 11);
  EXPECT_EQ(r->completion_tokens, 7);

  ASSERT_EQ(server.calls(), 1);
  const api::HttpRequest got = server.request(0);
  EXPECT_EQ(got.method, "POST");
  EXPECT_EQ(got.path, "/v1/chat/completions");
  ASSERT_NE(got.Header("authorization"), nullptr);
  EXPECT_EQ(*got.Header("authorization"), "Bearer sk-test");
  json body = json::parse(got.body);
  EXPECT_EQ(body["model"], "test-model");
  ASSERT_EQ(body["messages"].size(), 2u);
  EXPECT_EQ(body["messages"][0], (json{{"role", "system"}, {"content", "You are terse."}}));
  EXPECT_EQ(body["messages"][1]["content"], "Capital of France?");
  EXPECT_DOUBLE_EQ(body["temperature"].get<double>(), 0.2);
  EXPECT_EQ(body["max_tokens"], 64);
  EXPECT_EQ(body["response_format"], (json{{"type", "json_object"}}));
  EXPECT_FALSE(body.contains("tools"));

  EXPECT_EQ(metrics.GetCounter("engram_llm_requests_total", "", {{"status", "ok"}})->Value(), 1);
  EXPECT_EQ(metrics.GetCounter("engram_llm_tokens_total", "", {{"kind", "prompt"}})->Value(), 11);
  EXPECT_EQ(metrics.GetCounter("engram_llm_tokens_total", "", {{"kind", "completion"}})->Value(), 7);
  EXPECT_EQ(metrics.GetHistogram("engram_llm_seconds", "")->Count(), 1u);
}

// The real tool protocol: the model asks for a call (content null), the client runs it and sends the
// result as a "tool" message with the call's id, and the model answers.
TEST(OpenAiClientTest, ToolCallRoundTrip) {
  FakeChatServer server([](const api::HttpRequest& req, int) -> Reply {
    json body = json::parse(req.body);
    const json& last = body["messages"].back();
    if (last["role"] == "tool") {
      return Answer("It is 18 degrees in Paris.");
    }
    json call = {{"id", "call_abc123"},
                 {"type", "function"},
                 {"function", {{"name", "get_weather"}, {"arguments", R"({"city":"Paris"})"}}}};
    return {{.body = Completion({{"role", "assistant"}, {"content", nullptr}, {"tool_calls", json::array({call})}},
                                "tool_calls")}};
  });
  auto client = Make(FastOptions(server.url()));
  ChatRequest req = UserAsks("Weather in Paris?");
  req.tools = {{.name = "get_weather",
                .description = "Current weather for a city",
                .parameters_schema_json =
                    R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})"}};

  auto first = client->Chat(req);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->finish_reason, "tool_calls");
  EXPECT_EQ(first->message.content, "");
  ASSERT_EQ(first->message.tool_calls.size(), 1u);
  const ToolCall& call = first->message.tool_calls[0];
  EXPECT_EQ(call.id, "call_abc123");
  EXPECT_EQ(call.name, "get_weather");
  EXPECT_EQ(json::parse(call.arguments_json), (json{{"city", "Paris"}}));

  req.messages.push_back(first->message);
  req.messages.push_back({.role = "tool", .content = R"({"celsius":18})", .tool_call_id = call.id});
  auto second = client->Chat(req);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->message.content, "It is 18 degrees in Paris.");
  EXPECT_EQ(second->finish_reason, "stop");

  ASSERT_EQ(server.calls(), 2);
  json body = json::parse(server.request(1).body);
  ASSERT_EQ(body["tools"].size(), 1u);
  EXPECT_EQ(body["tools"][0]["type"], "function");
  EXPECT_EQ(body["tools"][0]["function"]["name"], "get_weather");
  EXPECT_EQ(body["tools"][0]["function"]["description"], "Current weather for a city");
  EXPECT_EQ(body["tools"][0]["function"]["parameters"]["required"], json::array({"city"}));
  const json& messages = body["messages"];
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(messages[2]["role"], "assistant");
  EXPECT_TRUE(messages[2]["content"].is_null());
  EXPECT_EQ(messages[2]["tool_calls"][0]["id"], "call_abc123");
  EXPECT_EQ(messages[2]["tool_calls"][0]["type"], "function");
  EXPECT_EQ(messages[2]["tool_calls"][0]["function"]["name"], "get_weather");
  EXPECT_EQ(messages[2]["tool_calls"][0]["function"]["arguments"], R"({"city":"Paris"})");
  EXPECT_EQ(messages[3]["role"], "tool");
  EXPECT_EQ(messages[3]["tool_call_id"], "call_abc123");
  EXPECT_EQ(messages[3]["content"], R"({"celsius":18})");
}

TEST(OpenAiClientTest, MalformedReplyIsInternalAndNotRetried) {
  for (const std::string body : {"this is not json", R"({"object":"chat.completion"})", R"({"choices":[]})",
                                 R"({"choices":[{"index":0,"finish_reason":"stop"}]})",
                                 R"({"choices":[{"message":{"role":"assistant","content":42}}]})"}) {
    FakeChatServer server([&](const api::HttpRequest&, int) -> Reply { return {{.body = body}}; });
    Metrics metrics;
    auto o = FastOptions(server.url());
    o.metrics = &metrics;
    auto r = Make(o)->Chat(UserAsks("hi"));
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), StatusCode::kInternal) << body;
    EXPECT_EQ(server.calls(), 1) << body;
    EXPECT_EQ(metrics.GetCounter("engram_llm_requests_total", "", {{"status", "bad_response"}})->Value(), 1);
  }
}

TEST(OpenAiClientTest, TimeoutIsDeadlineExceededWithoutRetry) {
  FakeChatServer server([](const api::HttpRequest&, int) {
    Reply r = Answer("too late");
    r.delay_ms = 1500;
    return r;
  });
  auto o = FastOptions(server.url());
  o.timeout_ms = 10000;
  ChatRequest req = UserAsks("hi");
  req.timeout_ms = 200;  // the per-request timeout wins over the client's
  const auto start = SteadyClock::now();
  auto r = Make(o)->Chat(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded) << r.status().ToString();
  EXPECT_LT(ElapsedMs(start), 1400);  // gave up on its own timeout, not the server's delay
  EXPECT_EQ(server.calls(), 1);
}

TEST(OpenAiClientTest, RetriesAfter503) {
  FakeChatServer server([](const api::HttpRequest&, int call) -> Reply {
    if (call == 0) return {{.status = 503, .body = R"({"error":"model is loading"})"}};
    return Answer("ready now");
  });
  Metrics metrics;
  auto o = FastOptions(server.url());
  o.metrics = &metrics;
  auto r = Make(o)->Chat(UserAsks("hi"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->message.content, "ready now");
  EXPECT_EQ(server.calls(), 2);
  EXPECT_EQ(server.request(0).body, server.request(1).body);
  EXPECT_EQ(metrics.GetCounter("engram_llm_requests_total", "", {{"status", "server_error"}})->Value(), 1);
  EXPECT_EQ(metrics.GetCounter("engram_llm_requests_total", "", {{"status", "ok"}})->Value(), 1);
}

TEST(OpenAiClientTest, RateLimitHonoursRetryAfterThenGivesUp) {
  FakeChatServer server([](const api::HttpRequest&, int) -> Reply {
    return {{.status = 429, .body = R"({"error":{"message":"Rate limit reached"}})", .headers = {{"Retry-After", "0"}}}};
  });
  auto r = Make(FastOptions(server.url()))->Chat(UserAsks("hi"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("Rate limit reached"), std::string::npos);
  EXPECT_NE(r.status().message().find("3 attempts"), std::string::npos);
  EXPECT_EQ(server.calls(), 3);
}

TEST(OpenAiClientTest, UnauthorizedSurfacesUpstreamMessage) {
  FakeChatServer server([](const api::HttpRequest&, int) -> Reply {
    return {{.status = 401,
             .body = R"({"error":{"message":"Incorrect API key provided: sk-bad","type":"invalid_request_error","code":"invalid_api_key"}})"}};
  });
  auto o = FastOptions(server.url());
  o.api_key = "sk-bad";
  auto r = Make(o)->Chat(UserAsks("hi"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(r.status().message().find("Incorrect API key provided"), std::string::npos);
  EXPECT_NE(r.status().message().find("401"), std::string::npos);
  EXPECT_EQ(server.calls(), 1);  // not retried
}

TEST(OpenAiClientTest, OtherClientErrorIsInvalidArgument) {
  FakeChatServer server([](const api::HttpRequest&, int) -> Reply {
    return {{.status = 400, .body = R"({"error":{"message":"This model's maximum context length is 4096 tokens"}})"}};
  });
  auto r = Make(FastOptions(server.url()))->Chat(UserAsks("hi"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("maximum context length"), std::string::npos);
  EXPECT_EQ(server.calls(), 1);
}

TEST(OpenAiClientTest, ConnectionRefusedIsUnavailable) {
  std::string url;
  {
    FakeChatServer gone([](const api::HttpRequest&, int) { return Answer("x"); });
    url = gone.url();
  }
  auto o = FastOptions(url);
  o.max_retries = 1;
  auto r = Make(o)->Chat(UserAsks("hi"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable) << r.status().ToString();
}

TEST(OpenAiClientTest, InvalidRequestIsRejectedLocally) {
  FakeChatServer server([](const api::HttpRequest&, int) { return Answer("x"); });
  auto client = Make(FastOptions(server.url()));
  EXPECT_EQ(client->Chat(ChatRequest{}).status().code(), StatusCode::kInvalidArgument);
  ChatRequest bad_tool = UserAsks("hi");
  bad_tool.tools = {{.name = "f", .parameters_schema_json = "[1,2]"}};
  EXPECT_EQ(client->Chat(bad_tool).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(server.calls(), 0);
}

TEST(OpenAiClientTest, ConcurrentCallers) {
  FakeChatServer server([](const api::HttpRequest& req, int) {
    return Answer("echo " + json::parse(req.body)["messages"].back()["content"].get<std::string>());
  });
  auto client = Make(FastOptions(server.url()));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string q = "q" + std::to_string(t) + "-" + std::to_string(i);
        auto r = client->Chat(UserAsks(q));
        if (!r.ok() || r->message.content != "echo " + q) failures.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(server.calls(), 40);
}

}  // namespace
}  // namespace engram::llm
