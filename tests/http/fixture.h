// Shared fixture of the black-box HTTP tests: one real engramd per test suite, an admin key of the
// default workspace, and small helpers to call it with JSON.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/http/engramd_process.h"
#include "tests/support/http_client.h"

namespace engram::testing {

using Json = nlohmann::json;

inline constexpr const char* kAdminKey = "sk_live_admin_for_tests_0123456789";

struct Reply {
  int status = 0;
  Json json;
  std::string body;
  std::map<std::string, std::string> headers;
};

class Api {
 public:
  Api(uint16_t port, std::string key) : client_("127.0.0.1", port), key_(std::move(key)) {}
  Reply Call(const std::string& method, const std::string& target, const std::string& body = "",
             std::vector<std::pair<std::string, std::string>> headers = {}) {
    if (!key_.empty()) headers.emplace_back("x-api-key", key_);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    auto r = client_.Request(method, target, body, headers);
    Reply out;
    if (!r.ok()) {
      ADD_FAILURE() << "request failed: " << r.status().ToString();
      return out;
    }
    out.status = r->status;
    out.body = r->body;
    out.headers = r->headers;
    out.json = Json::parse(r->body, nullptr, false);
    return out;
  }
  Reply Get(const std::string& target) { return Call("GET", target); }
  Reply Post(const std::string& target, const Json& body) { return Call("POST", target, body.dump()); }
  Reply PostRaw(const std::string& target, const std::string& body) { return Call("POST", target, body); }
  Reply Delete(const std::string& target) { return Call("DELETE", target); }
  HttpClient& client() { return client_; }

 private:
  HttpClient client_;
  std::string key_;
};

// One server per suite; tests use distinct user ids so they do not interfere.
class ServerTest : public ::testing::Test {
 protected:
  static std::vector<std::string> DefaultArgs() {
    return {"--api-keys", kAdminKey, "--rate-limit-live", "0"};
  }
  static void SetUpTestSuite() {
    server_ = new EngramdProcess(DefaultArgs());
    Status st = server_->Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  Api Admin() { return Api(server_->port(), kAdminKey); }
  Api WithKey(const std::string& key) { return Api(server_->port(), key); }
  // Creates a key through the admin API.
  std::string CreateKey(const std::string& workspace, const std::string& scope, bool test = false) {
    auto r = Admin().Post("/admin/keys", {{"workspace", workspace}, {"scope", scope}, {"test", test}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.value("key", "");
  }
  void Register(Api& api, const std::string& user_id) {
    auto r = api.Post("/register", {{"user_id", user_id}, {"email", user_id + "@example.com"}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  static EngramdProcess* server_;
};

inline EngramdProcess* ServerTest::server_ = nullptr;

// Polls GET `target` until `pred` holds on its JSON answer (background extraction, promotion, ...);
// a failure names the last answer. Not a timing assertion: the bound only keeps a broken build from
// hanging.
inline Json WaitForJson(Api& api, const std::string& target, const std::function<bool(const Json&)>& pred) {
  Json last;
  for (int i = 0; i < 500; ++i) {
    auto r = api.Get(target);
    last = r.json;
    if (r.status == 200 && pred(last)) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << target << " never matched: " << last.dump(2);
  return last;
}

// Asserts the documented error shape and code.
inline void ExpectError(const Reply& r, int status, const std::string& code, const std::string& message_part = "") {
  EXPECT_EQ(r.status, status) << r.body;
  ASSERT_TRUE(r.json.is_object()) << r.body;
  ASSERT_TRUE(r.json.contains("error")) << r.body;
  EXPECT_EQ(r.json["error"].value("code", ""), code) << r.body;
  EXPECT_TRUE(r.json["error"]["message"].is_string()) << r.body;
  if (!message_part.empty()) {
    EXPECT_NE(r.json["error"].value("message", "").find(message_part), std::string::npos)
        << "message lacks '" << message_part << "': " << r.body;
  }
}

}  // namespace engram::testing
