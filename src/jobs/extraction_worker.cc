#include "jobs/extraction_worker.h"

#include <algorithm>
#include <chrono>

#include "common/log.h"
#include "common/background.h"
#include "memory/stage3.h"

namespace engram::jobs {

ExtractionWorker::ExtractionWorker(store::Store* store, memory::Extractor* extractor, index::IndexCache* cache,
                                   const Clock* clock, ExtractionWorkerOptions options, Metrics* metrics)
    : store_(store), extractor_(extractor), cache_(cache), clock_(clock), options_(options) {
  if (options_.coordinator == nullptr) own_coordinator_ = std::make_unique<ExtractionCoordinator>();
  coordinator_ = options_.coordinator != nullptr ? options_.coordinator : own_coordinator_.get();
  if (metrics) {
    records_ = metrics->GetCounter("engram_records_extracted_total", "Records run through memory extraction");
    memories_ = metrics->GetCounter("engram_memories_written_total", "Memories inserted or updated");
    failures_ = metrics->GetCounter("engram_extraction_failures_total", "Failed extraction batches");
    queue_gauge_ = metrics->GetGauge("engram_extraction_queue_depth", "Users waiting for extraction");
    records_failed_ = metrics->GetCounter("engram_extraction_records_failed_total",
                                          "Records marked failed after extraction gave up on them");
    pending_gauge_ = metrics->GetGauge("engram_extraction_pending_records",
                                       "Records waiting for extraction (approximate)");
    batch_seconds_ = metrics->GetHistogram("engram_extraction_batch_seconds", "Time to extract one batch");
  }
}

ExtractionWorker::~ExtractionWorker() { Stop(); }

Status ExtractionWorker::Start() {
  ResyncPending();
  ENGRAM_ASSIGN_OR_RETURN(auto pending, store_->ListUsersPendingExtraction(1u << 30));
  for (const auto& [ws, uid] : pending) Enqueue(ws, uid);
  for (size_t i = 0; i < std::max<size_t>(1, options_.threads); ++i) threads_.emplace_back([this] { Loop(); });
  return Status::Ok();
}

void ExtractionWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  idle_cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void ExtractionWorker::Enqueue(const std::string& workspace, int64_t uid, int64_t new_records) {
  if (new_records != 0) {
    coordinator_->AddPending(new_records);
    if (pending_gauge_) pending_gauge_->Set(static_cast<double>(coordinator_->pending()));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    const UserKey key{workspace, uid};
    if (running_.count(key)) {
      again_.insert(key);
    } else if (queued_.insert(key).second) {
      queue_.push_back(key);
    }
    if (queue_gauge_) queue_gauge_->Set(static_cast<double>(queue_.size()));
  }
  cv_.notify_one();
}

void ExtractionWorker::DropUser(const std::string& workspace, int64_t uid) {
  std::lock_guard<std::mutex> lock(mu_);
  const UserKey key{workspace, uid};
  queued_.erase(key);
  again_.erase(key);
  attempts_.erase(key);
  queue_.erase(std::remove(queue_.begin(), queue_.end(), key), queue_.end());
}

void ExtractionWorker::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return stop_ || (queue_.empty() && running_.empty()); });
}

void ExtractionWorker::Loop() {
  EnterBackground();
  int backoff_ms = options_.retry_initial_ms;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    const UserKey key = queue_.front();
    queue_.pop_front();
    queued_.erase(key);
    running_.insert(key);
    if (queue_gauge_) queue_gauge_->Set(static_cast<double>(queue_.size()));
    auto found = attempts_.find(key);
    int attempts = found == attempts_.end() ? 0 : found->second;
    lock.unlock();

    bool failed = false;
    while (true) {
      // After max_attempts failed tries the user's records are taken one at a time, so one record the
      // extractor cannot handle is set aside instead of blocking the user's queue for ever.
      const bool isolate = options_.max_attempts > 0 && attempts >= options_.max_attempts;
      YieldToForeground(kForegroundYield);
      auto more = isolate ? ProcessIsolated(key.first, key.second) : ProcessBatch(key.first, key.second);
      if (!more.ok()) {
        if (failures_) failures_->Add();
        ENGRAM_LOG(kWarn, "extract", "extraction for user {} failed: {}", key.second, more.status().ToString());
        failed = more.status().code() != StatusCode::kNotFound;
        if (failed) ++attempts;
        break;
      }
      attempts = 0;
      if (!*more) break;
      std::lock_guard<std::mutex> stop_check(mu_);
      if (stop_) break;
    }

    lock.lock();
    running_.erase(key);
    if (attempts > 0) {
      attempts_[key] = attempts;
    } else {
      attempts_.erase(key);
    }
    const bool again = again_.erase(key) > 0;
    if ((again || failed) && !stop_ && queued_.insert(key).second) queue_.push_back(key);
    if (failed && !stop_) {
      cv_.wait_for(lock, std::chrono::milliseconds(backoff_ms), [this] { return stop_; });
      backoff_ms = std::min(backoff_ms * 2, options_.retry_max_ms);
    } else {
      backoff_ms = options_.retry_initial_ms;
    }
    if (queue_.empty() && running_.empty()) {
      // Idle: the counter is re-read from the store, so drift (updated records counted as new,
      // deleted users' records) does not accumulate.
      lock.unlock();
      ResyncPending();
      lock.lock();
      if (queue_.empty() && running_.empty()) idle_cv_.notify_all();
    }
  }
}

Result<bool> ExtractionWorker::ProcessBatch(const std::string& workspace, int64_t uid) {
  ScopedTimer timer(batch_seconds_);
  std::lock_guard<std::mutex> user_lock(coordinator_->UserMutex(workspace, uid));
  ENGRAM_ASSIGN_OR_RETURN(auto records, store_->ListUnextractedRecords(workspace, uid, options_.batch_records));
  if (records.empty()) return false;
  ENGRAM_ASSIGN_OR_RETURN(memory::Extraction extraction, extractor_->Extract(records, ContextFor(*store_, workspace, uid, records)));
  ENGRAM_RETURN_IF_ERROR(Apply(workspace, uid, records, extraction));
  return records.size() == options_.batch_records;
}

Result<bool> ExtractionWorker::ProcessIsolated(const std::string& workspace, int64_t uid) {
  ScopedTimer timer(batch_seconds_);
  std::lock_guard<std::mutex> user_lock(coordinator_->UserMutex(workspace, uid));
  ENGRAM_ASSIGN_OR_RETURN(auto records, store_->ListUnextractedRecords(workspace, uid, options_.batch_records));
  if (records.empty()) return false;
  for (size_t i = 0; i < records.size(); ++i) {
    std::span<const domain::Record> one(&records[i], 1);
    Result<memory::Extraction> extraction = extractor_->Extract(one, ContextFor(*store_, workspace, uid, one));
    if (!extraction.ok()) {
      ENGRAM_LOG(kWarn, "extract", "giving up on record {} of user {}: {}", records[i].id, uid,
                 extraction.status().ToString());
      ENGRAM_RETURN_IF_ERROR(store_->MarkExtractionFailed(workspace, uid, {records[i].id},
                                                          extraction.status().ToString(), options_.max_attempts));
      coordinator_->AddPending(-1);
      if (records_failed_) records_failed_->Add();
      continue;
    }
    ENGRAM_RETURN_IF_ERROR(Apply(workspace, uid, one, *extraction));
  }
  return records.size() == options_.batch_records;
}

Status ExtractionWorker::Apply(const std::string& workspace, int64_t uid, std::span<const domain::Record> records,
                               const memory::Extraction& extraction) {
  ENGRAM_ASSIGN_OR_RETURN(AppliedExtraction applied,
                          ApplyExtraction(*store_, cache_, workspace, uid, records, extraction, clock_->NowMs()));
  coordinator_->AddPending(-static_cast<int64_t>(records.size()));
  if (pending_gauge_) pending_gauge_->Set(static_cast<double>(coordinator_->pending()));
  if (records_) records_->Add(static_cast<double>(records.size()));
  if (memories_) memories_->Add(static_cast<double>(applied.upserts.size()));
  if (!applied.upserts.empty()) coordinator_->MemoriesChanged(workspace, uid);
  if (stage3_hook_ && memory::CrossedStage3Threshold(applied.memories_before, applied.memories_after)) {
    stage3_hook_(workspace, uid);
  }
  return Status::Ok();
}

void ExtractionWorker::ResyncPending() {
  auto n = store_->CountPendingExtraction();
  if (!n.ok()) {
    ENGRAM_LOG(kWarn, "extract", "counting pending records failed: {}", n.status().ToString());
    return;
  }
  coordinator_->SetPending(*n);
  if (pending_gauge_) pending_gauge_->Set(static_cast<double>(*n));
}

}  // namespace engram::jobs
