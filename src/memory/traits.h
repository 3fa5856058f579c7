// Trait merging: one value per trait name, with provenance.
//
// Precedence, for each incoming trait against the current one of the same name:
//  - registration ("register") wins over inference ("extracted"): an extracted value never
//    replaces a registered one; a registered value always replaces what is there (re-registering
//    updates traits).
//  - between two extracted values: the same value (compared normalized) unites sources and keeps
//    the higher confidence; a different value replaces the current one when its confidence is
//    higher or equal (the later statement wins a tie).
// Order: current traits keep their positions, new names follow in incoming order.
// Pure; thread-safe.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "common/time.h"
#include "domain/types.h"
#include "memory/extractor.h"

namespace engram::memory {

inline constexpr std::string_view kTraitSourceRegister = "register";
inline constexpr std::string_view kTraitSourceExtracted = "extracted";

// Merges `incoming` (any mix of registered and extracted traits) into `current`. Traits that change
// get updated_at = now.
std::vector<domain::Trait> MergeTraits(std::span<const domain::Trait> current,
                                       std::span<const domain::Trait> incoming, TimeMs now);

// Extracted traits as domain traits (source "extracted", updated_at = now).
std::vector<domain::Trait> ToTraits(std::span<const ExtractedTrait> extracted, TimeMs now);

// MergeTraits(current, ToTraits(extracted, now), now).
std::vector<domain::Trait> MergeExtractedTraits(std::span<const domain::Trait> current,
                                                std::span<const ExtractedTrait> extracted, TimeMs now);

}  // namespace engram::memory
