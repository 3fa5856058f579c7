#include "service/chunks_service.h"

#include <algorithm>
#include <future>
#include <nlohmann/json.hpp>
#include <span>
#include <unordered_map>

#include "index/derived_chunks.h"
#include "memory/promotion.h"

namespace engram::service {

namespace {
double MsSince(int64_t start_ns) { return (MonotonicNanos() - start_ns) / 1e6; }

// Seed 004: up to 5 source_metadata entries per result, from its first source records.
constexpr size_t kMaxSourceMetadata = memory::PromotionOptions{}.max_source_metadata;

std::span<const std::string> FirstSources(const ChunkResult& r) {
  return std::span<const std::string>(r.source_ids).first(std::min(kMaxSourceMetadata, r.source_ids.size()));
}

// source_metadata_json of one of the user's own memories or Stage 3 items, from its source records'
// chunks in the index (a record's first chunk carries its metadata). False, leaving it as it was,
// when one of those records has no chunk there.
bool DescribeFromIndex(const index::UserIndex& idx, ChunkResult& r) {
  std::vector<std::string> entries;
  for (const auto& id : FirstSources(r)) {
    const auto o = idx.Find(id + "#0");
    if (!o) return false;
    std::string entry = memory::SourceMetadataEntry(id, idx.Metadata(*o));
    if (!entry.empty()) entries.push_back(std::move(entry));
  }
  r.source_metadata_json = memory::JsonArrayText(entries);
  return true;
}
}  // namespace

ChunksService::ChunksService(ServiceContext ctx, index::IndexCache* cache, embed::Embedder* query_embedder,
                             std::string embedder_model, jobs::EmbeddingWorker* embeddings,
                             ChunksServiceOptions options)
    : ctx_(ctx),
      cache_(cache),
      embedder_(query_embedder),
      model_(std::move(embedder_model)),
      embeddings_(embeddings),
      options_(options) {}

Result<ChunksResponse> ChunksService::Search(const ChunksRequest& request) {
  const int64_t start = MonotonicNanos();
  ChunksResponse response;
  ENGRAM_ASSIGN_OR_RETURN(auto user, RequireUser(ctx_, request.workspace, request.user_id));

  index::QueryOptions qo;
  qo.max_context_turns = request.max_context_turns;
  qo.wordnet = options_.wordnet;
  qo.synonyms_per_word = options_.synonyms_per_word;
  qo.synonym_weight = options_.synonym_weight;
  index::QueryPlan plan = index::BuildQuery(request.turns, qo, ctx_.clock->NowMs());
  response.used_query = plan.used_query;
  response.debug.threshold = request.similarity_threshold;

  const int64_t uid = user.uid;
  const std::string workspace = request.workspace;
  const int64_t version = user.version;
  const std::string actor_id = user.id;
  index::UserLoader loader = [this, workspace, uid, version, actor_id]() -> Result<index::LoadedUser> {
    index::LoadedUser loaded;
    loaded.version = version;
    // The vectors (the larger read) come on a second read connection while the chunks are read.
    const bool with_vectors = embedder_ != nullptr && embedder_->Enabled();
    std::future<Result<std::vector<domain::ChunkVector>>> vectors_read;
    if (with_vectors) {
      vectors_read = std::async(std::launch::async, [&] { return ctx_.store->ListChunkVectors(workspace, uid, model_); });
    }
    auto chunks_read = ctx_.store->ListChunks(workspace, uid);
    Result<std::vector<domain::ChunkVector>> vectors_result = std::vector<domain::ChunkVector>();
    if (with_vectors) vectors_result = vectors_read.get();
    if (!chunks_read.ok()) return chunks_read.status();
    loaded.chunks = std::move(chunks_read).value();
    ENGRAM_ASSIGN_OR_RETURN(auto memories, ctx_.store->ListMemories(workspace, uid, false));
    for (const auto& m : memories) loaded.chunks.push_back(index::MemoryChunk(m));
    // Seed 004: what was promoted to the actor's roles, teams and org is searched with its own.
    ENGRAM_ASSIGN_OR_RETURN(auto scopes, ScopesOf(workspace, actor_id));
    ENGRAM_ASSIGN_OR_RETURN(auto scoped, ctx_.store->ListScopedMemories(workspace, scopes));
    for (const auto& m : memory::VisibleTo(actor_id, std::move(scoped))) {
      loaded.chunks.push_back(index::ScopedMemoryChunk(m));
    }
    ENGRAM_ASSIGN_OR_RETURN(auto items, ctx_.store->ListStage3Items(workspace, uid));
    for (const auto& item : items) loaded.chunks.push_back(index::Stage3Chunk(item));
    if (with_vectors) {
      if (!vectors_result.ok()) return vectors_result.status();
      auto& vectors = vectors_result.value();
      std::unordered_map<std::string_view, size_t> at;  // views into loaded.chunks, complete by now
      at.reserve(loaded.chunks.size());
      for (size_t i = 0; i < loaded.chunks.size(); ++i) at.emplace(loaded.chunks[i].id, i);
      loaded.vectors.resize(loaded.chunks.size());
      for (auto& v : vectors) {
        auto it = at.find(v.chunk_id);
        if (it != at.end()) loaded.vectors[it->second] = std::move(v.vector);
      }
      if (embeddings_ != nullptr) {
        std::vector<domain::Chunk> missing;
        for (size_t i = 0; i < loaded.chunks.size(); ++i) {
          // Only record chunks are embedded (their vectors live on the chunk rows).
          const auto kind = loaded.chunks[i].kind;
          const bool derived = kind == domain::RecordKind::kMemory || kind == domain::RecordKind::kStage3;
          if (!derived && loaded.vectors[i].empty()) missing.push_back(loaded.chunks[i]);
        }
        embeddings_->Enqueue(workspace, uid, missing);
      }
    }
    return loaded;
  };
  ENGRAM_ASSIGN_OR_RETURN(auto handle, cache_->Acquire(workspace, uid, loader));

  std::vector<float> query_vector;
  if (embedder_ != nullptr && embedder_->Enabled() && !plan.embed_text.empty()) {
    const int64_t t0 = MonotonicNanos();
    auto embedded = embedder_->Embed({plan.embed_text});
    response.debug.embedding_time_ms = MsSince(t0);
    // A failing embedder degrades to lexical search rather than failing the agent's turn.
    if (embedded.ok() && !embedded->empty()) query_vector = std::move((*embedded)[0]);
  }

  const int64_t t1 = MonotonicNanos();
  index::RankRequest rr;
  rr.k = request.k;
  rr.min_score = request.similarity_threshold;
  rr.exclude_chunk_ids = request.exclude_chunk_ids;
  rr.query_vector = query_vector;
  rr.now = ctx_.clock->NowMs();
  rr.kinds = request.kinds;
  rr.diversify = request.diversify;
  std::vector<size_t> from_store;  // results whose source records' metadata must be read from the store
  handle->Read([&](const index::UserIndex& idx) {
    index::RankResult ranked = index::Rank(idx, plan, rr, options_.ranking);
    response.debug.total_candidates = ranked.total_candidates;
    response.debug.lexical_candidates = ranked.lexical_candidates;
    response.debug.vector_candidates = ranked.vector_candidates;
    response.debug.used_vectors = ranked.used_vectors;
    response.debug.chunk_count = idx.size();
    for (const auto& hit : ranked.hits) {
      const uint32_t o = hit.ordinal;
      const auto kind = idx.Kind(o);
      ChunkResult r;
      r.id = std::string(idx.ChunkId(o));
      r.text = std::string(idx.Text(o));
      r.score = hit.score;
      r.source = std::string(domain::RecordKindName(kind));
      r.type = std::string(idx.Type(o));
      r.speaker = std::string(idx.Speaker(o));
      r.created_at = idx.Timestamp(o);
      for (auto id : idx.SourceIds(o)) r.source_ids.emplace_back(id);
      // What a result shows of itself travels in its chunk (index/derived_chunks.h). The user's own
      // memories and Stage 3 items show their source records' metadata, which those records' chunks
      // carry; only a record without a chunk here sends the result to the store (DescribeFromStore).
      if (kind == domain::RecordKind::kMemory) {
        ++response.debug.memory_count;
        if (auto scope = index::ScopeOfChunk(kind, idx.Source(o))) {
          r.scope = std::string(domain::ScopeKindName(scope->first));
          r.scope_id = std::move(scope->second);
          // The one text here not built by SourceMetadataEntry/JsonArrayText: checked once.
          const std::string_view stored = idx.Metadata(o);
          const bool array = !stored.empty() && stored.front() == '[' && nlohmann::json::accept(stored);
          r.source_metadata_json = array ? std::string(stored) : "[]";
        } else if (!DescribeFromIndex(idx, r)) {
          from_store.push_back(response.chunks.size());
        }
      } else if (kind == domain::RecordKind::kStage3) {
        ++response.debug.stage3_count;
        const auto qa = nlohmann::json::parse(idx.Metadata(o), nullptr, false);
        if (qa.is_object()) {
          r.question_index = qa.value("question_index", -1);
          r.question = qa.value("question", "");
          r.answer = qa.value("answer", "");
        }
        if (!DescribeFromIndex(idx, r)) from_store.push_back(response.chunks.size());
      } else {
        const std::string entry = memory::SourceMetadataEntry(idx.RecordId(o), idx.Metadata(o));
        r.source_metadata_json = "[" + entry + "]";
      }
      response.chunks.push_back(std::move(r));
    }
  });
  ENGRAM_RETURN_IF_ERROR(DescribeFromStore(workspace, uid, from_store, response.chunks));
  response.debug.search_time_ms = MsSince(t1);
  response.debug.total_time_ms = MsSince(start);
  return response;
}

Result<std::vector<std::pair<domain::ScopeKind, std::string>>> ChunksService::ScopesOf(const std::string& workspace,
                                                                                      const std::string& actor_id) {
  ENGRAM_ASSIGN_OR_RETURN(auto groups, ctx_.store->ListActorGroups(workspace, actor_id));
  std::vector<std::pair<domain::ScopeKind, std::string>> scopes;
  for (const auto& g : groups) scopes.emplace_back(g.kind, g.id);
  scopes.emplace_back(domain::ScopeKind::kOrg, std::string(domain::kOrgGroupId));
  return scopes;
}

Status ChunksService::DescribeFromStore(const std::string& workspace, int64_t uid, const std::vector<size_t>& which,
                                        std::vector<ChunkResult>& results) {
  std::vector<std::string> record_ids;
  for (size_t i : which) {
    const auto ids = FirstSources(results[i]);
    record_ids.insert(record_ids.end(), ids.begin(), ids.end());
  }
  if (record_ids.empty()) return Status::Ok();
  // One read for the metadata of every record these results came from.
  std::unordered_map<std::string, std::string> metadata;
  ENGRAM_ASSIGN_OR_RETURN(auto records, ctx_.store->GetRecords(workspace, uid, record_ids));
  for (auto& rec : records) metadata.emplace(rec.id, std::move(rec.metadata_json));
  for (size_t i : which) {
    std::vector<std::string> entries;
    for (const auto& id : FirstSources(results[i])) {
      auto it = metadata.find(id);
      if (it == metadata.end()) continue;
      std::string entry = memory::SourceMetadataEntry(id, it->second);
      if (!entry.empty()) entries.push_back(std::move(entry));
    }
    results[i].source_metadata_json = memory::JsonArrayText(entries);
  }
  return Status::Ok();
}

}  // namespace engram::service
