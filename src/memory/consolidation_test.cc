#include "memory/consolidation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/time.h"
#include "memory/deterministic_extractor.h"

namespace engram::memory {
namespace {

using domain::Memory;
using domain::MemoryStatus;

constexpr TimeMs kNow = 1'800'000'000'000;

ConsolidateOptions Opts() {
  auto counter = std::make_shared<int>(0);
  return ConsolidateOptions{.new_id = [counter] { return "mem_" + std::to_string(++*counter); }, .now = kNow};
}

ExtractedMemory X(std::string text, std::string key = "", TimeMs valid_from = 1000,
                  std::vector<std::string> sources = {"r1"}, std::string subject = "") {
  return ExtractedMemory{.text = std::move(text), .category = "preference", .confidence = 0.8, .entities = {},
                         .subject = std::move(subject), .key = std::move(key), .valid_from = valid_from,
                         .source_ids = std::move(sources)};
}

Memory M(std::string id, std::string text, std::string key = "", TimeMs valid_from = 1000,
         std::vector<std::string> sources = {"r0"}) {
  Memory m;
  m.id = std::move(id);
  m.text = std::move(text);
  m.key = std::move(key);
  m.valid_from = valid_from;
  m.source_ids = std::move(sources);
  m.confidence = 0.6;
  return m;
}

TEST(ConsolidationTest, SameStatementScore) {
  auto same = [](const char* a, const char* b) { return SameStatementScore(Sign(a), Sign(b), 0.7); };
  EXPECT_DOUBLE_EQ(same("Loves sushi", "loves SUSHI!"), 1.0);
  EXPECT_LT(same("Has two kids", "Has three kids"), 0);  // another number: another fact
  EXPECT_GE(same("Loves sushi and usually eats late dinners around 9pm",
                 "Loves sushi and eats late dinners around 9pm"), 0.7);
  EXPECT_LT(same("Likes pair programming", "Does not like pair programming"), 0);
  EXPECT_DOUBLE_EQ(same("", "!!"), 1.0);  // two statements without terms
}

TEST(ConsolidationTest, NearDuplicateMergesIntoExisting) {
  const std::vector<Memory> current = {M("mem_a", "Loves sushi and usually eats late dinners around 9pm")};
  const std::vector<ExtractedMemory> incoming = {
      X("Loves sushi and eats late dinners around 9pm", "", 2000, {"r2"}),  // Jaccard >= 0.7
      X("Loves sushi", "", 3000, {"r3", "r0"}),                            // contained
  };
  const ConsolidationResult r = Consolidate(current, incoming, Opts());
  EXPECT_TRUE(r.inserted.empty());
  EXPECT_TRUE(r.superseded.empty());
  ASSERT_EQ(r.merged.size(), 1u);
  EXPECT_EQ(r.merged[0].first, "mem_a");
  EXPECT_EQ(r.merged[0].second, (std::vector<std::string>{"r2", "r3"}));
  ASSERT_EQ(r.updated.size(), 1u);
  EXPECT_EQ(r.updated[0].source_ids, (std::vector<std::string>{"r0", "r2", "r3"}));
  EXPECT_DOUBLE_EQ(r.updated[0].confidence, 0.8);
  EXPECT_EQ(r.updated[0].updated_at, kNow);
}

TEST(ConsolidationTest, DifferentFactsAreNotMerged) {
  const std::vector<Memory> current = {M("mem_a", "Loves sushi"), M("mem_b", "Has two kids")};
  const std::vector<ExtractedMemory> incoming = {
      X("Does not like sushi"),  // negation differs
      X("Has three kids"),       // numbers differ
      X("Loves hiking"),
      X("Loves sushi", "", 1000, {"r9"}, "Caroline"),  // another person
  };
  const ConsolidationResult r = Consolidate(current, incoming, Opts());
  EXPECT_EQ(r.inserted.size(), 4u);
  EXPECT_TRUE(r.merged.empty());
  EXPECT_TRUE(r.updated.empty());
}

TEST(ConsolidationTest, ContradictionSupersedesAndKeepsHistory) {
  // The seed's stand-up: moved to 2 PM, later "now at 10 AM".
  const std::vector<Memory> current = {
      M("mem_a", "Stand-up moves to 2 PM starting the week of 10 November 2025", "schedule:stand-up",
        *ParseIso8601("2025-11-10"))};
  const std::vector<ExtractedMemory> incoming = {
      X("Stand-up is at 10 AM", "schedule:stand-up", *ParseIso8601("2025-11-20"), {"r7"})};
  const ConsolidationResult r = Consolidate(current, incoming, Opts());
  ASSERT_EQ(r.inserted.size(), 1u);
  EXPECT_EQ(r.inserted[0].id, "mem_1");
  EXPECT_EQ(r.inserted[0].status, MemoryStatus::kCurrent);
  EXPECT_EQ(r.inserted[0].created_at, kNow);
  ASSERT_EQ(r.superseded.size(), 1u);
  EXPECT_EQ(r.superseded[0], (std::pair<std::string, std::string>{"mem_a", "mem_1"}));
  ASSERT_EQ(r.updated.size(), 1u);
  EXPECT_EQ(r.updated[0].id, "mem_a");
  EXPECT_EQ(r.updated[0].status, MemoryStatus::kSuperseded);
  EXPECT_EQ(r.updated[0].superseded_by, "mem_1");
  EXPECT_EQ(r.updated[0].superseded_at, kNow);
  EXPECT_EQ(r.updated[0].text, "Stand-up moves to 2 PM starting the week of 10 November 2025");  // history kept
}

TEST(ConsolidationTest, OlderStatementArrivingLateIsHistory) {
  const std::vector<Memory> current = {M("mem_a", "Lives in Berlin", "location:home", 5000)};
  const std::vector<ExtractedMemory> incoming = {X("Lives in Austin", "location:home", 4000)};
  const ConsolidationResult r = Consolidate(current, incoming, Opts());
  ASSERT_EQ(r.inserted.size(), 1u);
  EXPECT_EQ(r.inserted[0].status, MemoryStatus::kSuperseded);
  EXPECT_EQ(r.inserted[0].superseded_by, "mem_a");
  EXPECT_EQ(r.superseded, (std::vector<std::pair<std::string, std::string>>{{"mem_1", "mem_a"}}));
  EXPECT_TRUE(r.updated.empty());
}

TEST(ConsolidationTest, SupersededMemoriesAreNeverMatched) {
  Memory old = M("mem_old", "Loves sushi");
  old.status = MemoryStatus::kSuperseded;
  old.superseded_by = "mem_x";
  const ConsolidationResult r = Consolidate(std::vector<Memory>{old}, std::vector<ExtractedMemory>{X("Loves sushi")}, Opts());
  EXPECT_EQ(r.inserted.size(), 1u);
  EXPECT_TRUE(r.merged.empty());
}

TEST(ConsolidationTest, DuplicatesAndContradictionsWithinOneBatch) {
  const std::vector<ExtractedMemory> incoming = {
      X("Loves sushi", "preference:sushi", 1000, {"r1"}),
      X("Loves sushi!", "preference:sushi", 1100, {"r2"}),
      X("Stand-up moves to 2 PM", "schedule:stand-up", 2000, {"r3"}),
      X("Stand-up is at 10 AM", "schedule:stand-up", 3000, {"r4"}),
  };
  const ConsolidationResult r = Consolidate({}, incoming, Opts());
  ASSERT_EQ(r.inserted.size(), 3u);
  EXPECT_EQ(r.inserted[0].source_ids, (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(r.inserted[1].status, MemoryStatus::kSuperseded);
  EXPECT_EQ(r.inserted[1].superseded_by, r.inserted[2].id);
  EXPECT_EQ(r.inserted[2].status, MemoryStatus::kCurrent);
  EXPECT_EQ(r.superseded, (std::vector<std::pair<std::string, std::string>>{{"mem_2", "mem_3"}}));
  EXPECT_TRUE(r.merged.empty());
}

TEST(ConsolidationTest, ExtractThenConsolidateEndToEnd) {
  auto rec = [](std::string id, const char* iso, std::string content) {
    domain::Record r;
    r.id = std::move(id);
    r.kind = domain::RecordKind::kMessage;
    r.speaker = "user";
    r.timestamp = *ParseIso8601(iso);
    r.content = std::move(content);
    return r;
  };
  DeterministicExtractor extractor;
  const std::vector<domain::Record> first = {rec("m1", "2025-11-03T10:00:00Z", "Let’s move stand-up to 2 PM starting next week.")};
  const Extraction e1 = extractor.Extract(first, {}).value();
  const ConsolidationResult r1 = Consolidate({}, e1.memories, Opts());
  ASSERT_EQ(r1.inserted.size(), 1u);
  const std::vector<domain::Record> second = {rec("m2", "2025-11-20T09:00:00Z", "Stand-up is now at 10 AM")};
  const Extraction e2 = extractor.Extract(second, {}).value();
  const ConsolidationResult r2 = Consolidate(r1.inserted, e2.memories, Opts());
  ASSERT_EQ(r2.inserted.size(), 1u);
  EXPECT_EQ(r2.inserted[0].text, "Stand-up is at 10 AM");
  ASSERT_EQ(r2.superseded.size(), 1u);
  EXPECT_EQ(r2.superseded[0].first, r1.inserted[0].id);
}

}  // namespace
}  // namespace engram::memory
