// GET /status (extraction state of a user's records) and POST /profiles/{id}/ingest (synchronous
// extraction) against a real engramd with the deterministic extractor.
#include <thread>

#include "tests/http/fixture.h"

namespace engram::testing {
namespace {

Json Event(const std::string& id, const std::string& content) {
  return {{"event_id", id}, {"type", "note"}, {"timestamp", "2025-10-10T09:00:00Z"}, {"content", content}};
}

// Pending -> processed, deterministically: a first run without extraction workers leaves the records
// pending; a restart with a worker extracts them.
TEST(StatusLifecycleTest, PendingThenProcessedAfterRestartWithAWorker) {
  EngramdProcess server({"--api-keys", kAdminKey, "--rate-limit-live", "0", "--workers", "0"});
  ASSERT_TRUE(server.Start().ok());
  {
    Api api(server.port(), kAdminKey);
    ASSERT_EQ(api.Post("/register", {{"user_id", "status-u1"}}).status, 200);
    auto r = api.Post("/ingest", {{"user_id", "status-u1"},
                                  {"events", {Event("e1", "I love sushi."), Event("e2", "I live in Berlin.")}}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto s = api.Get("/status?user_id=status-u1");
    ASSERT_EQ(s.status, 200) << s.body;
    EXPECT_EQ(s.json["user_id"], "status-u1");
    EXPECT_EQ(s.json["pending"], 2);
    EXPECT_EQ(s.json["processed"], 0);
    EXPECT_EQ(s.json["failed"], 0);
    EXPECT_EQ(s.json["failed_ids"], Json::array());
    EXPECT_FALSE(s.json.contains("events"));

    auto e = api.Get("/status?user_id=status-u1&event_ids=e2,nope");
    ASSERT_EQ(e.status, 200) << e.body;
    EXPECT_EQ(e.json["pending"], 1);
    ASSERT_EQ(e.json["events"].size(), 2u) << e.body;
    EXPECT_EQ(e.json["events"][0], (Json{{"event_id", "e2"}, {"status", "pending"}}));
    EXPECT_EQ(e.json["events"][1], (Json{{"event_id", "nope"}, {"status", "unknown"}}));
  }
  EXPECT_EQ(server.Terminate(), 0);

  server.set_args({"--api-keys", kAdminKey, "--rate-limit-live", "0", "--workers", "1"});
  ASSERT_TRUE(server.Start().ok());
  Api api(server.port(), kAdminKey);
  Json last;
  for (int i = 0; i < 300; ++i) {
    auto s = api.Get("/status?user_id=status-u1");
    ASSERT_EQ(s.status, 200) << s.body;
    last = s.json;
    if (last["processed"] == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(last["pending"], 0) << last.dump();
  EXPECT_EQ(last["processed"], 2) << last.dump();
  auto e = api.Get("/status?user_id=status-u1&event_ids=e1,e2");
  EXPECT_EQ(e.json["events"][0]["status"], "processed") << e.body;
  EXPECT_EQ(e.json["events"][1]["status"], "processed") << e.body;
  // The backlog gauge is exported.
  auto m = api.Get("/metrics");
  EXPECT_NE(m.body.find("engram_extraction_queue_depth"), std::string::npos);
  EXPECT_NE(m.body.find("engram_extraction_pending_records"), std::string::npos);
  EXPECT_EQ(server.Terminate(), 0);
}

class StatusTest : public ServerTest {};

TEST_F(StatusTest, Errors) {
  Api api = Admin();
  ExpectError(api.Get("/status"), 400, "INVALID_REQUEST", "user_id");
  ExpectError(api.Get("/status?user_id=status-nobody"), 404, "USER_NOT_FOUND");
}

TEST_F(StatusTest, ProfileIngestExtractsBeforeAnswering) {
  Api api = Admin();
  ASSERT_EQ(api.Post("/register", {{"user_id", "pi-u1"}, {"traits", {{"plan", "pro"}}}}).status, 200);
  auto r = api.Post("/profiles/pi-u1/ingest",
                    {{"data", "My name is Dana Reyes. I work at Globex as a product manager. I love sushi."},
                     {"source", "crm"},
                     {"metadata", {{"salesforceId", "abc123"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["source"], "crm");
  EXPECT_EQ(r.json["metadata"], (Json{{"salesforceId", "abc123"}}));
  EXPECT_EQ(r.json["profile"]["user_id"], "pi-u1");
  EXPECT_EQ(r.json["profile"]["traits"]["plan"], "pro") << r.body;
  EXPECT_TRUE(r.json["profile"]["created_at"].is_string());
  const Json& memories = r.json["extracted"]["memories"];
  ASSERT_FALSE(memories.empty()) << r.body;
  bool sushi = false;
  for (const auto& m : memories) {
    EXPECT_TRUE(m["id"].is_string());
    EXPECT_TRUE(m["category"].is_string());
    EXPECT_TRUE(m["confidence"].is_number());
    sushi = sushi || m["text"].get<std::string>().find("sushi") != std::string::npos;
  }
  EXPECT_TRUE(sushi) << r.body;
  ASSERT_FALSE(r.json["extracted"]["traits"].empty()) << r.body;
  const std::string record_id = r.json["record_id"];

  // Already stored and extracted when the call answered: no polling needed.
  auto listing = api.Get("/users/pi-u1/memories");
  ASSERT_EQ(listing.status, 200);
  EXPECT_EQ(listing.json["memories"].size(), memories.size()) << listing.body;
  auto s = api.Get("/status?user_id=pi-u1&event_ids=" + record_id);
  EXPECT_EQ(s.json["events"][0]["status"], "processed") << s.body;
}

TEST_F(StatusTest, ProfileIngestRespectsExtractFlags) {
  Api api = Admin();
  ASSERT_EQ(api.Post("/register", {{"user_id", "pi-u2"}}).status, 200);
  auto r = api.Post("/profiles/pi-u2/ingest",
                    {{"data", "My name is Lee Park. I love hiking."}, {"extractMemories", false}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["extracted"]["memories"], Json::array());
  EXPECT_FALSE(r.json["extracted"]["traits"].empty()) << r.body;
  EXPECT_EQ(r.json["source"], nullptr);
  EXPECT_EQ(api.Get("/users/pi-u2/memories").json["memories"], Json::array());

  r = api.Post("/profiles/pi-u2/ingest", {{"data", "I love chess."}, {"extractTraits", false}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["extracted"]["traits"], Json::array());
  EXPECT_FALSE(r.json["extracted"]["memories"].empty()) << r.body;
}

TEST_F(StatusTest, ProfileIngestErrors) {
  Api api = Admin();
  ExpectError(api.Post("/profiles/pi-nobody/ingest", {{"data", "hello"}}), 404, "USER_NOT_FOUND");
  ASSERT_EQ(api.Post("/register", {{"user_id", "pi-u3"}}).status, 200);
  ExpectError(api.Post("/profiles/pi-u3/ingest", {{"source", "crm"}}), 400, "INVALID_REQUEST", "data");
  ExpectError(api.Post("/profiles/pi-u3/ingest", {{"data", "   "}}), 400, "INVALID_REQUEST", "data");
  ExpectError(api.Post("/profiles/pi-u3/ingest", {{"data", std::string(100 * 1024 + 1, 'a')}}), 413,
              "PAYLOAD_TOO_LARGE");
  ExpectError(api.Post("/profiles/pi-u3/ingest", {{"data", "x"}, {"metadata", "nope"}}), 400, "INVALID_REQUEST",
              "metadata");
  // Read keys may not write.
  Api reader = WithKey(CreateKey("default", "read"));
  EXPECT_EQ(reader.Post("/profiles/pi-u3/ingest", {{"data", "hello"}}).status, 403);
}

}  // namespace
}  // namespace engram::testing
