// HashEmbedder: a deterministic, dependency-free embedder by feature hashing.
//
// LEXICAL, NOT SEMANTIC: texts that share words (or word pieces) get a high cosine; synonyms and
// paraphrases without shared surface forms do not ("car" vs "automobile" is ~0). It exists so that
// retrieval tests run without model weights or a network, and as a cheap offline fallback.
//
// Features: normalized word unigrams (ASCII lower-cased; runs of letters, digits and non-ASCII code
// points form words) and the character trigrams of each word padded with '<' and '>' ("cat" ->
// "<ca", "cat", "at>"), so inflections ("walk"/"walked") still overlap. Each feature is hashed with
// 64-bit FNV-1a plus a fixed bit mixer into one of `dim` buckets with a sign taken from an independent
// hash bit (signed hashing keeps collisions unbiased); the vector is L2-normalized. A text without
// any feature (empty, punctuation only) yields the all-zero vector.
//
// Deterministic across runs, processes and platforms: no seeds, no locale, fixed summation order.
// Changing the algorithm changes Name() ("hash-v1/<dim>") so stored vectors are recognised as stale.
// Stateless after construction; thread-safe.
#pragma once

#include <string>

#include "embed/embedder.h"

namespace engram::embed {

struct HashEmbedderOptions {
  int dim = 384;                  // number of buckets = vector length; must be >= 1
  float word_weight = 1.0f;       // weight of each word occurrence
  float trigram_weight = 0.35f;   // weight of each character trigram occurrence
};

class HashEmbedder final : public Embedder {
 public:
  explicit HashEmbedder(HashEmbedderOptions options = {});

  std::string_view Name() const override { return name_; }
  int Dimension() const override { return options_.dim; }
  // Never fails.
  Result<std::vector<Vector>> Embed(const std::vector<std::string>& texts) override;

  // The vector of one text (what Embed computes per element).
  Vector EmbedOne(std::string_view text) const;

 private:
  HashEmbedderOptions options_;
  std::string name_;
};

}  // namespace engram::embed
