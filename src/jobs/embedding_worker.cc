#include "jobs/embedding_worker.h"

#include <algorithm>
#include <chrono>

#include "common/log.h"
#include "common/background.h"

namespace engram::jobs {

namespace {
std::string UserKey(const std::string& workspace, int64_t uid) { return workspace + '\x1f' + std::to_string(uid); }
}  // namespace

EmbeddingWorker::EmbeddingWorker(store::Store* store, embed::Embedder* embedder, std::string model,
                                 index::IndexCache* cache, EmbeddingWorkerOptions options, Metrics* metrics)
    : store_(store), embedder_(embedder), model_(std::move(model)), cache_(cache), options_(options) {
  if (metrics) {
    queue_gauge_ = metrics->GetGauge("engram_embedding_queue_depth", "Chunks waiting for an embedding");
    embedded_ = metrics->GetCounter("engram_chunks_embedded_total", "Chunk embeddings stored");
    failures_ = metrics->GetCounter("engram_embedding_failures_total", "Failed embedding batches");
  }
  thread_ = std::thread([this] { Loop(); });
}

EmbeddingWorker::~EmbeddingWorker() { Stop(); }

void EmbeddingWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EmbeddingWorker::Enqueue(const std::string& workspace, int64_t uid, const std::vector<domain::Chunk>& chunks) {
  if (chunks.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    dropped_.erase(UserKey(workspace, uid));
    for (const auto& c : chunks) {
      if (queue_.size() >= options_.max_queue) break;
      queue_.push_back({workspace, uid, c.id, c.text});
    }
    if (queue_gauge_) queue_gauge_->Set(static_cast<double>(queue_.size()));
  }
  cv_.notify_one();
}

void EmbeddingWorker::DropUser(const std::string& workspace, int64_t uid) {
  std::lock_guard<std::mutex> lock(mu_);
  queue_.erase(std::remove_if(queue_.begin(), queue_.end(),
                              [&](const Item& i) { return i.workspace == workspace && i.uid == uid; }),
               queue_.end());
  dropped_.insert(UserKey(workspace, uid));
}

void EmbeddingWorker::Loop() {
  EnterBackground();
  int backoff_ms = options_.retry_initial_ms;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    // One batch of one user (vectors are stored per user).
    std::vector<Item> batch;
    const std::string ws = queue_.front().workspace;
    const int64_t uid = queue_.front().uid;
    for (auto it = queue_.begin(); it != queue_.end() && batch.size() < options_.batch_size;) {
      if (it->workspace == ws && it->uid == uid) {
        batch.push_back(std::move(*it));
        it = queue_.erase(it);
      } else {
        ++it;
      }
    }
    if (queue_gauge_) queue_gauge_->Set(static_cast<double>(queue_.size()));
    lock.unlock();
    YieldToForeground(kForegroundYield);

    std::vector<std::string> texts;
    for (const auto& i : batch) texts.push_back(i.text);
    auto vectors = embedder_->Embed(texts);
    bool retry = false;
    if (!vectors.ok() || vectors->size() != batch.size()) {
      if (failures_) failures_->Add();
      ENGRAM_LOG(kWarn, "embed", "embedding {} chunks failed: {}", batch.size(),
                 vectors.ok() ? "wrong vector count" : vectors.status().ToString());
      retry = true;
    } else {
      std::vector<domain::ChunkVector> stored;
      std::vector<index::ChunkVector> for_index;
      for (size_t i = 0; i < batch.size(); ++i) {
        stored.push_back({batch[i].chunk_id, batch[i].text, (*vectors)[i]});
        for_index.push_back({batch[i].chunk_id, std::move((*vectors)[i])});
      }
      Status st = store_->PutChunkVectors(ws, uid, model_, stored);
      if (st.ok()) {
        cache_->OnVectorsWritten(ws, uid, for_index);
        if (embedded_) embedded_->Add(static_cast<double>(batch.size()));
        backoff_ms = options_.retry_initial_ms;
      } else {
        ENGRAM_LOG(kWarn, "embed", "storing {} vectors failed: {}", batch.size(), st.ToString());
        retry = st.code() == StatusCode::kUnavailable;
      }
    }

    lock.lock();
    if (retry && !stop_ && !dropped_.count(UserKey(ws, uid))) {
      // Put the batch back at the front and wait before trying again.
      for (auto it = batch.rbegin(); it != batch.rend(); ++it) queue_.push_front(std::move(*it));
      cv_.wait_for(lock, std::chrono::milliseconds(backoff_ms), [this] { return stop_; });
      backoff_ms = std::min(backoff_ms * 2, options_.retry_max_ms);
    }
  }
}

}  // namespace engram::jobs
