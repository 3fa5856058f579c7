#include "jobs/extraction_worker.h"

#include <algorithm>
#include <chrono>

#include "common/log.h"
#include "index/derived_chunks.h"
#include "memory/consolidation.h"
#include "memory/stage3.h"
#include "memory/traits.h"

namespace engram::jobs {

ExtractionWorker::ExtractionWorker(store::Store* store, memory::Extractor* extractor, index::IndexCache* cache,
                                   const Clock* clock, ExtractionWorkerOptions options, Metrics* metrics)
    : store_(store), extractor_(extractor), cache_(cache), clock_(clock), options_(options) {
  if (metrics) {
    records_ = metrics->GetCounter("engram_records_extracted_total", "Records run through memory extraction");
    memories_ = metrics->GetCounter("engram_memories_written_total", "Memories inserted or updated");
    failures_ = metrics->GetCounter("engram_extraction_failures_total", "Failed extraction batches");
    queue_gauge_ = metrics->GetGauge("engram_extraction_queue_depth", "Users waiting for extraction");
    batch_seconds_ = metrics->GetHistogram("engram_extraction_batch_seconds", "Time to extract one batch");
  }
}

ExtractionWorker::~ExtractionWorker() { Stop(); }

Status ExtractionWorker::Start() {
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

void ExtractionWorker::Enqueue(const std::string& workspace, int64_t uid) {
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
  queue_.erase(std::remove(queue_.begin(), queue_.end(), key), queue_.end());
}

void ExtractionWorker::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return stop_ || (queue_.empty() && running_.empty()); });
}

void ExtractionWorker::Loop() {
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
    lock.unlock();

    bool failed = false;
    while (true) {
      auto more = ProcessBatch(key.first, key.second);
      if (!more.ok()) {
        if (failures_) failures_->Add();
        ENGRAM_LOG(kWarn, "extract", "extraction for user {} failed: {}", key.second, more.status().ToString());
        failed = more.status().code() != StatusCode::kNotFound;
        break;
      }
      if (!*more) break;
      std::lock_guard<std::mutex> stop_check(mu_);
      if (stop_) break;
    }

    lock.lock();
    running_.erase(key);
    const bool again = again_.erase(key) > 0;
    if ((again || failed) && !stop_ && queued_.insert(key).second) queue_.push_back(key);
    if (failed && !stop_) {
      cv_.wait_for(lock, std::chrono::milliseconds(backoff_ms), [this] { return stop_; });
      backoff_ms = std::min(backoff_ms * 2, options_.retry_max_ms);
    } else {
      backoff_ms = options_.retry_initial_ms;
    }
    if (queue_.empty() && running_.empty()) idle_cv_.notify_all();
  }
}

Result<bool> ExtractionWorker::ProcessBatch(const std::string& workspace, int64_t uid) {
  ScopedTimer timer(batch_seconds_);
  ENGRAM_ASSIGN_OR_RETURN(auto records, store_->ListUnextractedRecords(workspace, uid, options_.batch_records));
  if (records.empty()) return false;

  memory::ExtractionContext ctx;
  for (const auto& r : records) {
    if (r.speaker.empty() || r.speaker == "user" || r.speaker == "assistant" || r.speaker == "system" ||
        r.speaker == "tool") {
      continue;
    }
    if (std::find(ctx.participants.begin(), ctx.participants.end(), r.speaker) == ctx.participants.end()) {
      ctx.participants.push_back(r.speaker);
    }
  }
  ENGRAM_ASSIGN_OR_RETURN(memory::Extraction extraction, extractor_->Extract(records, ctx));
  ENGRAM_ASSIGN_OR_RETURN(auto current, store_->ListMemories(workspace, uid, false));
  const TimeMs now = clock_->NowMs();
  memory::ConsolidateOptions co;
  co.now = now;
  memory::ConsolidationResult consolidated = memory::Consolidate(current, extraction.memories, co);

  store::MemoryWrite write;
  write.upserts = consolidated.inserted;
  write.upserts.insert(write.upserts.end(), consolidated.updated.begin(), consolidated.updated.end());
  if (!extraction.traits.empty()) {
    ENGRAM_ASSIGN_OR_RETURN(auto traits, store_->ListTraits(workspace, uid));
    auto merged = memory::MergeExtractedTraits(traits, extraction.traits, now);
    for (auto& t : merged) {
      // Only what changed is written back.
      bool same = false;
      for (const auto& old : traits) same = same || (old.name == t.name && old.value == t.value);
      if (!same && t.source != memory::kTraitSourceRegister) write.traits.push_back(std::move(t));
    }
  }
  for (const auto& r : records) write.extracted_record_ids.push_back(r.id);
  ENGRAM_ASSIGN_OR_RETURN(int64_t version, store_->ApplyMemoryWrite(workspace, uid, write));
  if (records_) records_->Add(static_cast<double>(records.size()));
  if (memories_) memories_->Add(static_cast<double>(write.upserts.size()));

  // The user's resident index: current memories in, superseded ones out.
  if (cache_ != nullptr && !write.upserts.empty()) {
    std::vector<domain::Record> pseudo;
    for (const auto& m : write.upserts) {
      domain::Record r;
      r.id = m.id;
      if (m.status == domain::MemoryStatus::kCurrent) r.chunks.push_back(index::MemoryChunk(m, now));
      pseudo.push_back(std::move(r));
    }
    cache_->OnRecordsWritten(workspace, uid, version, pseudo);
  }

  size_t before = current.size();
  size_t after = before;
  for (const auto& m : consolidated.inserted) after += m.status == domain::MemoryStatus::kCurrent ? 1 : 0;
  for (const auto& [old_id, new_id] : consolidated.superseded) {
    (void)new_id;
    for (const auto& m : current) after -= m.id == old_id ? 1 : 0;
  }
  if (stage3_hook_ && memory::CrossedStage3Threshold(before, after)) stage3_hook_(workspace, uid);
  return records.size() == options_.batch_records;
}

}  // namespace engram::jobs
