// RawSocket: a plain blocking TCP connection for tests that must send bytes no HTTP client would
// (garbage, half requests, hand-made chunked bodies) or watch the server close the connection.
//
// Thread-safety: none; one socket per test thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace engram::testing {

class RawSocket {
 public:
  // Connects to 127.0.0.1:port; check ok().
  explicit RawSocket(uint16_t port);
  ~RawSocket();
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  bool ok() const { return fd_ >= 0; }
  bool Send(std::string_view data);
  // Reads whatever arrives within `timeout` (at most one recv); empty on timeout or close.
  std::string ReadSome(std::chrono::milliseconds timeout);
  // Reads until `needle` has been seen, the peer closes, or `timeout` passes; returns all bytes read.
  std::string ReadUntil(std::string_view needle, std::chrono::milliseconds timeout);
  // Reads until the peer closes or `timeout` passes; `closed` tells which.
  std::string ReadToClose(std::chrono::milliseconds timeout, bool* closed = nullptr);
  void Close();

 private:
  // -1 on error, 0 on close or timeout (see *timed_out), else bytes appended.
  long RecvOnce(std::string* out, std::chrono::milliseconds timeout, bool* timed_out);

  int fd_ = -1;
};

}  // namespace engram::testing
