// POST /chunks in both dialects against a real engramd: shapes, errors, read-your-writes, updates,
// deletion, isolation, thresholds and persistence.
#include "tests/http/fixture.h"

namespace engram::testing {
namespace {

class ChunksTest : public ServerTest {
 protected:
  void Seed(Api& api, const std::string& user) {
    Register(api, user);
    auto r = api.Post("/ingest",
                      {{"user_id", user},
                       {"source", "gmail"},
                       {"events",
                        {{{"event_id", "evt_1"},
                          {"type", "email"},
                          {"timestamp", "2025-10-10T09:00:00Z"},
                          {"content", "Let's move stand-up to 2 PM starting next week."}},
                         {{"event_id", "evt_2"},
                          {"type", "message"},
                          {"timestamp", "2025-10-11T09:00:00Z"},
                          {"content", "Booked the sushi place on Valencia for Friday dinner at 9pm."}}}},
                       {"documents",
                        {{{"doc_id", "doc_7"},
                          {"kind", "note"},
                          {"title", "Work style"},
                          {"content", "Typical focus blocks 9-12 PT; meetings after 1 PM preferred."}}}}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
};

TEST_F(ChunksTest, ConversationDialectShape) {
  Api api = Admin();
  Seed(api, "chunks-002");
  auto r = api.Post("/chunks", {{"user_id", "chunks-002"},
                                {"conversation",
                                 {{{"role", "system"}, {"content", "You are an assistant that schedules meetings."}},
                                  {{"role", "user"}, {"content", "Can you schedule next week's team stand-up meeting?"}}}},
                                {"top_k", 5}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(r.json["results"].is_array()) << r.body;
  ASSERT_GE(r.json["results"].size(), 2u) << r.body;
  std::set<std::string> ids;
  for (const auto& x : r.json["results"]) {
    ids.insert(x["chunk_id"].get<std::string>());
    EXPECT_TRUE(x["excerpt"].is_string());
    EXPECT_GT(x["score"].get<double>(), 0.0);
    EXPECT_LE(x["score"].get<double>(), 1.0);
    // Records, and memories extracted from them in the background.
    EXPECT_TRUE(x["source"] == "event" || x["source"] == "document" || x["source"] == "memory") << x;
    ASSERT_GE(x["source_ids"].size(), 1u);
  }
  EXPECT_TRUE(ids.count("evt_1#0")) << r.body;
  EXPECT_TRUE(ids.count("doc_7#0")) << r.body;
  EXPECT_FALSE(r.json.contains("chunks"));
  // Results are ordered by score.
  for (size_t i = 1; i < r.json["results"].size(); ++i) {
    EXPECT_GE(r.json["results"][i - 1]["score"].get<double>(), r.json["results"][i]["score"].get<double>());
  }
}

TEST_F(ChunksTest, ConversationDialectErrors) {
  Api api = Admin();
  Seed(api, "chunks-002-err");
  ExpectError(api.Post("/chunks", {{"user_id", "chunks-002-err"}, {"top_k", 5}}), 400, "INVALID_REQUEST",
              "Missing field: conversation");
  ExpectError(api.Post("/chunks", {{"user_id", "chunks-002-err"}, {"conversation", Json::array()}}), 400,
              "INVALID_REQUEST", "conversation");
  ExpectError(api.Post("/chunks", {{"conversation", {{{"role", "user"}, {"content", "hi"}}}}}), 400, "INVALID_REQUEST",
              "Missing field: user_id");
  ExpectError(api.Post("/chunks", {{"user_id", "chunks-002-err"},
                                   {"conversation", {{{"role", "user"}, {"content", "hi"}}}},
                                   {"top_k", 21}}),
              400, "INVALID_REQUEST", "top_k");
  ExpectError(api.Post("/chunks", {{"user_id", "chunks-002-err"}, {"conversation", {{{"role", "robot"}, {"content", "x"}}}}}),
              400, "INVALID_REQUEST", "conversation[0].role");
  ExpectError(api.Post("/chunks", {{"user_id", "chunks-002-err"}, {"conversation", {{{"role", "user"}}}}}), 400,
              "INVALID_REQUEST", "conversation[0].content");
  ExpectError(api.Post("/chunks", {{"user_id", "nobody"}, {"conversation", {{{"role", "user"}, {"content", "x"}}}}}),
              404, "USER_NOT_FOUND");
  ExpectError(Api(server_->port(), "").Post("/chunks", {{"user_id", "chunks-002-err"},
                                                        {"conversation", {{{"role", "user"}, {"content", "x"}}}}}),
              401, "UNAUTHORIZED");
  // Default top_k is 5.
  Json events = Json::array();
  for (int i = 0; i < 8; ++i) events.push_back({{"content", "dinner plan number " + std::to_string(i)}});
  ASSERT_EQ(api.Post("/ingest", {{"user_id", "chunks-002-err"}, {"events", events}}).status, 200);
  auto r = api.Post("/chunks", {{"user_id", "chunks-002-err"}, {"conversation", {{{"role", "user"}, {"content", "dinner plan"}}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["results"].size(), 5u);
}

TEST_F(ChunksTest, HistoryDialectShapeThresholdAndExclusion) {
  Api api = Admin();
  Seed(api, "chunks-001");
  Json history = {{{"role", "system"}, {"content", "You help with restaurant recommendations"}},
                  {{"role", "user"}, {"content", "I'm hungry, where is that sushi place for Friday dinner?"}}};
  auto r = api.Post("/chunks", {{"user_id", "chunks-001"}, {"history", history}, {"k", 6}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(r.json["chunks"].is_array()) << r.body;
  ASSERT_FALSE(r.json["chunks"].empty()) << r.body;
  const auto& top = r.json["chunks"][0];
  EXPECT_EQ(top["id"], "evt_2#0");
  EXPECT_EQ(top["source"], "event");
  EXPECT_EQ(top["source_ids"], Json::array({"evt_2"}));
  EXPECT_EQ(top["created_at"], "2025-10-11T09:00:00Z");
  EXPECT_TRUE(top["updated_at"].is_string());
  EXPECT_GE(top["score"].get<double>(), 0.25);  // the default threshold
  EXPECT_NE(r.json["used_query"].get<std::string>().find("sushi"), std::string::npos) << r.body;
  for (const char* f : {"total_candidates", "threshold", "embedding_time_ms", "search_time_ms", "total_time_ms"}) {
    EXPECT_TRUE(r.json["debug"].contains(f)) << f;
  }
  EXPECT_DOUBLE_EQ(r.json["debug"]["threshold"].get<double>(), 0.25);
  for (const auto& c : r.json["chunks"]) EXPECT_GE(c["score"].get<double>(), 0.25);

  // A strict threshold returns only what clears it; exclude_chunk_ids removes a chunk.
  auto strict = api.Post("/chunks", {{"user_id", "chunks-001"}, {"history", history}, {"similarity_threshold", 0.99}});
  ASSERT_EQ(strict.status, 200);
  EXPECT_TRUE(strict.json["chunks"].empty()) << strict.body;
  auto excluded = api.Post("/chunks", {{"user_id", "chunks-001"}, {"history", history}, {"exclude_chunk_ids", {"evt_2#0"}}});
  ASSERT_EQ(excluded.status, 200);
  for (const auto& c : excluded.json["chunks"]) EXPECT_NE(c["id"], "evt_2#0");
  ExpectError(api.Post("/chunks", {{"user_id", "chunks-001"}, {"history", history}, {"similarity_threshold", 2}}), 400,
              "INVALID_REQUEST", "similarity_threshold");
  ExpectError(api.Post("/chunks", {{"user_id", "chunks-001"}}), 400, "INVALID_REQUEST", "Missing field: history");
  ExpectError(api.Post("/chunks", {{"user_id", "chunks-001"}, {"history", history}, {"k", 0}}), 400, "INVALID_REQUEST",
              "Invalid field: k");
  ExpectError(api.Post("/chunks", {{"user_id", "chunks-001"}, {"history", history}, {"exclude_chunk_ids", {1}}}), 400,
              "INVALID_REQUEST", "exclude_chunk_ids[0]");
}

TEST_F(ChunksTest, ReadYourWritesUpdatesAndDocuments) {
  Api api = Admin();
  Register(api, "chunks-ryw");
  auto ask = [&](const std::string& q) {
    auto r = api.Post("/chunks", {{"user_id", "chunks-ryw"}, {"conversation", {{{"role", "user"}, {"content", q}}}}, {"top_k", 10}});
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> ids;
    for (const auto& x : r.json["results"]) ids.push_back(x["chunk_id"]);
    return ids;
  };
  EXPECT_TRUE(ask("kayak").empty());
  ASSERT_EQ(api.Post("/ingest", {{"user_id", "chunks-ryw"}, {"events", {{{"event_id", "k1"}, {"content", "Rented a kayak on Lake Tahoe."}}}}}).status, 200);
  EXPECT_EQ(ask("kayak"), std::vector<std::string>{"k1#0"});  // searchable as soon as ingest answered
  ASSERT_EQ(api.Post("/ingest", {{"user_id", "chunks-ryw"},
                                 {"events", {{{"event_id", "k1"}, {"content", "Rented a canoe on Lake Tahoe."}}}},
                                 {"options", {{"update_existing", true}}}})
                .status,
            200);
  EXPECT_TRUE(ask("kayak").empty());
  EXPECT_EQ(ask("canoe"), std::vector<std::string>{"k1#0"});

  // A long document becomes several passages, each traceable to it.
  std::string doc;
  for (int i = 0; i < 40; ++i) doc += "Paragraph sentence number " + std::to_string(i) + " talks about quarterly planning. ";
  doc += "The final sentence mentions the zebra project.";
  ASSERT_EQ(api.Post("/ingest", {{"user_id", "chunks-ryw"}, {"documents", {{{"doc_id", "plan"}, {"content", doc}}}}}).status, 200);
  auto ids = ask("zebra project");
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids[0].rfind("plan#", 0), 0u);
  EXPECT_NE(ids[0], "plan#0");
  EXPECT_GE(api.Get("/users/chunks-ryw").json["counts"]["chunks"].get<int>(), 3);
}

TEST_F(ChunksTest, DeletionAndIsolation) {
  Api api = Admin();
  Seed(api, "chunks-a");
  Register(api, "chunks-b");
  Json q = {{"conversation", {{{"role", "user"}, {"content", "sushi dinner stand-up focus blocks"}}}}, {"top_k", 20}};
  q["user_id"] = "chunks-b";
  auto b = api.Post("/chunks", q);
  ASSERT_EQ(b.status, 200);
  EXPECT_TRUE(b.json["results"].empty()) << "another user's chunks leaked: " << b.body;

  Api other = WithKey(CreateKey("chunks-ws", "admin"));
  q["user_id"] = "chunks-a";
  ExpectError(other.Post("/chunks", q), 404, "USER_NOT_FOUND");

  ASSERT_GE(api.Post("/chunks", q).json["results"].size(), 3u);
  ASSERT_EQ(api.Delete("/users/chunks-a").status, 200);
  ExpectError(api.Post("/chunks", q), 404, "USER_NOT_FOUND");
  Register(api, "chunks-a");
  auto after = api.Post("/chunks", q);
  ASSERT_EQ(after.status, 200);
  EXPECT_TRUE(after.json["results"].empty()) << after.body;
}

TEST(ChunksRestartTest, IndexIsRebuiltFromTheStore) {
  EngramdProcess server({"--api-keys", kAdminKey});
  ASSERT_TRUE(server.Start().ok());
  {
    Api api(server.port(), kAdminKey);
    ASSERT_EQ(api.Post("/register", {{"user_id", "persist"}}).status, 200);
    ASSERT_EQ(api.Post("/ingest", {{"user_id", "persist"}, {"events", {{{"event_id", "e"}, {"content", "Adopted a greyhound named Pixel."}}}}}).status, 200);
  }
  server.Kill();
  ASSERT_TRUE(server.Start().ok());
  Api api(server.port(), kAdminKey);
  auto r = api.Post("/chunks", {{"user_id", "persist"}, {"conversation", {{{"role", "user"}, {"content", "What is the greyhound called?"}}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["results"].size(), 1u) << r.body;
  EXPECT_EQ(r.json["results"][0]["chunk_id"], "e#0");
}

}  // namespace
}  // namespace engram::testing
