#include "index/derived_chunks.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace engram::index {
namespace {

TEST(DerivedChunksTest, APromotedMemoryCarriesItsScopeAndSourceMetadata) {
  domain::ScopedMemory m;
  m.id = "smem_1";
  m.scope = domain::ScopeKind::kTeam;
  m.scope_id = "team:with:colons";
  m.text = "Prefers dark mode";
  m.source_ids = {"e1"};
  m.source_metadata_json = R"([{"event_id":"e1","raw":"x"}])";
  const domain::Chunk c = ScopedMemoryChunk(m);
  EXPECT_EQ(c.kind, domain::RecordKind::kMemory);
  EXPECT_EQ(c.metadata_json, m.source_metadata_json);
  auto scope = ScopeOfChunk(c.kind, c.source);
  ASSERT_TRUE(scope.has_value());
  EXPECT_EQ(scope->first, domain::ScopeKind::kTeam);
  EXPECT_EQ(scope->second, "team:with:colons");
  // The user's own memories and other chunks have no scope.
  domain::Memory own;
  own.id = "mem_1";
  EXPECT_FALSE(ScopeOfChunk(domain::RecordKind::kMemory, MemoryChunk(own).source).has_value());
  EXPECT_FALSE(ScopeOfChunk(domain::RecordKind::kEvent, "team:x").has_value());
  EXPECT_FALSE(ScopeOfChunk(domain::RecordKind::kMemory, "actor:x").has_value());
}

TEST(DerivedChunksTest, AStage3ItemCarriesItsQuestionAndAnswer) {
  domain::Stage3Item item{.id = "stage3_2", .question_index = 2, .question = "Food?", .answer = "Sushi [1]."};
  const domain::Chunk c = Stage3Chunk(item);
  EXPECT_EQ(c.text, "Q: Food?\nA: Sushi [1].");
  EXPECT_EQ(nlohmann::json::parse(c.metadata_json),
            nlohmann::json::parse(R"({"question_index":2,"question":"Food?","answer":"Sushi [1]."})"));
}

}  // namespace
}  // namespace engram::index
