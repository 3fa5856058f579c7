// HttpServer answering asynchronously: late answers, streams, backpressure, abandoned writers,
// graceful shutdown and metrics.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include "api/http/http_server.h"
#include "api/http/test_server.h"
#include "common/metrics.h"
#include "common/thread_pool.h"
#include "tests/support/http_client.h"
#include "tests/support/raw_socket.h"

namespace engram::api {
namespace {

using namespace std::chrono_literals;
using testing::HttpClient;
using testing::RawSocket;

TEST(HttpServerAsyncTest, AnswersFromAWorkerLater) {
  ThreadPool pool(2, 100);
  auto server = StartServer([&](HttpRequest&& req, std::shared_ptr<ResponseWriter> w) {
    ASSERT_TRUE(pool.TrySubmit([w, path = req.path] {
      std::this_thread::sleep_for(20ms);
      w->Send(HttpResponse{.status = 202, .body = path});
    }));
  });
  HttpClient client("127.0.0.1", server->bound_port());
  for (int i = 0; i < 10; ++i) {
    auto r = client.Get("/job/" + std::to_string(i));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 202);
    EXPECT_EQ(r->body, "/job/" + std::to_string(i));
  }
  EXPECT_EQ(client.connects(), 1u);
  server->Stop(1s);
  pool.Shutdown();
}

// The second event is written only after the client has received the first, so the test fails
// unless chunks reach the client as they are written.
TEST(HttpServerAsyncTest, StreamsChunksInOrderAsTheyAreWritten) {
  std::promise<void> first_received;
  auto first_received_future = first_received.get_future().share();
  std::thread producer;
  auto server = StartServer([&](HttpRequest&& req, std::shared_ptr<ResponseWriter> w) {
    if (req.path != "/stream") {
      w->Send(HttpResponse{.body = "plain"});
      return;
    }
    producer = std::thread([w, first_received_future] {
      ASSERT_TRUE(w->BeginStream(200, "text/event-stream", {{"Cache-Control", "no-cache"}}));
      ASSERT_TRUE(w->Write("data: 1\n\n"));
      first_received_future.wait_for(5s);
      EXPECT_TRUE(w->Write("data: 2\n\n"));
      EXPECT_TRUE(w->Write(""));  // ignored, must not end the stream
      EXPECT_TRUE(w->Write("data: 3\n\n"));
      w->End();
      EXPECT_FALSE(w->Write("late"));
      w->End();
    });
  });
  HttpClient client("127.0.0.1", server->bound_port());
  std::string received;
  std::vector<std::string> pieces;
  bool signalled = false;
  auto r = client.RequestStream("POST", "/stream", "{}", {}, [&](std::string_view data) {
    received.append(data);
    pieces.emplace_back(data);
    if (!signalled && received.find("data: 1\n\n") != std::string::npos) {
      signalled = true;
      first_received.set_value();
    }
  });
  producer.join();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(*r->Header("transfer-encoding"), "chunked");
  EXPECT_EQ(*r->Header("content-type"), "text/event-stream");
  EXPECT_EQ(*r->Header("cache-control"), "no-cache");
  EXPECT_NE(r->Header("x-request-id"), nullptr);
  EXPECT_EQ(received, "data: 1\n\ndata: 2\n\ndata: 3\n\n");
  EXPECT_GE(pieces.size(), 2u);
  EXPECT_TRUE(signalled);

  // The connection stays usable after a complete stream.
  auto next = client.Get("/after");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->body, "plain");
  EXPECT_EQ(client.connects(), 1u);
}

TEST(HttpServerAsyncTest, StreamFromTheIoThreadDoesNotBlock) {
  auto server = StartServer([](HttpRequest&&, std::shared_ptr<ResponseWriter> w) {
    w->BeginStream(200, "text/plain");
    // 4 MB queued from the I/O thread: blocking here would deadlock the only I/O thread.
    for (int i = 0; i < 64; ++i) w->Write(std::string(64 * 1024, static_cast<char>('a' + i % 26)));
    w->End();
  });
  HttpClient client("127.0.0.1", server->bound_port());
  size_t total = 0;
  auto r = client.RequestStream("GET", "/", "", {}, [&](std::string_view d) { total += d.size(); });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(total, 64u * 64 * 1024);
}

// A producer much faster than the client: memory stays bounded because Write blocks, and every
// byte arrives in order.
TEST(HttpServerAsyncTest, BackpressureKeepsOrderAndCompletes) {
  constexpr int kChunks = 128;
  constexpr size_t kChunkSize = 128 * 1024;  // 16 MB in total
  std::thread producer;
  auto server = StartServer([&](HttpRequest&&, std::shared_ptr<ResponseWriter> w) {
    producer = std::thread([w] {
      w->BeginStream(200, "application/octet-stream");
      for (int i = 0; i < kChunks; ++i) {
        if (!w->Write(std::string(kChunkSize, static_cast<char>('a' + i % 26)))) return;
      }
      w->End();
    });
  });
  HttpClient client("127.0.0.1", server->bound_port());
  std::string all;
  int calls = 0;
  auto r = client.RequestStream("GET", "/big", "", {}, [&](std::string_view d) {
    if (++calls <= 10) std::this_thread::sleep_for(30ms);  // a slow start lets the queue fill up
    all.append(d);
  });
  producer.join();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(all.size(), kChunks * kChunkSize);
  for (int i = 0; i < kChunks; ++i) {
    ASSERT_EQ(all[i * kChunkSize], 'a' + i % 26) << i;
    ASSERT_EQ(all[(i + 1) * kChunkSize - 1], 'a' + i % 26) << i;
  }
}

// A client that stops reading: the producer blocks once about 1 MB (plus what the kernel buffers)
// is queued, instead of queueing without bound; when the client hangs up, Write returns false.
TEST(HttpServerAsyncTest, StalledClientBlocksProducerAndHangupReleasesIt) {
  std::atomic<int> writes{0};
  std::promise<void> producer_done;
  std::thread producer;
  auto server = StartServer([&](HttpRequest&&, std::shared_ptr<ResponseWriter> w) {
    producer = std::thread([w, &writes, &producer_done] {
      w->BeginStream(200, "text/plain");
      const auto give_up = std::chrono::steady_clock::now() + 20s;
      while (w->Write(std::string(64 * 1024, 'x')) && std::chrono::steady_clock::now() < give_up) ++writes;
      producer_done.set_value();
    });
  });
  auto done = producer_done.get_future();
  {
    RawSocket raw(server->bound_port());
    raw.Send("GET /forever HTTP/1.1\r\nHost: t\r\n\r\n");
    EXPECT_EQ(raw.ReadUntil("\r\n\r\n", 5s).rfind("HTTP/1.1 200", 0), 0u);
    std::this_thread::sleep_for(500ms);
    const int plateau = writes.load();
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(writes.load(), plateau);        // blocked, not spinning or queueing
    EXPECT_LT(plateau * 64 * 1024, 64 << 20);  // bounded by the queue limit and socket buffers
    EXPECT_NE(done.wait_for(0s), std::future_status::ready);
  }  // the client hangs up mid-stream
  ASSERT_EQ(done.wait_for(10s), std::future_status::ready);
  producer.join();
  EXPECT_TRUE(WaitFor([&] { return server->active_connections() == 0; }));
}

TEST(HttpServerAsyncTest, DroppedWriterAnswers500AndThrowingHandlerToo) {
  auto server = StartServer([](HttpRequest&& req, std::shared_ptr<ResponseWriter> w) {
    if (req.path == "/throw") throw std::runtime_error("boom");
    if (req.path == "/ok") w->Send(HttpResponse{.body = "{}"});
    // "/drop": the writer goes away unanswered.
  });
  HttpClient client("127.0.0.1", server->bound_port());
  for (const char* path : {"/drop", "/throw"}) {
    auto r = client.Get(path);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 500);
    EXPECT_NE(r->body.find("\"code\":\"SERVER_ERROR\""), std::string::npos) << r->body;
  }
  auto ok = client.Get("/ok");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(client.connects(), 1u);
}

TEST(HttpServerAsyncTest, SecondAnswerIsIgnored) {
  auto server = StartServer([](HttpRequest&&, std::shared_ptr<ResponseWriter> w) {
    w->Send(HttpResponse{.body = "first"});
    w->Send(HttpResponse{.body = "second"});
    EXPECT_FALSE(w->BeginStream(200, "text/plain"));
  });
  HttpClient client("127.0.0.1", server->bound_port());
  for (int i = 0; i < 3; ++i) {
    auto r = client.Get("/");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->body, "first");
  }
}

// Two I/O threads, many keep-alive clients, answers from the I/O thread and from workers mixed.
TEST(HttpServerAsyncTest, ManyClientsOnTwoIoThreads) {
  ThreadPool pool(2, 10000);
  auto server = StartServer(
      [&](HttpRequest&& req, std::shared_ptr<ResponseWriter> w) {
        if (req.body.size() % 2 == 0) {
          w->Send(HttpResponse{.body = req.body});
          return;
        }
        if (!pool.TrySubmit([w, body = std::move(req.body)]() mutable { w->Send(HttpResponse{.body = std::move(body)}); })) {
          w->Send(HttpResponse{.status = 503});
        }
      },
      HttpServerOptions{.io_threads = 2});
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 16; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client("127.0.0.1", server->bound_port());
      for (int i = 0; i < 200; ++i) {
        const std::string body = std::to_string(c) + ":" + std::string(i % 7, 'x');
        auto r = client.Post("/echo", body);
        if (r.ok() && r->status == 200 && r->body == body) ok.fetch_add(1);
      }
      EXPECT_EQ(client.connects(), 1u);
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 16 * 200);
  server->Stop(1s);
  pool.Shutdown();
}

TEST(HttpServerLifecycleTest, GracefulStopFinishesInFlightRequest) {
  std::promise<void> entered;
  std::thread worker;
  auto server = StartServer([&](HttpRequest&& req, std::shared_ptr<ResponseWriter> w) {
    if (req.path != "/slow") {
      w->Send(HttpResponse{.body = "fast"});
      return;
    }
    entered.set_value();
    worker = std::thread([w] {
      std::this_thread::sleep_for(300ms);
      w->Send(HttpResponse{.body = "slow done"});
    });
  });
  const uint16_t port = server->bound_port();

  HttpClient idle("127.0.0.1", port);  // a kept-alive connection with nothing in flight
  ASSERT_TRUE(idle.Get("/fast").ok());

  std::future<Result<HttpClient::Response>> slow = std::async(std::launch::async, [port] {
    HttpClient client("127.0.0.1", port);
    return client.Get("/slow");
  });
  entered.get_future().wait();
  const auto start = std::chrono::steady_clock::now();
  server->Stop(5s);
  const auto stop_took = std::chrono::steady_clock::now() - start;
  worker.join();

  auto r = slow.get();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "slow done");
  EXPECT_EQ(*r->Header("connection"), "close");
  EXPECT_LT(stop_took, 4s);
  EXPECT_EQ(server->active_connections(), 0u);

  HttpClient late("127.0.0.1", port);
  EXPECT_FALSE(late.Connect().ok());
  server->Stop(1s);  // idempotent
}

TEST(HttpServerLifecycleTest, StopGivesUpOnRequestsThatOutliveTheGrace) {
  std::mutex mu;
  std::shared_ptr<ResponseWriter> parked;
  std::promise<void> entered;
  auto server = StartServer([&](HttpRequest&&, std::shared_ptr<ResponseWriter> w) {
    std::lock_guard lock(mu);
    parked = std::move(w);
    entered.set_value();
  });
  const uint16_t port = server->bound_port();
  auto pending = std::async(std::launch::async, [port] {
    HttpClient client("127.0.0.1", port);
    return client.Get("/never");
  });
  entered.get_future().wait();
  const auto start = std::chrono::steady_clock::now();
  server->Stop(200ms);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_FALSE(pending.get().ok());
  // Answering after the server stopped is a harmless no-op, as is the writer outliving the server.
  std::lock_guard lock(mu);
  parked->Send(HttpResponse{.body = "too late"});
  server.reset();
  EXPECT_FALSE(parked->BeginStream(200, "text/plain"));
  parked.reset();
}

TEST(HttpServerLifecycleTest, ConnectionMetrics) {
  Metrics metrics;
  auto server = StartServer([](HttpRequest&&, std::shared_ptr<ResponseWriter> w) { w->Send({}); },
                            HttpServerOptions{.metrics = &metrics});
  {
    std::vector<HttpClient> clients;
    for (int i = 0; i < 3; ++i) {
      clients.emplace_back("127.0.0.1", server->bound_port());
      ASSERT_TRUE(clients.back().Get("/").ok());
    }
    EXPECT_EQ(metrics.GetGauge("engram_http_connections_active", "")->Value(), 3);
    EXPECT_EQ(metrics.GetCounter("engram_http_connections_total", "")->Value(), 3);
  }
  EXPECT_TRUE(WaitFor([&] { return metrics.GetGauge("engram_http_connections_active", "")->Value() == 0; }));
  const std::string text = metrics.RenderPrometheus();
  EXPECT_NE(text.find("engram_http_connections_total 3"), std::string::npos) << text;
}

}  // namespace
}  // namespace engram::api
