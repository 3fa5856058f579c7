#include "memory/traits.h"

#include <algorithm>

#include "text/normalize.h"

namespace engram::memory {
namespace {

bool Registered(const domain::Trait& t) { return t.source == kTraitSourceRegister; }

}  // namespace

std::vector<domain::Trait> MergeTraits(std::span<const domain::Trait> current,
                                       std::span<const domain::Trait> incoming, TimeMs now) {
  std::vector<domain::Trait> out(current.begin(), current.end());
  for (const domain::Trait& in : incoming) {
    auto it = std::find_if(out.begin(), out.end(), [&](const domain::Trait& t) { return t.name == in.name; });
    if (it == out.end()) {
      out.push_back(in);
      out.back().updated_at = now;
      continue;
    }
    domain::Trait& cur = *it;
    if (Registered(in)) {
      cur = in;
      cur.updated_at = now;
      continue;
    }
    if (Registered(cur)) continue;  // inference never overrides what the application registered
    if (text::Normalize(cur.value) == text::Normalize(in.value)) {
      for (const std::string& id : in.source_ids) {
        if (std::find(cur.source_ids.begin(), cur.source_ids.end(), id) == cur.source_ids.end()) {
          cur.source_ids.push_back(id);
        }
      }
      cur.confidence = std::max(cur.confidence, in.confidence);
      cur.updated_at = now;
      continue;
    }
    if (in.confidence >= cur.confidence) {
      cur = in;
      cur.updated_at = now;
    }
  }
  return out;
}

std::vector<domain::Trait> ToTraits(std::span<const ExtractedTrait> extracted, TimeMs now) {
  std::vector<domain::Trait> out;
  out.reserve(extracted.size());
  for (const ExtractedTrait& e : extracted) {
    out.push_back(domain::Trait{.name = e.name,
                                .value = e.value,
                                .source = std::string(kTraitSourceExtracted),
                                .confidence = e.confidence,
                                .source_ids = e.source_ids,
                                .updated_at = now});
  }
  return out;
}

std::vector<domain::Trait> MergeExtractedTraits(std::span<const domain::Trait> current,
                                                std::span<const ExtractedTrait> extracted, TimeMs now) {
  const std::vector<domain::Trait> incoming = ToTraits(extracted, now);
  return MergeTraits(current, incoming, now);
}

}  // namespace engram::memory
