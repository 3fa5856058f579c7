#include "memory/promotion.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace engram::memory {
namespace {

using domain::OrgGroup;
using domain::ScopedMemory;
using domain::ScopeKind;

OrgGroup Team(const std::string& id, const std::string& prompt = "") {
  OrgGroup g;
  g.kind = ScopeKind::kTeam;
  g.id = id;
  g.promotion_prompt = prompt;
  return g;
}

PromotionCandidate Candidate(const std::string& actor, const std::string& mem_id, const std::string& text,
                             TimeMs created, std::string team_id = "", std::string metadata = "",
                             std::string category = "preference") {
  PromotionCandidate c;
  c.actor_id = actor;
  c.memory.id = mem_id;
  c.memory.text = text;
  c.memory.category = std::move(category);
  c.memory.confidence = 0.6;
  c.memory.created_at = created;
  c.memory.valid_from = created;
  c.memory.source_ids = {"evt_" + mem_id};
  c.sources.push_back(SourceRef{"evt_" + mem_id, "", std::move(team_id), std::move(metadata)});
  return c;
}

TEST(PromotionTest, SharedFactOfTwoMembersIsPromotedByConsensus) {
  std::vector<PromotionCandidate> cs = {
      Candidate("alice", "m1", "Prefers dark mode in the editor", 10),
      Candidate("bob", "m2", "Prefers dark mode in the editor", 20, "", R"({"plan":"pro"})"),
      Candidate("bob", "m3", "Drinks green tea", 30),
  };
  cs[0].memory.confidence = 0.9;
  auto out = PromoteToGroup(Team("platform"), cs, PromotionOptions{.now = 99});
  ASSERT_EQ(out.size(), 1u);
  const ScopedMemory& m = out[0];
  EXPECT_EQ(m.scope, ScopeKind::kTeam);
  EXPECT_EQ(m.scope_id, "platform");
  EXPECT_EQ(m.text, "Prefers dark mode in the editor");
  EXPECT_EQ(m.reason, "consensus");
  EXPECT_EQ(m.actor_ids, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(m.source_ids, (std::vector<std::string>{"evt_m1", "evt_m2"}));
  EXPECT_DOUBLE_EQ(m.confidence, 0.9);
  EXPECT_EQ(m.valid_from, 20);
  EXPECT_EQ(m.updated_at, 99);
  EXPECT_EQ(nlohmann::json::parse(m.source_metadata_json),
            nlohmann::json::parse(R"([{"event_id":"evt_m2","metadata":{"plan":"pro"}}])"));
  // Deterministic: the same inputs in another order give the same id.
  std::vector<PromotionCandidate> reversed(cs.rbegin(), cs.rend());
  auto again = PromoteToGroup(Team("platform"), reversed, PromotionOptions{.now = 99});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id, m.id);
  EXPECT_EQ(m.id.rfind("smem_", 0), 0u);
}

TEST(PromotionTest, OneActorTwiceIsNotConsensus) {
  std::vector<PromotionCandidate> cs = {Candidate("alice", "m1", "Prefers dark mode", 10),
                                        Candidate("alice", "m2", "Prefers dark mode", 20)};
  EXPECT_TRUE(PromoteToGroup(Team("t"), cs, {}).empty());
  EXPECT_EQ(PromoteToGroup(Team("t"), cs, PromotionOptions{.min_actors = 1}).size(), 1u);
}

TEST(PromotionTest, DifferentNumbersOrNegationAreDifferentFacts) {
  std::vector<PromotionCandidate> cs = {Candidate("alice", "m1", "Stand-up is at 10am", 10, "", "", "schedule"),
                                        Candidate("bob", "m2", "Stand-up is at 11am", 20, "", "", "schedule"),
                                        Candidate("carol", "m3", "Likes pair programming", 30),
                                        Candidate("dave", "m4", "Does not like pair programming", 40)};
  EXPECT_TRUE(PromoteToGroup(Team("t"), cs, {}).empty());
}

TEST(PromotionTest, PromptMatchPromotesASingleStatement) {
  const OrgGroup team = Team("platform", "Development environment, editor and tooling preferences");
  std::vector<PromotionCandidate> cs = {Candidate("alice", "m1", "Prefers dark mode in the dev environment", 10),
                                        Candidate("alice", "m2", "Enjoys hiking on weekends", 20)};
  auto out = PromoteToGroup(team, cs, {});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, "Prefers dark mode in the dev environment");
  EXPECT_EQ(out[0].reason, "prompt");
  EXPECT_EQ(out[0].actor_ids, std::vector<std::string>{"alice"});
}

TEST(PromotionTest, MatchesPromptNeedsTwoSharedTermsUnlessTheStatementIsShort) {
  struct Case {
    const char* statement;
    const char* prompt;
    bool match;
  } cases[] = {
      {"Prefers dark mode in the dev environment", "editor and environment preferences", true},
      {"Prefers tabs", "coding style preferences", true},               // short: one shared term is enough
      {"Prefers sushi for dinner on Fridays", "tooling preferences", false},  // only "prefer"
      {"Uses Vim", "", false},
      {"", "anything", false},
  };
  for (const auto& c : cases) EXPECT_EQ(MatchesPrompt(c.statement, c.prompt), c.match) << c.statement;
}

TEST(PromotionTest, PrivateMemoriesAndOtherSubjectsStayWithTheActor) {
  auto pet = Candidate("alice", "m1", "Has a dog named Max", 10, "", "", "pet");
  auto pet2 = Candidate("bob", "m2", "Has a dog named Max", 20, "", "", "pet");
  auto about_other = Candidate("carol", "m3", "Prefers dark mode", 30);
  about_other.memory.subject = "Dana";
  auto about_other2 = Candidate("dave", "m4", "Prefers dark mode", 40);
  about_other2.memory.subject = "Dana";
  auto superseded = Candidate("erin", "m5", "Prefers dark mode", 50);
  superseded.memory.status = domain::MemoryStatus::kSuperseded;
  std::vector<PromotionCandidate> cs = {pet, pet2, about_other, about_other2, superseded};
  EXPECT_TRUE(PromoteToGroup(Team("t"), cs, {}).empty());
}

TEST(PromotionTest, ASourceNamingAnotherTeamKeepsTheMemoryOutOfThisOne) {
  const OrgGroup team = Team("platform");
  EXPECT_TRUE(EligibleFor(Candidate("a", "m1", "Uses Vim", 1, ""), team));          // names no team
  EXPECT_TRUE(EligibleFor(Candidate("a", "m1", "Uses Vim", 1, "platform"), team));  // names this one
  EXPECT_FALSE(EligibleFor(Candidate("a", "m1", "Uses Vim", 1, "billing"), team));  // names another
  OrgGroup role = team;
  role.kind = ScopeKind::kRole;
  EXPECT_TRUE(EligibleFor(Candidate("a", "m1", "Uses Vim", 1, "billing"), role));  // team ids do not bind roles
}

TEST(PromotionTest, SourceMetadataEntries) {
  EXPECT_EQ(SourceMetadataEntry("e1", ""), "");
  EXPECT_EQ(nlohmann::json::parse(SourceMetadataEntry("e1", R"({"a":1})")),
            nlohmann::json::parse(R"({"event_id":"e1","metadata":{"a":1}})"));
  EXPECT_EQ(nlohmann::json::parse(SourceMetadataEntry("e1", R"({"raw":"not json {"})")),
            nlohmann::json::parse(R"({"event_id":"e1","raw":"not json {"})"));
  EXPECT_EQ(nlohmann::json::parse(SourceMetadataEntry("e1", "[1,2]")),
            nlohmann::json::parse(R"({"event_id":"e1","raw":"[1,2]"})"));
  // An object copied as stored, the event id escaped; an object whose first key is "raw" is still
  // metadata when it has other keys.
  EXPECT_EQ(nlohmann::json::parse(SourceMetadataEntry("e\"1", R"({"b": [1, {"c": "x"}]})")),
            nlohmann::json::parse(R"({"event_id":"e\"1","metadata":{"b":[1,{"c":"x"}]}})"));
  EXPECT_EQ(nlohmann::json::parse(SourceMetadataEntry("e1", R"({"raw":"a","z":2})")),
            nlohmann::json::parse(R"({"event_id":"e1","metadata":{"raw":"a","z":2}})"));
  EXPECT_EQ(nlohmann::json::parse(SourceMetadataEntry("e1", "{oops")),  // stored unchecked by seed 001
            nlohmann::json::parse(R"({"event_id":"e1","raw":"{oops"})"));
  EXPECT_EQ(JsonArrayText({}), "[]");
  EXPECT_EQ(JsonArrayText({"1", "{}"}), "[1,{}]");
}

TEST(PromotionTest, AtMostFiveSourceMetadataEntries) {
  std::vector<PromotionCandidate> cs;
  for (int i = 0; i < 8; ++i) {
    cs.push_back(Candidate("actor" + std::to_string(i), "m" + std::to_string(i), "Uses the staging cluster", i, "",
                           R"({"n":)" + std::to_string(i) + "}"));
  }
  auto out = PromoteToGroup(Team("t"), cs, {});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].actor_ids.size(), 8u);
  EXPECT_EQ(nlohmann::json::parse(out[0].source_metadata_json).size(), 5u);
}

ScopedMemory GroupMemory(ScopeKind kind, const std::string& scope_id, const std::string& id, const std::string& text,
                         TimeMs created, std::vector<std::string> actors) {
  ScopedMemory m;
  m.id = id;
  m.scope = kind;
  m.scope_id = scope_id;
  m.text = text;
  m.category = "work";
  m.confidence = 0.7;
  m.actor_ids = std::move(actors);
  m.source_ids = {"e_" + id};
  m.source_metadata_json = R"([{"event_id":"e_)" + id + R"(","raw":"x"}])";
  m.created_at = created;
  return m;
}

TEST(PromotionTest, OrgTakesFactsHeldByTwoGroupsOrMatchingItsPrompt) {
  OrgGroup org;
  org.kind = ScopeKind::kOrg;
  org.id = "org";
  org.promotion_prompt = "security policy for laptops";
  std::vector<ScopedMemory> groups = {
      GroupMemory(ScopeKind::kTeam, "platform", "s1", "Deploys on Thursdays", 10, {"alice", "bob"}),
      GroupMemory(ScopeKind::kRole, "frontend", "s2", "Deploys on Thursdays", 20, {"carol"}),
      GroupMemory(ScopeKind::kTeam, "billing", "s3", "Encrypts laptops with the security policy", 30, {"dave"}),
      GroupMemory(ScopeKind::kTeam, "billing", "s4", "Orders lunch on Mondays", 40, {"dave", "erin"}),
      GroupMemory(ScopeKind::kOrg, "org", "s5", "Orders lunch on Mondays", 50, {"x"}),  // ignored: not a group
  };
  auto out = PromoteToOrg(org, groups, {});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].text, "Deploys on Thursdays");
  EXPECT_EQ(out[0].reason, "groups");
  EXPECT_EQ(out[0].groups, (std::vector<std::string>{"role:frontend", "team:platform"}));
  EXPECT_EQ(out[0].actor_ids, (std::vector<std::string>{"alice", "bob", "carol"}));
  EXPECT_EQ(nlohmann::json::parse(out[0].source_metadata_json).size(), 2u);
  EXPECT_EQ(out[0].scope, ScopeKind::kOrg);
  EXPECT_EQ(out[1].text, "Encrypts laptops with the security policy");
  EXPECT_EQ(out[1].reason, "prompt");
}

TEST(PromotionTest, ManyMembersAndFactsGroupExactly) {
  // 20 members each state the same 100 facts (numbered, so no two facts are one), plus a private one.
  std::vector<PromotionCandidate> cs;
  for (int a = 0; a < 20; ++a) {
    for (int f = 0; f < 100; ++f) {
      cs.push_back(Candidate("actor" + std::to_string(a), "m" + std::to_string(a) + "_" + std::to_string(f),
                             "Runs deployment checklist number " + std::to_string(f) + " every week", a * 1000 + f));
    }
    cs.push_back(Candidate("actor" + std::to_string(a), "own" + std::to_string(a),
                           "Collects stamps from country " + std::to_string(a), a * 1000 + 999));
  }
  auto out = PromoteToGroup(Team("t"), cs, {});
  ASSERT_EQ(out.size(), 100u);
  for (const auto& m : out) EXPECT_EQ(m.actor_ids.size(), 20u) << m.text;
}

TEST(PromotionTest, VisibleToLeavesOutOwnStatementsAndNarrowerRepeats) {
  std::vector<ScopedMemory> scoped = {
      GroupMemory(ScopeKind::kOrg, "org", "o1", "Deploys on Thursdays", 1, {"alice", "carol"}),
      GroupMemory(ScopeKind::kTeam, "platform", "t1", "Deploys on Thursdays", 2, {"alice", "bob"}),
      GroupMemory(ScopeKind::kTeam, "platform", "t2", "Uses Vim keybindings", 3, {"bob", "dave"}),
      GroupMemory(ScopeKind::kRole, "frontend", "r1", "Writes tests first", 4, {"erin"}),
  };
  auto dave = VisibleTo("dave", scoped);
  ASSERT_EQ(dave.size(), 2u);  // the org's statement wins over the team's; dave's own is left out
  EXPECT_EQ(dave[0].id, "o1");
  EXPECT_EQ(dave[1].id, "r1");
  auto frank = VisibleTo("frank", scoped);
  ASSERT_EQ(frank.size(), 3u);
  EXPECT_EQ(frank[1].id, "t2");
  // carol supports the org's statement but not the team's narrower one of the same fact: her own
  // statement stands for both.
  auto carol = VisibleTo("carol", scoped);
  ASSERT_EQ(carol.size(), 2u);
  EXPECT_EQ(carol[0].id, "t2");
  EXPECT_EQ(carol[1].id, "r1");
}

}  // namespace
}  // namespace engram::memory
