#include "memory/traits.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace engram::memory {
namespace {

using domain::Trait;

Trait Reg(std::string name, std::string value) {
  return Trait{.name = std::move(name), .value = std::move(value), .source = "register", .confidence = 1.0};
}

Trait Ext(std::string name, std::string value, double confidence, std::string source_id) {
  return Trait{.name = std::move(name), .value = std::move(value), .source = "extracted",
               .confidence = confidence, .source_ids = {std::move(source_id)}};
}

std::vector<std::string> Show(const std::vector<Trait>& traits) {
  std::vector<std::string> out;
  for (const Trait& t : traits) out.push_back(t.name + "=" + t.value + "/" + t.source);
  return out;
}

TEST(TraitsTest, Precedence) {
  struct Case {
    const char* what;
    std::vector<Trait> current;
    std::vector<Trait> incoming;
    std::vector<std::string> want;
  } cases[] = {
      {"new name is added", {}, {Ext("timezone", "America/Los_Angeles", 0.6, "r1")},
       {"timezone=America/Los_Angeles/extracted"}},
      {"registration wins over inference", {Reg("name", "Ash Lewis")}, {Ext("name", "Ash", 0.9, "r1")},
       {"name=Ash Lewis/register"}},
      {"registration replaces inference", {Ext("location", "Austin", 0.85, "r1")}, {Reg("location", "Berlin")},
       {"location=Berlin/register"}},
      {"re-registration updates", {Reg("locale", "en-US")}, {Reg("locale", "en-GB")}, {"locale=en-GB/register"}},
      {"later extraction with equal confidence replaces", {Ext("employer", "Acme", 0.85, "r1")},
       {Ext("employer", "Google", 0.85, "r2")}, {"employer=Google/extracted"}},
      {"later extraction with lower confidence does not", {Ext("timezone", "America/New_York", 0.8, "r1")},
       {Ext("timezone", "America/Los_Angeles", 0.6, "r2")}, {"timezone=America/New_York/extracted"}},
      {"order: current first, then new names", {Reg("name", "Ash"), Ext("role", "nurse", 0.8, "r1")},
       {Ext("location", "Berlin", 0.8, "r2"), Ext("role", "data scientist", 0.85, "r3")},
       {"name=Ash/register", "role=data scientist/extracted", "location=Berlin/extracted"}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Show(MergeTraits(c.current, c.incoming, 42)), c.want) << c.what;
  }
}

TEST(TraitsTest, SameValueUnitesSourcesAndKeepsHigherConfidence) {
  const std::vector<Trait> current = {Ext("location", "San Francisco", 0.6, "r1")};
  const std::vector<Trait> incoming = {Ext("location", "san francisco", 0.85, "r2"),
                                       Ext("location", "San Francisco", 0.5, "r1")};
  const std::vector<Trait> merged = MergeTraits(current, incoming, 42);
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].value, "San Francisco");
  EXPECT_DOUBLE_EQ(merged[0].confidence, 0.85);
  EXPECT_EQ(merged[0].source_ids, (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(merged[0].updated_at, 42);
}

TEST(TraitsTest, FromExtraction) {
  const std::vector<Trait> current = {Reg("name", "Ash Lewis")};
  const std::vector<ExtractedTrait> extracted = {{"name", "Ash", 0.8, {"r1"}}, {"role", "founder and engineer", 0.8, {"d1"}}};
  const std::vector<Trait> merged = MergeExtractedTraits(current, extracted, 7);
  EXPECT_EQ(Show(merged), (std::vector<std::string>{"name=Ash Lewis/register", "role=founder and engineer/extracted"}));
  EXPECT_EQ(merged[1].source_ids, std::vector<std::string>{"d1"});
  EXPECT_EQ(merged[1].updated_at, 7);
}

}  // namespace
}  // namespace engram::memory
