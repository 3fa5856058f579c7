// Process-level behaviour: first-start admin key, kill -9 durability under load, graceful SIGTERM,
// configuration precedence, and the `engram` administration tool.
#include <atomic>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "tests/http/fixture.h"

namespace engram::testing {
namespace {

TEST(LifecycleTest, FirstStartPrintsOneAdminKeyOnce) {
  EngramdProcess server;  // no --api-keys
  ASSERT_TRUE(server.Start().ok());
  std::smatch m;
  const std::string out = server.Stdout();
  ASSERT_TRUE(std::regex_search(out, m, std::regex("(sk_live_[0-9a-f]+)"))) << out;
  const std::string key = m[1];
  Api api(server.port(), key);
  EXPECT_EQ(api.Post("/register", {{"user_id", "first"}}).status, 200);
  EXPECT_EQ(api.Get("/admin/keys").status, 200);
  // The secret is stored only as a hash.
  std::ifstream db(server.data_dir() + "/engram.db", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(db)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find(key), std::string::npos);
  // A restart does not print a new key, and the old one still works.
  EXPECT_EQ(server.Terminate(), 0);
  ASSERT_TRUE(server.Start().ok());
  EXPECT_EQ(server.Stdout().find("sk_live_", out.size()), std::string::npos) << server.Stdout();
  EXPECT_EQ(Api(server.port(), key).Get("/users/first").status, 200);
}

TEST(LifecycleTest, AcknowledgedWritesSurviveKill9) {
  EngramdProcess server({"--api-keys", kAdminKey, "--rate-limit-live", "0"});
  ASSERT_TRUE(server.Start().ok());
  Api(server.port(), kAdminKey).Post("/register", {{"user_id", "crash-user"}});

  std::mutex mu;
  std::vector<std::string> acked;
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 6; ++w) {
    writers.emplace_back([&, w] {
      HttpClient client("127.0.0.1", server.port());
      for (int batch = 0; !stop.load(); ++batch) {
        Json events = Json::array();
        std::vector<std::string> ids;
        for (int i = 0; i < 20; ++i) {
          ids.push_back("w" + std::to_string(w) + "-b" + std::to_string(batch) + "-" + std::to_string(i));
          events.push_back({{"event_id", ids.back()}, {"content", "crash test event " + ids.back()}});
        }
        auto r = client.Post("/ingest", Json{{"user_id", "crash-user"}, {"events", events}}.dump(),
                             {{"x-api-key", kAdminKey}, {"Content-Type", "application/json"}});
        if (!r.ok()) return;  // the server died under us: nothing more can be acknowledged
        if (r->status == 200) {
          std::lock_guard<std::mutex> lock(mu);
          acked.insert(acked.end(), ids.begin(), ids.end());
        }
      }
    });
  }
  // Kill mid-load: once a good number of batches were acknowledged (not after a fixed time).
  for (int i = 0; i < 3000; ++i) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (acked.size() >= 500) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  server.Kill();
  stop.store(true);
  for (auto& t : writers) t.join();
  ASSERT_GT(acked.size(), 100u) << "the load did not get going";

  ASSERT_TRUE(server.Start().ok());
  Api api(server.port(), kAdminKey);
  const int64_t count = api.Get("/users/crash-user").json["counts"]["events"];
  EXPECT_GE(count, static_cast<int64_t>(acked.size()));
  // Every acknowledged id is there: re-sending it with dedupe is skipped as a duplicate id.
  for (size_t start = 0; start < acked.size(); start += 100) {
    Json events = Json::array();
    for (size_t i = start; i < std::min(acked.size(), start + 100); ++i) {
      events.push_back({{"event_id", acked[i]}, {"content", "crash test event " + acked[i]}});
    }
    auto r = api.Post("/ingest", {{"user_id", "crash-user"}, {"events", events}, {"options", {{"dedupe", true}}}});
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json["saved"]["events"], 0) << "acknowledged events were lost: " << r.body;
    for (const auto& s : r.json["skipped"]) EXPECT_EQ(s["reason"], "duplicate_id");
  }
}

TEST(LifecycleTest, SigtermShutsDownCleanlyAndKeepsData) {
  EngramdProcess server({"--api-keys", kAdminKey});
  ASSERT_TRUE(server.Start().ok());
  Api api(server.port(), kAdminKey);
  ASSERT_EQ(api.Post("/register", {{"user_id", "term-user"}}).status, 200);
  ASSERT_EQ(api.Post("/ingest", {{"user_id", "term-user"}, {"events", {{{"content", "kept"}}}}}).status, 200);
  // Clients keep writing while SIGTERM arrives: every request the server answered 200 must be stored;
  // the others were refused or cut before an answer, never half-applied.
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&] {
      HttpClient c("127.0.0.1", server.port());
      for (int n = 0; n < 100000; ++n) {
        auto r = c.Post("/ingest", Json{{"user_id", "term-user"}, {"events", {{{"content", "late"}}}}, {"options", {{"dedupe", false}}}}.dump(),
                        {{"x-api-key", kAdminKey}});
        if (!r.ok() || r->status != 200) return;
        answered++;
      }
    });
  }
  for (int i = 0; i < 3000 && answered.load() < 20; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const int code = server.Terminate();
  for (auto& t : clients) t.join();
  EXPECT_EQ(code, 0);
  EXPECT_GT(answered.load(), 0);
  ASSERT_TRUE(server.Start().ok());
  EXPECT_EQ(Api(server.port(), kAdminKey).Get("/users/term-user").json["counts"]["events"], 1 + answered.load());
}

TEST(LifecycleTest, ConfigPrecedenceFlagOverEnvOverFile) {
  char tmpl[] = "/tmp/engram-cfg-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string file = dir + "/engram.conf";
  {
    std::ofstream out(file);
    out << "api-keys = \"sk_live_from_file\"\nrate-limit-live = 0\n";
  }
  // File only.
  {
    EngramdProcess server({"--config", file});
    ASSERT_TRUE(server.Start().ok());
    EXPECT_EQ(Api(server.port(), "sk_live_from_file").Get("/users/x").status, 404);
  }
  // Env beats file.
  {
    EngramdProcess server({"--config", file}, {{"ENGRAM_API_KEYS", "sk_live_from_env"}});
    ASSERT_TRUE(server.Start().ok());
    EXPECT_EQ(Api(server.port(), "sk_live_from_env").Get("/users/x").status, 404);
    EXPECT_EQ(Api(server.port(), "sk_live_from_file").Get("/users/x").status, 401);
  }
  // Flag beats env.
  {
    EngramdProcess server({"--config", file, "--api-keys", "sk_live_from_flag"},
                          {{"ENGRAM_API_KEYS", "sk_live_from_env"}});
    ASSERT_TRUE(server.Start().ok());
    EXPECT_EQ(Api(server.port(), "sk_live_from_flag").Get("/users/x").status, 404);
    EXPECT_EQ(Api(server.port(), "sk_live_from_env").Get("/users/x").status, 401);
  }
  // Every flag reads its environment variable, the last registered ones too: a bad value is refused.
  for (const auto& [env, bad] : std::vector<std::pair<std::string, std::string>>{
           {"ENGRAM_VECTOR_STORAGE", "float16"}, {"ENGRAM_WORKERS", "-1"}, {"ENGRAM_LLM_TIMEOUT_MS", "1"},
           {"ENGRAM_PROMOTION_MIN_ACTORS", "0"}, {"ENGRAM_BACKGROUND_NICE", "20"}}) {
    EngramdProcess server({"--api-keys", "sk_live_x"}, {{env, bad}});
    EXPECT_FALSE(server.Start().ok()) << env << "=" << bad << " was ignored";
  }
  std::string help;
  EXPECT_EQ(RunCommand({EngramdProcess::BinaryPath(), "--help"}, &help), 0);
  for (const char* flag : {"--listen", "--port-file", "--data-dir", "--api-keys", "--config"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
  std::string out;
  EXPECT_NE(RunCommand({EngramdProcess::BinaryPath(), "--listen", "nope"}, &out), 0);
}

TEST(LifecycleTest, CliManagesKeysOnDataDirAndServer) {
  EngramdProcess server({"--api-keys", kAdminKey});
  ASSERT_TRUE(server.Start().ok());
  const std::string cli = EngramdProcess::CliBinaryPath();
  // Through the running server.
  std::string out;
  ASSERT_EQ(RunCommand({cli, "--server", "http://127.0.0.1:" + std::to_string(server.port()), "--api-key", kAdminKey,
                        "keys", "create", "--workspace", "cli-ws", "--scope", "write"},
                       &out),
            0)
      << out;
  Json created = Json::parse(out);
  const std::string secret = created["key"];
  Api user(server.port(), secret);
  EXPECT_EQ(user.Post("/register", {{"user_id", "cli-user"}}).status, 200);
  // Straight on the data directory, while the server runs.
  ASSERT_EQ(RunCommand({cli, "--data-dir", server.data_dir(), "keys", "list", "--workspace", "cli-ws"}, &out), 0) << out;
  Json listed = Json::parse(out);
  ASSERT_EQ(listed["keys"].size(), 1u);
  EXPECT_EQ(listed["keys"][0]["id"], created["id"]);
  EXPECT_EQ(out.find(secret), std::string::npos);
  ASSERT_EQ(RunCommand({cli, "--data-dir", server.data_dir(), "keys", "revoke", created["id"]}, &out), 0) << out;
  // The server's key cache lasts at most a few seconds.
  int status = 200;
  for (int i = 0; i < 100 && status != 401; ++i) {
    status = user.Get("/users/cli-user").status;
    if (status != 401) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 401);
  EXPECT_NE(RunCommand({cli, "--data-dir", server.data_dir(), "keys", "create", "--scope", "root"}, &out), 0);
  // Without --workspace: the default workspace on a data directory, the admin key's own through a server.
  ASSERT_EQ(RunCommand({cli, "--data-dir", server.data_dir(), "keys", "create", "--scope", "read"}, &out), 0) << out;
  EXPECT_EQ(Json::parse(out)["workspace"], "default");
  ASSERT_EQ(RunCommand({cli, "--server", "http://127.0.0.1:" + std::to_string(server.port()), "--api-key", kAdminKey,
                        "keys", "create", "--workspace", "cli-ws2", "--scope", "admin"},
                       &out),
            0)
      << out;
  const std::string ws2_admin = Json::parse(out)["key"];
  ASSERT_EQ(RunCommand({cli, "--server", "http://127.0.0.1:" + std::to_string(server.port()), "--api-key", ws2_admin,
                        "keys", "create", "--scope", "read"},
                       &out),
            0)
      << out;
  EXPECT_EQ(Json::parse(out)["workspace"], "cli-ws2");
}

}  // namespace
}  // namespace engram::testing
