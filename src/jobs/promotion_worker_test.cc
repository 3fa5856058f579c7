// PromotionWorker over a real SQLite store: members' memories promoted to their team and on to the
// org, resident indexes dropped when what search sees changes, and deletion of a supporter.
#include "jobs/promotion_worker.h"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/test_util.h"

namespace engram::jobs {
namespace {

using domain::ScopeKind;

class PromotionWorkerTest : public store::sqlite::StoreTest {
 protected:
  // Registers the actor, writes one event naming `team` with `metadata`, and stores `memory_text`
  // as the memory extracted from it.
  domain::User ActorSays(const std::string& actor, const std::string& team, const std::string& memory_text,
                         const std::string& metadata = "") {
    domain::RegisterSpec spec;
    spec.workspace = "ws";
    spec.id = actor;
    auto user = store_->RegisterUser(spec).value().user;
    domain::Record r;
    r.id = "evt_" + actor;
    r.kind = domain::RecordKind::kMessage;
    r.content = "I said: " + memory_text;
    r.team_id = team;
    r.metadata_json = metadata;
    r.timestamp = clock_.NowMs();
    EXPECT_TRUE(store_->WriteRecords({.workspace = "ws", .uid = user.uid, .records = {r}}).ok());
    store::MemoryWrite w;
    domain::Memory m;
    m.id = "mem_" + actor;
    m.text = memory_text;
    m.category = "preference";
    m.confidence = 0.8;
    m.source_ids = {r.id};
    w.upserts = {m};
    w.extracted_record_ids = {r.id};
    EXPECT_TRUE(store_->ApplyMemoryWrite("ws", user.uid, w).ok());
    clock_.Advance(1000);
    return user;
  }

  std::vector<domain::ScopedMemory> Scoped(ScopeKind kind, const std::string& id) {
    return store_->ListScopedMemories("ws", {{kind, id}}).value();
  }
};

TEST_F(PromotionWorkerTest, TeamConsensusThenOrgFromTwoTeams) {
  index::IndexCache cache(64 << 20);
  PromotionWorker worker(store_.get(), &cache, &clock_);
  const auto alice = ActorSays("alice", "platform", "Prefers dark mode in the editor", R"({"src":"slack"})");
  ActorSays("bob", "platform", "Prefers dark mode in the editor", "not json {");
  ActorSays("carol", "billing", "Prefers dark mode in the editor");

  // A resident index of a member is dropped when the team's memories change.
  index::UserLoader empty = [] { return Result<index::LoadedUser>(index::LoadedUser{}); };
  ASSERT_TRUE(cache.Acquire("ws", alice.uid, empty).ok());
  auto changed = worker.RecomputeGroup("ws", ScopeKind::kTeam, "platform");
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_TRUE(*changed);
  EXPECT_EQ(cache.Peek("ws", alice.uid), nullptr);
  auto team = Scoped(ScopeKind::kTeam, "platform");
  ASSERT_EQ(team.size(), 1u);
  EXPECT_EQ(team[0].text, "Prefers dark mode in the editor");
  EXPECT_EQ(team[0].actor_ids, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(team[0].source_metadata_json,
            R"([{"event_id":"evt_alice","metadata":{"src":"slack"}},{"event_id":"evt_bob","raw":"not json {"}])");
  EXPECT_FALSE(*worker.RecomputeGroup("ws", ScopeKind::kTeam, "platform"));  // nothing new

  // billing has one member: no consensus, no prompt. With a prompt that matches, it is promoted, and
  // two teams holding the fact put it at the org.
  EXPECT_FALSE(*worker.RecomputeGroup("ws", ScopeKind::kTeam, "billing"));
  ASSERT_TRUE(store_->PutGroup("ws", {.kind = ScopeKind::kTeam, .id = "billing",
                                      .promotion_prompt = "editor preferences and tooling"}).ok());
  EXPECT_TRUE(*worker.RecomputeGroup("ws", ScopeKind::kTeam, "billing"));
  EXPECT_EQ(Scoped(ScopeKind::kTeam, "billing")[0].reason, "prompt");
  EXPECT_TRUE(*worker.RecomputeOrg("ws"));
  auto org = Scoped(ScopeKind::kOrg, "org");
  ASSERT_EQ(org.size(), 1u);
  EXPECT_EQ(org[0].reason, "groups");
  EXPECT_EQ(org[0].actor_ids, (std::vector<std::string>{"alice", "bob", "carol"}));
}

TEST_F(PromotionWorkerTest, ANewSupporterOfAPromotedFactIsAChange) {
  index::IndexCache cache(64 << 20);
  PromotionWorker worker(store_.get(), &cache, &clock_);
  ActorSays("alice", "platform", "Prefers dark mode in the editor");
  ActorSays("bob", "platform", "Prefers dark mode in the editor");
  ASSERT_TRUE(*worker.RecomputeGroup("ws", ScopeKind::kTeam, "platform"));
  ASSERT_TRUE(
      store_->PutGroup("ws", {.kind = ScopeKind::kOrg, .id = "org", .promotion_prompt = "dark mode in the editor"})
          .ok());
  ASSERT_TRUE(*worker.RecomputeOrg("ws"));

  // carol states the same fact: the team memory keeps its id and text but gains a supporter, so the
  // members' indexes are dropped (carol's would otherwise still show it to her) and the org follows.
  const auto carol = ActorSays("carol", "platform", "Prefers dark mode in the editor");
  index::UserLoader empty = [] { return Result<index::LoadedUser>(index::LoadedUser{}); };
  ASSERT_TRUE(cache.Acquire("ws", carol.uid, empty).ok());
  EXPECT_TRUE(*worker.RecomputeGroup("ws", ScopeKind::kTeam, "platform"));
  EXPECT_EQ(cache.Peek("ws", carol.uid), nullptr);
  EXPECT_EQ(Scoped(ScopeKind::kTeam, "platform")[0].actor_ids, (std::vector<std::string>{"alice", "bob", "carol"}));
  EXPECT_TRUE(*worker.RecomputeOrg("ws"));
  EXPECT_EQ(Scoped(ScopeKind::kOrg, "org")[0].actor_ids, (std::vector<std::string>{"alice", "bob", "carol"}));
  EXPECT_FALSE(*worker.RecomputeGroup("ws", ScopeKind::kTeam, "platform"));  // nothing new
}

TEST_F(PromotionWorkerTest, BackgroundRecomputeFollowsActorsAndDeletion) {
  PromotionWorker worker(store_.get(), nullptr, &clock_);
  ASSERT_TRUE(worker.Start().ok());
  const auto alice = ActorSays("alice", "platform", "Uses the staging cluster for demos");
  const auto bob = ActorSays("bob", "platform", "Uses the staging cluster for demos");
  worker.ActorChanged("ws", alice.uid);
  worker.ActorChanged("ws", bob.uid);
  worker.Drain();
  ASSERT_EQ(Scoped(ScopeKind::kTeam, "platform").size(), 1u);

  // Deleting a supporter removes the memory at once (store) and the recompute agrees.
  ASSERT_TRUE(*store_->DeleteUser("ws", "bob"));
  EXPECT_TRUE(Scoped(ScopeKind::kTeam, "platform").empty());
  worker.ActorDeleted("ws");
  worker.Drain();
  EXPECT_TRUE(Scoped(ScopeKind::kTeam, "platform").empty());

  // An admin-added member with the same fact restores the consensus.
  const auto dave = ActorSays("dave", "", "Uses the staging cluster for demos");
  ASSERT_TRUE(store_->AddGroupMembers("ws", ScopeKind::kTeam, "platform", {"dave"}).ok());
  worker.GroupChanged("ws", ScopeKind::kTeam, "platform");
  worker.Drain();
  auto team = Scoped(ScopeKind::kTeam, "platform");
  ASSERT_EQ(team.size(), 1u);
  EXPECT_EQ(team[0].actor_ids, (std::vector<std::string>{"alice", "dave"}));
  worker.Stop();
}

TEST_F(PromotionWorkerTest, StartUpSweepRecomputesEveryWorkspace) {
  ActorSays("alice", "platform", "Reviews pull requests before lunch");
  ActorSays("bob", "platform", "Reviews pull requests before lunch");
  PromotionWorker worker(store_.get(), nullptr, &clock_);
  ASSERT_TRUE(worker.Start().ok());
  worker.Drain();
  EXPECT_EQ(Scoped(ScopeKind::kTeam, "platform").size(), 1u);
}

}  // namespace
}  // namespace engram::jobs
