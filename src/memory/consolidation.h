// Consolidation: folds freshly extracted memories into a user's current memories.
//
// Rules, applied to each incoming memory in order (earlier incoming ones take part, so duplicates
// within one batch collapse too):
//  1. Near-duplicate: same subject, same negation, not two different non-empty keys, and either
//     token-set Jaccard >= threshold (normalized, stemmed, stopwords dropped) with the same numbers
//     and times, or one token set contains the other (two tokens or more). It merges into the most
//     similar one: sources united, confidence max, entities united, updated_at = now.
//  2. Contradiction: same subject and same non-empty key (a slot such as "schedule:stand-up") but not
//     a duplicate. The statement with the newer valid_from wins (ties go to the incoming one); the
//     loser is kept as history: status superseded, superseded_by the winner, superseded_at = now.
//     An incoming statement older than the current one is therefore inserted already superseded.
//  3. Otherwise it is inserted as a current memory.
// Memories already superseded are history and are never matched.
//
// Pure: ids come from ConsolidateOptions::new_id and times from ConsolidateOptions::now, so the same
// inputs give the same output. Thread-safe.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/time.h"
#include "domain/types.h"
#include "memory/extractor.h"

namespace engram::memory {

// Rule 1's token-set Jaccard at which two texts state the same thing: consolidation's default, and
// promotion's (memory/promotion.h) for one fact held by several actors or groups.
inline constexpr double kSameStatementThreshold = 0.7;

struct ConsolidateOptions {
  double jaccard_threshold = kSameStatementThreshold;  // token-set similarity at which two texts are one memory
  std::function<std::string()> new_id;  // ids of inserted memories; empty: NewId("mem_")
  TimeMs now = 0;                       // created_at / updated_at / superseded_at of changed rows
};

struct ConsolidationResult {
  // New memories: current ones, and history rows (an incoming statement older than the current one).
  std::vector<domain::Memory> inserted;
  // Existing memory id -> the source ids this call added to it.
  std::vector<std::pair<std::string /*existing id*/, std::vector<std::string> /*added source ids*/>> merged;
  // Old id -> the id of the memory that replaced it (either may be new).
  std::vector<std::pair<std::string /*old id*/, std::string /*new id*/>> superseded;
  // Existing memories this call changed, in their new state (merged or superseded): what a store
  // writes back.
  std::vector<domain::Memory> updated;
};

ConsolidationResult Consolidate(std::span<const domain::Memory> current,
                                std::span<const ExtractedMemory> incoming,
                                const ConsolidateOptions& options);

// What the near-duplicate test of rule 1 compares, computed once per text.
struct StatementSignature {
  std::vector<std::string> tokens;   // analyzed, sorted, unique
  std::vector<std::string> numbers;  // tokens with a digit: times, counts, dates
  bool negated = false;
};
StatementSignature Sign(std::string_view text);
// Rule 1 on two texts alone (subject and key are the caller's): their Jaccard similarity when they
// state the same thing, < 0 when they do not. Promotion uses it to find one fact held by several actors.
double SameStatementScore(const StatementSignature& a, const StatementSignature& b, double threshold);


}  // namespace engram::memory
