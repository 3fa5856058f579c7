// POST /ingest (first dialect) against a real engramd: shapes, limits, dedupe and update semantics.
#include "tests/http/fixture.h"

namespace engram::testing {
namespace {

class IngestTest : public ServerTest {};

Json SeedEvent() {
  return {{"event_id", "evt_1"},
          {"type", "email"},
          {"timestamp", "2025-10-10T09:00:00Z"},
          {"metadata", {{"from", "ceo@company.com"}, {"to", {"ash@example.com"}}, {"subject", "Shift weekly"}}},
          {"content", "Let's move stand-up to 2 PM starting next week."}};
}

Json SeedDocument() {
  return {{"doc_id", "doc_7"},
          {"kind", "note"},
          {"title", "Work style"},
          {"created_at", "2025-09-29T18:00:00Z"},
          {"content", "Typical focus blocks 9-12 PT; meetings after 1 PM preferred."}};
}

TEST_F(IngestTest, SeedExampleResponseCarriesBothShapes) {
  Api api = Admin();
  Register(api, "ingest-seed");
  auto r = api.Post("/ingest", {{"user_id", "ingest-seed"},
                                {"source", "gmail"},
                                {"events", {SeedEvent()}},
                                {"documents", {SeedDocument()}},
                                {"message_history",
                                 {{{"role", "user"}, {"content", "I love sushi"}, {"timestamp", "2025-11-01T14:30:00Z"}},
                                  {{"role", "assistant"}, {"content", "Noted!"}, {"timestamp", "2025-11-01T14:30:15Z"}}}},
                                {"options", {{"dedupe", true}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["ingested"]["events"], 1);
  EXPECT_EQ(r.json["ingested"]["documents"], 1);
  EXPECT_EQ(r.json["saved"]["documents"], 1);
  EXPECT_EQ(r.json["saved"]["message_history"], 2);
  EXPECT_EQ(r.json["skipped"], Json::array());
  EXPECT_EQ(r.json["processing_triggered"]["documents"], true);
  EXPECT_EQ(r.json["processing_triggered"]["message_history"], true);
  ASSERT_EQ(r.json["inserted_document_ids"].size(), 4u);
  EXPECT_EQ(r.json["inserted_document_ids"][0], "evt_1");
  EXPECT_EQ(r.json["inserted_document_ids"][1], "doc_7");
  EXPECT_EQ(r.json["inserted_document_ids"][2].get<std::string>().rfind("msg_", 0), 0u);
  EXPECT_TRUE(r.json["received_at"].is_string());
  EXPECT_TRUE(r.json["updated_at"].is_string());

  auto user = api.Get("/users/ingest-seed");
  EXPECT_EQ(user.json["counts"]["events"], 1);
  EXPECT_EQ(user.json["counts"]["documents"], 1);
  EXPECT_EQ(user.json["counts"]["message_history"], 2);
  EXPECT_GE(user.json["counts"]["chunks"].get<int>(), 4);
}

TEST_F(IngestTest, DedupeByIdAndByContentAndTimestamp) {
  Api api = Admin();
  Register(api, "ingest-dedupe");
  auto first = api.Post("/ingest", {{"user_id", "ingest-dedupe"}, {"events", {SeedEvent()}}, {"options", {{"dedupe", true}}}});
  ASSERT_EQ(first.status, 200) << first.body;

  // Same id again: skipped with a reason.
  auto same_id = api.Post("/ingest", {{"user_id", "ingest-dedupe"}, {"events", {SeedEvent()}}, {"options", {{"dedupe", true}}}});
  ASSERT_EQ(same_id.status, 200) << same_id.body;
  EXPECT_EQ(same_id.json["saved"]["events"], 0);
  ASSERT_EQ(same_id.json["skipped"].size(), 1u) << same_id.body;
  EXPECT_EQ(same_id.json["skipped"][0]["id"], "evt_1");
  EXPECT_EQ(same_id.json["skipped"][0]["reason"], "duplicate_id");

  // Other id, same content and timestamp: skipped as duplicate content.
  Json copy = SeedEvent();
  copy["event_id"] = "evt_copy";
  auto same_content = api.Post("/ingest", {{"user_id", "ingest-dedupe"}, {"events", {copy}}, {"options", {{"dedupe", true}}}});
  ASSERT_EQ(same_content.json["skipped"].size(), 1u) << same_content.body;
  EXPECT_EQ(same_content.json["skipped"][0]["reason"], "duplicate_content");

  // Same content, other timestamp: a different record.
  copy["timestamp"] = "2025-10-11T09:00:00Z";
  auto other_time = api.Post("/ingest", {{"user_id", "ingest-dedupe"}, {"events", {copy}}, {"options", {{"dedupe", true}}}});
  EXPECT_EQ(other_time.json["saved"]["events"], 1) << other_time.body;

  // Without dedupe, equal content at an equal timestamp is stored again under a new id.
  Json again = SeedEvent();
  again.erase("event_id");
  auto no_dedupe = api.Post("/ingest", {{"user_id", "ingest-dedupe"}, {"events", {again}}, {"options", {{"dedupe", false}}}});
  EXPECT_EQ(no_dedupe.json["saved"]["events"], 1) << no_dedupe.body;

  // Duplicates within one request are caught too.
  Json a = SeedEvent(), b = SeedEvent();
  a["event_id"] = "in-batch-a";
  a["timestamp"] = "2030-01-01T00:00:00Z";
  b["event_id"] = "in-batch-b";
  b["timestamp"] = "2030-01-01T00:00:00Z";
  auto batch = api.Post("/ingest", {{"user_id", "ingest-dedupe"}, {"events", {a, b}}, {"options", {{"dedupe", true}}}});
  EXPECT_EQ(batch.json["saved"]["events"], 1) << batch.body;
  ASSERT_EQ(batch.json["skipped"].size(), 1u);
  EXPECT_EQ(batch.json["skipped"][0]["id"], "in-batch-b");

  auto user = api.Get("/users/ingest-dedupe");
  EXPECT_EQ(user.json["counts"]["events"], 4) << user.body;
}

TEST_F(IngestTest, UpdateExistingReplacesContent) {
  Api api = Admin();
  Register(api, "ingest-update");
  auto first = api.Post("/ingest", {{"user_id", "ingest-update"}, {"documents", {SeedDocument()}}});
  ASSERT_EQ(first.status, 200);
  Json changed = SeedDocument();
  changed["content"] = "Focus blocks moved to 8-11 PT.";
  auto upd = api.Post("/ingest", {{"user_id", "ingest-update"},
                                  {"documents", {changed}},
                                  {"options", {{"dedupe", true}, {"update_existing", true}}}});
  ASSERT_EQ(upd.status, 200) << upd.body;
  EXPECT_EQ(upd.json["saved"]["documents"], 1) << upd.body;
  EXPECT_EQ(upd.json["updated"]["documents"], 1) << upd.body;
  EXPECT_EQ(upd.json["updated_document_ids"][0], "doc_7");
  EXPECT_EQ(upd.json["inserted_document_ids"], Json::array());
  // The same content again is unchanged, reported as skipped.
  auto same = api.Post("/ingest", {{"user_id", "ingest-update"},
                                   {"documents", {changed}},
                                   {"options", {{"update_existing", true}}}});
  ASSERT_EQ(same.json["skipped"].size(), 1u) << same.body;
  EXPECT_EQ(same.json["skipped"][0]["reason"], "unchanged");
  auto user = api.Get("/users/ingest-update");
  EXPECT_EQ(user.json["counts"]["documents"], 1);
}

TEST_F(IngestTest, ValidationErrorsNameTheField) {
  Api api = Admin();
  Register(api, "ingest-invalid");
  const std::string u = "ingest-invalid";
  ExpectError(api.Post("/ingest", {{"events", {SeedEvent()}}}), 400, "INVALID_REQUEST", "Missing field: user_id");
  ExpectError(api.Post("/ingest", {{"user_id", u}}), 400, "INVALID_REQUEST", "Missing field");
  ExpectError(api.Post("/ingest", {{"user_id", u}, {"events", "nope"}}), 400, "INVALID_REQUEST", "events");
  ExpectError(api.Post("/ingest", {{"user_id", u}, {"events", {{{"event_id", "x"}}}}}), 400, "INVALID_REQUEST",
              "Missing field: events[0].content");
  ExpectError(api.Post("/ingest", {{"user_id", u}, {"events", {{{"content", "x"}, {"timestamp", "last tuesday"}}}}}),
              400, "INVALID_REQUEST", "events[0].timestamp");
  ExpectError(api.Post("/ingest", {{"user_id", u}, {"documents", {{{"content", 5}}}}}), 400, "INVALID_REQUEST",
              "documents[0].content");
  ExpectError(api.Post("/ingest", {{"user_id", u}, {"message_history", {{{"role", "robot"}, {"content", "hi"}}}}}),
              400, "INVALID_REQUEST", "message_history[0].role");
  ExpectError(api.Post("/ingest", {{"user_id", u}, {"message_history", {{{"content", "hi"}}}}}), 400,
              "INVALID_REQUEST", "Missing field: message_history[0].role");
  ExpectError(api.Post("/ingest", {{"user_id", u}, {"events", {SeedEvent()}}, {"options", {{"dedupe", "yes"}}}}), 400,
              "INVALID_REQUEST", "options.dedupe");
  ExpectError(api.Post("/ingest", {{"user_id", u}, {"events", {SeedEvent(), SeedEvent()}}}), 400, "INVALID_REQUEST",
              "Duplicate id");
  ExpectError(api.PostRaw("/ingest", "{\"user_id\": \"" + u + "\", \"events\": [ {\"content\": "), 400,
              "INVALID_REQUEST", "Malformed JSON");
  ExpectError(api.Post("/ingest", {{"user_id", "no-such-user"}, {"events", {SeedEvent()}}}), 404, "USER_NOT_FOUND");
}

TEST_F(IngestTest, LimitsPerRequestAndPerRecord) {
  Api api = Admin();
  Register(api, "ingest-limits");
  const std::string u = "ingest-limits";
  Json events = Json::array();
  for (int i = 0; i < 101; ++i) events.push_back({{"content", "event " + std::to_string(i)}});
  ExpectError(api.Post("/ingest", {{"user_id", u}, {"events", events}}), 400, "INVALID_REQUEST", "at most 100");
  events.erase(events.size() - 1);
  auto ok = api.Post("/ingest", {{"user_id", u}, {"events", events}});
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json["saved"]["events"], 100);

  Json docs = Json::array();
  for (int i = 0; i < 26; ++i) docs.push_back({{"content", "doc " + std::to_string(i)}});
  ExpectError(api.Post("/ingest", {{"user_id", u}, {"documents", docs}}), 400, "INVALID_REQUEST", "at most 25");

  const std::string big(32 * 1024 + 1, 'a');
  ExpectError(api.Post("/ingest", {{"user_id", u}, {"events", {{{"content", big}}}}}), 413, "PAYLOAD_TOO_LARGE",
              "events[0].content");
  const std::string fits(32 * 1024, 'b');
  EXPECT_EQ(api.Post("/ingest", {{"user_id", u}, {"documents", {{{"content", fits}}}}}).status, 200);

  // Nothing of a rejected request was stored.
  auto user = api.Get("/users/" + u);
  EXPECT_EQ(user.json["counts"]["events"], 100) << user.body;
  EXPECT_EQ(user.json["counts"]["documents"], 1) << user.body;
}

TEST_F(IngestTest, UsersAreIsolated) {
  Api api = Admin();
  Register(api, "iso-a");
  Register(api, "iso-b");
  ASSERT_EQ(api.Post("/ingest", {{"user_id", "iso-a"}, {"events", {SeedEvent()}}}).status, 200);
  // The same client id for another user is that user's own record, not a duplicate.
  auto b = api.Post("/ingest", {{"user_id", "iso-b"}, {"events", {SeedEvent()}}});
  EXPECT_EQ(b.json["saved"]["events"], 1) << b.body;
  EXPECT_EQ(api.Get("/users/iso-a").json["counts"]["events"], 1);
  EXPECT_EQ(api.Get("/users/iso-b").json["counts"]["events"], 1);
}

}  // namespace
}  // namespace engram::testing
