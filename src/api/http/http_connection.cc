#include "api/http/http_connection.h"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include <algorithm>

#include "api/http/http_util.h"
#include "common/crypto.h"
#include "common/log.h"

namespace engram::api::internal {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr size_t kFirstReadBytes = 16 * 1024;
constexpr size_t kHeaderLimit = 32 * 1024;
constexpr std::chrono::milliseconds kMaxLinger{2000};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

bool IsHttpProtocolError(const beast::error_code& ec) {
  static const auto& category = http::make_error_code(http::error::bad_method).category();
  // end_of_stream and partial_message are the peer going away, not a malformed request.
  return ec.category() == category && ec != http::error::end_of_stream &&
         ec != http::error::partial_message;
}

}  // namespace

Connection::Connection(ServerShared* server, uint64_t id, tcp::socket socket)
    : server_(server), id_(id), stream_(std::move(socket)) {
  beast::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_addr_ = endpoint.address().to_string();
}

void Connection::Start() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->ReadRequest(); });
}

void Connection::CloseIfIdle() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->state_ == State::kIdle) self->Close();
  });
}

void Connection::ForceClose() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->Close(); });
}

void Connection::SchedulePump() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->Pump(); });
}

void Connection::ReadRequest() {
  if (state_ == State::kClosed) return;
  const bool stopping = server_->stopping->load(std::memory_order_acquire);
  if (buffer_.size() > 0) {  // a pipelined request is already buffered
    BeginRequest();
    return;
  }
  if (stopping) {
    Close();
    return;
  }
  state_ = State::kIdle;
  // A fresh connection is expected to send at once; a kept-alive one may rest for idle_timeout.
  stream_.expires_after(first_request_ ? server_->options.read_timeout : server_->options.idle_timeout);
  stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                          [self = shared_from_this()](beast::error_code ec, size_t n) {
                            if (ec) {
                              self->Close();
                              return;
                            }
                            self->buffer_.commit(n);
                            self->BeginRequest();
                          });
}

void Connection::BeginRequest() {
  if (state_ == State::kClosed) return;
  state_ = State::kReading;
  deadline_ = std::chrono::steady_clock::now() + server_->options.read_timeout;
  parser_.emplace();
  parser_->body_limit(server_->options.max_body_bytes);
  parser_->header_limit(kHeaderLimit);
  stream_.expires_at(deadline_);
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
}

void Connection::OnHeader(beast::error_code ec) {
  if (ec) {
    OnReadError(ec);
    return;
  }
  const auto& msg = parser_->get();
  if (!parser_->is_done() && msg.version() >= 11 &&
      beast::iequals(msg[http::field::expect], "100-continue")) {
    // Clients such as curl wait for this before sending a large body.
    stream_.expires_at(deadline_);
    net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) {
                         self->Close();
                         return;
                       }
                       self->ReadBody();
                     });
    return;
  }
  ReadBody();
}

void Connection::ReadBody() {
  if (parser_->is_done()) {
    Dispatch();
    return;
  }
  stream_.expires_at(deadline_);
  http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec) {
      self->OnReadError(ec);
      return;
    }
    self->Dispatch();
  });
}

void Connection::OnReadError(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    RespondErrorAndClose(413, "PAYLOAD_TOO_LARGE",
                         fmt::format("request body exceeds {} bytes", server_->options.max_body_bytes));
  } else if (ec == http::error::header_limit) {
    RespondErrorAndClose(431, "INVALID_REQUEST", "request header too large");
  } else if (IsHttpProtocolError(ec)) {
    RespondErrorAndClose(400, "INVALID_REQUEST", fmt::format("malformed HTTP request: {}", ec.message()));
  } else {
    // Timeouts (a read timeout on a half-sent request just closes), resets, clean EOF.
    ENGRAM_LOG(kDebug, "http", "connection {} closed while reading: {}", id_, ec.message());
    Close();
  }
}

void Connection::Dispatch() {
  state_ = State::kHandling;
  auto& msg = parser_->get();

  HttpRequest request;
  const auto request_id = msg["X-Request-Id"];
  request.request_id = IsSafeRequestId(std::string_view(request_id.data(), request_id.size()))
                           ? std::string(request_id)
                           : NewId("req_");
  auto target = ParseTarget(std::string_view(msg.target().data(), msg.target().size()));
  if (!target) {
    RespondErrorAndClose(400, "INVALID_REQUEST", "malformed request target");
    return;
  }
  request.method = std::string(msg.method_string());
  request.target = std::string(msg.target());
  request.path = std::move(target->path);
  request.query = std::move(target->query);
  for (const auto& field : msg) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto [it, inserted] = request.headers.try_emplace(std::move(name), field.value());
    if (!inserted) {
      it->second += ", ";
      it->second += std::string_view(field.value().data(), field.value().size());
    }
  }
  request.body = std::move(msg.body());
  request.remote_addr = remote_addr_;
  const bool keep_alive = msg.keep_alive();
  parser_.reset();

  exchange_ = std::make_shared<Exchange>(weak_from_this(), request.request_id, keep_alive, server_->stopping);
  auto writer = std::make_shared<WriterImpl>(exchange_);
  try {
    server_->handler(std::move(request), std::move(writer));
  } catch (const std::exception& e) {
    // The writer, if dropped, answers 500; the connection itself stays usable.
    ENGRAM_LOG(kError, "http", "handler threw: {}", e.what());
  } catch (...) {
    ENGRAM_LOG(kError, "http", "handler threw a non-standard exception");
  }
}

void Connection::RespondErrorAndClose(int status, std::string_view code, std::string_view message) {
  state_ = State::kHandling;
  std::string request_id = NewId("req_");
  if (parser_) {
    const auto given = parser_->get()["X-Request-Id"];
    if (IsSafeRequestId(std::string_view(given.data(), given.size()))) request_id = std::string(given);
  }
  parser_.reset();
  ENGRAM_LOG(kDebug, "http", "connection {}: {} {}", id_, status, message);
  exchange_ = std::make_shared<Exchange>(weak_from_this(), std::move(request_id), /*keep_alive_requested=*/false,
                                         server_->stopping);
  HttpResponse response;
  response.status = status;
  response.body = ErrorJson(code, message);
  exchange_->Send(std::move(response));
}

void Connection::Pump() {
  if (state_ == State::kClosed || writing_ || !exchange_) return;
  Exchange::Batch batch = exchange_->TakeQueued();
  if (batch.data.empty()) {
    if (batch.complete) FinishExchange(batch.keep_alive, batch.aborted);
    return;
  }
  writing_ = true;
  inflight_ = std::move(batch.data);
  inflight_bytes_ = 0;
  std::vector<net::const_buffer> buffers;
  buffers.reserve(inflight_.size());
  for (const auto& s : inflight_) {
    buffers.emplace_back(s.data(), s.size());
    inflight_bytes_ += s.size();
  }
  stream_.expires_after(server_->options.write_timeout);
  net::async_write(stream_, buffers,
                   [self = shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
}

void Connection::OnWrite(beast::error_code ec) {
  writing_ = false;
  inflight_.clear();
  if (exchange_) exchange_->MarkWritten(inflight_bytes_);
  inflight_bytes_ = 0;
  if (ec) {
    ENGRAM_LOG(kDebug, "http", "connection {} write failed: {}", id_, ec.message());
    Close();
    return;
  }
  Pump();
}

void Connection::FinishExchange(bool keep_alive, bool aborted) {
  exchange_.reset();
  if (aborted) {
    Close();
    return;
  }
  first_request_ = false;
  if (keep_alive) {
    ReadRequest();
  } else {
    GracefulClose();
  }
}

void Connection::GracefulClose() {
  state_ = State::kClosing;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) {
    Close();
    return;
  }
  buffer_.consume(buffer_.size());
  stream_.expires_after(std::min<std::chrono::milliseconds>(server_->options.read_timeout, kMaxLinger));
  Drain();
}

void Connection::Drain() {
  stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            // EOF (the client read our answer and closed) or the linger deadline.
                            if (ec) {
                              self->Close();
                              return;
                            }
                            self->Drain();
                          });
}

void Connection::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  if (exchange_) {
    exchange_->MarkDead();
    exchange_.reset();
  }
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
  if (server_->on_closed) server_->on_closed(id_);
}

}  // namespace engram::api::internal
