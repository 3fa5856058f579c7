#include "service/proxy_reply_tap.h"

#include <gtest/gtest.h>

namespace engram::service {
namespace {

std::string Delta(const std::string& text) {
  return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"}}]}\n\n";
}

TEST(ProxyReplyTapTest, ReassemblesDeltasSplitAnywhere) {
  const std::string stream = "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n" + Delta("Hel") +
                             Delta("lo") + ": keep-alive comment\n\n" + Delta(" world") + "data: [DONE]\n\n";
  for (size_t step : {1u, 3u, 7u, 1000u}) {
    ProxyReplyTap tap(true);
    for (size_t i = 0; i < stream.size(); i += step) tap.Feed(std::string_view(stream).substr(i, step));
    EXPECT_EQ(tap.Finish(), "Hello world") << "step " << step;
  }
}

TEST(ProxyReplyTapTest, HandlesCrLfAndAMissingFinalNewline) {
  ProxyReplyTap tap(true);
  tap.Feed("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\r\n\r\n");
  tap.Feed("data:{\"choices\":[{\"delta\":{\"content\":\"b\"}}]}");
  EXPECT_EQ(tap.Finish(), "ab");
}

TEST(ProxyReplyTapTest, CapsTheText) {
  ProxyReplyTap tap(true, 4);
  tap.Feed(Delta("abc") + Delta("def"));
  EXPECT_EQ(tap.Finish(), "abcd");
  // A character that ends exactly at the cap is kept; one that would cross it is dropped, and nothing
  // after the cut is appended.
  ProxyReplyTap exact(true, 4);
  exact.Feed(Delta("ab\u00e9") + Delta("z"));  // a, b, then U+00E9 in two bytes: 4 bytes
  EXPECT_EQ(exact.Finish(), "ab\xc3\xa9");
  ProxyReplyTap crossing(true, 4);
  crossing.Feed(Delta("abc\u00e9") + Delta("z"));
  EXPECT_EQ(crossing.Finish(), "abc");
}

TEST(ProxyReplyTapTest, SkipsOverlongLinesAndGarbage) {
  ProxyReplyTap tap(true, 1024, 64);
  tap.Feed("data: " + std::string(200, 'x') + "\n\n");
  tap.Feed("data: {not json}\n\n" + Delta("ok"));
  EXPECT_EQ(tap.Finish(), "ok");
}

TEST(ProxyReplyTapTest, ReadsAPlainCompletion) {
  ProxyReplyTap tap(false);
  tap.Feed("{\"choices\":[{\"message\":{\"role\":\"assistant\",");
  tap.Feed("\"content\":\"Sure.\"}}]}");
  EXPECT_EQ(tap.Finish(), "Sure.");
  ProxyReplyTap tools(false);
  tools.Feed("{\"choices\":[{\"message\":{\"content\":null,\"tool_calls\":[]}}]}");
  EXPECT_EQ(tools.Finish(), "");
}

}  // namespace
}  // namespace engram::service
