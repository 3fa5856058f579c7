#include "tests/support/raw_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace engram::testing {

RawSocket::RawSocket(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    Close();
    return;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

RawSocket::~RawSocket() { Close(); }

void RawSocket::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool RawSocket::Send(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

long RawSocket::RecvOnce(std::string* out, std::chrono::milliseconds timeout, bool* timed_out) {
  *timed_out = false;
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (ready == 0) {
    *timed_out = true;
    return 0;
  }
  if (ready < 0) return -1;
  char buf[16384];
  const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
  if (n > 0) out->append(buf, static_cast<size_t>(n));
  return n;
}

std::string RawSocket::ReadSome(std::chrono::milliseconds timeout) {
  std::string out;
  bool timed_out = false;
  RecvOnce(&out, timeout, &timed_out);
  return out;
}

std::string RawSocket::ReadUntil(std::string_view needle, std::chrono::milliseconds timeout) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.find(needle) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    bool timed_out = false;
    if (RecvOnce(&out, left, &timed_out) <= 0) break;
  }
  return out;
}

std::string RawSocket::ReadToClose(std::chrono::milliseconds timeout, bool* closed) {
  std::string out;
  if (closed) *closed = false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    bool timed_out = false;
    const long n = RecvOnce(&out, left, &timed_out);
    if (timed_out) break;
    if (n <= 0) {  // orderly close or reset: either way the server is gone
      if (closed) *closed = true;
      break;
    }
  }
  return out;
}

}  // namespace engram::testing
