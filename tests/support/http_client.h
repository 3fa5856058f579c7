// HttpClient: a small blocking HTTP/1.1 client for tests and benchmarks (Boost.Beast underneath, not
// exposed here).
//
// One client holds one keep-alive connection and reuses it request after request; when the server has
// closed it (idle timeout, Connection: close), the next request reconnects transparently. A request
// that fails on a reused connection before any response byte arrived is retried once on a fresh one.
// Every operation is bounded by timeout() (connect, write, read).
//
// Thread-safety: none. Give each client thread its own HttpClient (they are cheap).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace engram::testing {

class HttpClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  struct Response {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names; repeated fields joined by ", "
    std::string body;                            // empty for RequestStream
    // The header value, or nullptr. `lower_name` must be lower-case.
    const std::string* Header(std::string_view lower_name) const;
  };

  HttpClient(std::string host, uint16_t port);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  // Opens the connection now (otherwise the first request does).
  Status Connect();
  void Close();
  bool connected() const;
  // TCP connections opened so far: 1 after many requests means keep-alive worked.
  size_t connects() const;

  std::chrono::milliseconds timeout() const;
  void set_timeout(std::chrono::milliseconds timeout);

  // Errors: Unavailable when the server cannot be reached or closed the connection, DeadlineExceeded
  // on timeout, Internal for a malformed response. HTTP error statuses are responses, not errors.
  Result<Response> Request(std::string method, std::string target, std::string body = "",
                           Headers headers = {});
  Result<Response> Get(std::string target, Headers headers = {});
  // Content-Type defaults to application/json.
  Result<Response> Post(std::string target, std::string body, Headers headers = {});

  // Like Request, but hands the response body to `on_data` piece by piece as it arrives (chunked or
  // not), e.g. to read server-sent events. The returned Response has status and headers, no body.
  Result<Response> RequestStream(std::string method, std::string target, std::string body, Headers headers,
                                 const std::function<void(std::string_view data)>& on_data);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace engram::testing
