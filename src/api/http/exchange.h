// Exchange: the state of one request/response, shared by its ResponseWriter (any thread) and its
// connection (the connection's I/O strand). Internal to the HTTP adapter; no Boost here, so the
// writer rules (one answer, ordering, backpressure, 500 on abandon) are plain code.
//
// The writer side frames bytes (head, chunks) into a queue and asks the connection, through an
// ExchangeSink, to pump it; the connection takes the queue, writes it and reports the bytes written,
// which releases a producer blocked by backpressure. Thread-safe: all state is guarded by mu_.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "api/http/http_server.h"

namespace engram::api::internal {

// Implemented by the connection. SchedulePump is called with the exchange's mutex held and must only
// post work to the connection's strand, never write inline.
class ExchangeSink {
 public:
  virtual ~ExchangeSink() = default;
  virtual void SchedulePump() = 0;
};

// Marks the calling thread as an I/O thread of some HttpServer: Write never blocks there, since the
// thread it would wait for may be itself.
void SetOnIoThread(bool on);

class Exchange {
 public:
  // Above this many queued bytes, Write blocks a non-I/O caller until the connection drains.
  static constexpr size_t kMaxQueuedBytes = 1 << 20;

  Exchange(std::weak_ptr<ExchangeSink> sink, std::string request_id, bool keep_alive_requested,
           std::shared_ptr<const std::atomic<bool>> stopping);

  // Writer side; see ResponseWriter for the contract.
  void Send(HttpResponse response);
  bool BeginStream(int status, std::string content_type,
                   std::vector<std::pair<std::string, std::string>> headers);
  bool Write(std::string data);
  void End();
  // The writer is gone: answer 500 if nothing was sent, abort a stream left open.
  void Abandon();

  // Connection side.
  struct Batch {
    std::vector<std::string> data;
    bool complete = false;    // the response is fully in `data` or already written
    bool keep_alive = false;  // the Connection header we sent (valid when complete)
    bool aborted = false;     // close without finishing the response
  };
  Batch TakeQueued();
  void MarkWritten(size_t bytes);
  // The connection closed: later writes fail and blocked producers wake up.
  void MarkDead();

 private:
  void EnqueueLocked(std::string data);
  bool DecideKeepAliveLocked() const;

  const std::string request_id_;
  const bool keep_alive_requested_;
  const std::shared_ptr<const std::atomic<bool>> stopping_;

  std::mutex mu_;
  std::condition_variable drained_;
  std::weak_ptr<ExchangeSink> sink_;  // guarded by mu_
  std::deque<std::string> out_;       // guarded by mu_
  size_t queued_bytes_ = 0;           // guarded by mu_; queued or being written
  bool answered_ = false;             // guarded by mu_; Send or BeginStream happened
  bool streaming_ = false;            // guarded by mu_
  bool complete_ = false;             // guarded by mu_; nothing more will be queued
  bool aborted_ = false;              // guarded by mu_
  bool keep_alive_ = false;           // guarded by mu_
  bool dead_ = false;                 // guarded by mu_
  bool pump_pending_ = false;         // guarded by mu_
};

// The ResponseWriter handed to handlers: a thin owner of the exchange that abandons it on destruction.
class WriterImpl final : public ResponseWriter {
 public:
  explicit WriterImpl(std::shared_ptr<Exchange> exchange) : exchange_(std::move(exchange)) {}
  ~WriterImpl() override { exchange_->Abandon(); }

  void Send(HttpResponse response) override { exchange_->Send(std::move(response)); }
  bool BeginStream(int status, std::string content_type,
                   std::vector<std::pair<std::string, std::string>> headers) override {
    return exchange_->BeginStream(status, std::move(content_type), std::move(headers));
  }
  bool Write(std::string data) override { return exchange_->Write(std::move(data)); }
  void End() override { exchange_->End(); }

 private:
  std::shared_ptr<Exchange> exchange_;
};

}  // namespace engram::api::internal
