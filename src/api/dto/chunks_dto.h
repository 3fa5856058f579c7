// POST /chunks in both dialects of the seeds, answered in the dialect of the request:
// - seed 001: {user_id, history, k=6, max_context_turns=4, similarity_threshold=0.25, exclude_chunk_ids}
//   -> {chunks: [{id, text, score, source, created_at, updated_at, source_ids}], used_query, debug}
// - seed 002: {user_id, conversation, top_k=5 (max 20)} -> {results: [{chunk_id, excerpt, score,
//   source, source_ids}]}. A missing or empty conversation is 400 INVALID_REQUEST.
// A body carrying `conversation` is the seed-002 dialect; otherwise seed 001.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "service/chunks_service.h"

namespace engram::api::dto {

enum class ChunksDialect { kHistory, kConversation };

struct ParsedChunks {
  service::ChunksRequest request;
  ChunksDialect dialect = ChunksDialect::kHistory;
};

Result<ParsedChunks> ParseChunks(std::string_view body, const std::string& workspace);
std::string ChunksResponseJson(const service::ChunksResponse& response, ChunksDialect dialect);

}  // namespace engram::api::dto
