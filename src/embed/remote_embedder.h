// RemoteEmbedder: embeddings from any OpenAI-compatible `POST /v1/embeddings` endpoint (OpenAI,
// Ollama, vLLM, llama.cpp server, Hugging Face TEI), over libcurl (not exposed here).
//
// Protocol: request `{"model": ..., "input": [texts...]}` (plus "dimensions" when configured), with
// `Authorization: Bearer <api_key>` when a key is set; response `{"data": [{"index": i, "embedding":
// [...]}, ...]}`. Results are put back in input order by `index` (servers may answer out of order);
// the count and a single consistent dimension are validated, across calls too.
//
// Input is split into batches of `batch_size`, sent one after another. Each batch is retried on
// connection errors, timeouts, 408, 429 and 5xx with exponential backoff and jitter (a Retry-After
// header in seconds wins, capped); other 4xx fail at once with the server's own error message.
//
// Thread-safety: thread-safe. Concurrent Embed calls each use their own curl easy handle, taken from
// a small pool so keep-alive connections are reused between calls.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "common/metrics.h"
#include "embed/embedder.h"

namespace engram::upstream {
class HandlePool;
}  // namespace engram::upstream

namespace engram::embed {

struct RemoteEmbedderOptions {
  std::string url;              // base URL, e.g. http://127.0.0.1:11434 ; a trailing /v1 (or a full
                                // .../v1/embeddings) is accepted too
  std::string model;            // "model" field of the request; omitted when empty (TEI ignores it)
  std::string api_key;          // sent as a Bearer token when non-empty
  int batch_size = 64;          // texts per HTTP request
  int timeout_ms = 10000;       // per HTTP attempt, connect included
  int max_retries = 3;          // extra attempts per batch after the first one fails transiently
  int backoff_initial_ms = 200; // first retry delay; doubles per attempt, with jitter
  int backoff_max_ms = 5000;    // cap on one backoff delay
  int retry_after_max_ms = 30000;  // cap on a server-requested Retry-After delay
  int dimensions = 0;           // when > 0: sent as "dimensions" and required of every vector
  size_t max_response_bytes = 256u << 20;  // a larger response body is refused (kInternal)
  engram::Metrics* metrics = nullptr;      // optional; must outlive the embedder
};

class RemoteEmbedder final : public Embedder {
 public:
  // Validates the options (URL present and http(s), positive sizes) and prepares the endpoint URL.
  static Result<std::unique_ptr<RemoteEmbedder>> Create(RemoteEmbedderOptions options);
  ~RemoteEmbedder() override;
  RemoteEmbedder(const RemoteEmbedder&) = delete;
  RemoteEmbedder& operator=(const RemoteEmbedder&) = delete;

  // "remote/<model>" (or "remote" without a model).
  std::string_view Name() const override { return name_; }
  // options.dimensions when set, else the dimension seen in the first successful response (0 before).
  int Dimension() const override { return dimension_.load(std::memory_order_relaxed); }
  Result<std::vector<Vector>> Embed(const std::vector<std::string>& texts) override;

  // The endpoint actually POSTed to, e.g. "http://127.0.0.1:11434/v1/embeddings".
  const std::string& endpoint() const { return endpoint_; }

 private:
  explicit RemoteEmbedder(RemoteEmbedderOptions options);
  // One batch with its retries.
  Result<std::vector<Vector>> EmbedBatch(const std::vector<std::string>& texts, size_t begin, size_t end);
  Result<std::vector<Vector>> ParseResponse(const std::string& body, size_t expected);
  void Record(std::string_view outcome, double seconds);

  RemoteEmbedderOptions options_;
  std::string endpoint_;
  std::string name_;
  std::unique_ptr<upstream::HandlePool> pool_;
  std::atomic<int> dimension_{0};
  engram::Histogram* seconds_ = nullptr;  // engram_embed_seconds, per HTTP attempt
};

}  // namespace engram::embed
