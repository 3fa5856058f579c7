// POST /v1/chat/completions: engramd as an OpenAI-compatible proxy in front of a scripted upstream
// (no model runs here). Relay of plain answers, streams and upstream errors; context injection; the
// background ingest of each turn; the 503 without an upstream and the 401 without a key.
#include <atomic>
#include <chrono>
#include <thread>

#include "llm/fake_chat_server.h"
#include "tests/http/fixture.h"

namespace engram::testing {
namespace {

using llm::fake::FakeChatServer;
using Scripted = llm::fake::Reply;

// Every proxied test request carries this marker in its metadata; the upstream's other callers
// (extraction, whose prompts quote the ingested turns) do not.
constexpr const char* kMarker = "engram-proxy-test";

bool IsProxied(const api::HttpRequest& req) { return req.body.find(kMarker) != std::string::npos; }

std::string Sse(const std::string& delta) {
  Json chunk = {{"id", "chatcmpl-s"},
                {"object", "chat.completion.chunk"},
                {"choices", {{{"index", 0}, {"delta", {{"content", delta}}}, {"finish_reason", nullptr}}}}};
  return "data: " + chunk.dump() + "\n\n";
}

// Shared between the scripted upstream and the streaming test.
std::atomic<bool> g_first_seen{false};  // the client observed the first event
std::atomic<bool> g_last_written{false};  // the upstream wrote its last event

Scripted Script(const api::HttpRequest& req, int) {
  if (!IsProxied(req)) return llm::fake::Answer("not json");  // extraction falls back to its rules
  if (req.body.find("say-429") != std::string::npos) {
    Scripted r;
    r.response.status = 429;
    r.response.body = R"({"error":{"message":"slow down","type":"rate_limit_exceeded"}})";
    r.response.headers.emplace_back("Retry-After", "7");
    return r;
  }
  if (req.body.find("say-500") != std::string::npos) {
    Scripted r;
    r.response.status = 500;
    r.response.body = R"({"error":{"message":"upstream exploded"}})";
    return r;
  }
  if (req.body.find("\"stream\":true") != std::string::npos) {
    Scripted r;
    r.stream = [](api::ResponseWriter& w) {
      w.BeginStream(200, "text/event-stream");
      w.Write(Sse("Hello"));
      // Hold the rest back until the client has seen the first event (or give up after 5 s).
      for (int i = 0; i < 500 && !g_first_seen.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      w.Write(Sse(" from the stream"));
      g_last_written.store(true);
      w.Write("data: [DONE]\n\n");
      w.End();
    };
    return r;
  }
  return llm::fake::Answer("Sure, noted.");
}

class ProxyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fake_ = new FakeChatServer(Script);
    engramd_ = new EngramdProcess({"--api-keys", kAdminKey, "--rate-limit-live", "0", "--llm-url", fake_->url(),
                                   "--llm-model", "test-model", "--llm-timeout-ms", "5000"});
    Status st = engramd_->Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  static void TearDownTestSuite() {
    delete engramd_;
    engramd_ = nullptr;
    delete fake_;
    fake_ = nullptr;
  }

  Api Admin() { return Api(engramd_->port(), kAdminKey); }

  // The body the upstream received for the last proxied request whose body contains `needle`.
  static std::string Upstream(const std::string& needle, api::HttpRequest* request = nullptr) {
    for (int i = fake_->calls() - 1; i >= 0; --i) {
      api::HttpRequest req = fake_->request(i);
      if (IsProxied(req) && req.body.find(needle) != std::string::npos) {
        if (request) *request = req;
        return req.body;
      }
    }
    return "";
  }

  static Reply Chat(Api& api, const Json& body, std::vector<std::pair<std::string, std::string>> headers = {}) {
    return api.Call("POST", "/v1/chat/completions", Marked(body).dump(), std::move(headers));
  }
  static Json Marked(Json body) {
    body["metadata"] = {{"suite", kMarker}};
    return body;
  }

  static FakeChatServer* fake_;
  static EngramdProcess* engramd_;
};

FakeChatServer* ProxyTest::fake_ = nullptr;
EngramdProcess* ProxyTest::engramd_ = nullptr;

Json UserMessage(const std::string& text) { return {{"role", "user"}, {"content", text}}; }

TEST_F(ProxyTest, RelaysAPlainAnswerAndDefaultsTheModel) {
  Api api = Admin();
  Json body = {{"messages", {UserMessage("plain-relay hello")}}, {"user", "px_plain"}, {"temperature", 0.5}};
  auto r = Chat(api, body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["choices"][0]["message"]["content"], "Sure, noted.") << r.body;
  EXPECT_NE(r.headers["content-type"].find("application/json"), std::string::npos);

  api::HttpRequest upstream;
  Json sent = Json::parse(Upstream("plain-relay", &upstream), nullptr, false);
  ASSERT_TRUE(sent.is_object());
  EXPECT_EQ(sent["model"], "test-model");  // the configured --llm-model, since the client sent none
  EXPECT_EQ(sent["messages"], body["messages"]);
  EXPECT_EQ(sent["user"], "px_plain");
  // The Engram key never travels upstream.
  EXPECT_EQ(upstream.Header("x-api-key"), nullptr);
  const std::string* auth = upstream.Header("authorization");
  EXPECT_TRUE(auth == nullptr || auth->find(kAdminKey) == std::string::npos);
  // The user was registered on first sight.
  EXPECT_EQ(api.Get("/users/px_plain").status, 200);
}

TEST_F(ProxyTest, RelaysAStreamAsItArrives) {
  g_first_seen = false;
  g_last_written = false;
  HttpClient client("127.0.0.1", engramd_->port());
  client.set_timeout(std::chrono::milliseconds(10000));
  Json body = Marked({{"model", "client-model"}, {"stream", true}, {"messages", {UserMessage("stream-relay hi")}}});
  std::string received;
  bool first_before_last = false;
  auto r = client.RequestStream("POST", "/v1/chat/completions", body.dump(),
                                {{"x-api-key", kAdminKey}, {"Content-Type", "application/json"},
                                 {"X-Engram-User", "px_stream"}},
                                [&](std::string_view data) {
                                  received.append(data);
                                  if (!g_first_seen && received.find("Hello") != std::string::npos) {
                                    first_before_last = !g_last_written.load();
                                    g_first_seen = true;
                                  }
                                });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  ASSERT_NE(r->Header("content-type"), nullptr);
  EXPECT_EQ(r->Header("content-type")->rfind("text/event-stream", 0), 0u);
  EXPECT_TRUE(first_before_last) << "the first event arrived only after the upstream had finished";
  EXPECT_NE(received.find(" from the stream"), std::string::npos) << received;
  EXPECT_NE(received.find("data: [DONE]"), std::string::npos) << received;
  Json sent = Json::parse(Upstream("stream-relay"), nullptr, false);
  EXPECT_EQ(sent["model"], "client-model");

  // The reply, reassembled from the deltas, is remembered in the background.
  Api api = Admin();
  bool found = false;
  for (int i = 0; i < 250 && !found; ++i) {
    auto c = api.Post("/chunks", {{"user_id", "px_stream"},
                                  {"conversation", {{{"role", "user"}, {"content", "Hello from the stream"}}}},
                                  {"top_k", 5}});
    if (c.status == 200) found = c.body.find("Hello from the stream") != std::string::npos;
    if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(found);
}

TEST_F(ProxyTest, PassesUpstreamErrorsThrough) {
  Api api = Admin();
  auto r429 = Chat(api, {{"messages", {UserMessage("say-429")}}, {"user", "px_err"}});
  EXPECT_EQ(r429.status, 429) << r429.body;
  EXPECT_EQ(r429.json["error"]["message"], "slow down") << r429.body;
  EXPECT_EQ(r429.headers["retry-after"], "7");
  auto r500 = Chat(api, {{"messages", {UserMessage("say-500")}}, {"user", "px_err"}});
  EXPECT_EQ(r500.status, 500) << r500.body;
  EXPECT_EQ(r500.json["error"]["message"], "upstream exploded") << r500.body;
}

TEST_F(ProxyTest, InjectsContextOnlyWhenAsked) {
  Api api = Admin();
  ASSERT_EQ(api.Post("/register", {{"user_id", "px_ctx"}}).status, 200);
  ASSERT_EQ(api.Post("/ingest", {{"user_id", "px_ctx"},
                                 {"message_history", {{{"role", "user"},
                                                       {"content", "I love sushi and usually eat late dinners around 9pm"},
                                                       {"message_id", "m1"}}}}})
                .status,
            200);
  // Wait for the extracted memories, so the summary has something to say.
  for (int i = 0; i < 300; ++i) {
    if (!api.Get("/users/px_ctx/memories").json["memories"].empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const std::string summary = api.Get("/summary?user_id=px_ctx").json.value("summary", "");
  ASSERT_FALSE(summary.empty());

  // Both, with a system message: the block is prepended to it.
  Json with_system = {{"model", "m"},
                      {"messages", {{{"role", "system"}, {"content", "You are helpful."}},
                                    UserMessage("ctx-both what sushi should I eat for dinner tonight?")}},
                      {"user", "px_ctx"}};
  ASSERT_EQ(Chat(api, with_system, {{"X-Engram-Context", "summary, chunks"}}).status, 200);
  Json sent = Json::parse(Upstream("ctx-both"), nullptr, false);
  ASSERT_EQ(sent["messages"].size(), 2u) << sent.dump();
  const std::string system = sent["messages"][0].value("content", "");
  EXPECT_EQ(sent["messages"][0]["role"], "system");
  // The /summary text (compared loosely: background extraction may refine it between the calls).
  const size_t profile = system.find("User profile:\n");
  const size_t memories = system.find("Relevant memories:");
  ASSERT_NE(profile, std::string::npos) << system;
  ASSERT_NE(memories, std::string::npos) << system;
  EXPECT_NE(system.substr(profile, memories - profile).find("sushi"), std::string::npos) << system;
  EXPECT_NE(system.find("I love sushi and usually eat late dinners around 9pm"), std::string::npos) << system;
  EXPECT_EQ(system.substr(system.size() - std::string("You are helpful.").size()), "You are helpful.");
  EXPECT_EQ(sent["messages"][1], with_system["messages"][1]);

  // Chunks only, without a system message: a new one goes in front.
  Json without_system = {{"model", "m"}, {"messages", {UserMessage("ctx-chunks any sushi ideas for dinner?")}},
                         {"user", "px_ctx"}};
  ASSERT_EQ(Chat(api, without_system, {{"X-Engram-Context", "chunks"}}).status, 200);
  sent = Json::parse(Upstream("ctx-chunks"), nullptr, false);
  ASSERT_EQ(sent["messages"].size(), 2u) << sent.dump();
  EXPECT_EQ(sent["messages"][0]["role"], "system");
  const std::string added = sent["messages"][0].value("content", "");
  EXPECT_NE(added.find("Relevant memories:"), std::string::npos) << added;
  EXPECT_NE(added.find("sushi"), std::string::npos) << added;
  EXPECT_EQ(added.find("User profile:"), std::string::npos) << added;
  EXPECT_EQ(sent["messages"][1], without_system["messages"][0]);

  // Without the header the body goes upstream byte for byte.
  Json plain = Marked({{"model", "m"}, {"messages", {UserMessage("ctx-none sushi for dinner?")}}, {"user", "px_ctx"}});
  ASSERT_EQ(Chat(api, plain).status, 200);
  EXPECT_EQ(Upstream("ctx-none"), plain.dump());

  ExpectError(Chat(api, plain, {{"X-Engram-Context", "everything"}}), 400, "INVALID_REQUEST", "X-Engram-Context");
}

TEST_F(ProxyTest, IngestsTheTurnInTheBackground) {
  Api api = Admin();
  auto r = Chat(api, {{"messages", {{{"role", "system"}, {"content", "Be brief."}},
                                    UserMessage("My favourite climbing gym is Boulderwelt in Munich")}},
                      {"user", "px_ingest"}});
  ASSERT_EQ(r.status, 200) << r.body;
  bool user_found = false;
  bool reply_found = false;
  for (int i = 0; i < 250 && !(user_found && reply_found); ++i) {
    auto c = api.Post("/chunks", {{"user_id", "px_ingest"},
                                  {"conversation", {{{"role", "user"}, {"content", "Which climbing gym? Sure, noted."}}}},
                                  {"top_k", 10}});
    if (c.status == 200) {
      user_found = c.body.find("Boulderwelt in Munich") != std::string::npos;
      reply_found = c.body.find("Sure, noted.") != std::string::npos;
    }
    if (!(user_found && reply_found)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(user_found);
  EXPECT_TRUE(reply_found);
  // The system message is not a turn of the user's: it is not stored.
  auto counts = api.Get("/users/px_ingest").json;
  EXPECT_EQ(counts["counts"]["message_history"], 2) << counts.dump();
}

TEST_F(ProxyTest, RejectsBadRequests) {
  Api api = Admin();
  ExpectError(Chat(api, {{"messages", {UserMessage("no user")}}}), 400, "INVALID_REQUEST", "user");
  ExpectError(Chat(api, {{"user", "px_bad"}}), 400, "INVALID_REQUEST", "messages");
  ExpectError(api.Call("POST", "/v1/chat/completions", "not json"), 400, "INVALID_REQUEST");
  ExpectError(Api(engramd_->port(), "").Call("POST", "/v1/chat/completions",
                                             Json{{"messages", {UserMessage("x")}}, {"user", "px_bad"}}.dump()),
              401, "UNAUTHORIZED");
  const std::string reader = [&] {
    auto k = api.Post("/admin/keys", {{"workspace", "default"}, {"scope", "read"}});
    return k.json.value("key", "");
  }();
  ExpectError(Api(engramd_->port(), reader).Call("POST", "/v1/chat/completions",
                                                 Json{{"messages", {UserMessage("x")}}, {"user", "px_bad"}}.dump()),
              403, "FORBIDDEN");
}

// Without --llm-url the route exists but explains what is missing.
class ProxyWithoutUpstreamTest : public ServerTest {};

TEST_F(ProxyWithoutUpstreamTest, AnswersServiceUnavailable) {
  Api api = Admin();
  ExpectError(api.Call("POST", "/v1/chat/completions",
                       Json{{"messages", {UserMessage("x")}}, {"user", "px_none"}}.dump()),
              503, "SERVICE_UNAVAILABLE", "--llm-url");
  ExpectError(WithKey("").Call("POST", "/v1/chat/completions", "{}"), 401, "UNAUTHORIZED");
}

}  // namespace
}  // namespace engram::testing
