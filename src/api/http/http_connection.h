// Connection: one accepted TCP connection of HttpServer, reading requests and writing responses on
// its own strand. Internal to the HTTP adapter (Boost appears here, not in public headers).
//
// Life of a connection: wait for the first byte of a request (idle timeout between keep-alive
// requests), read header and body under one read deadline, hand the request to the handler, pump the
// exchange's queued bytes to the socket in order, then either wait for the next request or close.
// Error responses (400, 413) are followed by a lingering close: the send side is shut down and the
// rest of the request is drained for a moment, so the client reads the answer instead of a reset.
//
// Thread-safety: Start, CloseIfIdle, ForceClose and SchedulePump may be called from any thread (they
// post to the strand); everything else runs on the strand.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/http/exchange.h"
#include "api/http/http_server.h"

namespace engram::api::internal {

// What connections share with their server. Outlives every connection that can still run a handler.
struct ServerShared {
  HttpServerOptions options;
  HttpHandler handler;
  std::shared_ptr<std::atomic<bool>> stopping = std::make_shared<std::atomic<bool>>(false);
  std::function<void(uint64_t id)> on_closed;  // called once per connection, on its strand
};

class Connection final : public ExchangeSink, public std::enable_shared_from_this<Connection> {
 public:
  Connection(ServerShared* server, uint64_t id, boost::asio::ip::tcp::socket socket);

  void Start();
  // Closes the connection if it is waiting for a request (graceful shutdown); busy ones finish first.
  void CloseIfIdle();
  void ForceClose();
  void SchedulePump() override;

 private:
  enum class State { kIdle, kReading, kHandling, kClosing, kClosed };

  void ReadRequest();
  void BeginRequest();
  void OnHeader(boost::beast::error_code ec);
  void ReadBody();
  void OnReadError(boost::beast::error_code ec);
  void Dispatch();
  void RespondErrorAndClose(int status, std::string_view code, std::string_view message);
  void Pump();
  void OnWrite(boost::beast::error_code ec);
  void FinishExchange(bool keep_alive, bool aborted);
  void GracefulClose();
  void Drain();
  void Close();

  ServerShared* const server_;
  const uint64_t id_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::string remote_addr_;

  // Strand-only state.
  State state_ = State::kIdle;
  bool first_request_ = true;
  bool writing_ = false;
  std::chrono::steady_clock::time_point deadline_;  // end of the current request's read window
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<Exchange> exchange_;              // the request being answered, if any
  std::vector<std::string> inflight_;               // bytes of the write in progress
  size_t inflight_bytes_ = 0;
};

}  // namespace engram::api::internal
