// The organization over every backend: groups, memberships (admin and from records), promoted
// memories, and what deleting an actor or a group takes with it.
#include "tests/conformance/store_conformance.h"

namespace engram::conformance {
namespace {

using domain::MembershipVia;
using domain::OrgGroup;
using domain::ScopedMemory;
using domain::ScopeKind;

template <typename Backend>
class OrgTest : public StoreConformanceTest<Backend> {};
TYPED_TEST_SUITE(OrgTest, StoreBackends, BackendName);

OrgGroup Group(ScopeKind kind, const std::string& id, const std::string& prompt) {
  OrgGroup g;
  g.kind = kind;
  g.id = id;
  g.name = "The " + id;
  g.promotion_prompt = prompt;
  return g;
}

ScopedMemory Scoped(ScopeKind kind, const std::string& scope_id, const std::string& id, const std::string& text,
                    std::vector<std::string> actors) {
  ScopedMemory m;
  m.id = id;
  m.scope = kind;
  m.scope_id = scope_id;
  m.text = text;
  m.category = "preference";
  m.reason = "consensus";
  m.actor_ids = std::move(actors);
  m.source_ids = {"e1", "e2"};
  m.source_metadata_json = R"([{"event_id":"e1","metadata":{"plan":"pro"}}])";
  return m;
}

TYPED_TEST(OrgTest, DefinedGroupsAndMembershipsFromAdminAndRecords) {
  auto& s = this->store();
  ASSERT_TRUE(s.PutGroup("ws", Group(ScopeKind::kTeam, "team_platform", "tooling and conventions")).ok());
  ASSERT_TRUE(s.AddGroupMembers("ws", ScopeKind::kTeam, "team_platform", {"alice"}).ok());

  // A record naming a role and a team makes its actor an event member of both.
  const domain::User bob = this->Register("ws", "bob");
  auto r = this->MakeRecord("e1", "I prefer dark mode");
  r.role_id = "role_frontend";
  r.team_id = "team_platform";
  const auto written = this->Write(bob, {r});
  // The write lists the memberships it added, and only those.
  using Joined = std::vector<std::pair<ScopeKind, std::string>>;
  EXPECT_EQ(written.joined_groups, (Joined{{ScopeKind::kRole, "role_frontend"}, {ScopeKind::kTeam, "team_platform"}}));
  auto again = this->MakeRecord("e2", "I use Vim");
  again.team_id = "team_platform";
  EXPECT_TRUE(this->Write(bob, {again}).joined_groups.empty());

  auto members = s.ListGroupMembers("ws", ScopeKind::kTeam, "team_platform");
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].actor_id, "alice");
  EXPECT_EQ((*members)[0].via, MembershipVia::kAdmin);
  EXPECT_EQ((*members)[1].actor_id, "bob");
  EXPECT_EQ((*members)[1].via, MembershipVia::kEvent);

  auto groups = s.ListGroups("ws");
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 2u);  // the role known from the record, the defined team
  EXPECT_EQ((*groups)[0].kind, ScopeKind::kRole);
  EXPECT_EQ((*groups)[0].id, "role_frontend");
  EXPECT_FALSE((*groups)[0].defined);
  EXPECT_EQ((*groups)[1].id, "team_platform");
  EXPECT_TRUE((*groups)[1].defined);
  EXPECT_EQ((*groups)[1].promotion_prompt, "tooling and conventions");
  EXPECT_TRUE(s.ListGroups("other")->empty());

  auto bobs = s.ListActorGroups("ws", "bob");
  ASSERT_TRUE(bobs.ok());
  ASSERT_EQ(bobs->size(), 2u);
  EXPECT_EQ((*bobs)[1].promotion_prompt, "tooling and conventions");

  // An admin adding an event member makes the membership an admin one; removing it removes it.
  ASSERT_TRUE(s.AddGroupMembers("ws", ScopeKind::kTeam, "team_platform", {"bob"}).ok());
  EXPECT_EQ((*s.ListGroupMembers("ws", ScopeKind::kTeam, "team_platform"))[1].via, MembershipVia::kAdmin);
  EXPECT_TRUE(*s.RemoveGroupMember("ws", ScopeKind::kTeam, "team_platform", "alice"));
  EXPECT_FALSE(*s.RemoveGroupMember("ws", ScopeKind::kTeam, "team_platform", "alice"));

  // Redefining keeps one group; the definition survives a reopen.
  ASSERT_TRUE(s.PutGroup("ws", Group(ScopeKind::kTeam, "team_platform", "editors")).ok());
  this->Reopen();
  auto g = this->store().GetGroup("ws", ScopeKind::kTeam, "team_platform");
  ASSERT_TRUE(g.ok() && g->has_value());
  EXPECT_EQ((*g)->promotion_prompt, "editors");
  EXPECT_FALSE(this->store().GetGroup("ws", ScopeKind::kTeam, "nope")->has_value());
  EXPECT_FALSE(this->store().PutGroup("ws", Group(ScopeKind::kActor, "x", "")).ok());
}

// A definition with its member list, in one write: admin members not listed leave, event members stay,
// listed actors become admin members; the actors removed are reported.
TYPED_TEST(OrgTest, PutGroupAndMembersReplacesTheAdminList) {
  auto& s = this->store();
  ASSERT_TRUE(s.PutGroup("ws", Group(ScopeKind::kTeam, "team_data", "pipelines")).ok());
  ASSERT_TRUE(s.AddGroupMembers("ws", ScopeKind::kTeam, "team_data", {"alice", "carol", "dave"}).ok());
  const domain::User bob = this->Register("ws", "bob");
  auto r = this->MakeRecord("e1", "I prefer dark mode");
  r.team_id = "team_data";
  this->Write(bob, {r});

  auto removed = s.PutGroupAndMembers("ws", Group(ScopeKind::kTeam, "team_data", "pipelines and dashboards"),
                                      {"carol", "erin"});
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, (std::vector<std::string>{"alice", "dave"}));
  auto members = s.ListGroupMembers("ws", ScopeKind::kTeam, "team_data");
  ASSERT_TRUE(members.ok());
  std::vector<std::pair<std::string, MembershipVia>> got;
  for (const auto& m : *members) got.emplace_back(m.actor_id, m.via);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, MembershipVia>>{
                     {"bob", MembershipVia::kEvent}, {"carol", MembershipVia::kAdmin}, {"erin", MembershipVia::kAdmin}}));
  EXPECT_EQ((*s.GetGroup("ws", ScopeKind::kTeam, "team_data"))->promotion_prompt, "pipelines and dashboards");

  // A new group with its members; an empty list removes every admin member and no event member.
  EXPECT_TRUE(s.PutGroupAndMembers("ws", Group(ScopeKind::kRole, "role_sre", ""), {"alice"})->empty());
  EXPECT_EQ(*s.PutGroupAndMembers("ws", Group(ScopeKind::kTeam, "team_data", ""), {}),
            (std::vector<std::string>{"carol", "erin"}));
  ASSERT_EQ(s.ListGroupMembers("ws", ScopeKind::kTeam, "team_data")->size(), 1u);
  EXPECT_EQ((*s.ListGroupMembers("ws", ScopeKind::kRole, "role_sre"))[0].actor_id, "alice");
  // The org has no member list.
  EXPECT_EQ(s.PutGroupAndMembers("ws", Group(ScopeKind::kOrg, "org", ""), {"alice"}).status().code(),
            StatusCode::kInvalidArgument);
}

TYPED_TEST(OrgTest, ScopedMemoriesReplaceListAndForget) {
  auto& s = this->store();
  for (const char* actor : {"alice", "bob", "carol", "dave", "erin"}) this->Register("ws", actor);
  auto a = Scoped(ScopeKind::kTeam, "t1", "smem_a", "Prefers dark mode", {"alice", "bob"});
  auto b = Scoped(ScopeKind::kTeam, "t1", "smem_b", "Uses Vim", {"carol"});
  auto o = Scoped(ScopeKind::kOrg, "org", "smem_o", "Ships on Fridays", {"dave"});
  auto changed = s.ReplaceScopedMemories("ws", ScopeKind::kTeam, "t1", {a, b});
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_TRUE(*changed);
  ASSERT_TRUE(s.ReplaceScopedMemories("ws", ScopeKind::kOrg, "org", {o}).ok());
  // The same set again changes nothing.
  EXPECT_FALSE(*s.ReplaceScopedMemories("ws", ScopeKind::kTeam, "t1", {a, b}));
  // A new supporter of the same text is a change (search hides a memory from its supporters), and so
  // is new source metadata (results carry it); a later recompute time alone is not.
  a.actor_ids = {"alice", "bob", "erin"};
  EXPECT_TRUE(*s.ReplaceScopedMemories("ws", ScopeKind::kTeam, "t1", {a, b}));
  b.source_metadata_json = R"([{"event_id":"e2","raw":"x"}])";
  EXPECT_TRUE(*s.ReplaceScopedMemories("ws", ScopeKind::kTeam, "t1", {a, b}));
  a.updated_at = b.updated_at = 1'800'000'000'000;
  EXPECT_FALSE(*s.ReplaceScopedMemories("ws", ScopeKind::kTeam, "t1", {a, b}));
  // A memory naming an actor that is not (or no longer) a user is not written.
  auto ghost = Scoped(ScopeKind::kTeam, "t1", "smem_g", "Haunts the office", {"alice", "ghost"});
  EXPECT_FALSE(*s.ReplaceScopedMemories("ws", ScopeKind::kTeam, "t1", {a, b, ghost}));
  // A memory of another scope is refused.
  EXPECT_FALSE(s.ReplaceScopedMemories("ws", ScopeKind::kTeam, "t2", {a}).ok());

  auto listed = s.ListScopedMemories("ws", {{ScopeKind::kTeam, "t1"}, {ScopeKind::kOrg, "org"}});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].id, "smem_o");  // broadest first
  EXPECT_EQ((*listed)[1].id, "smem_a");
  EXPECT_EQ((*listed)[1].actor_ids, (std::vector<std::string>{"alice", "bob", "erin"}));
  EXPECT_EQ((*listed)[1].source_metadata_json, R"([{"event_id":"e1","metadata":{"plan":"pro"}}])");
  EXPECT_EQ(s.ListScopedMemories("ws", {{ScopeKind::kTeam, "t1"}})->size(), 2u);
  EXPECT_TRUE(s.ListScopedMemories("ws", {{ScopeKind::kRole, "t1"}})->empty());
  EXPECT_EQ(s.ListScopedMemories("ws", {})->size(), 3u);
  EXPECT_TRUE(s.ListScopedMemories("other", {})->empty());

  // Deleting an actor takes every promoted memory it supported, in the same transaction.
  ASSERT_TRUE(*s.DeleteUser("ws", "carol"));
  auto after = s.ListScopedMemories("ws", {});
  ASSERT_EQ(after->size(), 2u);
  for (const auto& m : *after) EXPECT_NE(m.id, "smem_b");

  // Replacing with fewer removes the rest; deleting the group removes its memories.
  EXPECT_TRUE(*s.ReplaceScopedMemories("ws", ScopeKind::kTeam, "t1", {}));
  EXPECT_EQ(s.ListScopedMemories("ws", {})->size(), 1u);
  ASSERT_TRUE(s.PutGroup("ws", Group(ScopeKind::kOrg, "org", "company policy")).ok());
  EXPECT_TRUE(*s.DeleteGroup("ws", ScopeKind::kOrg, "org"));
  EXPECT_TRUE(s.ListScopedMemories("ws", {})->empty());
  EXPECT_FALSE(*s.DeleteGroup("ws", ScopeKind::kOrg, "org"));
}

TYPED_TEST(OrgTest, DeletingAnActorDropsItsEventMembershipsOnly) {
  auto& s = this->store();
  const domain::User bob = this->Register("ws", "bob");
  auto r = this->MakeRecord("e1", "hello");
  r.team_id = "t_event";
  this->Write(bob, {r});
  ASSERT_TRUE(s.AddGroupMembers("ws", ScopeKind::kTeam, "t_admin", {"bob"}).ok());
  ASSERT_EQ(s.ListActorGroups("ws", "bob")->size(), 2u);
  ASSERT_TRUE(*s.DeleteUser("ws", "bob"));
  auto left = s.ListActorGroups("ws", "bob");
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].id, "t_admin");
  EXPECT_EQ(*s.ListOrgWorkspaces(), std::vector<std::string>{"ws"});
}

TYPED_TEST(OrgTest, GetRecordsInRequestOrder) {
  auto& s = this->store();
  const domain::User u = this->Register("ws", "u1");
  this->Write(u, {this->MakeRecord("r1", "one"), this->MakeRecord("r2", "two")});
  auto got = s.GetRecords("ws", u.uid, {"r2", "missing", "r1"});
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].id, "r2");
  EXPECT_EQ((*got)[1].id, "r1");
  EXPECT_EQ((*got)[1].metadata_json, R"({"k":"v"})");
  EXPECT_TRUE(s.GetRecords("other", u.uid, {"r1"})->empty());
}

}  // namespace
}  // namespace engram::conformance
