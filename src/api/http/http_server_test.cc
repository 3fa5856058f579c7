// Protocol behaviour of HttpServer, driven over real sockets on 127.0.0.1 with an ephemeral port.
#include "api/http/http_server.h"
#include "api/http/test_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "tests/support/http_client.h"
#include "tests/support/raw_socket.h"

namespace engram::api {
namespace {

using namespace std::chrono_literals;
using testing::HttpClient;
using testing::RawSocket;

// Echoes "METHOD path|body" and a few request fields as headers.
void Echo(HttpRequest&& req, std::shared_ptr<ResponseWriter> w) {
  HttpResponse resp;
  resp.content_type = "text/plain";
  resp.body = req.method + " " + req.path + "|" + req.body;
  resp.headers.emplace_back("X-Seen-Request-Id", req.request_id);
  w->Send(std::move(resp));
}

TEST(HttpServerTest, KeepAliveReusesOneConnection) {
  auto server = StartServer(Echo);
  HttpClient client("127.0.0.1", server->bound_port());
  for (int i = 0; i < 200; ++i) {
    auto r = i % 2 ? client.Get("/ping?i=" + std::to_string(i)) : client.Post("/echo", "n=" + std::to_string(i));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, i % 2 ? "GET /ping|" : "POST /echo|n=" + std::to_string(i));
    ASSERT_NE(r->Header("x-request-id"), nullptr);
    EXPECT_EQ(*r->Header("x-request-id"), *r->Header("x-seen-request-id"));
    EXPECT_EQ(*r->Header("content-type"), "text/plain");
    EXPECT_EQ(*r->Header("content-length"), std::to_string(r->body.size()));
    EXPECT_EQ(*r->Header("connection"), "keep-alive");
  }
  EXPECT_EQ(client.connects(), 1u);
  EXPECT_EQ(server->active_connections(), 1u);
}

TEST(HttpServerTest, ParsesRequestFields) {
  std::mutex mu;
  HttpRequest seen;
  auto server = StartServer([&](HttpRequest&& req, std::shared_ptr<ResponseWriter> w) {
    {
      std::lock_guard lock(mu);
      seen = req;
    }
    w->Send(HttpResponse{.status = 201, .body = "{}"});
  });
  HttpClient client("127.0.0.1", server->bound_port());
  auto r = client.Request("PUT", "/users/u%201/x?q=a+b&k=%C3%A9", "payload",
                          {{"X-Custom", "one"}, {"X-Custom", "two"}, {"X-Request-Id", "trace-42"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(*r->Header("content-type"), "application/json");
  EXPECT_EQ(*r->Header("x-request-id"), "trace-42");

  std::lock_guard lock(mu);
  EXPECT_EQ(seen.method, "PUT");
  EXPECT_EQ(seen.target, "/users/u%201/x?q=a+b&k=%C3%A9");
  EXPECT_EQ(seen.path, "/users/u 1/x");
  EXPECT_EQ(seen.query.at("q"), "a b");
  EXPECT_EQ(seen.query.at("k"), "\xc3\xa9");
  EXPECT_EQ(seen.body, "payload");
  EXPECT_EQ(seen.remote_addr, "127.0.0.1");
  EXPECT_EQ(seen.request_id, "trace-42");
  ASSERT_NE(seen.Header("x-custom"), nullptr);
  EXPECT_EQ(*seen.Header("x-custom"), "one, two");
  EXPECT_EQ(seen.Header("X-Custom"), nullptr);  // names are lower-case
}

TEST(HttpServerTest, UnsafeRequestIdIsReplaced) {
  auto server = StartServer(Echo);
  HttpClient client("127.0.0.1", server->bound_port());
  auto r = client.Get("/", {{"X-Request-Id", "has space"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Header("x-request-id")->rfind("req_", 0), 0u);
}

// 300 clients with a request each in flight at the same time, on one I/O thread: the handler holds
// every writer until all 300 requests have arrived, then answers them from another thread.
TEST(HttpServerTest, ThreeHundredConcurrentConnections) {
  constexpr int kClients = 300;
  std::mutex mu;
  std::vector<std::shared_ptr<ResponseWriter>> pending;
  std::thread answerer;
  size_t connections_at_peak = 0;
  HttpServer* server_ptr = nullptr;
  auto server = StartServer(
      [&](HttpRequest&& req, std::shared_ptr<ResponseWriter> w) {
        std::lock_guard lock(mu);
        pending.push_back(std::move(w));
        if (pending.size() == kClients) {
          connections_at_peak = server_ptr->active_connections();
          answerer = std::thread([writers = std::move(pending)] {
            for (const auto& writer : writers) writer->Send(HttpResponse{.body = "{\"ok\":true}"});
          });
        }
      },
      HttpServerOptions{.io_threads = 1});
  server_ptr = server.get();

  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&] {
      HttpClient client("127.0.0.1", server->bound_port());
      client.set_timeout(20s);
      auto r = client.Get("/wait");
      if (r.ok() && r->status == 200 && r->body == "{\"ok\":true}") ok.fetch_add(1);
    });
  }
  for (auto& t : clients) t.join();
  {
    std::lock_guard lock(mu);
    if (answerer.joinable()) answerer.join();
  }
  EXPECT_EQ(ok.load(), kClients);
  EXPECT_EQ(connections_at_peak, static_cast<size_t>(kClients));
}

TEST(HttpServerTest, BodyOverLimitIs413AndCloses) {
  auto server = StartServer(Echo, HttpServerOptions{.max_body_bytes = 1024});
  HttpClient client("127.0.0.1", server->bound_port());

  auto at_limit = client.Post("/x", std::string(1024, 'a'));
  ASSERT_TRUE(at_limit.ok());
  EXPECT_EQ(at_limit->status, 200);

  auto over = client.Post("/x", std::string(1025, 'a'));
  ASSERT_TRUE(over.ok()) << over.status().ToString();
  EXPECT_EQ(over->status, 413);
  EXPECT_NE(over->body.find("\"code\":\"PAYLOAD_TOO_LARGE\""), std::string::npos);
  EXPECT_EQ(*over->Header("connection"), "close");
  EXPECT_NE(over->Header("x-request-id"), nullptr);

  // Much larger than the socket buffers: the server must answer and drain, not reset.
  auto huge = client.Post("/x", std::string(4 << 20, 'a'));
  ASSERT_TRUE(huge.ok()) << huge.status().ToString();
  EXPECT_EQ(huge->status, 413);

  // A chunked body has no declared length: the limit applies while it streams in.
  RawSocket raw(server->bound_port());
  ASSERT_TRUE(raw.ok());
  const std::string chunk(600, 'b');
  raw.Send("POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
  raw.Send("258\r\n" + chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n");
  bool closed = false;
  const std::string answer = raw.ReadToClose(5s, &closed);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  EXPECT_NE(answer.find("PAYLOAD_TOO_LARGE"), std::string::npos);
  EXPECT_TRUE(closed);
}

TEST(HttpServerTest, ChunkedRequestBodyWithinLimit) {
  auto server = StartServer(Echo);
  RawSocket raw(server->bound_port());
  ASSERT_TRUE(raw.ok());
  raw.Send("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  const std::string answer = raw.ReadUntil("hello world", 5s);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << answer;
  EXPECT_NE(answer.find("POST /c|hello world"), std::string::npos);
}

TEST(HttpServerTest, GarbageIs400AndCloses) {
  auto server = StartServer(Echo);
  for (std::string garbage : {std::string("\x16\x03\x01\x02\x00 hello tls?\r\n\r\n", 20),
                              std::string("GET /x NOT-HTTP\r\n\r\n"), std::string("GET /x HTTP/1.1\r\nbad header\r\n\r\n")}) {
    RawSocket raw(server->bound_port());
    ASSERT_TRUE(raw.ok());
    raw.Send(garbage);
    bool closed = false;
    const std::string answer = raw.ReadToClose(5s, &closed);
    EXPECT_EQ(answer.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << answer;
    EXPECT_NE(answer.find("\"code\":\"INVALID_REQUEST\""), std::string::npos);
    EXPECT_NE(answer.find("Connection: close"), std::string::npos);
    EXPECT_TRUE(closed);
  }
}

TEST(HttpServerTest, MalformedTargetIs400) {
  auto server = StartServer(Echo);
  RawSocket raw(server->bound_port());
  raw.Send("GET /a%zz HTTP/1.1\r\nHost: t\r\n\r\n");
  const std::string answer = raw.ReadToClose(5s);
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
}

TEST(HttpServerTest, Http10GetsConnectionClose) {
  auto server = StartServer(Echo);
  RawSocket raw(server->bound_port());
  raw.Send("GET /old HTTP/1.0\r\n\r\n");
  bool closed = false;
  const std::string answer = raw.ReadToClose(5s, &closed);
  EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find("GET /old|"), std::string::npos);
  EXPECT_TRUE(closed);
}

TEST(HttpServerTest, ExpectContinue) {
  auto server = StartServer(Echo);
  RawSocket raw(server->bound_port());
  raw.Send("POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(raw.ReadUntil("\r\n\r\n", 5s), "HTTP/1.1 100 Continue\r\n\r\n");
  raw.Send("12345");
  EXPECT_NE(raw.ReadUntil("12345", 5s).find("POST /e|12345"), std::string::npos);
}

TEST(HttpServerTest, IdleTimeoutClosesKeepAliveConnection) {
  auto server = StartServer(Echo, HttpServerOptions{.idle_timeout = 200ms});
  HttpClient client("127.0.0.1", server->bound_port());
  ASSERT_TRUE(client.Get("/a").ok());
  EXPECT_EQ(server->active_connections(), 1u);
  EXPECT_TRUE(WaitFor([&] { return server->active_connections() == 0; }, 3s));
  auto again = client.Get("/b");  // the client reconnects transparently
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(client.connects(), 2u);

  RawSocket raw(server->bound_port());
  raw.Send("GET /r HTTP/1.1\r\nHost: t\r\n\r\n");
  bool closed = false;
  const auto start = std::chrono::steady_clock::now();
  const std::string answer = raw.ReadToClose(5s, &closed);
  EXPECT_TRUE(closed);
  EXPECT_NE(answer.find("GET /r|"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(HttpServerTest, ReadTimeoutOnHalfSentRequestCloses) {
  auto server = StartServer(Echo, HttpServerOptions{.read_timeout = 200ms});
  RawSocket raw(server->bound_port());
  raw.Send("POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly part");
  bool closed = false;
  const std::string answer = raw.ReadToClose(5s, &closed);
  EXPECT_TRUE(closed);
  EXPECT_TRUE(answer.empty() || answer.rfind("HTTP/1.1 408", 0) == 0) << answer;
  EXPECT_TRUE(WaitFor([&] { return server->active_connections() == 0; }));
}

TEST(HttpServerTest, ConnectionsOverTheLimitGet503) {
  auto server = StartServer(Echo, HttpServerOptions{.max_connections = 2});
  HttpClient a("127.0.0.1", server->bound_port());
  HttpClient b("127.0.0.1", server->bound_port());
  ASSERT_TRUE(a.Get("/").ok());
  ASSERT_TRUE(b.Get("/").ok());
  RawSocket third(server->bound_port());
  const std::string answer = third.ReadToClose(5s);
  EXPECT_EQ(answer.rfind("HTTP/1.1 503", 0), 0u) << answer;
  EXPECT_NE(answer.find("Retry-After: 1\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"code\":\"SERVICE_UNAVAILABLE\""), std::string::npos) << answer;
  EXPECT_TRUE(a.Get("/").ok());
  EXPECT_EQ(server->active_connections(), 2u);
}

TEST(HttpServerTest, StartFailsOnBusyPort) {
  auto first = StartServer(Echo);
  HttpServer second(HttpServerOptions{.port = first->bound_port()}, Echo);
  Status st = second.Start();
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace engram::api
