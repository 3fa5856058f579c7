// MakeEmbedder: builds the configured Embedder at the composition root.
//
// kind "none" (lexical retrieval only), "hash" (deterministic feature hashing, lexical; see
// hash_embedder.h) or "remote" (an OpenAI-compatible /v1/embeddings endpoint; see remote_embedder.h).
// Wrap the result in a CachedEmbedder (cached_embedder.h) where query embeddings are computed per
// request. Pure function; thread-safe.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "embed/embedder.h"
#include "embed/remote_embedder.h"

namespace engram::embed {

struct EmbedderConfig {
  std::string kind = "none";     // none | hash | remote
  RemoteEmbedderOptions remote;  // used when kind == "remote"
  int hash_dim = 384;            // used when kind == "hash"; 1..65536
};

// kInvalidArgument for an unknown kind or invalid options (message names the offending field).
Result<std::unique_ptr<Embedder>> MakeEmbedder(const EmbedderConfig& config);

}  // namespace engram::embed
