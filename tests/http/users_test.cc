// /register, /users/{user_id}, /users/delete, DELETE /users/{user_id} against a real engramd.
#include "tests/http/fixture.h"

namespace engram::testing {
namespace {

class UsersTest : public ServerTest {};

TEST_F(UsersTest, RegisterCreatesAndReturnsSeedShape) {
  Api api = Admin();
  auto r = api.Post("/register", {{"email", "me@pioneer.ai"},
                                   {"purpose", "AI SDR agent"},
                                   {"traits", {{"name", "Ash Lewis"}, {"timezone", "America/Los_Angeles"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["user_id"].get<std::string>().rfind("usr_", 0), 0u) << r.body;
  EXPECT_EQ(r.json["status"], "active");
  EXPECT_TRUE(r.json["created_at"].is_string());
  EXPECT_EQ(r.json["created"], true);

  // Registering the same email again merges traits and keeps the id.
  auto again = api.Post("/register", {{"email", "me@pioneer.ai"}, {"traits", {{"locale", "en-US"}, {"name", "Ash L."}}}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json["user_id"], r.json["user_id"]);
  EXPECT_EQ(again.json["created"], false);

  auto user = api.Get("/users/" + r.json["user_id"].get<std::string>());
  ASSERT_EQ(user.status, 200) << user.body;
  EXPECT_EQ(user.json["traits"]["name"], "Ash L.");
  EXPECT_EQ(user.json["traits"]["locale"], "en-US");
  EXPECT_EQ(user.json["traits"]["timezone"], "America/Los_Angeles");
  EXPECT_EQ(user.json["purpose"], "AI SDR agent");
  EXPECT_EQ(user.json["email"], "me@pioneer.ai");
  EXPECT_EQ(user.json["counts"]["records"], 0);
}

TEST_F(UsersTest, RegisterWithClientIdNeedsNoEmail) {
  Api api = Admin();
  auto r = api.Post("/register", {{"user_id", "client-user-1"}, {"traits", {{"name", "Pat"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["user_id"], "client-user-1");
  auto user = api.Get("/users/client-user-1");
  ASSERT_EQ(user.status, 200);
  EXPECT_TRUE(user.json["email"].is_null());
}

TEST_F(UsersTest, RegisterValidation) {
  Api api = Admin();
  ExpectError(api.Post("/register", Json::object()), 400, "INVALID_REQUEST", "Missing field: email");
  ExpectError(api.Post("/register", {{"email", "not-an-email"}}), 400, "INVALID_REQUEST", "email");
  ExpectError(api.Post("/register", {{"email", 42}}), 400, "INVALID_REQUEST", "email");
  ExpectError(api.Post("/register", {{"email", "a@b.co"}, {"traits", "nope"}}), 400, "INVALID_REQUEST", "traits");
  ExpectError(api.Post("/register", {{"user_id", "   "}}), 400, "INVALID_REQUEST", "user_id");
  ExpectError(api.PostRaw("/register", "{\"email\": "), 400, "INVALID_REQUEST", "Malformed JSON");
  ExpectError(api.PostRaw("/register", "[1,2]"), 400, "INVALID_REQUEST", "JSON object");
  ExpectError(api.PostRaw("/register", ""), 400, "INVALID_REQUEST");
}

TEST_F(UsersTest, UnknownUserIs404) {
  Api api = Admin();
  ExpectError(api.Get("/users/nobody-here"), 404, "USER_NOT_FOUND");
  ExpectError(api.Delete("/users/nobody-here"), 404, "USER_NOT_FOUND");
  ExpectError(api.Post("/users/delete", {{"user_id", "nobody-here"}}), 404, "USER_NOT_FOUND");
  ExpectError(api.Post("/users/delete", Json::object()), 400, "INVALID_REQUEST", "Missing field: user_id");
}

TEST_F(UsersTest, DeleteRemovesEverythingBothForms) {
  Api api = Admin();
  for (const std::string how : {"post", "delete"}) {
    const std::string uid = "to-delete-" + how;
    Register(api, uid);
    auto ing = api.Post("/ingest", {{"user_id", uid},
                                    {"events", {{{"event_id", "e1"}, {"content", "Secret plans for Friday"}}}},
                                    {"documents", {{{"doc_id", "d1"}, {"content", "A document"}}}}});
    ASSERT_EQ(ing.status, 200) << ing.body;
    auto del = how == "post" ? api.Post("/users/delete", {{"user_id", uid}}) : api.Delete("/users/" + uid);
    ASSERT_EQ(del.status, 200) << del.body;
    EXPECT_EQ(del.json["deleted"], true);
    ExpectError(api.Get("/users/" + uid), 404, "USER_NOT_FOUND");
    ExpectError(api.Post("/ingest", {{"user_id", uid}, {"events", {{{"content", "x"}}}}}), 404, "USER_NOT_FOUND");
    // Re-registering the same id starts from nothing.
    Register(api, uid);
    auto user = api.Get("/users/" + uid);
    ASSERT_EQ(user.status, 200);
    EXPECT_EQ(user.json["counts"]["records"], 0) << user.body;
    EXPECT_EQ(user.json["counts"]["chunks"], 0) << user.body;
    // And the old event id is free again (not a duplicate).
    auto again = api.Post("/ingest", {{"user_id", uid}, {"events", {{{"event_id", "e1"}, {"content", "New"}}}}});
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json["saved"]["events"], 1) << again.body;
  }
}

}  // namespace
}  // namespace engram::testing
