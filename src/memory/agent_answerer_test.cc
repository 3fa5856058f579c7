// AnswerWithAgent against a scripted OpenAI-compatible chat server on 127.0.0.1 (llm/fake_chat_server.h)
// through the real OpenAiClient: the tool round trip, direct answers, citations, every budget, broken
// tool arguments, and transport failures. Timing assertions are generous behavioural bounds.
#include "memory/agent_answerer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "llm/fake_chat_server.h"
#include "llm/openai_client.h"

namespace engram::memory {
namespace {

using json = nlohmann::json;
using llm::fake::Answer;
using llm::fake::Completion;
using llm::fake::FakeChatServer;
using llm::fake::Reply;

std::unique_ptr<llm::OpenAiClient> Client(const std::string& url) {
  llm::OpenAiClientOptions o;
  o.url = url;
  o.model = "test-model";
  o.timeout_ms = 3000;
  o.max_retries = 0;
  auto r = llm::OpenAiClient::Create(std::move(o));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

// An assistant reply calling tools: {name, raw arguments text} each, ids call_1, call_2, ...
Reply ToolCalls(const std::vector<std::pair<std::string, std::string>>& calls) {
  json list = json::array();
  for (size_t i = 0; i < calls.size(); ++i) {
    list.push_back({{"id", "call_" + std::to_string(i + 1)},
                    {"type", "function"},
                    {"function", {{"name", calls[i].first}, {"arguments", calls[i].second}}}});
  }
  return {{.body = Completion({{"role", "assistant"}, {"content", nullptr}, {"tool_calls", list}}, "tool_calls")}};
}

Reply Search(const std::string& query) {
  return ToolCalls({{"search_memories", json{{"query", query}}.dump()}});
}

Evidence Ev(std::string id, std::string text, std::string source = "memory") {
  Evidence e;
  e.id = std::move(id);
  e.text = std::move(text);
  e.source = std::move(source);
  e.score = 0.8;
  e.timestamp = 1683540000000;  // 2023-05-08
  return e;
}

// A search over three fixed memories that records its queries.
struct FakeSearch {
  std::vector<Evidence> items = {Ev("mem_1", "Prefers Italian food"), Ev("mem_2", "Loves sushi"),
                                 Ev("rec7#0", "we should try the new ramen place", "message")};
  std::mutex mu;
  std::vector<std::string> queries;
  int delay_ms = 0;

  SearchFn Fn() {
    return [this](const std::string& q) -> Result<std::vector<Evidence>> {
      {
        std::lock_guard lock(mu);
        queries.push_back(q);
      }
      if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      return items;
    };
  }
};

json Body(const FakeChatServer& server, int i) { return json::parse(server.request(i).body); }

TEST(AgentAnswererTest, SearchesThenAnswersCitingTheEvidence) {
  FakeChatServer server([](const api::HttpRequest&, int call) {
    return call == 0 ? Search("food preferences") : Answer("The user loves sushi [2] and Italian food [1, 2].");
  });
  auto client = Client(server.url());
  FakeSearch search;
  auto r = AnswerWithAgent(*client, "What food does the user like?", search.Fn(), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(search.queries, std::vector<std::string>{"food preferences"});
  ASSERT_EQ(server.calls(), 2);

  // The first request declares the tool and carries the question.
  const json first = Body(server, 0);
  ASSERT_EQ(first["tools"].size(), 1u);
  EXPECT_EQ(first["tools"][0]["type"], "function");
  EXPECT_EQ(first["tools"][0]["function"]["name"], "search_memories");
  EXPECT_EQ(first["tools"][0]["function"]["parameters"]["required"][0], "query");
  EXPECT_EQ(first["messages"].back()["content"], "What food does the user like?");

  // The second carries the model's call and the tool result answering it.
  const json second = Body(server, 1);
  const json& msgs = second["messages"];
  ASSERT_EQ(msgs.size(), 4u);
  EXPECT_EQ(msgs[2]["role"], "assistant");
  EXPECT_EQ(msgs[2]["tool_calls"][0]["id"], "call_1");
  EXPECT_EQ(msgs[3]["role"], "tool");
  EXPECT_EQ(msgs[3]["tool_call_id"], "call_1");
  const std::string result = msgs[3]["content"];
  EXPECT_NE(result.find("[1] (id mem_1, memory, 2023-05-08) Prefers Italian food"), std::string::npos) << result;
  EXPECT_NE(result.find("[2] (id mem_2, memory, 2023-05-08) Loves sushi"), std::string::npos) << result;
  EXPECT_NE(result.find("[3] (id rec7#0, message"), std::string::npos) << result;

  // Cited in order of first mention and renumbered so "[i]" is cited[i-1].
  ASSERT_EQ(r->cited.size(), 2u);
  EXPECT_EQ(r->cited[0].id, "mem_2");
  EXPECT_EQ(r->cited[1].id, "mem_1");
  EXPECT_EQ(r->text, "The user loves sushi [1] and Italian food [2, 1].");
  EXPECT_DOUBLE_EQ(r->confidence, 0.7);
}

TEST(AgentAnswererTest, ToolCallsWithoutIdsGetUniqueOnesAcrossSteps) {
  // A server that sends no tool-call ids: each step's call must still be answerable by its own id.
  auto no_id_search = [](const std::string& q) -> Reply {
    json call = {{"type", "function"},
                 {"function", {{"name", "search_memories"}, {"arguments", json{{"query", q}}.dump()}}}};
    return {{.body = Completion({{"role", "assistant"}, {"content", nullptr}, {"tool_calls", {call}}}, "tool_calls")}};
  };
  FakeChatServer server([&](const api::HttpRequest&, int call) -> Reply {
    if (call == 0) return no_id_search("food");
    if (call == 1) return no_id_search("sushi");
    return Answer("Loves sushi [2].");
  });
  auto client = Client(server.url());
  FakeSearch search;
  auto r = AnswerWithAgent(*client, "What food does the user like?", search.Fn(), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(server.calls(), 3);
  std::vector<std::string> ids;
  const json last = json::parse(server.request(2).body);
  for (const auto& m : last["messages"]) {
    if (m.contains("tool_call_id")) ids.push_back(m["tool_call_id"]);
  }
  ASSERT_EQ(ids.size(), 2u) << server.request(2).body;
  EXPECT_FALSE(ids[0].empty());
  EXPECT_NE(ids[0], ids[1]);
}

TEST(AgentAnswererTest, AnswersDirectlyWithoutSearching) {
  FakeChatServer server([](const api::HttpRequest&, int) { return Answer("  Nothing stored answers that.  "); });
  auto client = Client(server.url());
  FakeSearch search;
  auto r = AnswerWithAgent(*client, "What is the user's favourite colour?", search.Fn(), {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(server.calls(), 1);
  EXPECT_TRUE(search.queries.empty());
  EXPECT_EQ(r->text, "Nothing stored answers that.");
  EXPECT_TRUE(r->cited.empty());
  EXPECT_DOUBLE_EQ(r->confidence, 0.5);
}

TEST(AgentAnswererTest, CitesByIdOrEverythingRetrieved) {
  for (const auto& [answer, want] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"They mentioned a ramen place (rec7#0).", {"rec7#0"}},
           {"Loves sushi, see mem_2. Also [9], [2023] and [12345].", {"mem_2"}},  // out-of-range markers ignored
           {"Sushi and Italian food.", {"mem_1", "mem_2", "rec7#0"}},    // no reference: all retrieved
       }) {
    FakeChatServer server([&](const api::HttpRequest&, int call) { return call == 0 ? Search("food") : Answer(answer); });
    auto client = Client(server.url());
    FakeSearch search;
    auto r = AnswerWithAgent(*client, "Food?", search.Fn(), {});
    ASSERT_TRUE(r.ok());
    std::vector<std::string> ids;
    for (const Evidence& e : r->cited) ids.push_back(e.id);
    EXPECT_EQ(ids, want) << answer;
    EXPECT_EQ(r->text, answer);
  }
}

TEST(AgentAnswererTest, StepBudgetExhaustedIsAnError) {
  FakeChatServer server([](const api::HttpRequest&, int call) { return Search("again " + std::to_string(call)); });
  auto client = Client(server.url());
  FakeSearch search;
  auto r = AnswerWithAgent(*client, "Food?", search.Fn(), {.max_steps = 3});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(server.calls(), 3);
  EXPECT_EQ(search.queries.size(), 3u);
  // The last call is told to answer now; earlier ones are not.
  EXPECT_NE(Body(server, 2)["messages"].back()["content"].get<std::string>().find("Searching is over"),
            std::string::npos);
  EXPECT_EQ(Body(server, 1)["messages"].back()["role"], "tool");
  // Results found again keep their numbers.
  const json last = Body(server, 2)["messages"];
  EXPECT_NE(last[last.size() - 2]["content"].get<std::string>().find("[2] (id mem_2"), std::string::npos);
}

TEST(AgentAnswererTest, MalformedToolCallsGetAnErrorMessage) {
  FakeChatServer server([](const api::HttpRequest&, int call) {
    if (call == 0) {
      return ToolCalls({{"search_memories", "{query: food"},
                        {"search_memories", R"({"query": "   "})"},
                        {"lookup", R"({"query": "food"})"},
                        {"search_memories", R"({"q": "food"})"}});
    }
    return Answer("I could not search.");
  });
  auto client = Client(server.url());
  FakeSearch search;
  auto r = AnswerWithAgent(*client, "Food?", search.Fn(), {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(search.queries.empty());
  EXPECT_DOUBLE_EQ(r->confidence, 0.5);
  const json msgs = Body(server, 1)["messages"];
  ASSERT_EQ(msgs.size(), 7u);  // system, user, assistant, 4 tool messages (one per call, in order)
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(msgs[3 + i]["tool_call_id"], "call_" + std::to_string(i + 1));
    EXPECT_TRUE(msgs[3 + i]["content"].get<std::string>().starts_with("error: ")) << msgs[3 + i];
  }
  EXPECT_NE(msgs[3]["content"].get<std::string>().find("JSON object"), std::string::npos);
  EXPECT_NE(msgs[5]["content"].get<std::string>().find("unknown tool"), std::string::npos);
  EXPECT_NE(msgs[6]["content"].get<std::string>().find("searches per step"), std::string::npos);
}

TEST(AgentAnswererTest, DoubleEncodedArgumentsAreAccepted) {
  FakeChatServer server([](const api::HttpRequest&, int call) {
    return call == 0 ? ToolCalls({{"search_memories", json(R"({"query":"sushi"})").dump()}}) : Answer("Sushi [2].");
  });
  auto client = Client(server.url());
  FakeSearch search;
  auto r = AnswerWithAgent(*client, "Food?", search.Fn(), {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(search.queries, std::vector<std::string>{"sushi"});
  ASSERT_EQ(r->cited.size(), 1u);
  EXPECT_EQ(r->cited[0].id, "mem_2");
}

TEST(AgentAnswererTest, FailedSearchIsReportedToTheModel) {
  FakeChatServer server([](const api::HttpRequest&, int call) { return call == 0 ? Search("food") : Answer("Unknown."); });
  auto client = Client(server.url());
  SearchFn failing = [](const std::string&) -> Result<std::vector<Evidence>> { return Status::Internal("disk"); };
  auto r = AnswerWithAgent(*client, "Food?", failing, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Body(server, 1)["messages"][3]["content"], "error: the search failed");
  EXPECT_DOUBLE_EQ(r->confidence, 0.5);
}

TEST(AgentAnswererTest, TransportErrorsAndEmptyRepliesAreErrors) {
  FakeSearch search;
  {
    FakeChatServer server([](const api::HttpRequest&, int) {
      return Reply{{.status = 500, .body = R"({"error":{"message":"boom"}})"}};
    });
    auto client = Client(server.url());
    auto r = AnswerWithAgent(*client, "Food?", search.Fn(), {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  }
  {
    // Fails on the second step, after a search: still an error, the caller falls back.
    FakeChatServer server([](const api::HttpRequest&, int call) {
      return call == 0 ? Search("food") : Reply{{.status = 401, .body = R"({"error":{"message":"bad key"}})"}};
    });
    auto client = Client(server.url());
    auto r = AnswerWithAgent(*client, "Food?", search.Fn(), {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated);
  }
  {
    FakeChatServer server([](const api::HttpRequest&, int) { return Answer("   "); });
    auto client = Client(server.url());
    auto r = AnswerWithAgent(*client, "Food?", search.Fn(), {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  }
}

TEST(AgentAnswererTest, TimeBudgetCoversCallsAndSearches) {
  FakeSearch search;
  {
    FakeChatServer server([](const api::HttpRequest&, int) {
      Reply r = Answer("late");
      r.delay_ms = 1500;
      return r;
    });
    auto client = Client(server.url());
    const auto start = std::chrono::steady_clock::now();
    auto r = AnswerWithAgent(*client, "Food?", search.Fn(), {.timeout_ms = 300});
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
    EXPECT_LT(ms, 1200);
  }
  {
    // A slow search uses up the budget: no second model call.
    FakeChatServer server([](const api::HttpRequest&, int call) { return call == 0 ? Search("food") : Answer("x"); });
    auto client = Client(server.url());
    search.delay_ms = 400;
    auto r = AnswerWithAgent(*client, "Food?", search.Fn(), {.timeout_ms = 300});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
    EXPECT_EQ(server.calls(), 1);
  }
}

TEST(AgentAnswererTest, TokenBudgetSpansSteps) {
  // The fake server reports 7 completion tokens per reply.
  FakeChatServer server([](const api::HttpRequest&, int call) { return Search("food " + std::to_string(call)); });
  auto client = Client(server.url());
  FakeSearch search;
  auto r = AnswerWithAgent(*client, "Food?", search.Fn(), {.max_steps = 10, .max_tokens = 10});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
  ASSERT_EQ(server.calls(), 2);
  EXPECT_EQ(Body(server, 0)["max_tokens"], 10);
  EXPECT_EQ(Body(server, 1)["max_tokens"], 3);
}

}  // namespace
}  // namespace engram::memory
