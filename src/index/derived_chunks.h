// Derived items as index chunks: a memory or a Stage 3 answer is indexed beside record chunks with its
// own kind, its own id as chunk and record id, and every record it came from as a source.
// Pure; thread-safe.
#pragma once

#include "domain/types.h"

namespace engram::index {

// `fallback_time` dates a memory that has no valid_from.
domain::Chunk MemoryChunk(const domain::Memory& m, TimeMs fallback_time = 0);
domain::Chunk Stage3Chunk(const domain::Stage3Item& item);
// A memory promoted to a role, team or the org, as seen from a member's index: a memory like the
// member's own, whose sources are the supporting actors' records.
domain::Chunk ScopedMemoryChunk(const domain::ScopedMemory& m);

}  // namespace engram::index
