// HttpServer: the HTTP/1.1 transport of the API layer (Boost.Beast underneath, not exposed here).
//
// Event-driven: a few I/O threads serve every connection (no thread per connection). For each request
// the server calls one HttpHandler on an I/O thread with the parsed request and a ResponseWriter. The
// handler must not block: it answers at once, or hands the writer to a worker and returns; the writer
// can answer later from any thread. The server owns framing and transport rules only (keep-alive,
// body limit, timeouts, X-Request-Id, graceful shutdown); routes, auth and per-route metrics belong to
// the application.
//
// Thread-safety: HttpServer's methods may be called from any thread except its own I/O threads (Stop
// joins them). ResponseWriter is thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"

namespace engram::api {

struct HttpRequest {
  std::string method;                               // as sent, e.g. "GET"
  std::string target;                               // raw request target, e.g. "/users/u%201?x=1"
  std::string path;                                 // percent-decoded path without the query
  std::map<std::string, std::string> query;         // decoded; the first occurrence of a key wins
  std::map<std::string, std::string> headers;       // lower-case names; repeated fields joined by ", "
  std::string body;
  std::string remote_addr;                          // peer IP address (no port)
  std::string request_id;                           // from X-Request-Id when sane, else generated
  std::map<std::string, std::string> path_params;   // filled by the router

  // The header value, or nullptr. `lower_name` must be lower-case.
  const std::string* Header(std::string_view lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers. The server sets Content-Type, Content-Length, Transfer-Encoding, Connection and
  // X-Request-Id itself and ignores those names here; fields containing CR or LF are dropped.
  std::vector<std::pair<std::string, std::string>> headers;
};

// The answer channel of one request. Exactly one of Send or BeginStream per request; later calls are
// ignored. Destroyed without an answer, it sends 500 SERVER_ERROR; destroyed in the middle of a stream
// without End, it aborts the connection so the client sees a truncated response rather than a short
// but seemingly complete one.
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;

  // A whole response with Content-Length.
  virtual void Send(HttpResponse response) = 0;

  // Streaming with chunked transfer encoding (server-sent events and the like). False when the
  // request was already answered or the client is gone.
  virtual bool BeginStream(int status, std::string content_type,
                           std::vector<std::pair<std::string, std::string>> headers = {}) = 0;
  // Queues `data` as one chunk; writes go out in call order. Returns false once the client is gone.
  // Called off the I/O threads, it blocks while more than about 1 MB is queued for this connection,
  // so a fast producer cannot outrun a slow client; on an I/O thread it never blocks.
  virtual bool Write(std::string data) = 0;
  // Ends the stream (last chunk). Idempotent.
  virtual void End() = 0;
};

using HttpHandler = std::function<void(HttpRequest&&, std::shared_ptr<ResponseWriter>)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8420;                              // 0 = ephemeral; see HttpServer::bound_port()
  int io_threads = 1;
  size_t max_body_bytes = 8 << 20;                   // larger bodies get 413 PAYLOAD_TOO_LARGE
  // Per request, from its first byte to its end; also how long a new connection may stay silent.
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};    // per write of a response or chunk batch
  std::chrono::milliseconds idle_timeout{60000};     // keep-alive connection waiting for a request
  size_t max_connections = 10000;                    // beyond this, new connections get 503 and close
  engram::Metrics* metrics = nullptr;                // optional; must outlive the server
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();  // Stop(0) if still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens, then starts the I/O threads. When it returns OK, connections are accepted.
  Status Start();
  // The listening port (the chosen one when options.port was 0); 0 before Start.
  uint16_t bound_port() const;
  // Stops accepting, closes idle keep-alive connections, lets in-flight requests be answered (with
  // Connection: close) for up to `grace`, then closes what is left and joins the I/O threads.
  // Idempotent. Must not be called from a handler running on an I/O thread.
  void Stop(std::chrono::milliseconds grace);
  size_t active_connections() const;

 private:
  class Core;
  std::unique_ptr<Core> core_;
};

}  // namespace engram::api
