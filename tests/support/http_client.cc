#include "tests/support/http_client.h"

#include <poll.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <optional>

namespace engram::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

beast::string_view Bsv(std::string_view s) { return beast::string_view(s.data(), s.size()); }
std::string_view Ssv(beast::string_view s) { return std::string_view(s.data(), s.size()); }

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Status ToStatus(const beast::error_code& ec, std::string_view what) {
  std::string message = std::string(what) + ": " + ec.message();
  if (ec == beast::error::timeout) return Status::DeadlineExceeded(std::move(message));
  if (ec == net::error::connection_refused || ec == net::error::eof || ec == net::error::connection_reset ||
      ec == net::error::broken_pipe || ec == http::error::end_of_stream || ec == http::error::partial_message ||
      ec == net::error::host_not_found) {
    return Status::Unavailable(std::move(message));
  }
  return Status::Internal(std::move(message));
}

template <class Fields>
void CopyHeaders(const Fields& fields, std::map<std::string, std::string>* out) {
  for (const auto& field : fields) {
    auto [it, inserted] = out->try_emplace(Lower(Ssv(field.name_string())), Ssv(field.value()));
    if (!inserted) {
      it->second += ", ";
      it->second.append(field.value().data(), field.value().size());
    }
  }
}

}  // namespace

const std::string* HttpClient::Response::Header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? nullptr : &it->second;
}

struct HttpClient::Impl {
  std::string host;
  uint16_t port;
  std::chrono::milliseconds timeout{30000};
  net::io_context ioc;
  std::optional<tcp::resolver::results_type> endpoints;  // resolved once
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  size_t connects = 0;
  size_t requests_on_connection = 0;

  Impl(std::string h, uint16_t p) : host(std::move(h)), port(p) {}

  // Runs one asynchronous operation to completion on the calling thread. Async operations are used
  // only because Beast enforces tcp_stream timeouts on them, not on blocking calls.
  template <class Initiate>
  beast::error_code Run(Initiate&& initiate) {
    beast::error_code result;
    initiate([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  bool connected() const { return stream.has_value() && stream->socket().is_open(); }

  void Close() {
    if (stream) {
      beast::error_code ec;
      stream->socket().shutdown(tcp::socket::shutdown_both, ec);
      stream->close();
      stream.reset();
    }
    buffer.clear();
    requests_on_connection = 0;
  }

  // A kept-alive connection that is readable before we sent anything was closed by the server (or
  // carries garbage): either way it cannot be used for the next request.
  bool LooksStale() {
    pollfd p{stream->socket().native_handle(), POLLIN, 0};
    return ::poll(&p, 1, 0) != 0 || buffer.size() != 0;
  }

  Status Connect() {
    Close();
    beast::error_code ec;
    if (!endpoints) {
      tcp::resolver resolver(ioc);
      auto results = resolver.resolve(host, std::to_string(port), ec);
      if (ec) return ToStatus(ec, "resolve " + host);
      endpoints = std::move(results);
    }
    stream.emplace(ioc);
    stream->expires_after(timeout);
    ec = Run([&](auto handler) { stream->async_connect(*endpoints, std::move(handler)); });
    if (ec) {
      Close();
      return ToStatus(ec, "connect to " + host + ":" + std::to_string(port));
    }
    stream->socket().set_option(tcp::no_delay(true), ec);
    // Beast sizes each socket read by the buffer's spare capacity (512 bytes at first); without room
    // a large response would be read 512 bytes per system call.
    buffer.reserve(64 * 1024);
    ++connects;
    return Status::Ok();
  }

  struct ReadOutcome {
    beast::error_code ec;
    bool got_bytes = false;
    Response response;
    bool keep_alive = false;
  };

  ReadOutcome ReadWhole() {
    ReadOutcome out;
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    stream->expires_after(timeout);
    out.ec = Run([&](auto handler) { http::async_read(*stream, buffer, parser, std::move(handler)); });
    out.got_bytes = parser.got_some();
    if (out.ec) return out;
    auto& msg = parser.get();
    out.response.status = static_cast<int>(msg.result_int());
    CopyHeaders(msg, &out.response.headers);
    out.response.body = std::move(msg.body());
    out.keep_alive = msg.keep_alive();
    return out;
  }

  ReadOutcome ReadStreaming(const std::function<void(std::string_view)>& on_data) {
    ReadOutcome out;
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    stream->expires_after(timeout);
    out.ec = Run([&](auto handler) { http::async_read_header(*stream, buffer, parser, std::move(handler)); });
    out.got_bytes = parser.got_some();
    if (out.ec) return out;
    out.response.status = static_cast<int>(parser.get().result_int());
    CopyHeaders(parser.get(), &out.response.headers);
    out.keep_alive = parser.get().keep_alive();
    char chunk[16 * 1024];
    while (!parser.is_done()) {
      parser.get().body().data = chunk;
      parser.get().body().size = sizeof(chunk);
      stream->expires_after(timeout);
      // read_some returns after each parsing step, so data is delivered as soon as it arrives.
      out.ec = Run([&](auto handler) { http::async_read_some(*stream, buffer, parser, std::move(handler)); });
      if (out.ec == http::error::need_buffer) out.ec = {};
      if (out.ec) return out;
      const size_t n = sizeof(chunk) - parser.get().body().size;
      if (n > 0) on_data(std::string_view(chunk, n));
    }
    return out;
  }

  Result<Response> Do(std::string_view method, std::string target, std::string body, Headers headers,
                      const std::function<void(std::string_view)>* on_data) {
    http::request<http::string_body> req;
    const http::verb verb = http::string_to_verb(Bsv(method));
    if (verb == http::verb::unknown) {
      req.method_string(Bsv(method));
    } else {
      req.method(verb);
    }
    req.target(target);
    req.version(11);
    req.set(http::field::host, host + ":" + std::to_string(port));
    for (auto& [name, value] : headers) req.insert(name, value);
    const bool has_body = !body.empty();
    req.body() = std::move(body);
    if (has_body || verb == http::verb::post || verb == http::verb::put || verb == http::verb::patch) {
      req.content_length(req.body().size());
    }

    for (int attempt = 0;; ++attempt) {
      if (connected() && LooksStale()) Close();
      if (!connected()) {
        Status st = Connect();
        if (!st.ok()) return st;
      }
      const bool reused = requests_on_connection > 0;
      const bool may_retry = reused && attempt == 0;

      stream->expires_after(timeout);
      beast::error_code write_ec = Run([&](auto handler) { http::async_write(*stream, req, std::move(handler)); });
      if (write_ec && may_retry) {
        Close();
        continue;
      }
      // Even when the write failed, the server may have answered early (413) before closing.
      ReadOutcome out = on_data ? ReadStreaming(*on_data) : ReadWhole();
      if (out.ec) {
        Close();
        if (may_retry && !out.got_bytes) continue;
        return ToStatus(write_ec ? write_ec : out.ec, write_ec ? "write request" : "read response");
      }
      ++requests_on_connection;
      if (!out.keep_alive || write_ec) Close();
      return std::move(out.response);
    }
  }
};

HttpClient::HttpClient(std::string host, uint16_t port) : impl_(std::make_unique<Impl>(std::move(host), port)) {}
HttpClient::~HttpClient() {
  if (impl_) impl_->Close();
}
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

Status HttpClient::Connect() { return impl_->Connect(); }
void HttpClient::Close() { impl_->Close(); }
bool HttpClient::connected() const { return impl_->connected(); }
size_t HttpClient::connects() const { return impl_->connects; }
std::chrono::milliseconds HttpClient::timeout() const { return impl_->timeout; }
void HttpClient::set_timeout(std::chrono::milliseconds timeout) { impl_->timeout = timeout; }

Result<HttpClient::Response> HttpClient::Request(std::string method, std::string target, std::string body,
                                                 Headers headers) {
  return impl_->Do(method, std::move(target), std::move(body), std::move(headers), nullptr);
}

Result<HttpClient::Response> HttpClient::Get(std::string target, Headers headers) {
  return impl_->Do("GET", std::move(target), "", std::move(headers), nullptr);
}

Result<HttpClient::Response> HttpClient::Post(std::string target, std::string body, Headers headers) {
  const bool has_type = std::any_of(headers.begin(), headers.end(),
                                    [](const auto& h) { return Lower(h.first) == "content-type"; });
  if (!has_type) headers.emplace_back("Content-Type", "application/json");
  return impl_->Do("POST", std::move(target), std::move(body), std::move(headers), nullptr);
}

Result<HttpClient::Response> HttpClient::RequestStream(std::string method, std::string target, std::string body,
                                                       Headers headers,
                                                       const std::function<void(std::string_view)>& on_data) {
  return impl_->Do(method, std::move(target), std::move(body), std::move(headers), &on_data);
}

}  // namespace engram::testing
