#include "api/http/exchange.h"

#include "api/http/http_util.h"
#include "common/log.h"

namespace engram::api::internal {

namespace {
thread_local bool tls_on_io_thread = false;
}  // namespace

void SetOnIoThread(bool on) { tls_on_io_thread = on; }

Exchange::Exchange(std::weak_ptr<ExchangeSink> sink, std::string request_id, bool keep_alive_requested,
                   std::shared_ptr<const std::atomic<bool>> stopping)
    : request_id_(std::move(request_id)),
      keep_alive_requested_(keep_alive_requested),
      stopping_(std::move(stopping)),
      sink_(std::move(sink)) {}

bool Exchange::DecideKeepAliveLocked() const {
  // A stopping server answers what is in flight but asks the client to go away.
  return keep_alive_requested_ && !(stopping_ && stopping_->load(std::memory_order_acquire));
}

void Exchange::EnqueueLocked(std::string data) {
  queued_bytes_ += data.size();
  out_.push_back(std::move(data));
  if (pump_pending_ || dead_) return;
  // The sink outlives every exchange it has not marked dead (the connection marks its current
  // exchange dead before it lets go of itself), so this lock never yields the last reference.
  if (auto sink = sink_.lock()) {
    pump_pending_ = true;
    sink->SchedulePump();
  }
}

void Exchange::Send(HttpResponse response) {
  std::lock_guard lock(mu_);
  if (answered_) {
    ENGRAM_LOG(kWarn, "http", "request {}: response sent twice, second one dropped", request_id_);
    return;
  }
  answered_ = true;
  complete_ = true;
  if (dead_) return;
  keep_alive_ = DecideKeepAliveLocked();
  EnqueueLocked(FormatResponseHead(response.status, response.content_type, response.headers, request_id_,
                                   keep_alive_, response.body.size()));
  if (!response.body.empty()) EnqueueLocked(std::move(response.body));
}

bool Exchange::BeginStream(int status, std::string content_type,
                           std::vector<std::pair<std::string, std::string>> headers) {
  std::lock_guard lock(mu_);
  if (answered_) return false;
  answered_ = true;
  streaming_ = true;
  if (dead_) {
    complete_ = true;
    return false;
  }
  keep_alive_ = DecideKeepAliveLocked();
  EnqueueLocked(FormatResponseHead(status, content_type, headers, request_id_, keep_alive_, std::nullopt));
  return true;
}

bool Exchange::Write(std::string data) {
  std::unique_lock lock(mu_);
  if (!streaming_ || complete_ || dead_) return false;
  if (data.empty()) return true;  // an empty chunk would end the stream
  if (!tls_on_io_thread) {
    drained_.wait(lock, [this] { return dead_ || complete_ || queued_bytes_ <= kMaxQueuedBytes; });
    if (dead_ || complete_) return false;
  }
  const size_t size = data.size();
  EnqueueLocked(ChunkPrefix(size));
  EnqueueLocked(std::move(data));
  EnqueueLocked("\r\n");
  return true;
}

void Exchange::End() {
  std::lock_guard lock(mu_);
  if (!streaming_ || complete_) return;
  complete_ = true;
  drained_.notify_all();
  if (!dead_) EnqueueLocked("0\r\n\r\n");
}

void Exchange::Abandon() {
  std::unique_lock lock(mu_);
  if (!answered_) {
    lock.unlock();
    ENGRAM_LOG(kWarn, "http", "request {}: handler dropped the writer without answering", request_id_);
    HttpResponse response;
    response.status = 500;
    response.body = ErrorJson("SERVER_ERROR", "the server did not answer the request");
    Send(std::move(response));
    return;
  }
  if (streaming_ && !complete_) {
    ENGRAM_LOG(kWarn, "http", "request {}: stream dropped without End, aborting the connection", request_id_);
    complete_ = true;
    aborted_ = true;
    drained_.notify_all();
    if (!dead_ && !pump_pending_) {
      if (auto sink = sink_.lock()) {
        pump_pending_ = true;
        sink->SchedulePump();
      }
    }
  }
}

Exchange::Batch Exchange::TakeQueued() {
  std::lock_guard lock(mu_);
  pump_pending_ = false;
  Batch batch;
  batch.data.reserve(out_.size());
  for (auto& s : out_) batch.data.push_back(std::move(s));
  out_.clear();
  batch.complete = complete_;
  batch.keep_alive = keep_alive_;
  batch.aborted = aborted_;
  return batch;
}

void Exchange::MarkWritten(size_t bytes) {
  std::lock_guard lock(mu_);
  queued_bytes_ -= std::min(bytes, queued_bytes_);
  drained_.notify_all();
}

void Exchange::MarkDead() {
  std::lock_guard lock(mu_);
  dead_ = true;
  sink_.reset();
  out_.clear();
  queued_bytes_ = 0;
  drained_.notify_all();
}

}  // namespace engram::api::internal
