// Conformance: API keys and users (register/merge, lookup, isolation between workspaces).
#include <nlohmann/json.hpp>

#include "tests/conformance/store_conformance.h"

namespace engram::conformance {
namespace {

domain::ApiKey MakeKey(const std::string& id, const std::string& workspace, const std::string& secret,
                       domain::KeyScope scope = domain::KeyScope::kWrite, TimeMs created = 1000) {
  domain::ApiKey k;
  k.id = id;
  k.workspace = workspace;
  k.scope = scope;
  k.hash = Sha256Hex(secret);
  k.prefix = secret.substr(0, 6);
  k.name = "key " + id;
  k.created_at = created;
  return k;
}

template <typename B>
class KeysTest : public StoreConformanceTest<B> {};
TYPED_TEST_SUITE(KeysTest, StoreBackends, BackendName);

TYPED_TEST(KeysTest, CreateFindRoundTrip) {
  auto& s = this->store();
  const auto key = MakeKey("key_1", "ws_a", "sk_secret_1", domain::KeyScope::kAdmin, 1234);
  ASSERT_TRUE(s.CreateApiKey(key).ok());

  auto found = s.FindApiKeyByHash(Sha256Hex("sk_secret_1"));
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  const domain::ApiKey& k = **found;
  EXPECT_EQ(k.id, "key_1");
  EXPECT_EQ(k.workspace, "ws_a");
  EXPECT_EQ(k.scope, domain::KeyScope::kAdmin);
  EXPECT_EQ(k.hash, key.hash);
  EXPECT_EQ(k.prefix, "sk_sec");
  EXPECT_EQ(k.name, "key key_1");
  EXPECT_EQ(k.created_at, 1234);
  EXPECT_FALSE(k.revoked_at.has_value());

  auto missing = s.FindApiKeyByHash(Sha256Hex("other"));
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TYPED_TEST(KeysTest, DuplicateHashOrIdIsRejected) {
  auto& s = this->store();
  ASSERT_TRUE(s.CreateApiKey(MakeKey("key_1", "ws_a", "secret")).ok());
  EXPECT_EQ(s.CreateApiKey(MakeKey("key_2", "ws_a", "secret")).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(s.CreateApiKey(MakeKey("key_1", "ws_b", "other")).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(*s.CountActiveApiKeys(), 1);
}

TYPED_TEST(KeysTest, ListIsPerWorkspaceOrAllAndIncludesRevoked) {
  auto& s = this->store();
  ASSERT_TRUE(s.CreateApiKey(MakeKey("key_a1", "ws_a", "s1", domain::KeyScope::kRead, 1)).ok());
  ASSERT_TRUE(s.CreateApiKey(MakeKey("key_b1", "ws_b", "s2", domain::KeyScope::kRead, 2)).ok());
  ASSERT_TRUE(s.CreateApiKey(MakeKey("key_a2", "ws_a", "s3", domain::KeyScope::kRead, 3)).ok());
  ASSERT_TRUE(s.RevokeApiKey("ws_a", "key_a1").ok());

  auto a = s.ListApiKeys("ws_a");
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].id, "key_a1");
  EXPECT_TRUE((*a)[0].revoked_at.has_value());
  EXPECT_EQ((*a)[1].id, "key_a2");
  EXPECT_FALSE((*a)[1].revoked_at.has_value());

  auto all = s.ListApiKeys("");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
  auto none = s.ListApiKeys("ws_none");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TYPED_TEST(KeysTest, RevokeIsScopedToTheWorkspace) {
  auto& s = this->store();
  ASSERT_TRUE(s.CreateApiKey(MakeKey("key_a", "ws_a", "sa")).ok());
  ASSERT_TRUE(s.CreateApiKey(MakeKey("key_b", "ws_b", "sb")).ok());
  EXPECT_EQ(*s.CountActiveApiKeys(), 2);

  EXPECT_EQ(s.RevokeApiKey("ws_b", "key_a").code(), StatusCode::kNotFound);  // not b's key
  EXPECT_EQ(s.RevokeApiKey("ws_a", "key_nope").code(), StatusCode::kNotFound);
  ASSERT_TRUE(s.RevokeApiKey("ws_a", "key_a").ok());
  EXPECT_EQ(s.RevokeApiKey("ws_a", "key_a").code(), StatusCode::kNotFound);  // already revoked
  ASSERT_TRUE(s.RevokeApiKey("", "key_b").ok());                             // admin: any workspace
  EXPECT_EQ(*s.CountActiveApiKeys(), 0);

  auto found = s.FindApiKeyByHash(Sha256Hex("sa"));
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value()) << "a revoked key must not authenticate";
}

template <typename B>
class UsersTest : public StoreConformanceTest<B> {};
TYPED_TEST_SUITE(UsersTest, StoreBackends, BackendName);

TYPED_TEST(UsersTest, RegisterCreatesWithGivenId) {
  auto& s = this->store();
  domain::RegisterSpec spec{.workspace = "ws",
                            .id = "user_123",
                            .email = "a@example.com",
                            .purpose = "restaurants",
                            .traits_json = R"({"name":"Ash","timezone":"America/Los_Angeles"})"};
  auto r = s.RegisterUser(spec);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->created);
  const domain::User& u = r->user;
  EXPECT_GT(u.uid, 0);
  EXPECT_EQ(u.workspace, "ws");
  EXPECT_EQ(u.id, "user_123");
  EXPECT_EQ(u.email, "a@example.com");
  EXPECT_EQ(u.purpose, "restaurants");
  EXPECT_EQ(nlohmann::json::parse(u.traits_json),
            nlohmann::json::parse(R"({"name":"Ash","timezone":"America/Los_Angeles"})"));
  EXPECT_EQ(u.status, "active");
  EXPECT_EQ(u.created_at, this->kStart);
  EXPECT_EQ(u.updated_at, this->kStart);

  auto got = s.GetUser("ws", "user_123");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->uid, u.uid);
  EXPECT_EQ((*got)->version, u.version);
  EXPECT_EQ((*got)->traits_json, u.traits_json);
}

TYPED_TEST(UsersTest, RegisterByEmailGeneratesIdAndMergesByEmail) {
  auto& s = this->store();
  auto first = s.RegisterUser({.workspace = "ws", .email = "me@pioneer.ai",
                               .traits_json = R"({"name":"Ash"})"});
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->created);
  EXPECT_TRUE(first->user.id.starts_with("usr_")) << first->user.id;

  this->clock_.Advance(1000);
  auto second = s.RegisterUser({.workspace = "ws", .email = "me@pioneer.ai",
                                .traits_json = R"({"locale":"en-US"})"});
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->user.uid, first->user.uid);
  EXPECT_EQ(second->user.id, first->user.id);
  EXPECT_EQ(nlohmann::json::parse(second->user.traits_json),
            nlohmann::json::parse(R"({"name":"Ash","locale":"en-US"})"));
  EXPECT_EQ(second->user.created_at, this->kStart);
  EXPECT_EQ(second->user.updated_at, this->kStart + 1000);

  // Neither matching id nor email: a new user.
  auto other = s.RegisterUser({.workspace = "ws", .email = "other@pioneer.ai"});
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->created);
  EXPECT_NE(other->user.uid, first->user.uid);
  EXPECT_NE(other->user.id, first->user.id);
}

TYPED_TEST(UsersTest, MergeByIdMergesTraitsShallowlyAndReplacesFields) {
  auto& s = this->store();
  auto first = s.RegisterUser({.workspace = "ws", .id = "u1", .purpose = "p1",
                               .traits_json = R"({"name":"Ash","prefs":{"food":"sushi"},"tz":"UTC"})"});
  ASSERT_TRUE(first.ok());
  const int64_t v1 = first->user.version;

  this->clock_.Advance(5);
  auto merged = s.RegisterUser({.workspace = "ws", .id = "u1", .email = "new@x.io", .purpose = "p2",
                                .traits_json = R"({"prefs":{"drink":"tea"},"tz":"PST"})"});
  ASSERT_TRUE(merged.ok());
  EXPECT_FALSE(merged->created);
  EXPECT_EQ(merged->user.uid, first->user.uid);
  EXPECT_EQ(merged->user.email, "new@x.io");
  EXPECT_EQ(merged->user.purpose, "p2");
  // Shallow: the nested object is replaced, not merged; untouched keys stay; new values win.
  EXPECT_EQ(nlohmann::json::parse(merged->user.traits_json),
            nlohmann::json::parse(R"({"name":"Ash","prefs":{"drink":"tea"},"tz":"PST"})"));
  EXPECT_GT(merged->user.version, v1);

  // Absent purpose and email keep the stored ones; nothing new means no version bump.
  auto same = s.RegisterUser({.workspace = "ws", .id = "u1", .traits_json = R"({"tz":"PST"})"});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->user.purpose, "p2");
  EXPECT_EQ(same->user.email, "new@x.io");
  EXPECT_EQ(same->user.version, merged->user.version);

  // Once the email is stored, registering by email alone finds the same user.
  auto by_email = s.RegisterUser({.workspace = "ws", .email = "new@x.io"});
  ASSERT_TRUE(by_email.ok());
  EXPECT_FALSE(by_email->created);
  EXPECT_EQ(by_email->user.id, "u1");

  auto got = s.GetUser("ws", "u1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->traits_json, merged->user.traits_json);
  EXPECT_EQ((*got)->version, merged->user.version);
}

// store.h: a client-given id is the user's identity; the email only identifies users registered
// without an id. An unknown id with a known email is therefore a new user.
TYPED_TEST(UsersTest, ClientIdWinsOverEmailMatch) {
  auto& s = this->store();
  auto first = s.RegisterUser({.workspace = "ws", .id = "u1", .email = "e@x.io"});
  ASSERT_TRUE(first.ok());
  auto second = s.RegisterUser({.workspace = "ws", .id = "u2", .email = "e@x.io",
                                .traits_json = R"({"k":1})"});
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->created);
  EXPECT_NE(second->user.uid, first->user.uid);
  EXPECT_EQ(second->user.id, "u2");
  auto u1 = s.GetUser("ws", "u1");
  ASSERT_TRUE(u1.ok());
  ASSERT_TRUE(u1->has_value());
  EXPECT_EQ((*u1)->traits_json, "{}");
}

TYPED_TEST(UsersTest, RejectsMissingIdentityAndBadTraits) {
  auto& s = this->store();
  EXPECT_EQ(s.RegisterUser({.workspace = "ws"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.RegisterUser({.workspace = "ws", .id = "u", .traits_json = "[1,2]"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(s.RegisterUser({.workspace = "ws", .id = "u", .traits_json = "{nope"}).status().code(),
            StatusCode::kInvalidArgument);
  auto stats = s.Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->users, 0);
}

TYPED_TEST(UsersTest, WorkspacesAreIsolated) {
  auto& s = this->store();
  auto a = s.RegisterUser({.workspace = "ws_a", .id = "same", .email = "e@x.io",
                           .traits_json = R"({"who":"a"})"});
  auto b = s.RegisterUser({.workspace = "ws_b", .id = "same", .traits_json = R"({"who":"b"})"});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(a->created);
  EXPECT_TRUE(b->created) << "the same user_id in another workspace is another user";
  EXPECT_NE(a->user.uid, b->user.uid);

  // Email matching never crosses workspaces either.
  auto c = s.RegisterUser({.workspace = "ws_c", .email = "e@x.io"});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->created);

  auto got_b = s.GetUser("ws_b", "same");
  ASSERT_TRUE(got_b.ok() && got_b->has_value());
  EXPECT_EQ((*got_b)->uid, b->user.uid);
  EXPECT_EQ(nlohmann::json::parse((*got_b)->traits_json)["who"], "b");
  auto none = s.GetUser("ws_none", "same");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  // Deleting in one workspace leaves the namesake in the other.
  auto del = s.DeleteUser("ws_a", "same");
  ASSERT_TRUE(del.ok());
  EXPECT_TRUE(*del);
  auto still_b = s.GetUser("ws_b", "same");
  ASSERT_TRUE(still_b.ok());
  EXPECT_TRUE(still_b->has_value());
}

TYPED_TEST(UsersTest, DeleteUnknownUserReturnsFalse) {
  auto& s = this->store();
  auto del = s.DeleteUser("ws", "ghost");
  ASSERT_TRUE(del.ok());
  EXPECT_FALSE(*del);
}

TYPED_TEST(UsersTest, UidsAreNeverReused) {
  auto& s = this->store();
  const domain::User first = this->Register("ws", "u1");
  ASSERT_TRUE(*s.DeleteUser("ws", "u1"));
  const domain::User again = this->Register("ws", "u1");
  EXPECT_NE(again.uid, first.uid) << "a cache keyed by uid must never see a stranger's data";
  EXPECT_GT(again.uid, first.uid);
}

}  // namespace
}  // namespace engram::conformance
