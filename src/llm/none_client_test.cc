#include "llm/none_client.h"

#include <gtest/gtest.h>

#include <memory>

namespace engram::llm {
namespace {

TEST(NoneLlmClientTest, DisabledAndUnavailable) {
  std::unique_ptr<LlmClient> client = std::make_unique<NoneLlmClient>();
  EXPECT_FALSE(client->Enabled());
  ChatRequest req;
  req.messages = {{.role = "user", .content = "hi"}};
  auto r = client->Chat(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace engram::llm
