#include "api/http/http_server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "api/http/exchange.h"
#include "api/http/http_connection.h"
#include "api/http/http_util.h"
#include "common/log.h"

namespace engram::api {

namespace net = boost::asio;
using tcp = net::ip::tcp;

class HttpServer::Core {
 public:
  Core(HttpServerOptions options, HttpHandler handler)
      : acceptor_(net::make_strand(ioc_)), retry_timer_(acceptor_.get_executor()) {
    shared_.options = std::move(options);
    shared_.handler = std::move(handler);
    shared_.on_closed = [this](uint64_t id) { OnClosed(id); };
    if (shared_.options.io_threads < 1) shared_.options.io_threads = 1;
    if (auto* m = shared_.options.metrics) {
      active_gauge_ = m->GetGauge("engram_http_connections_active", "Open HTTP connections");
      total_counter_ = m->GetCounter("engram_http_connections_total", "HTTP connections accepted");
    }
  }

  ~Core() { Stop(std::chrono::milliseconds(0)); }

  Status Start() {
    std::lock_guard lifecycle(lifecycle_mu_);
    if (started_) return Status::Internal("HTTP server already started");
    const auto& o = shared_.options;
    boost::system::error_code ec;
    tcp::endpoint endpoint;
    auto address = net::ip::make_address(o.host, ec);
    if (!ec) {
      endpoint = tcp::endpoint(address, o.port);
    } else {
      tcp::resolver resolver(ioc_);
      auto results = resolver.resolve(o.host, std::to_string(o.port), ec);
      if (ec || results.empty()) {
        return Status::InvalidArgument("cannot resolve listen host '" + o.host + "': " + ec.message());
      }
      endpoint = results.begin()->endpoint();
    }
    if (acceptor_.open(endpoint.protocol(), ec) ||
        acceptor_.set_option(net::socket_base::reuse_address(true), ec) || acceptor_.bind(endpoint, ec) ||
        acceptor_.listen(net::socket_base::max_listen_connections, ec)) {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      return Status::Unavailable("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " +
                                 ec.message());
    }
    port_.store(acceptor_.local_endpoint(ec).port());
    started_ = true;
    work_.emplace(net::make_work_guard(ioc_));
    net::post(acceptor_.get_executor(), [this] { DoAccept(); });
    for (int i = 0; i < o.io_threads; ++i) {
      threads_.emplace_back([this] {
        internal::SetOnIoThread(true);
        RunIo();
      });
    }
    ENGRAM_LOG(kInfo, "http", "listening on {}:{} with {} I/O thread(s)", o.host, port_.load(), o.io_threads);
    return Status::Ok();
  }

  void Stop(std::chrono::milliseconds grace) {
    std::lock_guard lifecycle(lifecycle_mu_);
    if (!started_ || stopped_) return;
    stopped_ = true;
    shared_.stopping->store(true, std::memory_order_release);

    std::promise<void> acceptor_closed;
    net::post(acceptor_.get_executor(), [this, &acceptor_closed] {
      boost::system::error_code ec;
      acceptor_.close(ec);
      retry_timer_.cancel();
      acceptor_closed.set_value();
    });
    acceptor_closed.get_future().wait();

    for (const auto& c : Snapshot()) c->CloseIfIdle();
    const auto deadline = std::chrono::steady_clock::now() + grace;
    {
      std::unique_lock lock(mu_);
      closed_cv_.wait_until(lock, deadline, [this] { return connections_.empty(); });
    }
    auto remaining = Snapshot();
    if (!remaining.empty()) {
      ENGRAM_LOG(kWarn, "http", "closing {} connection(s) still busy after the grace period", remaining.size());
      for (const auto& c : remaining) c->ForceClose();
      std::unique_lock lock(mu_);
      closed_cv_.wait_for(lock, std::chrono::seconds(2), [this] { return connections_.empty(); });
    }
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    std::lock_guard lock(mu_);
    // Destroyed here, while the io_context they belong to is still alive.
    connections_.clear();
    ENGRAM_LOG(kInfo, "http", "stopped");
  }

  uint16_t bound_port() const { return port_.load(); }

  size_t active_connections() const {
    std::lock_guard lock(mu_);
    return connections_.size();
  }

 private:
  void RunIo() {
    for (;;) {
      try {
        ioc_.run();
        return;
      } catch (const std::exception& e) {
        // A handler escaped an exception through Asio; keep serving the other connections.
        ENGRAM_LOG(kError, "http", "I/O thread caught: {}", e.what());
      }
    }
  }

  void DoAccept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](boost::system::error_code ec, tcp::socket socket) {
      OnAccept(ec, std::move(socket));
    });
  }

  void OnAccept(boost::system::error_code ec, tcp::socket socket) {
    if (shared_.stopping->load() || ec == net::error::operation_aborted) return;
    if (ec) {
      // Typically EMFILE: back off instead of spinning on a failing accept.
      ENGRAM_LOG(kWarn, "http", "accept failed: {}", ec.message());
      retry_timer_.expires_after(std::chrono::milliseconds(50));
      retry_timer_.async_wait([this](boost::system::error_code wait_ec) {
        if (!wait_ec && !shared_.stopping->load()) DoAccept();
      });
      return;
    }
    if (total_counter_) total_counter_->Add();
    if (active_connections() >= shared_.options.max_connections) {
      RejectOverloaded(std::move(socket));
    } else {
      socket.set_option(tcp::no_delay(true), ec);
      auto connection = std::make_shared<internal::Connection>(&shared_, next_id_++, std::move(socket));
      {
        std::lock_guard lock(mu_);
        connections_.emplace(next_id_ - 1, connection);
        if (active_gauge_) active_gauge_->Set(static_cast<double>(connections_.size()));
      }
      connection->Start();
    }
    DoAccept();
  }

  // Best effort: a non-blocking write of a canned 503 fits in any socket buffer, then close.
  static void RejectOverloaded(tcp::socket socket) {
    static const std::string kResponse = [] {
      std::string body = ErrorJson("SERVICE_UNAVAILABLE", "too many connections; retry shortly");
      return FormatResponseHead(503, "application/json", {{"Retry-After", "1"}}, "req_overloaded", false,
                                body.size()) +
             body;
    }();
    boost::system::error_code ec;
    socket.non_blocking(true, ec);
    net::write(socket, net::buffer(kResponse), ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
  }

  void OnClosed(uint64_t id) {
    std::lock_guard lock(mu_);
    connections_.erase(id);
    if (active_gauge_) active_gauge_->Set(static_cast<double>(connections_.size()));
    closed_cv_.notify_all();
  }

  std::vector<std::shared_ptr<internal::Connection>> Snapshot() const {
    std::lock_guard lock(mu_);
    std::vector<std::shared_ptr<internal::Connection>> out;
    out.reserve(connections_.size());
    for (const auto& [id, c] : connections_) out.push_back(c);
    return out;
  }

  // Declared first so it is destroyed last: sockets and timers below belong to it.
  net::io_context ioc_;
  internal::ServerShared shared_;
  tcp::acceptor acceptor_;           // used on its strand only
  net::steady_timer retry_timer_;    // acceptor strand
  uint64_t next_id_ = 1;             // acceptor strand
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::atomic<uint16_t> port_{0};
  Gauge* active_gauge_ = nullptr;
  Counter* total_counter_ = nullptr;

  std::mutex lifecycle_mu_;
  bool started_ = false;  // guarded by lifecycle_mu_
  bool stopped_ = false;  // guarded by lifecycle_mu_

  mutable std::mutex mu_;
  std::condition_variable closed_cv_;
  std::unordered_map<uint64_t, std::shared_ptr<internal::Connection>> connections_;  // guarded by mu_
};

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : core_(std::make_unique<Core>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() = default;

Status HttpServer::Start() { return core_->Start(); }
uint16_t HttpServer::bound_port() const { return core_->bound_port(); }
void HttpServer::Stop(std::chrono::milliseconds grace) { core_->Stop(grace); }
size_t HttpServer::active_connections() const { return core_->active_connections(); }

}  // namespace engram::api
