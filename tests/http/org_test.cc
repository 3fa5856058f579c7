// The organization of seed 004 against a real engramd: the admin API for roles, teams and the org;
// memories promoted from actors to their role, team and org (consensus, promotion prompt, several
// groups); a search covering an actor's own, role, team and org memories, each result with its scope
// and metadata.source_metadata; and deletion of a supporting actor.
#include <functional>
#include <thread>

#include "tests/http/fixture.h"

namespace engram::testing {
namespace {

class OrgTest : public ServerTest {
 protected:
  static Json Event(const std::string& actor, const std::string& content, const std::string& role,
                    const std::string& team, const std::string& metadata = "") {
    Json e = {{"actor_id", actor}, {"session_id", "s1"}, {"kind", "user_message"}, {"content", content}};
    if (!role.empty()) e["role_id"] = role;
    if (!team.empty()) e["team_id"] = team;
    if (!metadata.empty()) e["metadata"] = metadata;
    return e;
  }

  static const Json* FindText(const Json& list, const std::string& text_field, const std::string& word) {
    for (const auto& m : list) {
      if (m.value(text_field, "").find(word) != std::string::npos) return &m;
    }
    return nullptr;
  }

  static Json Search(Api& api, const std::string& actor, const std::string& question) {
    auto r = api.Post("/chunks", {{"actor_id", actor}, {"conversation", {{{"role", "user"}, {"content", question}}}},
                                  {"top_k", 10}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json["results"];
  }
};

TEST_F(OrgTest, MemoriesFlowUpAndSearchCoversEveryScope) {
  Api api = Admin();
  auto put = api.Call("PUT", "/admin/teams/team_platform",
                      Json{{"name", "Platform"},
                           {"promotion_prompt", "Development environment, editor and tooling preferences"},
                           {"members", {"carol"}}}
                          .dump());
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json["members"][0], (Json{{"actor_id", "carol"}, {"via", "admin"}}));

  Json events = Json::array({
      // alice and bob, frontend developers on the platform team, state the same preference.
      Event("alice", "I prefer dark mode in my editor.", "role_frontend", "team_platform", R"({"source":"onboarding"})"),
      Event("bob", "I prefer dark mode in my editor.", "role_frontend", "team_platform", "not json {"),
      // alice alone on something the platform team's prompt asks for.
      Event("alice", "I prefer the staging environment for demos.", "", "team_platform"),
      // alice and gina share a role but not a team.
      Event("alice", "I write unit tests before the code.", "role_frontend", "team_platform"),
      Event("gina", "I write unit tests before the code.", "role_frontend", "team_data"),
      // Private life stays with the actor even when two say it.
      Event("alice", "I have a dog named Max.", "", "team_platform"),
      Event("bob", "I have a dog named Max.", "", "team_platform"),
      // The searchers: carol (platform team by the admin), harry (frontend role by his event).
      Event("carol", "I like hiking on weekends.", "", ""),
      Event("harry", "I like jazz in the evening.", "role_frontend", ""),
  });
  auto ingested = api.Post("/ingest", events);
  ASSERT_EQ(ingested.status, 200) << ingested.body;
  const std::string alice_event = ingested.json["event_ids"][0];
  const std::string bob_event = ingested.json["event_ids"][1];

  // Both preferences reach the team (consensus, prompt); the shared one also the role, hence the org.
  // (Extraction runs per actor: alice's statement alone already matches the prompt; wait for bob's.)
  Json team = WaitForJson(api, "/admin/teams/team_platform", [](const Json& j) {
    const Json* d = FindText(j["memories"], "text", "dark mode");
    return j["memories"].size() == 2 && FindText(j["memories"], "text", "staging") != nullptr && d != nullptr &&
           (*d)["actor_ids"].size() == 2;
  });
  const Json* dark = FindText(team["memories"], "text", "dark mode");
  ASSERT_NE(dark, nullptr) << team.dump(2);
  EXPECT_EQ((*dark)["reason"], "consensus");
  EXPECT_EQ((*dark)["actor_ids"], (Json{"alice", "bob"}));
  EXPECT_EQ((*dark)["metadata"]["source_metadata"],
            (Json::parse(R"([{"event_id":")" + alice_event + R"(","metadata":{"source":"onboarding"}},
                             {"event_id":")" + bob_event + R"(","raw":"not json {"}])")));
  EXPECT_EQ((*FindText(team["memories"], "text", "staging"))["reason"], "prompt");
  EXPECT_EQ(FindText(team["memories"], "text", "dog"), nullptr);
  Json role = WaitForJson(api, "/admin/roles/role_frontend", [](const Json& j) { return j["memories"].size() == 2; });
  EXPECT_NE(FindText(role["memories"], "text", "unit tests"), nullptr) << role.dump(2);
  Json org = WaitForJson(api, "/admin/org", [](const Json& j) { return j["memories"].size() == 1; });
  EXPECT_NE(org["memories"][0]["text"].get<std::string>().find("dark mode"), std::string::npos) << org.dump(2);
  EXPECT_EQ(org["memories"][0]["reason"], "groups");
  EXPECT_EQ(org["memories"][0]["groups"], (Json{"role:role_frontend", "team:team_platform"}));
  // Event members are listed beside admin ones.
  auto members = team["members"];
  EXPECT_EQ(members.size(), 3u) << members.dump();

  // carol (team member by the admin): the team's prompt memory, the org's shared one, her own record.
  Json r = Search(api, "carol", "Which environment should I use for demos?");
  const Json* staging = FindText(r, "excerpt", "staging");
  ASSERT_NE(staging, nullptr) << r.dump(2);
  EXPECT_EQ((*staging)["scope"], "team");
  EXPECT_EQ((*staging)["scope_id"], "team_platform");
  EXPECT_EQ((*staging)["source"], "memory");
  r = Search(api, "carol", "Does the team prefer dark mode in the editor?");
  const Json* shared = FindText(r, "excerpt", "dark mode");
  ASSERT_NE(shared, nullptr) << r.dump(2);
  EXPECT_EQ((*shared)["scope"], "org");  // the broadest scope holding the fact is shown, once
  int dark_results = 0;
  for (const auto& x : r) dark_results += x["excerpt"].get<std::string>().find("dark mode") != std::string::npos;
  EXPECT_EQ(dark_results, 1) << r.dump(2);
  EXPECT_EQ((*shared)["metadata"]["source_metadata"].size(), 2u);
  r = Search(api, "carol", "What do I do on weekends?");
  const Json* own = FindText(r, "excerpt", "hiking");
  ASSERT_NE(own, nullptr) << r.dump(2);
  EXPECT_EQ((*own)["scope"], "actor");
  // harry (frontend role by his event) sees the role's memory; he is in no team.
  r = Search(api, "harry", "Do we write unit tests before the code?");
  const Json* tests = FindText(r, "excerpt", "unit tests");
  ASSERT_NE(tests, nullptr) << r.dump(2);
  EXPECT_EQ((*tests)["scope"], "role");
  EXPECT_EQ((*tests)["scope_id"], "role_frontend");
  EXPECT_EQ(FindText(Search(api, "harry", "Which environment for demos?"), "excerpt", "staging"), nullptr);
  // alice's own statement is hers: no promoted copy of it in her results.
  r = Search(api, "alice", "dark mode editor");
  for (const auto& x : r) {
    if (x["excerpt"].get<std::string>().find("dark mode") != std::string::npos) EXPECT_EQ(x["scope"], "actor") << x;
  }

  // Deleting bob: the consensus is gone; the team keeps the fact through its prompt, the org loses it,
  // and bob's event metadata leaves every result.
  ASSERT_EQ(api.Delete("/users/bob").status, 200);
  // At once: what bob supported left the store with him, and carol's index with it.
  r = Search(api, "carol", "Does the team prefer dark mode in the editor?");
  EXPECT_EQ(r.dump().find(bob_event), std::string::npos) << r.dump(2);
  WaitForJson(api, "/admin/org", [](const Json& j) { return j["memories"].empty(); });
  team = WaitForJson(api, "/admin/teams/team_platform", [](const Json& j) {
    const Json* d = FindText(j["memories"], "text", "dark mode");
    return d != nullptr && (*d)["reason"] == "prompt";
  });
  // The recompute drops carol's index right after it commits; poll past that instant.
  for (int i = 0; i < 100; ++i) {
    r = Search(api, "carol", "Does the team prefer dark mode in the editor?");
    shared = FindText(r, "excerpt", "dark mode");
    if (shared != nullptr && (*shared)["scope"] == "team") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_NE(shared, nullptr) << r.dump(2);
  EXPECT_EQ((*shared)["scope"], "team");
  EXPECT_EQ((*shared)["metadata"]["source_metadata"].size(), 1u) << r.dump(2);
  EXPECT_EQ(r.dump().find(bob_event), std::string::npos) << r.dump(2);
}

TEST_F(OrgTest, RecordResultsCarryTheirOwnMetadata) {
  Api api = Admin();
  auto ingested = api.Post("/ingest", Json::array({Event("meta-ann", "Upgraded to the pro plan today.", "", "",
                                                         R"({"plan":"pro","source":"billing-webhook"})"),
                                                   Event("meta-ann", "Paid the invoice by card.", "", "", "{oops")}));
  ASSERT_EQ(ingested.status, 200) << ingested.body;
  Json r = Search(api, "meta-ann", "pro plan upgrade");
  const Json* pro = FindText(r, "excerpt", "pro plan");
  ASSERT_NE(pro, nullptr) << r.dump(2);
  EXPECT_EQ((*pro)["scope"], "actor");
  EXPECT_EQ((*pro)["metadata"]["source_metadata"],
            (Json::array({{{"event_id", ingested.json["event_ids"][0]},
                           {"metadata", {{"plan", "pro"}, {"source", "billing-webhook"}}}}})));
  r = Search(api, "meta-ann", "invoice paid by card");
  const Json* invoice = FindText(r, "excerpt", "invoice");
  ASSERT_NE(invoice, nullptr) << r.dump(2);
  EXPECT_EQ((*invoice)["metadata"]["source_metadata"],
            (Json::array({{{"event_id", ingested.json["event_ids"][1]}, {"raw", "{oops"}}})));
}

TEST_F(OrgTest, AnEventNamingATeamShowsItsMemoriesAtOnce) {
  Api api = Admin();
  ASSERT_EQ(api.Call("PUT", "/admin/teams/team_join",
                     Json{{"promotion_prompt", "Release testing and cluster preferences"}}.dump())
                .status,
            200);
  ASSERT_EQ(
      api.Post("/ingest",
               Json::array({Event("join-amy", "I prefer the canary cluster for release testing.", "", "team_join")}))
          .status,
      200);
  WaitForJson(api, "/admin/teams/team_join", [](const Json& j) { return j["memories"].size() == 1; });

  // dan's index is built before he belongs to the team, and kept resident.
  ASSERT_EQ(api.Post("/ingest", Json::array({Event("join-dan", "I like green tea in the morning.", "", "")})).status,
            200);
  const std::string question = "Which cluster should I use for release testing?";
  EXPECT_EQ(FindText(Search(api, "join-dan", question), "excerpt", "canary"), nullptr);
  // His next event names the team: his next search covers the team's memories.
  ASSERT_EQ(api.Post("/ingest", Json::array({Event("join-dan", "I walk to the office.", "", "team_join")})).status,
            200);
  Json r = Search(api, "join-dan", question);
  const Json* canary = FindText(r, "excerpt", "canary");
  ASSERT_NE(canary, nullptr) << r.dump(2);
  EXPECT_EQ((*canary)["scope"], "team");
  EXPECT_EQ((*canary)["scope_id"], "team_join");
}

TEST_F(OrgTest, AdminApiValidatesAndManagesMembers) {
  Api api = Admin();
  ExpectError(api.Get("/admin/teams/adm-none"), 404, "NOT_FOUND");
  ExpectError(api.Call("PUT", "/admin/teams/adm-t", Json{{"promotion_prompt", std::string(4097, 'x')}}.dump()), 400,
              "INVALID_REQUEST", "promotion_prompt");
  ExpectError(api.Call("PUT", "/admin/teams/adm-t", Json{{"members", {"ok", "  "}}}.dump()), 400, "INVALID_REQUEST",
              "actor id");
  ExpectError(api.Call("PUT", "/admin/teams/adm-t", Json{{"members", "alice"}}.dump()), 400, "INVALID_REQUEST");
  ExpectError(api.Call("PUT", "/admin/org", Json{{"members", {"x"}}}.dump()), 400, "INVALID_REQUEST", "no member list");
  EXPECT_EQ(api.Get("/admin/teams/adm-t").status, 404) << "a rejected PUT defines nothing";

  auto put = api.Call("PUT", "/admin/roles/adm-r", Json{{"name", "Reviewers"}, {"members", {"x1", "x2"}}}.dump());
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json["kind"], "role");
  EXPECT_EQ(put.json["defined"], true);
  EXPECT_EQ(put.json["members"].size(), 2u);
  // A PUT without members keeps them; with members, the admin members become exactly those.
  put = api.Call("PUT", "/admin/roles/adm-r", Json{{"promotion_prompt", "code review habits"}}.dump());
  EXPECT_EQ(put.json["name"], "Reviewers");
  EXPECT_EQ(put.json["members"].size(), 2u);
  put = api.Call("PUT", "/admin/roles/adm-r", Json{{"members", {"x2", "x3"}}}.dump());
  EXPECT_EQ(put.json["members"], (Json{{{"actor_id", "x2"}, {"via", "admin"}}, {{"actor_id", "x3"}, {"via", "admin"}}}));
  EXPECT_EQ(put.json["promotion_prompt"], "code review habits");

  auto added = api.Post("/admin/roles/adm-r/members", {{"actor_ids", {"x4"}}});
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(added.json["members"].size(), 3u);
  ExpectError(api.Post("/admin/roles/adm-r/members", {{"actor_ids", Json::array()}}), 400, "INVALID_REQUEST");
  EXPECT_EQ(api.Delete("/admin/roles/adm-r/members/x4").status, 200);
  ExpectError(api.Delete("/admin/roles/adm-r/members/x4"), 404, "NOT_FOUND");

  auto listed = api.Get("/admin/roles");
  ASSERT_EQ(listed.status, 200);
  EXPECT_NE(FindText(listed.json["roles"], "id", "adm-r"), nullptr) << listed.body;
  EXPECT_EQ(api.Delete("/admin/roles/adm-r").status, 200);
  ExpectError(api.Delete("/admin/roles/adm-r"), 404, "NOT_FOUND");

  auto org = api.Call("PUT", "/admin/org", Json{{"name", "Acme"}, {"promotion_prompt", "security policy"}}.dump());
  ASSERT_EQ(org.status, 200) << org.body;
  EXPECT_EQ(org.json["kind"], "org");
  EXPECT_FALSE(org.json.contains("members"));
  EXPECT_EQ(api.Get("/admin/org").json["promotion_prompt"], "security policy");

  // Admin scope only.
  Api writer = WithKey(CreateKey("default", "write"));
  EXPECT_EQ(writer.Get("/admin/teams").status, 403);
}

}  // namespace
}  // namespace engram::testing
