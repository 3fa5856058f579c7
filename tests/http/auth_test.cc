// Authentication, scopes, workspaces, rate limits, admin keys, system endpoints, transport limits.
#include <thread>

#include "tests/http/fixture.h"

namespace engram::testing {
namespace {

class AuthTest : public ServerTest {
 protected:
  static std::vector<std::string> Args() {
    return {"--api-keys", kAdminKey, "--rate-limit-live", "0", "--rate-limit-test", "5", "--max-body-bytes", "65536"};
  }
  static void SetUpTestSuite() {
    server_ = new EngramdProcess(Args());
    Status st = server_->Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
};

TEST_F(AuthTest, MissingOrUnknownKeyIs401) {
  Api anonymous(server_->port(), "");
  for (const char* target : {"/users/x", "/ingest", "/register", "/users/delete", "/admin/keys"}) {
    const bool get = std::string(target) == "/users/x" || std::string(target) == "/admin/keys";
    auto r = get ? anonymous.Get(target) : anonymous.Post(target, Json::object());
    ExpectError(r, 401, "UNAUTHORIZED");
  }
  ExpectError(WithKey("sk_live_not_a_real_key").Get("/users/x"), 401, "UNAUTHORIZED");
}

TEST_F(AuthTest, AcceptsTheThreeHeaderForms) {
  Api raw(server_->port(), "");
  Register(*std::make_unique<Api>(Admin()), "auth-forms");
  const std::vector<std::pair<std::string, std::string>> forms = {
      {"x-api-key", kAdminKey},
      {"Authorization", std::string("Bearer ") + kAdminKey},
      {"Authorization", std::string("x-api-key: ") + kAdminKey},
  };
  for (const auto& h : forms) {
    auto r = raw.Call("GET", "/users/auth-forms", "", {h});
    EXPECT_EQ(r.status, 200) << h.first << ": " << h.second << " -> " << r.body;
  }
  auto bad = raw.Call("GET", "/users/auth-forms", "", {{"Authorization", "Basic abc"}});
  ExpectError(bad, 401, "UNAUTHORIZED");
}

TEST_F(AuthTest, ScopesAreEnforced) {
  Api admin = Admin();
  Register(admin, "scoped-user");
  Api reader = WithKey(CreateKey("default", "read"));
  Api writer = WithKey(CreateKey("default", "write"));
  EXPECT_EQ(reader.Get("/users/scoped-user").status, 200);
  ExpectError(reader.Post("/ingest", {{"user_id", "scoped-user"}, {"events", {{{"content", "x"}}}}}), 403, "FORBIDDEN");
  ExpectError(reader.Post("/register", {{"user_id", "r2"}}), 403, "FORBIDDEN");
  ExpectError(reader.Delete("/users/scoped-user"), 403, "FORBIDDEN");
  EXPECT_EQ(writer.Post("/ingest", {{"user_id", "scoped-user"}, {"events", {{{"content", "x"}}}}}).status, 200);
  ExpectError(writer.Get("/admin/keys"), 403, "FORBIDDEN");
  ExpectError(writer.Post("/admin/keys", {{"scope", "admin"}}), 403, "FORBIDDEN");
}

TEST_F(AuthTest, WorkspacesNeverSeeEachOther) {
  Api a = WithKey(CreateKey("ws-a", "admin"));
  Api b = WithKey(CreateKey("ws-b", "admin"));
  ASSERT_EQ(a.Post("/register", {{"user_id", "shared-name"}, {"traits", {{"name", "A"}}}}).status, 200);
  ExpectError(b.Get("/users/shared-name"), 404, "USER_NOT_FOUND");
  ExpectError(b.Post("/ingest", {{"user_id", "shared-name"}, {"events", {{{"content", "x"}}}}}), 404, "USER_NOT_FOUND");
  ExpectError(b.Delete("/users/shared-name"), 404, "USER_NOT_FOUND");
  // The same id registered in b is b's own user.
  ASSERT_EQ(b.Post("/register", {{"user_id", "shared-name"}, {"traits", {{"name", "B"}}}}).status, 200);
  EXPECT_EQ(a.Get("/users/shared-name").json["traits"]["name"], "A");
  EXPECT_EQ(b.Get("/users/shared-name").json["traits"]["name"], "B");
  // A workspace admin manages only its own keys.
  ExpectError(a.Post("/admin/keys", {{"workspace", "ws-b"}, {"scope", "read"}}), 403, "FORBIDDEN");
  auto listed = a.Get("/admin/keys");
  ASSERT_EQ(listed.status, 200);
  for (const auto& k : listed.json["keys"]) EXPECT_EQ(k["workspace"], "ws-a");
}

TEST_F(AuthTest, TestKeysAreRateLimitedWithRetryAfter) {
  Api limited = WithKey(CreateKey("default", "read", /*test=*/true));
  int ok = 0;
  Reply last;
  for (int i = 0; i < 8; ++i) {
    last = limited.Get("/users/nobody");
    if (last.status == 404) ++ok;
    if (last.status == 429) break;
  }
  EXPECT_EQ(ok, 5);
  ExpectError(last, 429, "RATE_LIMITED");
  ASSERT_TRUE(last.headers.count("retry-after")) << last.body;
  EXPECT_GE(std::stoi(last.headers["retry-after"]), 1);
  // Another key is not affected.
  EXPECT_EQ(Admin().Get("/users/nobody").status, 404);
}

TEST_F(AuthTest, AdminKeyLifecycle) {
  Api admin = Admin();
  auto created = admin.Post("/admin/keys", {{"workspace", "ws-keys"}, {"scope", "write"}, {"name", "ci"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string secret = created.json["key"];
  const std::string id = created.json["id"];
  EXPECT_EQ(secret.rfind("sk_live_", 0), 0u);
  EXPECT_EQ(created.json["scope"], "write");
  // The listing never shows secrets.
  auto listed = admin.Get("/admin/keys?workspace=ws-keys");
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.json["keys"].size(), 1u) << listed.body;
  EXPECT_EQ(listed.json["keys"][0]["id"], id);
  EXPECT_EQ(listed.body.find(secret), std::string::npos);
  Api user = WithKey(secret);
  EXPECT_EQ(user.Post("/register", {{"user_id", "u1"}}).status, 200);
  ASSERT_EQ(admin.Delete("/admin/keys/" + id).status, 200);
  ExpectError(user.Post("/register", {{"user_id", "u1"}}), 401, "UNAUTHORIZED");
  ExpectError(admin.Delete("/admin/keys/" + id), 404, "NOT_FOUND");
  ExpectError(admin.Post("/admin/keys", {{"scope", "superuser"}}), 400, "INVALID_REQUEST", "scope");
}

TEST_F(AuthTest, SystemEndpoints) {
  Api anonymous(server_->port(), "");
  auto health = anonymous.Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json["status"], "ok");
  auto ready = anonymous.Get("/readyz");
  EXPECT_EQ(ready.status, 200);
  Register(*std::make_unique<Api>(Admin()), "metrics-user");
  Admin().Post("/ingest", {{"user_id", "metrics-user"}, {"events", {{{"content", "counted"}}}}});
  auto metrics = anonymous.Get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.headers["content-type"].find("text/plain"), std::string::npos);
  EXPECT_NE(metrics.body.find("engram_http_requests_total{route=\"/ingest\",method=\"POST\",status=\"200\"}"),
            std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("engram_http_request_duration_seconds_bucket{route=\"/ingest\""), std::string::npos);
  EXPECT_NE(metrics.body.find("engram_records_ingested_total{kind=\"event\",outcome=\"inserted\"}"), std::string::npos);
  EXPECT_NE(metrics.body.find("engram_store_write_seconds"), std::string::npos);
  ExpectError(anonymous.Get("/no/such/route"), 404, "NOT_FOUND");
  ExpectError(anonymous.Call("PUT", "/healthz"), 405, "METHOD_NOT_ALLOWED");
}

TEST_F(AuthTest, OversizedBodyIs413AndServerStaysUp) {
  Api admin = Admin();
  const std::string huge(70000, 'x');
  auto r = admin.PostRaw("/ingest", "{\"user_id\":\"u\",\"events\":[{\"content\":\"" + huge + "\"}]}");
  ExpectError(r, 413, "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(Admin().Get("/healthz").status, 200);
}

TEST_F(AuthTest, ManyConcurrentKeepAliveConnections) {
  Register(*std::make_unique<Api>(Admin()), "concurrent-user");
  constexpr int kClients = 200;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      Api api(server_->port(), kAdminKey);
      bool all = true;
      for (int j = 0; j < 3; ++j) {
        auto r = api.Post("/ingest", {{"user_id", "concurrent-user"},
                                      {"events", {{{"event_id", "c" + std::to_string(i) + "-" + std::to_string(j)},
                                                   {"content", "concurrent event " + std::to_string(i) + "/" + std::to_string(j)}}}}});
        if (r.status != 200) ADD_FAILURE() << "client " << i << ": " << r.status << " " << r.body;
        all = all && r.status == 200;
      }
      if (all) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kClients);
  EXPECT_EQ(Admin().Get("/users/concurrent-user").json["counts"]["events"], kClients * 3);
}

}  // namespace
}  // namespace engram::testing
