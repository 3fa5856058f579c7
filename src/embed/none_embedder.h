// NoneEmbedder: the explicit "no embedder configured" backend.
//
// Enabled() is false so retrieval runs lexical-only; Embed always fails with kUnavailable, which
// turns a caller that forgot to check Enabled() into a visible error instead of silent empty vectors.
// Stateless; thread-safe.
#pragma once

#include "embed/embedder.h"

namespace engram::embed {

class NoneEmbedder final : public Embedder {
 public:
  std::string_view Name() const override { return "none"; }
  int Dimension() const override { return 0; }
  Result<std::vector<Vector>> Embed(const std::vector<std::string>& texts) override;
  bool Enabled() const override { return false; }
};

}  // namespace engram::embed
