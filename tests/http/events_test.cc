// POST /ingest in the seed-004 dialect (actor/session/kind events) against a real engramd: response
// shape and order, the 422 validation rules, NUL stripping, metadata kept as {"raw": ...}, actors
// created on first sight, the idempotency window, all-or-nothing batches, and the first dialect
// still answering in its own shape.
#include "tests/http/fixture.h"

namespace engram::testing {
namespace {

class EventsTest : public ServerTest {};

Json Event(const std::string& actor, const std::string& content, const std::string& kind = "user_message",
           const std::string& session = "session_1") {
  return {{"actor_id", actor}, {"session_id", session}, {"kind", kind}, {"content", content}};
}

int Count(Api& api, const std::string& user, const char* field) {
  auto r = api.Get("/users/" + user);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json["counts"].value(field, -1);
}

TEST_F(EventsTest, ArrayBodyAnswersEventIdsInInputOrder) {
  Api api = Admin();
  Json body = Json::array({Event("ev-order-a", "I always prefer dark mode in my dev environment."),
                           Event("ev-order-b", "Deployment finished.", "app_event"),
                           Event("ev-order-a", "Dark mode noted.", "assistant_message"),
                           Event("ev-order-b", "{\"result\": 42}", "tool_result")});
  auto r = api.Post("/ingest", body);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(r.json.is_object()) << r.body;
  EXPECT_EQ(r.json.size(), 1u) << "only event_ids: " << r.body;
  ASSERT_EQ(r.json["event_ids"].size(), 4u) << r.body;
  std::set<std::string> distinct;
  for (const auto& id : r.json["event_ids"]) {
    EXPECT_EQ(id.get<std::string>().rfind("evt_", 0), 0u) << id;
    distinct.insert(id.get<std::string>());
  }
  EXPECT_EQ(distinct.size(), 4u);
  // Grouped per actor, mapped back: a has a user and an assistant message, b two events.
  EXPECT_EQ(Count(api, "ev-order-a", "message_history"), 2);
  EXPECT_EQ(Count(api, "ev-order-a", "events"), 0);
  EXPECT_EQ(Count(api, "ev-order-b", "events"), 2);

  // The object form with the seed's optional fields.
  Json e = Event("ev-order-a", "Remember my flight is on Friday.");
  e["ts"] = "2026-03-15T14:22:10Z";
  e["role_id"] = "role_frontend_dev";
  e["team_id"] = "team_platform";
  e["metadata"] = R"({"plan": "pro", "source": "billing-webhook"})";
  auto obj = api.Post("/ingest", {{"events", {e}}});
  ASSERT_EQ(obj.status, 200) << obj.body;
  ASSERT_EQ(obj.json["event_ids"].size(), 1u);
  EXPECT_EQ(Count(api, "ev-order-a", "message_history"), 3);
}

TEST_F(EventsTest, ActorsAreCreatedOnFirstSight) {
  Api api = Admin();
  EXPECT_EQ(api.Get("/users/ev-new-actor").status, 404);
  ASSERT_EQ(api.Post("/ingest", Json::array({Event("ev-new-actor", "hello")})).status, 200);
  auto user = api.Get("/users/ev-new-actor");
  ASSERT_EQ(user.status, 200) << user.body;
  EXPECT_EQ(user.json["user_id"], "ev-new-actor");
  // An actor registered beforehand keeps its registration.
  Register(api, "ev-known-actor");
  ASSERT_EQ(api.Post("/ingest", Json::array({Event("ev-known-actor", "hi")})).status, 200);
  EXPECT_EQ(api.Get("/users/ev-known-actor").json["email"], "ev-known-actor@example.com");
}

TEST_F(EventsTest, ValidationFailuresAre422NamingIndexAndField) {
  Api api = Admin();
  struct Case {
    std::string field;
    Json value;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"kind", "chat_turn", "events[1].kind: must be one of user_message, assistant_message, tool_result, app_event"},
      {"content", "   ", "events[1].content: must contain a non-whitespace character"},
      {"content", std::string(8000, 'x'), "events[1].content: must be under 8000 characters"},
      {"actor_id", " ", "events[1].actor_id: must not be empty"},
      {"actor_id", std::string(257, 'a'), "events[1].actor_id: must be at most 256 characters"},
      {"session_id", "", "events[1].session_id: must not be empty"},
      {"session_id", std::string(257, 's'), "events[1].session_id: must be at most 256 characters"},
      {"role_id", std::string(257, 'r'), "events[1].role_id: must be at most 256 characters"},
      {"team_id", std::string(257, 't'), "events[1].team_id: must be at most 256 characters"},
      {"metadata", std::string(4097, 'm'), "events[1].metadata: must be at most 4096 characters"},
      {"metadata", Json{{"plan", "pro"}}, "events[1].metadata: must be a string"},
      {"ts", "not a time", "events[1].ts: must be an ISO 8601 timestamp"},
      // The Node SDK's camelCase pasted into a body (seed 004).
      {"actorId", "ev-invalid", "events[1].actorId: the JSON wire format is snake_case (actor_id)"},
      {"teamId", "team_platform", "events[1].teamId: the JSON wire format is snake_case (team_id)"},
  };
  for (const auto& c : cases) {
    Json bad = Event("ev-invalid", "fine");
    bad[c.field] = c.value;
    auto r = api.Post("/ingest", Json::array({Event("ev-invalid", "first is fine"), bad}));
    ExpectError(r, 422, "VALIDATION_ERROR", c.message);
  }
  // Also in the object form, where camelCase items are still recognised as this dialect.
  Json camel = {{"actorId", "ev-invalid"}, {"sessionId", "s"}, {"kind", "user_message"}, {"content", "hi"}};
  ExpectError(api.Post("/ingest", {{"events", {camel}}}), 422, "VALIDATION_ERROR", "events[0].actorId");
  // Characters, not bytes: 7,999 two-byte characters are accepted.
  std::string accents;
  for (int i = 0; i < 7999; ++i) accents += "\xC3\xA9";
  EXPECT_EQ(api.Post("/ingest", Json::array({Event("ev-invalid", accents)})).status, 200);
}

TEST_F(EventsTest, BatchIsAllOrNothing) {
  Api api = Admin();
  Json body = Json::array({Event("ev-atomic", "one"), Event("ev-atomic", "two"), Event("ev-atomic", "three", "note"),
                           Event("ev-atomic-other", "four")});
  ExpectError(api.Post("/ingest", body), 422, "VALIDATION_ERROR", "events[2].kind");
  EXPECT_EQ(api.Get("/users/ev-atomic").status, 404);  // not even the actor was created
  EXPECT_EQ(api.Get("/users/ev-atomic-other").status, 404);
}

TEST_F(EventsTest, RequestLevelErrorsStay400) {
  Api api = Admin();
  ExpectError(api.PostRaw("/ingest", "[{\"actor_id\": "), 400, "INVALID_REQUEST", "Malformed JSON");
  Json many = Json::array();
  for (int i = 0; i < 101; ++i) many.push_back(Event("ev-limit", "event " + std::to_string(i)));
  ExpectError(api.Post("/ingest", many), 400, "INVALID_REQUEST", "at most 100");
  EXPECT_EQ(api.Get("/users/ev-limit").status, 404);
}

TEST_F(EventsTest, NulBytesAreStripped) {
  Api api = Admin();
  Json e = Event(std::string("ev-nul\0-actor", 13), std::string("keep\0 this", 10));
  e["kind"] = std::string("user_\0message", 13);
  auto r = api.Post("/ingest", Json::array({e}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(api.Get("/users/ev-nul-actor").status, 200);
  // The stripped content is what is stored: the same content without NULs is a repeat.
  auto again = api.Post("/ingest", Json::array({Event("ev-nul-actor", "keep this")}));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json["event_ids"][0], r.json["event_ids"][0]);
  // A content of only NULs is blank.
  ExpectError(api.Post("/ingest", Json::array({Event("ev-nul-actor", std::string("\0\0", 2))})), 422,
              "VALIDATION_ERROR", "events[0].content");
}

TEST_F(EventsTest, MetadataThatIsNotJsonIsAcceptedAndSearchable) {
  Api api = Admin();
  Json e = Event("ev-raw-meta", "The quarterly invoice was paid by wire transfer.", "app_event");
  e["metadata"] = "source=billing; {not json";
  auto r = api.Post("/ingest", Json::array({e}));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string id = r.json["event_ids"][0];
  // The event is stored, retrievable by its id, and its metadata comes back as the original string.
  auto found = api.Post("/chunks", {{"user_id", "ev-raw-meta"},
                                    {"conversation", {{{"role", "user"}, {"content", "invoice wire transfer"}}}}});
  ASSERT_EQ(found.status, 200) << found.body;
  ASSERT_FALSE(found.json["results"].empty()) << found.body;
  EXPECT_EQ(found.json["results"][0]["source_ids"], Json::array({id})) << found.body;
  EXPECT_EQ(found.json["results"][0]["metadata"]["source_metadata"],
            Json::array({{{"event_id", id}, {"raw", "source=billing; {not json"}}}))
      << found.body;
}

TEST_F(EventsTest, IdenticalRepostInsideWindowReturnsOriginalId) {
  Api api = Admin();
  Json e = Event("ev-idem", "User upgraded to pro plan.", "app_event");
  auto first = api.Post("/ingest", Json::array({e, e}));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json["event_ids"][0], first.json["event_ids"][1]);  // duplicate inside one batch
  auto retry = api.Post("/ingest", {{"events", {e}}});
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(retry.json["event_ids"][0], first.json["event_ids"][0]);
  EXPECT_EQ(Count(api, "ev-idem", "events"), 1);
  // Changing any of the four fields is a new event.
  auto other_session = api.Post("/ingest", Json::array({Event("ev-idem", "User upgraded to pro plan.", "app_event", "s2")}));
  ASSERT_EQ(other_session.status, 200);
  EXPECT_NE(other_session.json["event_ids"][0], first.json["event_ids"][0]);
  EXPECT_EQ(Count(api, "ev-idem", "events"), 2);
}

TEST_F(EventsTest, FirstDialectStillAnswersInItsShape) {
  Api api = Admin();
  Register(api, "ev-first-dialect");
  // Events of the first dialect, even one carrying an actor_id, next to a user_id.
  auto r = api.Post("/ingest", {{"user_id", "ev-first-dialect"},
                                {"events", {{{"event_id", "e1"}, {"content", "hello"}, {"actor_id", "x"}}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json.contains("inserted_document_ids")) << r.body;
  EXPECT_FALSE(r.json.contains("event_ids")) << r.body;
  ExpectError(api.Post("/ingest", {{"events", {{{"content", "no user"}}}}}), 400, "INVALID_REQUEST", "user_id");
}

}  // namespace
}  // namespace engram::testing
