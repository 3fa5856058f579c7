// engramd with an embedder: a scripted local server speaks the OpenAI /v1/embeddings protocol (no model
// runs here). Its vectors map synonyms to one axis, so a query with no word in common with a chunk can
// still find it, which only the vector path can do.
#include <atomic>
#include <thread>

#include "api/http/http_server.h"
#include "tests/http/fixture.h"

namespace engram::testing {
namespace {

constexpr int kDim = 8;

// Concept axes: 0 vehicles, 1 dogs, 2 food; other words spread over the remaining axes.
std::vector<float> FakeEmbedding(const std::string& text) {
  std::vector<float> v(kDim, 0.0f);
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    if (word == "car" || word == "automobile" || word == "vehicle" || word == "sedan") v[0] += 1;
    else if (word == "dog" || word == "puppy" || word == "hound") v[1] += 1;
    else if (word == "sushi" || word == "ramen" || word == "food") v[2] += 1;
    else v[3 + std::hash<std::string>()(word) % (kDim - 3)] += 0.1f;
    word.clear();
  };
  for (char c : text) {
    if (std::isalpha(static_cast<unsigned char>(c))) word += static_cast<char>(std::tolower(c));
    else flush();
  }
  flush();
  return v;
}

class FakeEmbeddings {
 public:
  explicit FakeEmbeddings(bool fail = false) : fail_(fail) {
    api::HttpServerOptions o;
    o.port = 0;
    server_ = std::make_unique<api::HttpServer>(o, [this](api::HttpRequest&& req, std::shared_ptr<api::ResponseWriter> w) {
      api::HttpResponse r;
      if (req.path != "/v1/embeddings" || req.method != "POST") {
        r.status = 404;
        w->Send(r);
        return;
      }
      ++calls_;
      if (fail_) {
        r.status = 500;
        r.body = R"({"error":{"message":"model crashed"}})";
        w->Send(r);
        return;
      }
      Json body = Json::parse(req.body);
      Json data = Json::array();
      int i = 0;
      for (const auto& text : body["input"]) {
        texts_ += static_cast<int>(1);
        data.push_back({{"index", i++}, {"embedding", FakeEmbedding(text.get<std::string>())}});
      }
      r.body = Json{{"data", data}, {"model", body.value("model", "")}}.dump();
      w->Send(r);
    });
    EXPECT_TRUE(server_->Start().ok());
  }
  ~FakeEmbeddings() { server_->Stop(std::chrono::milliseconds(100)); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->bound_port()); }
  int calls() const { return calls_.load(); }
  int texts() const { return texts_.load(); }

 private:
  bool fail_;
  std::atomic<int> calls_{0};
  std::atomic<int> texts_{0};
  std::unique_ptr<api::HttpServer> server_;
};

Reply Ask(Api& api, const std::string& user, const std::string& question) {
  return api.Post("/chunks", {{"user_id", user}, {"history", {{{"role", "user"}, {"content", question}}}},
                              {"similarity_threshold", 0.0}});
}

// Waits until background embedding has caught up (the scripted server saw `texts` inputs).
void WaitForTexts(const FakeEmbeddings& fake, int texts) {
  for (int i = 0; i < 1000 && fake.texts() < texts; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

TEST(EmbeddingsTest, RemoteEmbedderFindsWhatWordsCannot) {
  FakeEmbeddings fake;
  EngramdProcess server({"--api-keys", kAdminKey, "--embedder", "remote", "--embed-url", fake.url(),
                         "--embed-model", "fake-8d"});
  ASSERT_TRUE(server.Start().ok());
  Api api(server.port(), kAdminKey);
  ASSERT_EQ(api.Post("/register", {{"user_id", "vec"}}).status, 200);
  ASSERT_EQ(api.Post("/ingest", {{"user_id", "vec"},
                                 {"events", {{{"event_id", "e1"}, {"content", "Bought a new sedan last week"}},
                                             {{"event_id", "e2"}, {"content", "Walked the puppy in the park"}},
                                             {{"event_id", "e3"}, {"content", "Tried the ramen place downtown"}}}}})
                .status,
            200);
  WaitForTexts(fake, 3);
  // Vectors are stored and the resident index has them (the worker also hands them over).
  for (int i = 0; i < 500; ++i) {  // background work runs at a lower priority: up to 10 s
    auto r = Ask(api, "vec", "automobile");
    if (!r.json["chunks"].empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto r = Ask(api, "vec", "automobile");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json["debug"]["used_vectors"].get<bool>()) << r.body;
  ASSERT_FALSE(r.json["chunks"].empty()) << r.body;
  EXPECT_EQ(r.json["chunks"][0]["id"], "e1#0") << r.body;
  auto dog = Ask(api, "vec", "hound");
  ASSERT_FALSE(dog.json["chunks"].empty()) << dog.body;
  EXPECT_EQ(dog.json["chunks"][0]["id"], "e2#0");

  // After a restart the vectors come from the store: no chunk is embedded again.
  const int texts_before = fake.texts();
  EXPECT_EQ(server.Terminate(), 0);
  ASSERT_TRUE(server.Start().ok());
  Api again(server.port(), kAdminKey);
  auto after = Ask(again, "vec", "automobile");
  ASSERT_FALSE(after.json["chunks"].empty()) << after.body;
  EXPECT_EQ(after.json["chunks"][0]["id"], "e1#0");
  EXPECT_EQ(fake.texts(), texts_before + 1);  // only the query was embedded
}

TEST(EmbeddingsTest, FailingEmbedderDegradesToLexical) {
  FakeEmbeddings fake(/*fail=*/true);
  EngramdProcess server({"--api-keys", kAdminKey, "--embedder", "remote", "--embed-url", fake.url(),
                         "--embed-retries", "0", "--embed-timeout-ms", "2000"});
  ASSERT_TRUE(server.Start().ok());
  Api api(server.port(), kAdminKey);
  ASSERT_EQ(api.Post("/register", {{"user_id", "lex"}}).status, 200);
  ASSERT_EQ(api.Post("/ingest", {{"user_id", "lex"}, {"events", {{{"event_id", "e1"}, {"content", "Bought a new sedan"}}}}}).status, 200);
  auto r = Ask(api, "lex", "sedan");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["chunks"].size(), 1u) << r.body;
  EXPECT_FALSE(r.json["debug"]["used_vectors"].get<bool>());
  EXPECT_GT(fake.calls(), 0);
}

TEST(EmbeddingsTest, HashEmbedderRunsOffline) {
  EngramdProcess server({"--api-keys", kAdminKey, "--embedder", "hash"});
  ASSERT_TRUE(server.Start().ok());
  Api api(server.port(), kAdminKey);
  ASSERT_EQ(api.Post("/register", {{"user_id", "h"}}).status, 200);
  ASSERT_EQ(api.Post("/ingest", {{"user_id", "h"}, {"events", {{{"event_id", "e1"}, {"content", "Bought a new sedan"}}}}}).status, 200);
  Reply r;
  for (int i = 0; i < 500; ++i) {  // background work runs at a lower priority: up to 10 s
    r = Ask(api, "h", "sedan");
    if (!r.json["chunks"].empty() && r.json["debug"]["used_vectors"].get<bool>()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(r.json["chunks"].size(), 1u) << r.body;
  EXPECT_TRUE(r.json["debug"]["used_vectors"].get<bool>()) << r.body;
}

}  // namespace
}  // namespace engram::testing
