// Derived items as index chunks: a memory or a Stage 3 answer is indexed beside record chunks with its
// own kind, its own id as chunk and record id, and every record it came from as a source. What a
// search result shows of the item travels in the chunk, so results need no store read:
// - a Stage 3 item's metadata_json is {"question_index", "question", "answer"};
// - a promoted memory's source is its scope, "<role|team|org>:<id>" (ScopeOfChunk), and its
//   metadata_json its source_metadata array.
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string_view>
#include <utility>

#include "domain/types.h"

namespace engram::index {

// `fallback_time` dates a memory that has no valid_from.
domain::Chunk MemoryChunk(const domain::Memory& m, TimeMs fallback_time = 0);
domain::Chunk Stage3Chunk(const domain::Stage3Item& item);
// A memory promoted to a role, team or the org, as seen from a member's index: a memory like the
// member's own, whose sources are the supporting actors' records.
domain::Chunk ScopedMemoryChunk(const domain::ScopedMemory& m);
// The scope a promoted memory's chunk carries in its source; nullopt for any other chunk.
std::optional<std::pair<domain::ScopeKind, std::string>> ScopeOfChunk(domain::RecordKind kind, std::string_view source);

}  // namespace engram::index
