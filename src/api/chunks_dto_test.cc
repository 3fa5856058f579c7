// The /chunks response in both dialects: every field, and the source metadata carried as written by
// the service.
#include "api/dto/chunks_dto.h"

#include <gtest/gtest.h>

#include <limits>

#include "api/dto/json_fields.h"
#include "api/dto/json_text.h"

namespace engram::api::dto {
namespace {

service::ChunksResponse Response() {
  service::ChunksResponse r;
  service::ChunkResult a;
  a.id = "e1#0";
  a.text = "Caroline: \"quoted\" text";
  a.score = 0.812345;
  a.source = "event";
  a.created_at = 1'683'554'160'000;
  a.source_ids = {"e1"};
  a.source_metadata_json = R"([{"event_id":"e1","metadata":{"session_id":"s1"}}])";
  service::ChunkResult b;
  b.id = "mem_1";
  b.text = "Likes pottery";
  b.score = 0.5;
  b.source = "memory";
  b.source_ids = {"e1", "e2"};
  b.scope = "team";
  b.scope_id = "t1";
  b.source_metadata_json = "[]";
  r.chunks = {a, b};
  r.used_query = "pottery caroline";
  r.debug.total_candidates = 7;
  r.debug.total_time_ms = 0.25;
  return r;
}

TEST(ChunksDtoTest, ConversationDialect) {
  const Json j = Json::parse(ChunksResponseJson(Response(), ChunksDialect::kConversation));
  ASSERT_EQ(j.size(), 1u);
  ASSERT_EQ(j["results"].size(), 2u);
  const Json& a = j["results"][0];
  EXPECT_EQ(a["chunk_id"], "e1#0");
  EXPECT_EQ(a["excerpt"], "Caroline: \"quoted\" text");
  EXPECT_DOUBLE_EQ(a["score"].get<double>(), 0.8123);
  EXPECT_EQ(a["source"], "event");
  EXPECT_EQ(a["source_ids"], Json::array({"e1"}));
  EXPECT_EQ(a["scope"], "actor");
  EXPECT_FALSE(a.contains("scope_id"));
  EXPECT_EQ(a["metadata"]["source_metadata"],
            Json::parse(R"([{"event_id":"e1","metadata":{"session_id":"s1"}}])"));
  const Json& b = j["results"][1];
  EXPECT_EQ(b["scope"], "team");
  EXPECT_EQ(b["scope_id"], "t1");
  EXPECT_EQ(b["metadata"]["source_metadata"], Json::array());
}

TEST(ChunksDtoTest, HistoryDialect) {
  const Json j = Json::parse(ChunksResponseJson(Response(), ChunksDialect::kHistory));
  ASSERT_EQ(j["chunks"].size(), 2u);
  const Json& a = j["chunks"][0];
  EXPECT_EQ(a["id"], "e1#0");
  EXPECT_EQ(a["text"], "Caroline: \"quoted\" text");
  EXPECT_EQ(a["created_at"], "2023-05-08T13:56:00Z");
  EXPECT_EQ(a["updated_at"], a["created_at"]);
  EXPECT_EQ(a["metadata"]["source_metadata"][0]["event_id"], "e1");
  EXPECT_EQ(j["used_query"], "pottery caroline");
  EXPECT_EQ(j["debug"]["total_candidates"], 7);
  EXPECT_DOUBLE_EQ(j["debug"]["total_time_ms"].get<double>(), 0.25);

  service::ChunksResponse empty;
  const Json none = Json::parse(ChunksResponseJson(empty, ChunksDialect::kHistory));
  EXPECT_EQ(none["chunks"], Json::array());
  EXPECT_TRUE(none.contains("debug"));
  EXPECT_EQ(Json::parse(ChunksResponseJson(empty, ChunksDialect::kConversation)), Json({{"results", Json::array()}}));
}

// JsonText writes what nlohmann reads back to the same values: escapes, UTF-8 (valid passes
// through, invalid is replaced), numbers, nesting and separators.
TEST(JsonTextTest, RoundTripsThroughAParser) {
  const std::string tricky = std::string("quote \" back \\ tab \t nl \n bell \x07 nul ") + '\0' + " caf\xc3\xa9 \xe2\x82\xac";
  JsonText out;
  out.BeginObject()
      .Member("s", tricky)
      .Member("empty", "")
      .Member("pi", 3.25)
      .Member("one", 1.0)
      .Member("tiny", 1e-05)
      .Member("nan", std::nan(""))
      .Member("n", int64_t{-42})
      .Member("min", std::numeric_limits<int64_t>::min())        // the longest integer
      .Member("long", -2.2250738585072014e-308)                   // among the longest doubles
      .Member("yes", true)
      .Member("list", std::vector<std::string>{"a", "b"})
      .Key("nested").BeginArray().BeginObject().EndObject().BeginArray().EndArray().Raw(R"({"x":[1,2]})").EndArray()
      .EndObject();
  const std::string text = out.Take();
  const Json j = Json::parse(text);
  EXPECT_EQ(j["s"], tricky);
  EXPECT_EQ(j["empty"], "");
  EXPECT_DOUBLE_EQ(j["pi"].get<double>(), 3.25);
  EXPECT_TRUE(j["one"].is_number_float());  // "1.0", as nlohmann writes a whole double
  EXPECT_DOUBLE_EQ(j["tiny"].get<double>(), 1e-05);
  EXPECT_TRUE(j["nan"].is_null());
  EXPECT_EQ(j["n"], -42);
  EXPECT_EQ(j["min"].get<int64_t>(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(j["long"].get<double>(), -2.2250738585072014e-308);
  EXPECT_EQ(j["yes"], true);
  EXPECT_EQ(j["list"], Json::array({"a", "b"}));
  EXPECT_EQ(j["nested"], Json::parse(R"([{}, [], {"x":[1,2]}])"));

  std::string bad;
  AppendJsonString(bad, "ok \xff\xfe then \xc3");  // not UTF-8: replaced, still a valid string
  const Json replaced = Json::parse(bad);
  ASSERT_TRUE(replaced.is_string());
  EXPECT_EQ(replaced.get<std::string>().rfind("ok ", 0), 0u);
  std::string overlong;
  AppendJsonString(overlong, "\xc0\xaf \xed\xa0\x80");  // an overlong '/', a surrogate
  EXPECT_TRUE(Json::parse(overlong).is_string());
}

}  // namespace
}  // namespace engram::api::dto
