// RemoteEmbedder against a scripted OpenAI-compatible endpoint on 127.0.0.1 (engram::api::HttpServer):
// batching and order restoration, auth, retries (503, 429 + Retry-After), errors surfaced without
// retry, timeouts, malformed responses and dimension checks. Timeouts and backoffs are kept tiny.
#include "embed/remote_embedder.h"
#include "tests/support/scripted_server.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "api/http/http_server.h"
#include "embed/hash_embedder.h"

namespace engram::embed {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kDim = 8;

using Reply = testing::ScriptedReply;
using FakeEndpoint = testing::ScriptedServer;

// The real protocol: embeds each input with a HashEmbedder, returns `data` shuffled so the client
// must restore order by `index`.
Reply Embeddings(const api::HttpRequest& req, int dim = kDim, bool shuffle = true) {
  json body = json::parse(req.body, nullptr, false);
  if (!body.is_object() || !body.contains("input") || !body["input"].is_array()) {
    return {{.status = 400, .body = R"({"error":{"message":"bad request body"}})"}};
  }
  HashEmbedder h(HashEmbedderOptions{.dim = dim});
  json data = json::array();
  int i = 0;
  for (const auto& t : body["input"]) {
    data.push_back({{"object", "embedding"}, {"index", i++}, {"embedding", h.EmbedOne(t.get<std::string>())}});
  }
  if (shuffle) {
    std::mt19937 rng(42);
    std::shuffle(data.begin(), data.end(), rng);
  }
  json out = {{"object", "list"}, {"data", data}, {"model", body.value("model", "")}};
  return {{.body = out.dump()}};
}

RemoteEmbedderOptions FastOptions(const std::string& url) {
  RemoteEmbedderOptions o;
  o.url = url;
  o.model = "test-model";
  o.timeout_ms = 2000;
  o.max_retries = 2;
  o.backoff_initial_ms = 5;
  o.backoff_max_ms = 20;
  return o;
}

std::unique_ptr<RemoteEmbedder> Make(RemoteEmbedderOptions o) {
  auto r = RemoteEmbedder::Create(std::move(o));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

std::vector<std::string> Texts(int n) {
  std::vector<std::string> t;
  for (int i = 0; i < n; ++i) t.push_back("memory number " + std::to_string(i) + " about topic " + std::to_string(i % 7));
  return t;
}

void ExpectMatchesLocal(const std::vector<std::string>& texts, const std::vector<Vector>& got) {
  HashEmbedder ref(HashEmbedderOptions{.dim = kDim});
  ASSERT_EQ(got.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    const Vector want = ref.EmbedOne(texts[i]);
    ASSERT_EQ(got[i].size(), want.size()) << i;
    for (size_t k = 0; k < want.size(); ++k) ASSERT_FLOAT_EQ(got[i][k], want[k]) << "text " << i;
  }
}

TEST(RemoteEmbedderTest, EndpointUrlForms) {
  for (const char* url : {"http://h:1", "http://h:1/", "http://h:1/v1", "http://h:1/v1/", "http://h:1/v1/embeddings"}) {
    auto e = Make(FastOptions(url));
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->endpoint(), "http://h:1/v1/embeddings") << url;
  }
}

TEST(RemoteEmbedderTest, BatchesAndRestoresOrder) {
  FakeEndpoint server([](const api::HttpRequest& req, int) { return Embeddings(req); });
  Metrics metrics;
  auto o = FastOptions(server.url() + "/v1/");
  o.metrics = &metrics;
  auto e = Make(o);
  EXPECT_EQ(e->Dimension(), 0);
  const auto texts = Texts(150);
  auto r = e->Embed(texts);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectMatchesLocal(texts, *r);
  EXPECT_EQ(e->Dimension(), kDim);

  ASSERT_EQ(server.calls(), 3);
  const std::vector<size_t> sizes = {64, 64, 22};
  for (int i = 0; i < 3; ++i) {
    const auto req = server.request(i);
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.path, "/v1/embeddings");
    ASSERT_NE(req.Header("content-type"), nullptr);
    EXPECT_EQ(*req.Header("content-type"), "application/json");
    EXPECT_EQ(req.Header("authorization"), nullptr);  // no key configured
    json body = json::parse(req.body);
    EXPECT_EQ(body["model"], "test-model");
    EXPECT_FALSE(body.contains("dimensions"));
    EXPECT_EQ(body["input"].size(), sizes[static_cast<size_t>(i)]);
    EXPECT_EQ(body["input"][0], texts[static_cast<size_t>(i) * 64]);
  }
  EXPECT_EQ(metrics.GetCounter("engram_embed_requests_total", "", {{"status", "ok"}})->Value(), 3);
  EXPECT_EQ(metrics.GetHistogram("engram_embed_seconds", "")->Count(), 3u);

  auto none = e->Embed({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(server.calls(), 3);
}

TEST(RemoteEmbedderTest, SendsBearerTokenAndSurfacesUnauthorized) {
  FakeEndpoint server([](const api::HttpRequest& req, int) -> Reply {
    const std::string* auth = req.Header("authorization");
    if (auth == nullptr || *auth != "Bearer sk-good") {
      return {{.status = 401, .body = R"({"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}})"}};
    }
    return Embeddings(req);
  });
  auto o = FastOptions(server.url());
  o.api_key = "sk-good";
  auto r = Make(o)->Embed({"hello"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(server.calls(), 1);

  o.api_key = "sk-bad";
  auto bad = Make(o)->Embed({"hello"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(bad.status().message().find("Incorrect API key provided"), std::string::npos);
  EXPECT_EQ(server.calls(), 2);  // not retried
}

TEST(RemoteEmbedderTest, RetriesAfter503) {
  FakeEndpoint server([](const api::HttpRequest& req, int call) -> Reply {
    if (call == 0) return {{.status = 503, .body = R"({"error":"loading model"})"}};
    return Embeddings(req);
  });
  Metrics metrics;
  auto o = FastOptions(server.url());
  o.metrics = &metrics;
  const std::vector<std::string> texts = {"a b c", "d e f"};
  auto r = Make(o)->Embed(texts);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectMatchesLocal(texts, *r);
  EXPECT_EQ(server.calls(), 2);
  EXPECT_EQ(metrics.GetCounter("engram_embed_requests_total", "", {{"status", "server_error"}})->Value(), 1);
  EXPECT_EQ(metrics.GetCounter("engram_embed_requests_total", "", {{"status", "ok"}})->Value(), 1);
}

TEST(RemoteEmbedderTest, GivesUpAfterMaxRetries) {
  FakeEndpoint server([](const api::HttpRequest&, int) -> Reply {
    return {{.status = 500, .body = R"({"error":{"message":"boom"}})"}};
  });
  auto r = Make(FastOptions(server.url()))->Embed({"x"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("boom"), std::string::npos);
  EXPECT_NE(r.status().message().find("3 attempts"), std::string::npos);
  EXPECT_EQ(server.calls(), 3);
}

TEST(RemoteEmbedderTest, HonoursRetryAfterCapped) {
  FakeEndpoint server([](const api::HttpRequest& req, int call) -> Reply {
    if (call == 0) {
      return {{.status = 429, .body = R"({"error":{"message":"slow down"}})", .headers = {{"Retry-After", "1"}}}};
    }
    return Embeddings(req);
  });
  auto o = FastOptions(server.url());
  o.retry_after_max_ms = 300;  // the server asks for 1 s; the cap keeps the test fast
  const auto start = Clock::now();
  auto r = Make(o)->Embed({"x"});
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(server.calls(), 2);
  EXPECT_GE(elapsed, 290);  // waited for Retry-After (capped), not the 5 ms backoff
  EXPECT_LT(elapsed, 1000);
}

TEST(RemoteEmbedderTest, ClientErrorIsNotRetried) {
  FakeEndpoint server([](const api::HttpRequest&, int) -> Reply {
    return {{.status = 400,
             .body = R"({"error":{"message":"This model's maximum context length is 8192 tokens","type":"invalid_request_error"}})"}};
  });
  auto r = Make(FastOptions(server.url()))->Embed({"very long"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("maximum context length"), std::string::npos);
  EXPECT_NE(r.status().message().find("400"), std::string::npos);
  EXPECT_EQ(server.calls(), 1);
}

TEST(RemoteEmbedderTest, OllamaStyleErrorMessage) {
  FakeEndpoint server([](const api::HttpRequest&, int) -> Reply {
    return {{.status = 404, .body = R"({"error":"model \"nomic\" not found, try pulling it first"})"}};
  });
  auto r = Make(FastOptions(server.url()))->Embed({"x"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("try pulling it first"), std::string::npos);
  EXPECT_EQ(server.calls(), 1);
}

TEST(RemoteEmbedderTest, TimeoutIsRetriedThenReported) {
  FakeEndpoint server([](const api::HttpRequest& req, int) {
    Reply r = Embeddings(req);
    r.delay_ms = 500;
    return r;
  });
  auto o = FastOptions(server.url());
  o.timeout_ms = 100;
  o.max_retries = 1;
  const auto start = Clock::now();
  auto r = Make(o)->Embed({"x"});
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded) << r.status().ToString();
  EXPECT_EQ(server.calls(), 2);
  // Gave up on its own timeouts (2 x 100 ms), not after the server's 2 x 500 ms delay.
  EXPECT_LT(elapsed, 1000);
}

TEST(RemoteEmbedderTest, SlowFirstAttemptThenFastSucceeds) {
  FakeEndpoint server([](const api::HttpRequest& req, int call) {
    Reply r = Embeddings(req);
    if (call == 0) r.delay_ms = 300;
    return r;
  });
  auto o = FastOptions(server.url());
  o.timeout_ms = 100;
  auto r = Make(o)->Embed({"x", "y"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectMatchesLocal({"x", "y"}, *r);
}

TEST(RemoteEmbedderTest, ConnectionRefusedIsUnavailable) {
  std::string url;
  {
    FakeEndpoint gone([](const api::HttpRequest& req, int) { return Embeddings(req); });
    url = gone.url();
  }
  auto o = FastOptions(url);
  o.max_retries = 1;
  auto r = Make(o)->Embed({"x"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable) << r.status().ToString();
}

TEST(RemoteEmbedderTest, MalformedResponsesAreErrors) {
  const std::vector<std::string> bodies = {
      "this is not json",
      R"({"object":"list"})",                                                         // no data
      R"({"data":{"index":0}})",                                                      // data not array
      R"({"data":[]})",                                                               // wrong count
      R"({"data":[{"index":0,"embedding":[0.1,0.2]},{"index":0,"embedding":[0.3,0.4]}]})",  // duplicate
      R"({"data":[{"index":0,"embedding":[0.1,0.2]},{"index":5,"embedding":[0.3,0.4]}]})",  // out of range
      R"({"data":[{"index":0,"embedding":"AAAA"},{"index":1,"embedding":[0.3,0.4]}]})",     // base64
      R"({"data":[{"index":0,"embedding":[0.1,"x"]},{"index":1,"embedding":[0.3,0.4]}]})",  // non-number
      R"({"data":[{"index":"0","embedding":[0.1,0.2]},{"index":1,"embedding":[0.3,0.4]}]})",  // string index
      R"({"data":[{"index":0,"embedding":[]},{"index":1,"embedding":[]}]})",                // empty vectors
  };
  for (const auto& body : bodies) {
    FakeEndpoint server([&](const api::HttpRequest&, int) -> Reply { return {{.body = body}}; });
    auto r = Make(FastOptions(server.url()))->Embed({"a", "b"});
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), StatusCode::kInternal) << body;
    EXPECT_EQ(server.calls(), 1) << body;  // a bad answer is not retried
  }
}

TEST(RemoteEmbedderTest, MissingIndexMeansInputOrder) {
  FakeEndpoint server([](const api::HttpRequest&, int) -> Reply {
    return {{.body = R"({"data":[{"embedding":[1,0]},{"embedding":[0,1]}]})"}};
  });
  auto r = Make(FastOptions(server.url()))->Embed({"a", "b"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)[0], (Vector{1, 0}));
  EXPECT_EQ((*r)[1], (Vector{0, 1}));
}

TEST(RemoteEmbedderTest, DimensionMismatchWithinResponse) {
  FakeEndpoint server([](const api::HttpRequest&, int) -> Reply {
    return {{.body = R"({"data":[{"index":0,"embedding":[0.1,0.2,0.3]},{"index":1,"embedding":[0.3,0.4]}]})"}};
  });
  auto r = Make(FastOptions(server.url()))->Embed({"a", "b"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  EXPECT_NE(r.status().message().find("dimension"), std::string::npos);
}

TEST(RemoteEmbedderTest, DimensionMismatchAcrossCalls) {
  FakeEndpoint server([](const api::HttpRequest& req, int call) { return Embeddings(req, call == 0 ? 8 : 4); });
  auto e = Make(FastOptions(server.url()));
  ASSERT_TRUE(e->Embed({"a"}).ok());
  EXPECT_EQ(e->Dimension(), 8);
  auto r = e->Embed({"b"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  EXPECT_EQ(e->Dimension(), 8);
}

TEST(RemoteEmbedderTest, ConfiguredDimensionsAreSentAndEnforced) {
  FakeEndpoint server([](const api::HttpRequest& req, int) {
    const int dim = json::parse(req.body).value("dimensions", kDim);
    return Embeddings(req, dim == 16 ? 16 : 4);  // honours 16, "ignores" anything else
  });
  auto o = FastOptions(server.url());
  o.dimensions = 16;
  o.model.clear();
  auto e = Make(o);
  EXPECT_EQ(e->Dimension(), 16);
  EXPECT_EQ(e->Name(), "remote");
  ASSERT_TRUE(e->Embed({"a"}).ok());
  json body = json::parse(server.request(0).body);
  EXPECT_EQ(body["dimensions"], 16);
  EXPECT_FALSE(body.contains("model"));

  o.dimensions = 12;
  auto r = Make(o)->Embed({"a"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

TEST(RemoteEmbedderTest, InvalidUtf8InputIsSent) {
  FakeEndpoint server([](const api::HttpRequest& req, int) { return Embeddings(req); });
  auto r = Make(FastOptions(server.url()))->Embed({std::string("bad \xFF byte")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->size(), 1u);
}

TEST(RemoteEmbedderTest, ConcurrentCallers) {
  FakeEndpoint server([](const api::HttpRequest& req, int) { return Embeddings(req); });
  auto o = FastOptions(server.url());
  o.batch_size = 8;
  auto e = Make(o);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        std::vector<std::string> texts;
        for (int i = 0; i < 20; ++i) texts.push_back("t" + std::to_string(t) + " r" + std::to_string(round) + " i" + std::to_string(i));
        auto r = e->Embed(texts);
        HashEmbedder ref(HashEmbedderOptions{.dim = kDim});
        if (!r.ok() || r->size() != texts.size()) {
          failures.fetch_add(1);
          continue;
        }
        for (size_t i = 0; i < texts.size(); ++i) {
          if ((*r)[i] != ref.EmbedOne(texts[i])) failures.fetch_add(1);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(server.calls(), 4 * 5 * 3);
}

}  // namespace
}  // namespace engram::embed
