// engramd with an LLM configured, against a scripted local server speaking the OpenAI chat protocol
// (no model runs here): /query through the agent loop with its search tool, and the deterministic
// fallbacks when the model's output is malformed or the upstream fails.
#include <thread>

#include "llm/fake_chat_server.h"
#include "tests/http/fixture.h"

namespace engram::testing {
namespace {

using llm::fake::Completion;
using llm::fake::FakeChatServer;
using llm::fake::Reply;

bool IsAgentCall(const api::HttpRequest& req) { return req.body.find("\"tools\"") != std::string::npos; }

Reply Status500() {
  Reply r;
  r.response.status = 500;
  r.response.body = R"({"error":{"message":"upstream exploded"}})";
  return r;
}

void Seed(Api& api, const std::string& user) {
  ASSERT_EQ(api.Post("/register", {{"user_id", user}}).status, 200);
  ASSERT_EQ(api.Post("/ingest", {{"user_id", user},
                                 {"message_history", {{{"role", "user"},
                                                       {"content", "I love sushi and usually eat late dinners around 9pm"},
                                                       {"message_id", "m1"}}}}})
                .status,
            200);
}

Json WaitForMemories(Api& api, const std::string& user) {
  return WaitForJson(api, "/users/" + user + "/memories", [](const Json& j) { return !j["memories"].empty(); });
}

TEST(LlmTest, QueryRunsTheAgentWithASearchTool) {
  std::atomic<int> agent_calls{0};
  FakeChatServer fake([&](const api::HttpRequest& req, int) -> Reply {
    if (!IsAgentCall(req)) return {{.body = Completion({{"role", "assistant"}, {"content", "not json at all"}}, "stop")}};
    const int step = agent_calls++;
    if (step == 0) {
      Json call = {{"id", "call_1"}, {"type", "function"},
                   {"function", {{"name", "search_memories"}, {"arguments", R"({"query":"food sushi"})"}}}};
      return {{.body = Completion({{"role", "assistant"}, {"content", nullptr}, {"tool_calls", {call}}}, "tool_calls")}};
    }
    return llm::fake::Answer("They love sushi and eat late, around 9pm [1].");
  });
  EngramdProcess server({"--api-keys", kAdminKey, "--llm-url", fake.url(), "--llm-model", "test-model",
                         "--llm-timeout-ms", "5000"});
  ASSERT_TRUE(server.Start().ok());
  Api api(server.port(), kAdminKey);
  Seed(api, "agent");
  // Extraction asked the model, got prose instead of JSON, and fell back to the rules.
  Json listing = WaitForMemories(api, "agent");
  ASSERT_FALSE(listing["memories"].empty()) << listing.dump();

  auto r = api.Post("/query", {{"user_id", "agent"}, {"question", "What food does the user like?"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["answer"], "They love sushi and eat late, around 9pm [1].") << r.body;
  EXPECT_EQ(r.json["cached"], false);
  ASSERT_FALSE(r.json["sources"].empty()) << r.body;
  EXPECT_EQ(agent_calls.load(), 2);
  // The second agent request carried the search results back as a tool message.
  bool tool_result = false;
  for (int i = 0; i < fake.calls(); ++i) {
    const auto& body = fake.request(i).body;
    if (body.find("\"tool_call_id\":\"call_1\"") != std::string::npos && body.find("sushi") != std::string::npos) {
      tool_result = true;
    }
  }
  EXPECT_TRUE(tool_result);
  // The agent's answer is stored: asked again, it comes from the Stage 3 cache without the model.
  auto again = api.Post("/query", {{"user_id", "agent"}, {"question", "What food does the user like?"}});
  EXPECT_EQ(again.json["cached"], true) << again.body;
  EXPECT_EQ(agent_calls.load(), 2);
}

TEST(LlmTest, FailingUpstreamFallsBackToDeterministicPaths) {
  FakeChatServer fake([](const api::HttpRequest&, int) { return Status500(); });
  EngramdProcess server({"--api-keys", kAdminKey, "--llm-url", fake.url(), "--llm-model", "test-model",
                         "--llm-timeout-ms", "2000"});
  ASSERT_TRUE(server.Start().ok());
  Api api(server.port(), kAdminKey);
  Seed(api, "fallback");
  Json listing = WaitForMemories(api, "fallback");
  ASSERT_FALSE(listing["memories"].empty()) << "extraction did not fall back: " << listing.dump();
  auto r = api.Post("/query", {{"user_id", "fallback"}, {"question", "Does the user like sushi?"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.json["answer"].get<std::string>().find("sushi"), std::string::npos) << r.body;
  EXPECT_GT(fake.calls(), 0);
}

TEST(LlmTest, LlmUrlNeedsAModel) {
  std::string out;
  EXPECT_NE(RunCommand({EngramdProcess::BinaryPath(), "--llm-url", "http://127.0.0.1:9"}, &out), 0);
}

}  // namespace
}  // namespace engram::testing
