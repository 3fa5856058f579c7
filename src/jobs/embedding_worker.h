// EmbeddingWorker: computes chunk embeddings in the background, off the request path.
//
// Ingest answers as soon as records are durable and keyword-searchable; their chunks are queued here.
// One worker thread takes queued chunks in batches, embeds them, stores the vectors (Store::
// PutChunkVectors, which drops vectors whose chunk changed meanwhile) and hands them to the index
// cache so a resident index gains them at once. The queue is bounded and in memory: what is lost on a
// crash, or dropped when the queue is full, is found again when the user's index is next loaded
// (the loader queues the chunks it finds without a vector). An embedder failure is retried with
// backoff; the chunks stay lexical-only meanwhile.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "common/metrics.h"
#include "embed/embedder.h"
#include "index/index_cache.h"
#include "store/store.h"

namespace engram::jobs {

struct EmbeddingWorkerOptions {
  size_t batch_size = 32;
  size_t max_queue = 100000;   // chunks; beyond this new work is dropped (recovered at next load)
  int retry_initial_ms = 500;
  int retry_max_ms = 30000;
};

class EmbeddingWorker {
 public:
  EmbeddingWorker(store::Store* store, embed::Embedder* embedder, std::string model, index::IndexCache* cache,
                  EmbeddingWorkerOptions options = {}, Metrics* metrics = nullptr);
  ~EmbeddingWorker();

  void Enqueue(const std::string& workspace, int64_t uid, const std::vector<domain::Chunk>& chunks);
  // Forgets queued work of a deleted user.
  void DropUser(const std::string& workspace, int64_t uid);
  void Stop();

 private:
  struct Item {
    std::string workspace;
    int64_t uid;
    std::string chunk_id;
    std::string text;
  };
  void Loop();

  store::Store* store_;
  embed::Embedder* embedder_;
  const std::string model_;
  index::IndexCache* cache_;
  const EmbeddingWorkerOptions options_;
  Gauge* queue_gauge_ = nullptr;
  Counter* embedded_ = nullptr;
  Counter* failures_ = nullptr;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;                    // guarded by mu_
  std::unordered_set<std::string> dropped_;   // "<workspace>\x1f<uid>" of deleted users; guarded by mu_
  bool stop_ = false;                         // guarded by mu_
  std::thread thread_;
};

}  // namespace engram::jobs
