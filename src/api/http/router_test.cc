#include "api/http/router.h"

#include <gtest/gtest.h>

namespace engram::api {
namespace {

// Each handler answers with its own label, so a test can tell which one a Match points to.
RouteHandler Tagged(std::string tag, std::string* out) {
  return [tag, out](HttpRequest&&, std::shared_ptr<ResponseWriter>) { *out = tag; };
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/health", Tagged("health", &hit_), "/health");
    router_.Add("GET", "/users/{user_id}", Tagged("get_user", &hit_), "/users/{user_id}");
    router_.Add("DELETE", "/users/{user_id}", Tagged("delete_user", &hit_), "/users/{user_id}");
    router_.Add("GET", "/users/me", Tagged("me", &hit_), "/users/me");
    router_.Add("GET", "/users/{user_id}/memories/{memory_id}", Tagged("memory", &hit_),
                "/users/{user_id}/memories/{memory_id}");
    router_.Add("POST", "/ingest", Tagged("ingest", &hit_), "/ingest");
    router_.Add("GET", "/", Tagged("root", &hit_), "/");
  }

  std::string Call(const Router::Match& m) {
    hit_.clear();
    (*m.handler)(HttpRequest{}, nullptr);
    return hit_;
  }

  Router router_;
  std::string hit_;
};

TEST_F(RouterTest, Table) {
  struct Case {
    std::string method, path;
    std::string want_handler;  // "" = no match, "405" = method not allowed
    std::map<std::string, std::string> want_params;
  };
  const Case cases[] = {
      {"GET", "/health", "health", {}},
      {"GET", "/health/", "health", {}},
      {"GET", "/", "root", {}},
      {"GET", "/users/u1", "get_user", {{"user_id", "u1"}}},
      {"GET", "/users/a b", "get_user", {{"user_id", "a b"}}},
      {"DELETE", "/users/u1", "delete_user", {{"user_id", "u1"}}},
      {"GET", "/users/me", "me", {}},
      {"DELETE", "/users/me", "delete_user", {{"user_id", "me"}}},  // literals win per method only
      {"GET", "/users/u1/memories/m9", "memory", {{"user_id", "u1"}, {"memory_id", "m9"}}},
      {"POST", "/ingest", "ingest", {}},
      {"GET", "/ingest", "405", {}},
      {"PUT", "/users/u1", "405", {}},
      {"GET", "/users", "", {}},
      {"GET", "/users/", "", {}},
      {"GET", "/users//memories/m", "", {}},
      {"GET", "/users/u1/memories", "", {}},
      {"GET", "/nope", "", {}},
      {"GET", "", "", {}},
      {"get", "/health", "405", {}},  // methods are case-sensitive (RFC 9110)
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.method + " " + c.path);
    auto m = router_.Find(c.method, c.path);
    if (c.want_handler.empty()) {
      EXPECT_FALSE(m.has_value());
      continue;
    }
    ASSERT_TRUE(m.has_value());
    if (c.want_handler == "405") {
      EXPECT_TRUE(m->method_not_allowed);
      EXPECT_EQ(m->handler, nullptr);
      continue;
    }
    EXPECT_FALSE(m->method_not_allowed);
    EXPECT_EQ(Call(*m), c.want_handler);
    EXPECT_EQ(m->params, c.want_params);
  }
}

TEST_F(RouterTest, NamesAndAllowedMethods) {
  auto m = router_.Find("GET", "/users/u7/memories/m1");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->name, "/users/{user_id}/memories/{memory_id}");

  auto not_allowed = router_.Find("PATCH", "/users/u1");
  ASSERT_TRUE(not_allowed.has_value());
  EXPECT_TRUE(not_allowed->method_not_allowed);
  EXPECT_EQ(not_allowed->allowed_methods, (std::vector<std::string>{"DELETE", "GET"}));
  EXPECT_EQ(not_allowed->name, "/users/{user_id}");
}

TEST_F(RouterTest, ReAddReplacesAndHandlersStayValid) {
  auto before = router_.Find("POST", "/ingest");
  ASSERT_TRUE(before.has_value());
  for (int i = 0; i < 100; ++i) {
    router_.Add("GET", "/extra/" + std::to_string(i), Tagged("x", &hit_), "/extra");
  }
  EXPECT_EQ(Call(*before), "ingest");  // address still valid after many Adds
  router_.Add("POST", "/ingest", Tagged("ingest2", &hit_), "/ingest");
  auto after = router_.Find("POST", "/ingest");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(Call(*after), "ingest2");
}

TEST(RouterOrderTest, SpecificityDoesNotDependOnOrder) {
  std::string hit;
  Router a;
  a.Add("GET", "/a/{x}/c", Tagged("param_first", &hit), "1");
  a.Add("GET", "/a/b/{y}", Tagged("literal_first", &hit), "2");
  Router b;
  b.Add("GET", "/a/b/{y}", Tagged("literal_first", &hit), "2");
  b.Add("GET", "/a/{x}/c", Tagged("param_first", &hit), "1");
  for (Router* r : {&a, &b}) {
    auto m = r->Find("GET", "/a/b/c");
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->name, "2");
  }
}

}  // namespace
}  // namespace engram::api
