// OpenAiClient::Forward, the streaming relay for the LLM proxy: server-sent events reach the caller as
// the upstream writes them (not buffered), upstream error statuses pass through to on_head, on_data can
// abort, and the timeout is about inactivity rather than total duration.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "llm/fake_chat_server.h"
#include "llm/openai_client.h"

namespace engram::llm {
namespace {

using json = nlohmann::json;
using fake::FakeChatServer;
using fake::Reply;

std::unique_ptr<OpenAiClient> Make(const std::string& url, int timeout_ms = 3000) {
  auto r = OpenAiClient::Create(
      {.url = url, .model = "test-model", .api_key = "sk-upstream", .timeout_ms = timeout_ms, .backoff_initial_ms = 5});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

// What on_head and on_data saw.
struct Sink {
  std::mutex mu;
  int head_calls = 0;
  int status = 0;
  HeaderList headers;
  std::vector<std::string> chunks;
  std::string body;

  std::string Header(const std::string& name) {
    std::lock_guard lock(mu);
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return "";
  }
  auto OnHead() {
    return [this](int s, const HeaderList& h) {
      std::lock_guard lock(mu);
      ++head_calls;
      status = s;
      headers = h;
    };
  }
};

const std::string kStreamBody = R"({"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}]})";

TEST(OpenAiForwardTest, RelaysSseChunksAsTheyArrive) {
  std::promise<void> first_seen;
  std::future<void> first_seen_future = first_seen.get_future();
  std::atomic<bool> relayed_before_last{false};
  const std::vector<std::string> events = {
      "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n",
      "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n",
      "data: [DONE]\n\n",
  };
  FakeChatServer server([&](const api::HttpRequest&, int) -> Reply {
    return {.stream = [&](api::ResponseWriter& w) {
      w.BeginStream(200, "text/event-stream", {{"X-Upstream-Id", "up-1"}, {"Cache-Control", "no-cache"}});
      w.Write(events[0]);
      // The last event is written only once the client has the first one (or after a generous wait,
      // in which case the assertion below fails): a relay that buffered the whole response would
      // never see the first event before the end.
      relayed_before_last = first_seen_future.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
      w.Write(events[1]);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      w.Write(events[2]);
      w.End();
    }};
  });
  auto client = Make(server.url() + "/v1");
  Sink sink;
  bool signalled = false;
  Status st = client->Forward(
      "/v1/chat/completions", kStreamBody,
      {{"Content-Type", "application/json"}, {"Accept", "text/event-stream"}, {"Authorization", "Bearer engram-key"},
       {"Accept-Encoding", "gzip"}, {"Host", "evil.example"}},
      sink.OnHead(), [&](std::string_view chunk) {
        EXPECT_EQ(sink.head_calls, 1);  // the head comes before any byte of body
        sink.body.append(chunk);
        sink.chunks.emplace_back(chunk);
        if (!signalled && sink.body.find(events[0]) != std::string::npos) {
          signalled = true;
          first_seen.set_value();
        }
        return true;
      });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(relayed_before_last.load());
  EXPECT_EQ(sink.head_calls, 1);
  EXPECT_EQ(sink.status, 200);
  EXPECT_EQ(sink.Header("content-type").substr(0, 17), "text/event-stream");
  EXPECT_EQ(sink.Header("x-upstream-id"), "up-1");
  EXPECT_EQ(sink.body, events[0] + events[1] + events[2]);
  EXPECT_GE(sink.chunks.size(), 2u);

  ASSERT_EQ(server.calls(), 1);
  const api::HttpRequest req = server.request(0);
  EXPECT_EQ(req.path, "/v1/chat/completions");  // the base URL's /v1 is not doubled
  EXPECT_EQ(req.body, kStreamBody);              // relayed byte for byte
  ASSERT_NE(req.Header("authorization"), nullptr);
  EXPECT_EQ(*req.Header("authorization"), "Bearer sk-upstream");  // the configured key replaces the client's
  ASSERT_NE(req.Header("accept"), nullptr);
  EXPECT_EQ(*req.Header("accept"), "text/event-stream");
  EXPECT_EQ(req.Header("accept-encoding"), nullptr);
  ASSERT_NE(req.Header("host"), nullptr);
  EXPECT_NE(*req.Header("host"), "evil.example");
}

TEST(OpenAiForwardTest, UpstreamErrorStatusPassesThrough) {
  const std::string error_body = R"({"error":{"message":"Rate limit reached","type":"rate_limit"}})";
  FakeChatServer server([&](const api::HttpRequest&, int) -> Reply {
    return {{.status = 429, .body = error_body, .headers = {{"Retry-After", "7"}}}};
  });
  auto client = Make(server.url());
  Sink sink;
  Status st = client->Forward("/v1/chat/completions", kStreamBody, {}, sink.OnHead(), [&](std::string_view chunk) {
    sink.body.append(chunk);
    return true;
  });
  ASSERT_TRUE(st.ok()) << st.ToString();  // an answer was relayed: the HTTP error is the caller's to show
  EXPECT_EQ(sink.head_calls, 1);
  EXPECT_EQ(sink.status, 429);
  EXPECT_EQ(sink.Header("retry-after"), "7");
  EXPECT_EQ(sink.Header("content-type"), "application/json");
  EXPECT_EQ(sink.body, error_body);
  EXPECT_EQ(server.calls(), 1);  // not retried: the caller decides
  ASSERT_NE(server.request(0).Header("content-type"), nullptr);
  EXPECT_EQ(*server.request(0).Header("content-type"), "application/json");  // defaulted
}

TEST(OpenAiForwardTest, OnDataFalseAbortsTheTransfer) {
  std::atomic<bool> client_gone{false};
  FakeChatServer server([&](const api::HttpRequest&, int) -> Reply {
    return {.stream = [&](api::ResponseWriter& w) {
      w.BeginStream(200, "text/event-stream");
      // Stops as soon as a write fails (the client hung up); bounded in case it never does.
      for (int i = 0; i < 200; ++i) {
        if (!w.Write("data: {\"n\":" + std::to_string(i) + "}\n\n")) {
          client_gone = true;
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      w.End();
    }};
  });
  auto client = Make(server.url());
  Sink sink;
  int data_calls = 0;
  Status st = client->Forward("/v1/chat/completions", kStreamBody, {}, sink.OnHead(), [&](std::string_view) {
    ++data_calls;
    return false;
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(data_calls, 1);
  EXPECT_EQ(sink.status, 200);
}

TEST(OpenAiForwardTest, TimeoutIsInactivityNotTotalDuration) {
  // A stream longer than the timeout in total, but never silent for long, completes.
  FakeChatServer server([&](const api::HttpRequest&, int) -> Reply {
    return {.stream = [&](api::ResponseWriter& w) {
      w.BeginStream(200, "text/event-stream");
      for (int i = 0; i < 8; ++i) {
        w.Write("data: " + std::to_string(i) + "\n\n");
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
      }
      w.Write("data: [DONE]\n\n");
      w.End();
    }};
  });
  auto client = Make(server.url(), /*timeout_ms=*/1000);
  Sink sink;
  Status st = client->Forward("/v1/chat/completions", kStreamBody, {}, sink.OnHead(), [&](std::string_view chunk) {
    sink.body.append(chunk);
    return true;
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_NE(sink.body.find("data: [DONE]"), std::string::npos);
}

TEST(OpenAiForwardTest, StalledStreamIsDeadlineExceeded) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  FakeChatServer server([&](const api::HttpRequest&, int) -> Reply {
    return {.stream = [released](api::ResponseWriter& w) {
      w.BeginStream(200, "text/event-stream");
      w.Write("data: first\n\n");
      released.wait_for(std::chrono::seconds(20));  // stalls until the test is done with it
      w.End();
    }};
  });
  auto client = Make(server.url(), /*timeout_ms=*/500);
  Sink sink;
  const auto start = std::chrono::steady_clock::now();
  Status st = client->Forward("/v1/chat/completions", kStreamBody, {}, sink.OnHead(), [&](std::string_view chunk) {
    sink.body.append(chunk);
    return true;
  });
  const auto elapsed = std::chrono::steady_clock::now() - start;
  release.set_value();
  EXPECT_EQ(st.code(), StatusCode::kDeadlineExceeded) << st.ToString();
  EXPECT_EQ(sink.body, "data: first\n\n");
  EXPECT_LT(elapsed, std::chrono::seconds(10));  // well before the server would have ended the stream
}

TEST(OpenAiForwardTest, UnreachableUpstreamIsUnavailable) {
  std::string url;
  {
    FakeChatServer gone([](const api::HttpRequest&, int) { return fake::Answer("x"); });
    url = gone.url();
  }
  auto client = Make(url);
  Sink sink;
  Status st = client->Forward("/v1/chat/completions", kStreamBody, {}, sink.OnHead(),
                              [](std::string_view) { return true; });
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_EQ(sink.head_calls, 0);
}

}  // namespace
}  // namespace engram::llm
