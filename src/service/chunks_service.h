// ChunksService: the read use case behind POST /chunks. Resolves the user, acquires the user's index
// (built from the store on first use), embeds the query when an embedder is configured, ranks, and
// returns the best chunks with provenance and timings.
// Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "embed/embedder.h"
#include "index/index_cache.h"
#include "index/query_builder.h"
#include "index/ranker.h"
#include "jobs/embedding_worker.h"
#include "service/context.h"

namespace engram::service {

struct ChunksRequest {
  std::string workspace;
  std::string user_id;
  std::vector<index::Turn> turns;
  size_t k = 6;
  size_t max_context_turns = 4;
  double similarity_threshold = 0.25;  // on the calibrated [0, 1] score
  std::vector<std::string> exclude_chunk_ids;
  uint32_t kinds = index::kAllKinds;  // KindBit mask of result kinds
  bool diversify = true;              // leave out derived items that repeat shown records
};

struct ChunkResult {
  std::string id;                       // chunk id "<record_id>#<n>"
  std::string text;
  double score = 0;
  std::string source;                   // event | document | message
  std::string type;
  std::string speaker;
  TimeMs created_at = 0;                // the record's timestamp
  std::vector<std::string> source_ids;  // client record ids
  // Seed 004: where the result lives ("actor": the user's own data; "role", "team", "org": a memory
  // promoted there, with scope_id naming the group), and the metadata of up to 5 records it came
  // from as a JSON array of {event_id, metadata} | {event_id, raw} (memory/promotion.h): always a
  // valid JSON array, which the response writer copies as it is.
  std::string scope = "actor";
  std::string scope_id;
  std::string source_metadata_json = "[]";
  // Stage 3 results only (seed 001): the question answered and its answer.
  int question_index = -1;
  std::string question;
  std::string answer;
};

struct ChunksDebug {
  size_t total_candidates = 0;   // chunks that matched any signal
  size_t lexical_candidates = 0;
  size_t vector_candidates = 0;
  size_t chunk_count = 0;        // chunks in the user's index
  size_t memory_count = 0;       // memory results returned
  size_t stage3_count = 0;       // Stage 3 results returned
  double threshold = 0;
  double embedding_time_ms = 0;
  double search_time_ms = 0;
  double total_time_ms = 0;
  bool used_vectors = false;
};

struct ChunksResponse {
  std::vector<ChunkResult> chunks;
  std::string used_query;
  ChunksDebug debug;
};

struct ChunksServiceOptions {
  index::RankingParams ranking;
  const text::WordNet* wordnet = nullptr;  // query expansion; null = none. Not owned.
  size_t synonyms_per_word = 2;
  float synonym_weight = 0.15f;
};

class ChunksService {
 public:
  // `query_embedder` may be null or disabled (lexical only). Not owned.
  // `embeddings` (may be null) is given the chunks a freshly loaded index finds without a vector.
  ChunksService(ServiceContext ctx, index::IndexCache* cache, embed::Embedder* query_embedder,
                std::string embedder_model, jobs::EmbeddingWorker* embeddings = nullptr,
                ChunksServiceOptions options = {});

  Result<ChunksResponse> Search(const ChunksRequest& request);

 private:
  // The actor's scopes: its roles and teams, and the org.
  Result<std::vector<std::pair<domain::ScopeKind, std::string>>> ScopesOf(const std::string& workspace,
                                                                         const std::string& actor_id);
  // source_metadata_json of results[i], i in `which` (own memories and Stage 3 items whose source
  // records have no chunk in the index), from one store read.
  Status DescribeFromStore(const std::string& workspace, int64_t uid, const std::vector<size_t>& which,
                           std::vector<ChunkResult>& results);

  ServiceContext ctx_;
  index::IndexCache* cache_;
  embed::Embedder* embedder_;
  std::string model_;
  jobs::EmbeddingWorker* embeddings_;
  ChunksServiceOptions options_;
};

}  // namespace engram::service
