// Memories, traits, /summary, /query and Stage 3 against a real engramd (deterministic extractor).
#include <thread>

#include "tests/http/fixture.h"
#include "tests/support/metrics_text.h"

namespace engram::testing {
namespace {

class MemoriesTest : public ServerTest {
 protected:
  // Extraction runs in the background: poll until `pred` holds on the memories listing.
  Json WaitForMemories(Api& api, const std::string& user, const std::function<bool(const Json&)>& pred,
                       bool history = false) {
    return WaitForJson(api, "/users/" + user + "/memories" + (history ? "?history=true" : ""), pred);
  }
  static const Json* FindMemory(const Json& listing, const std::string& word) {
    for (const auto& m : listing["memories"]) {
      if (m["text"].get<std::string>().find(word) != std::string::npos) return &m;
    }
    return nullptr;
  }
  void SeedProfile(Api& api, const std::string& user, const std::string& purpose = "") {
    Json reg = {{"user_id", user},
                {"traits", {{"name", "Ash Lewis"}, {"timezone", "America/Los_Angeles"}}}};
    if (!purpose.empty()) reg["purpose"] = purpose;
    ASSERT_EQ(api.Post("/register", reg).status, 200);
    auto r = api.Post("/ingest",
                      {{"user_id", user},
                       {"message_history",
                        {{{"role", "user"},
                          {"content", "I love sushi and usually eat late dinners around 9pm"},
                          {"timestamp", "2025-11-01T14:30:00Z"},
                          {"message_id", "m1"},
                          {"metadata", {{"channel", "web"}}}},
                         {{"role", "assistant"},
                          {"content", "Got it! I'll keep that in mind for restaurant recommendations."},
                          {"timestamp", "2025-11-01T14:30:15Z"}}}},
                       {"documents",
                        {{{"doc_id", "doc-q4-goals"},
                          {"title", "Quarterly Goals Q4"},
                          {"created_at", "2025-10-01T00:00:00Z"},
                          {"content", "Q4 2025 Goals: Launch new product, hire 3 engineers, reach $1M ARR"}},
                         {{"doc_id", "doc_7"},
                          {"kind", "note"},
                          {"created_at", "2025-09-29T18:00:00Z"},
                          {"content", "Typical focus blocks 9-12 PT; meetings after 1 PM preferred."}}}}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
};

TEST_F(MemoriesTest, ExtractedFromIngestWithSourcesAndCategories) {
  Api api = Admin();
  SeedProfile(api, "mem-basic");
  Json listing = WaitForMemories(api, "mem-basic", [](const Json& j) { return FindMemory(j, "sushi") != nullptr; });
  const Json* sushi = FindMemory(listing, "sushi");
  ASSERT_NE(sushi, nullptr);
  EXPECT_EQ((*sushi)["source_ids"], Json::array({"m1"}));
  EXPECT_EQ((*sushi)["status"], "current");
  EXPECT_GT((*sushi)["confidence"].get<double>(), 0.0);
  EXPECT_EQ((*sushi)["text"].get<std::string>().find("I love"), std::string::npos) << "not third person: " << *sushi;
  // Nothing about the user comes from the assistant's turn.
  EXPECT_EQ(FindMemory(listing, "restaurant recommendations"), nullptr);
  // Registration traits carry their provenance.
  bool name = false;
  for (const auto& t : listing["traits"]) {
    if (t["name"] == "name") {
      name = true;
      EXPECT_EQ(t["value"], "Ash Lewis");
      EXPECT_EQ(t["source"], "register");
    }
  }
  EXPECT_TRUE(name) << listing.dump();
  // Memories are retrievable through /chunks with source "memory" and their records as sources. A
  // memory whose record is already shown adds nothing and is left out: with that record excluded from
  // the results (the agent has it in context), the memory comes back.
  Json history = {{{"role", "user"}, {"content", "What should I eat for dinner? sushi"}}};
  auto shown = api.Post("/chunks", {{"user_id", "mem-basic"}, {"history", history}, {"similarity_threshold", 0.0}});
  ASSERT_EQ(shown.status, 200);
  ASSERT_FALSE(shown.json["chunks"].empty());
  EXPECT_EQ(shown.json["chunks"][0]["id"], "m1#0") << shown.body;
  EXPECT_EQ(shown.json["debug"]["memory_count"], 0) << shown.body;
  // Record reads from the store so far: the search below must not add one (see below).
  auto record_reads = [&] {
    return MetricValue(api.Get("/metrics").body, "engram_store_read_seconds_count{op=\"get_record\"}");
  };
  const double reads_before = record_reads();
  auto chunks = api.Post("/chunks", {{"user_id", "mem-basic"}, {"history", history}, {"similarity_threshold", 0.0},
                                     {"exclude_chunk_ids", {"m1#0"}}});
  ASSERT_EQ(chunks.status, 200) << chunks.body;
  EXPECT_EQ(record_reads(), reads_before);
  bool memory_hit = false;
  for (const auto& c : chunks.json["chunks"]) {
    if (c["source"] == "memory") {
      memory_hit = true;
      EXPECT_EQ(c["source_ids"], Json::array({"m1"})) << c;
      // Its source record's metadata, from that record's chunk in the index (no store read, above).
      EXPECT_EQ(c["metadata"]["source_metadata"], Json::parse(R"([{"event_id":"m1","metadata":{"channel":"web"}}])"))
          << c;
    }
  }
  EXPECT_TRUE(memory_hit) << chunks.body;
  EXPECT_GE(chunks.json["debug"]["memory_count"].get<int>(), 1);
  ExpectError(api.Get("/users/nobody/memories"), 404, "USER_NOT_FOUND");
}

TEST_F(MemoriesTest, ContradictionSupersedesAndKeepsHistory) {
  Api api = Admin();
  Register(api, "mem-standup");
  ASSERT_EQ(api.Post("/ingest", {{"user_id", "mem-standup"},
                                 {"events", {{{"event_id", "evt_1"},
                                              {"timestamp", "2025-10-10T09:00:00Z"},
                                              {"content", "Let's move stand-up to 2 PM starting next week."}}}}})
                .status,
            200);
  WaitForMemories(api, "mem-standup", [](const Json& j) { return FindMemory(j, "2 PM") != nullptr; });
  ASSERT_EQ(api.Post("/ingest", {{"user_id", "mem-standup"},
                                 {"events", {{{"event_id", "evt_2"},
                                              {"timestamp", "2025-11-10T09:00:00Z"},
                                              {"content", "Let's move stand-up to 10 AM starting next week."}}}}})
                .status,
            200);
  Json current = WaitForMemories(api, "mem-standup", [](const Json& j) { return FindMemory(j, "10 AM") != nullptr; });
  EXPECT_EQ(FindMemory(current, "2 PM"), nullptr) << current.dump(2);
  Json history = api.Get("/users/mem-standup/memories?history=true").json;
  const Json* old = FindMemory(history, "2 PM");
  ASSERT_NE(old, nullptr) << history.dump(2);
  EXPECT_EQ((*old)["status"], "superseded");
  EXPECT_EQ((*old)["superseded_by"], (*FindMemory(history, "10 AM"))["id"]);
}

TEST_F(MemoriesTest, SummaryIsDeterministicCachedAndCut) {
  Api api = Admin();
  SeedProfile(api, "mem-summary", "meeting scheduling assistant");
  WaitForMemories(api, "mem-summary", [](const Json& j) { return j["memories"].size() >= 3; });
  // Background work (extraction batches, Stage 3) may still change the profile: once it settles, the
  // same data gives the same bytes and the second call is served from the cache.
  Reply first, second;
  for (int i = 0; i < 200; ++i) {
    first = api.Get("/summary?user_id=mem-summary");
    second = api.Get("/summary?user_id=mem-summary");
    if (second.json.value("cached", false)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string text = first.json["summary"];
  EXPECT_NE(text.find("Ash Lewis"), std::string::npos) << text;
  EXPECT_NE(text.find("sushi"), std::string::npos) << text;
  EXPECT_LE(text.size(), 1000u);
  EXPECT_TRUE(first.json["generated_at"].is_string());
  EXPECT_TRUE(first.json["purpose"].is_null());
  EXPECT_EQ(second.json["summary"], first.json["summary"]);
  EXPECT_EQ(second.json["cached"], true);
  // Deterministic: built afresh (another max_chars is another cache entry; the text is under both
  // limits), the same data gives the same bytes.
  auto rebuilt = api.Get("/summary?user_id=mem-summary&max_chars=1001");
  ASSERT_EQ(rebuilt.status, 200) << rebuilt.body;
  EXPECT_EQ(rebuilt.json["cached"], false);
  EXPECT_EQ(rebuilt.json["summary"], first.json["summary"]);
  // Cut at a sentence boundary within max_chars.
  for (int max : {40, 80, 150}) {
    auto cut = api.Get("/summary?user_id=mem-summary&max_chars=" + std::to_string(max));
    ASSERT_EQ(cut.status, 200);
    std::string s = cut.json["summary"];
    size_t chars = 0;  // max_chars counts characters, not bytes
    for (unsigned char c : s) chars += (c & 0xC0) != 0x80;
    EXPECT_LE(chars, static_cast<size_t>(max)) << s;
    // Whole sentences of the full summary; only when not even one fits is a sentence cut at a word.
    const std::string ellipsis = "\u2026";
    const bool cut_word = s.size() >= ellipsis.size() && s.compare(s.size() - ellipsis.size(), ellipsis.size(), ellipsis) == 0;
    if (cut_word) s.resize(s.size() - ellipsis.size());
    else EXPECT_EQ(s.back(), '.') << s;
    EXPECT_EQ(text.rfind(s, 0), 0u) << "not a prefix: " << s;
  }
  // The purpose decides what leads: a scheduling purpose puts time and meeting habits before food.
  auto sched = api.Get("/summary?user_id=mem-summary&purpose=scheduling%20meetings");
  const std::string st = sched.json["summary"];
  ASSERT_NE(st.find("sushi"), std::string::npos) << st;
  EXPECT_LT(st.find("1 PM"), st.find("sushi")) << st;
  EXPECT_EQ(sched.json["purpose"], "scheduling meetings");
  ExpectError(api.Get("/summary"), 400, "INVALID_REQUEST", "user_id");
  ExpectError(api.Get("/summary?user_id=mem-summary&max_chars=0"), 400, "INVALID_REQUEST", "max_chars");
  ExpectError(api.Get("/summary?user_id=nobody"), 404, "USER_NOT_FOUND");
}

TEST_F(MemoriesTest, QueryAnswersCitesAndCaches) {
  Api api = Admin();
  SeedProfile(api, "mem-query");
  WaitForMemories(api, "mem-query", [](const Json& j) { return FindMemory(j, "sushi") != nullptr; });
  auto fresh = api.Post("/query", {{"user_id", "mem-query"}, {"question", "What food does the user like? sushi?"}});
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_EQ(fresh.json["cached"], false);
  EXPECT_NE(fresh.json["answer"].get<std::string>().find("sushi"), std::string::npos) << fresh.body;
  ASSERT_FALSE(fresh.json["sources"].empty());
  EXPECT_EQ(fresh.json["question"], "What food does the user like? sushi?");
  // The same question again is answered from the stored Stage 3 item.
  auto cached = api.Post("/query", {{"user_id", "mem-query"}, {"question", "What food does the user like? sushi?"}});
  ASSERT_EQ(cached.status, 200);
  EXPECT_EQ(cached.json["cached"], true) << cached.body;
  EXPECT_EQ(cached.json["answer"], fresh.json["answer"]);
  auto forced = api.Post("/query", {{"user_id", "mem-query"},
                                    {"question", "What food does the user like? sushi?"},
                                    {"use_cache", false}});
  EXPECT_EQ(forced.json["cached"], false);
  // An unanswerable question says so instead of inventing.
  auto none = api.Post("/query", {{"user_id", "mem-query"}, {"question", "Which spacecraft did they pilot?"}});
  ASSERT_EQ(none.status, 200);
  EXPECT_EQ(none.json["answer"], "No stored information answers this question yet.") << none.body;
  EXPECT_TRUE(none.json["sources"].empty()) << none.body;
  EXPECT_EQ(none.json["cached"], false);
  // An unanswered question is not stored: asking again does not hit the Stage 3 cache.
  auto none_again = api.Post("/query", {{"user_id", "mem-query"}, {"question", "Which spacecraft did they pilot?"}});
  EXPECT_EQ(none_again.json["cached"], false) << none_again.body;
  ExpectError(api.Post("/query", {{"user_id", "mem-query"}, {"question", "   "}}), 400, "INVALID_REQUEST", "question");
  ExpectError(api.Post("/query", {{"user_id", "mem-query"}}), 400, "INVALID_REQUEST", "Missing field: question");
  ExpectError(api.Post("/query", {{"user_id", "nobody"}, {"question", "x"}}), 404, "USER_NOT_FOUND");
}

TEST_F(MemoriesTest, Stage3RunsWhenMemoriesCrossFive) {
  Api api = Admin();
  ASSERT_EQ(api.Post("/register", {{"user_id", "mem-stage3"}, {"purpose", "restaurant recommendation agent"}}).status, 200);
  const std::vector<std::string> facts = {
      "I love sushi and usually eat late dinners around 9pm", "I hate cilantro", "I work at Acme as a data scientist",
      "I live in Berlin", "My dog Max loves the park", "I prefer Italian food on weekends",
      "I'm allergic to peanuts"};
  Json msgs = Json::array();
  for (size_t i = 0; i < facts.size(); ++i) {
    msgs.push_back({{"role", "user"}, {"content", facts[i]}, {"message_id", "f" + std::to_string(i)}});
  }
  // Stage 3 has not run below five memories.
  auto before = api.Post("/chunks", {{"user_id", "mem-stage3"},
                                     {"history", {{{"role", "user"}, {"content", "What are the user's food preferences?"}}}},
                                     {"similarity_threshold", 0.0}, {"k", 20}});
  EXPECT_EQ(before.json["debug"]["stage3_count"], 0);
  ASSERT_EQ(api.Post("/ingest", {{"user_id", "mem-stage3"}, {"message_history", msgs}}).status, 200);
  WaitForMemories(api, "mem-stage3", [](const Json& j) { return j["memories"].size() >= 5; });
  Json stage3;
  for (int i = 0; i < 300 && stage3.is_null(); ++i) {
    auto r = api.Post("/chunks", {{"user_id", "mem-stage3"},
                                  {"history", {{{"role", "user"}, {"content", "What are the user's food preferences?"}}}},
                                  {"similarity_threshold", 0.0}, {"k", 20}});
    for (const auto& c : r.json["chunks"]) {
      if (c["source"] == "stage3") stage3 = c;
    }
    if (stage3.is_null()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_FALSE(stage3.is_null()) << "no Stage 3 item was produced";
  EXPECT_TRUE(stage3["question_index"].is_number_integer()) << stage3;
  EXPECT_GE(stage3["question_index"].get<int>(), 0);
  EXPECT_FALSE(stage3["question"].get<std::string>().empty());
  EXPECT_FALSE(stage3["answer"].get<std::string>().empty());
  EXPECT_FALSE(stage3["source_ids"].empty());
  for (const auto& id : stage3["source_ids"]) EXPECT_EQ(id.get<std::string>()[0], 'f') << stage3;
  // A /query close to a Stage 3 question is answered from it at once.
  auto q = api.Post("/query", {{"user_id", "mem-stage3"}, {"question", stage3["question"]}});
  ASSERT_EQ(q.status, 200) << q.body;
  EXPECT_EQ(q.json["cached"], true) << q.body;
}

TEST_F(MemoriesTest, DeleteRemovesMemories) {
  Api api = Admin();
  SeedProfile(api, "mem-delete");
  WaitForMemories(api, "mem-delete", [](const Json& j) { return !j["memories"].empty(); });
  ASSERT_EQ(api.Delete("/users/mem-delete").status, 200);
  Register(api, "mem-delete");
  auto after = api.Get("/users/mem-delete/memories");
  ASSERT_EQ(after.status, 200);
  EXPECT_TRUE(after.json["memories"].empty()) << after.body;
  auto summary = api.Get("/summary?user_id=mem-delete");
  EXPECT_EQ(summary.json["summary"].get<std::string>().find("sushi"), std::string::npos);
}

TEST(MemoriesRestartTest, PendingExtractionSurvivesACrash) {
  EngramdProcess server({"--api-keys", kAdminKey});
  ASSERT_TRUE(server.Start().ok());
  {
    Api api(server.port(), kAdminKey);
    ASSERT_EQ(api.Post("/register", {{"user_id", "crashy"}}).status, 200);
    Json msgs = Json::array();
    for (int i = 0; i < 50; ++i) {
      msgs.push_back({{"role", "user"}, {"content", "I love hiking trail number " + std::to_string(i)}});
    }
    ASSERT_EQ(api.Post("/ingest", {{"user_id", "crashy"}, {"message_history", msgs}}).status, 200);
  }
  server.Kill();  // possibly before extraction ran
  ASSERT_TRUE(server.Start().ok());
  Api api(server.port(), kAdminKey);
  Json listing;
  for (int i = 0; i < 300; ++i) {
    listing = api.Get("/users/crashy/memories").json;
    if (!listing["memories"].empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_FALSE(listing["memories"].empty()) << listing.dump();
}

}  // namespace
}  // namespace engram::testing
