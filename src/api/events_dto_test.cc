// The seed-004 /ingest dialect: detection and every validation rule, as a table.
#include "api/dto/events_dto.h"

#include <gtest/gtest.h>

#include "api/dto/json_fields.h"

namespace engram::api::dto {
namespace {

Json Valid() {
  return {{"actor_id", "user_42"}, {"session_id", "session_1"}, {"kind", "user_message"}, {"content", "Hello"}};
}

Result<service::EventIngestCommand> Parse(const Json& body) { return ParseEvents(body, "ws", EventsLimits{}); }

Json Batch(Json event) { return Json::array({Valid(), std::move(event)}); }

TEST(EventsDtoTest, DetectsTheDialect) {
  EXPECT_TRUE(IsEventsBody(Json::array()));
  EXPECT_TRUE(IsEventsBody(Json::array({Valid()})));
  EXPECT_TRUE(IsEventsBody({{"events", Json::array({Valid()})}}));
  // The first dialect: a user_id, or events without actor_id.
  EXPECT_FALSE(IsEventsBody({{"user_id", "u"}, {"events", Json::array({Valid()})}}));
  EXPECT_FALSE(IsEventsBody({{"events", Json::array({{{"content", "x"}}})}}));
  EXPECT_FALSE(IsEventsBody({{"documents", Json::array()}}));
  EXPECT_FALSE(IsEventsBody(Json("text")));
}

TEST(EventsDtoTest, ParsesEveryField) {
  Json e = Valid();
  e["actor_id"] = "  user_42 ";
  e["kind"] = "tool_result";
  e["ts"] = "2026-03-15T14:22:10Z";
  e["metadata"] = R"({"plan": "pro"})";
  e["role_id"] = "role_frontend_dev";
  e["team_id"] = "   ";
  auto cmd = Parse({{"events", {e}}});
  ASSERT_TRUE(cmd.ok()) << cmd.status().ToString();
  EXPECT_EQ(cmd->workspace, "ws");
  ASSERT_EQ(cmd->events.size(), 1u);
  const auto& ev = cmd->events[0];
  EXPECT_EQ(ev.actor_id, "user_42");
  EXPECT_EQ(ev.session_id, "session_1");
  EXPECT_EQ(ev.kind, service::EventKind::kToolResult);
  EXPECT_EQ(ev.ts, ParseIso8601("2026-03-15T14:22:10Z"));
  EXPECT_EQ(ev.metadata_json, R"({"plan": "pro"})");  // kept exactly as sent
  EXPECT_EQ(ev.role_id, "role_frontend_dev");
  EXPECT_EQ(ev.team_id, "");  // whitespace only collapses to none
}

TEST(EventsDtoTest, MetadataThatIsNotJsonIsKeptUnderRaw) {
  Json e = Valid();
  e["metadata"] = "plan=pro; {broken";
  auto cmd = Parse(Json::array({e}));
  ASSERT_TRUE(cmd.ok());
  EXPECT_EQ(Json::parse(cmd->events[0].metadata_json), Json({{"raw", "plan=pro; {broken"}}));
}

TEST(EventsDtoTest, NulBytesAreStrippedBeforeValidation) {
  Json e = Valid();
  e["content"] = std::string("he\0llo", 6);
  e["kind"] = std::string("app_\0event", 10);
  e["actor_id"] = std::string("user\0_1", 7);
  e["metadata"] = std::string("{\"a\":\0 1}", 9);
  auto cmd = Parse(Json::array({e}));
  ASSERT_TRUE(cmd.ok()) << cmd.status().ToString();
  EXPECT_EQ(cmd->events[0].content, "hello");
  EXPECT_EQ(cmd->events[0].actor_id, "user_1");
  EXPECT_EQ(cmd->events[0].kind, service::EventKind::kAppEvent);
  EXPECT_EQ(cmd->events[0].metadata_json, "{\"a\": 1}");
  // Only NULs is blank.
  Json blank = Valid();
  blank["content"] = std::string("\0\0", 2);
  EXPECT_EQ(Parse(Json::array({blank})).status().code(), StatusCode::kUnprocessable);
}

TEST(EventsDtoTest, ContentLengthCountsCharactersNotBytes) {
  Json e = Valid();
  std::string accents;
  for (int i = 0; i < 7999; ++i) accents += "\xC3\xA9";  // é: 2 bytes, 1 character
  e["content"] = accents;
  EXPECT_TRUE(Parse(Json::array({e})).ok());
  e["content"] = accents + "\xC3\xA9";
  auto st = Parse(Json::array({e})).status();
  EXPECT_EQ(st.code(), StatusCode::kUnprocessable);
  EXPECT_EQ(st.message(), "events[0].content: must be under 8000 characters (got 8000)");
}

struct Case {
  const char* name;
  const char* field;
  Json value;  // null = remove the field
  const char* message;  // for event index 1
};

TEST(EventsDtoTest, EachRuleIsA422NamingIndexAndField) {
  const std::string id257(257, 'a');
  const std::vector<Case> cases = {
      {"kind", "kind", "chat_turn", "events[1].kind: must be one of user_message, assistant_message, tool_result, app_event"},
      {"kind missing", "kind", nullptr, "events[1].kind: must be one of"},
      {"kind not string", "kind", 3, "events[1].kind: must be one of"},
      {"content blank", "content", " \n\t", "events[1].content: must contain a non-whitespace character"},
      {"content missing", "content", nullptr, "events[1].content: field required"},
      {"content long", "content", std::string(8000, 'x'), "events[1].content: must be under 8000 characters"},
      {"actor blank", "actor_id", "   ", "events[1].actor_id: must not be empty"},
      {"actor missing", "actor_id", nullptr, "events[1].actor_id: field required"},
      {"actor long", "actor_id", id257, "events[1].actor_id: must be at most 256 characters"},
      {"actor not string", "actor_id", 42, "events[1].actor_id: must be a string"},
      {"session blank", "session_id", "", "events[1].session_id: must not be empty"},
      {"session long", "session_id", id257, "events[1].session_id: must be at most 256 characters"},
      {"role long", "role_id", id257, "events[1].role_id: must be at most 256 characters"},
      {"team long", "team_id", id257, "events[1].team_id: must be at most 256 characters"},
      {"metadata long", "metadata", std::string(4097, 'm'), "events[1].metadata: must be at most 4096 characters"},
      {"metadata object", "metadata", Json{{"plan", "pro"}}, "events[1].metadata: must be a string"},
      {"ts malformed", "ts", "yesterday", "events[1].ts: must be an ISO 8601 timestamp"},
  };
  for (const auto& c : cases) {
    Json e = Valid();
    if (c.value.is_null()) e.erase(c.field); else e[c.field] = c.value;
    auto st = Parse(Batch(e)).status();
    EXPECT_EQ(st.code(), StatusCode::kUnprocessable) << c.name;
    EXPECT_EQ(st.message().rfind(c.message, 0), 0u) << c.name << ": " << st.message();
  }
  // The bounds themselves are accepted.
  Json edge = Valid();
  edge["actor_id"] = std::string(256, 'a');
  edge["metadata"] = std::string(4096, 'm');
  edge["content"] = std::string(7999, 'c');
  EXPECT_TRUE(Parse(Batch(edge)).ok());
  Json not_object = Json::array({Valid(), "text"});
  EXPECT_EQ(Parse(not_object).status().message(), "events[1]: must be an object");
}

TEST(EventsDtoTest, BatchLimitsAre400) {
  Json many = Json::array();
  for (int i = 0; i < 101; ++i) many.push_back(Valid());
  auto st = Parse(many).status();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("at most 100"), std::string::npos) << st.message();
  many.erase(many.begin());
  EXPECT_TRUE(Parse(many).ok());
  EXPECT_EQ(Parse(Json::array()).status().code(), StatusCode::kInvalidArgument);
}

TEST(EventsDtoTest, ResponseListsIdsInOrder) {
  service::EventIngestResult r;
  r.event_ids = {"evt_b", "evt_a", "evt_b"};
  EXPECT_EQ(Json::parse(EventsResponseJson(r)), Json({{"event_ids", {"evt_b", "evt_a", "evt_b"}}}));
}


}  // namespace
}  // namespace engram::api::dto
