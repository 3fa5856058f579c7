#include "api/http/http_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace engram::api {
namespace {

TEST(PercentDecodeTest, Table) {
  struct Case {
    std::string in;
    bool plus_as_space;
    std::optional<std::string> want;
  };
  const Case cases[] = {
      {"plain", false, "plain"},
      {"a%20b", false, "a b"},
      {"a+b", false, "a+b"},
      {"a+b", true, "a b"},
      {"%e2%82%AC", false, "\xe2\x82\xac"},
      {"%2Fslash", false, "/slash"},
      {"bad%2", false, std::nullopt},
      {"bad%", false, std::nullopt},
      {"bad%zz", false, std::nullopt},
      {"nul%00", false, std::nullopt},
      {"", false, ""},
  };
  for (const auto& c : cases) EXPECT_EQ(PercentDecode(c.in, c.plus_as_space), c.want) << c.in;
}

TEST(ParseTargetTest, PathAndQuery) {
  auto t = ParseTarget("/users/u%201/memories?limit=5&q=a+b%26c&limit=9&flag&=x");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->path, "/users/u 1/memories");
  EXPECT_EQ(t->query.at("limit"), "5");  // the first occurrence wins
  EXPECT_EQ(t->query.at("q"), "a b&c");
  EXPECT_EQ(t->query.at("flag"), "");
  EXPECT_EQ(t->query.at(""), "x");
}

TEST(ParseTargetTest, Rejects) {
  EXPECT_FALSE(ParseTarget("").has_value());
  EXPECT_FALSE(ParseTarget("http://host/x").has_value());
  EXPECT_FALSE(ParseTarget("*").has_value());
  EXPECT_FALSE(ParseTarget("/a%zz").has_value());
  EXPECT_FALSE(ParseTarget("/a?x=%").has_value());
  auto t = ParseTarget("/a?x=1#frag");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->query.at("x"), "1");
}

TEST(ErrorJsonTest, EscapesThroughTheSerializer) {
  const std::string body = ErrorJson("INVALID_REQUEST", "bad \"quote\"\n and \xff byte");
  auto j = nlohmann::json::parse(body);
  EXPECT_EQ(j["error"]["code"], "INVALID_REQUEST");
  EXPECT_EQ(j["error"]["message"].get<std::string>().substr(0, 11), "bad \"quote\"");
}

TEST(RequestIdTest, Safe) {
  EXPECT_TRUE(IsSafeRequestId("req_0123abcd"));
  EXPECT_TRUE(IsSafeRequestId("a.b:c-d_e"));
  EXPECT_FALSE(IsSafeRequestId(""));
  EXPECT_FALSE(IsSafeRequestId("has space"));
  EXPECT_FALSE(IsSafeRequestId("line\r\nbreak"));
  EXPECT_FALSE(IsSafeRequestId(std::string(129, 'a')));
}

TEST(FormatResponseHeadTest, FixedLength) {
  const std::string head =
      FormatResponseHead(404, "application/json", {{"X-Extra", "1"}, {"Content-Length", "999"}, {"Bad", "a\r\nb"}},
                         "req_1", true, 12);
  EXPECT_EQ(head,
            "HTTP/1.1 404 Not Found\r\n"
            "Content-Type: application/json\r\n"
            "Content-Length: 12\r\n"
            "Connection: keep-alive\r\n"
            "X-Request-Id: req_1\r\n"
            "X-Extra: 1\r\n"
            "\r\n");
}

TEST(FormatResponseHeadTest, Chunked) {
  const std::string head = FormatResponseHead(200, "text/event-stream", {}, "r", false, std::nullopt);
  EXPECT_NE(head.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
}

TEST(ChunkPrefixTest, Hex) {
  EXPECT_EQ(ChunkPrefix(0), "0\r\n");
  EXPECT_EQ(ChunkPrefix(10), "a\r\n");
  EXPECT_EQ(ChunkPrefix(4096), "1000\r\n");
  EXPECT_EQ(ChunkPrefix(0xdeadbeef), "deadbeef\r\n");
}

TEST(ReasonPhraseTest, Known) {
  EXPECT_EQ(ReasonPhrase(200), "OK");
  EXPECT_EQ(ReasonPhrase(413), "Payload Too Large");
  EXPECT_EQ(ReasonPhrase(799), "Unknown");
}

}  // namespace
}  // namespace engram::api
