// Embedder: the seam that turns texts into dense vectors for semantic retrieval.
//
// Implementations: `none` (lexical retrieval only), `hash` (deterministic feature hashing, for tests
// and as a cheap offline fallback), `remote` (any OpenAI-compatible /v1/embeddings endpoint) and the
// `cached` decorator for request-time query embeddings. Build one with MakeEmbedder (factory.h) at the
// composition root and pass it in; there is no global instance.
//
// Name() identifies the vector space: vectors from two embedders are only comparable when their
// names (and dimensions) are equal, so stores tag persisted vectors with it and re-embed on change.
//
// Thread-safety: every implementation is thread-safe; Embed may be called from several threads at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace engram::embed {

using Vector = std::vector<float>;

class Embedder {
 public:
  virtual ~Embedder();

  // Stable identifier of the vector space, e.g. "none", "hash-v1/384", "remote/nomic-embed-text".
  virtual std::string_view Name() const = 0;
  // Length of every returned vector; 0 when unknown until the first successful call, or for `none`.
  virtual int Dimension() const = 0;
  // One vector per text, in input order. An empty input yields an empty output without any work
  // (except for `none`, which always fails).
  // Errors: kUnavailable / kDeadlineExceeded (backend down or slow: retry later), kInvalidArgument /
  // kUnauthenticated (the backend refused the request or the credentials), kInternal (the backend
  // answered something unusable).
  virtual Result<std::vector<Vector>> Embed(const std::vector<std::string>& texts) = 0;
  // False for `none`: callers skip the vector path entirely instead of calling Embed.
  virtual bool Enabled() const { return true; }
};

// Cosine similarity of two vectors of equal length; 0 when either is all zeros or lengths differ.
float Cosine(const Vector& a, const Vector& b);

}  // namespace engram::embed
