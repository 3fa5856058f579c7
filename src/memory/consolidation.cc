#include "memory/consolidation.h"

#include <algorithm>

#include "common/crypto.h"
#include "memory/term_set.h"

namespace engram::memory {

StatementSignature Sign(std::string_view text) {
  StatementSignature s;
  s.tokens = MakeTermSet(text);
  for (const std::string& t : s.tokens) {
    if (t == "not" || t == "never" || t == "no" || t == "cannot" || t == "nor") s.negated = true;
    if (std::any_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) s.numbers.push_back(t);
  }
  // The analyzer expands "n't" to "not"; keep a direct check for texts it might not.
  if (text.find("n't") != std::string_view::npos) s.negated = true;
  return s;
}

namespace {

struct Entry {
  domain::Memory memory;
  StatementSignature sig;
  bool existing = false;
  bool changed = false;
  std::vector<std::string> added_sources;
};

// Similarity when the two are duplicates, < 0 when they are not.
double DuplicateScore(const Entry& e, const ExtractedMemory& x, const StatementSignature& sx, double threshold) {
  if (e.memory.subject != x.subject) return -1;
  if (!e.memory.key.empty() && !x.key.empty() && e.memory.key != x.key) return -1;
  return SameStatementScore(e.sig, sx, threshold);
}

void Unite(std::vector<std::string>* into, const std::vector<std::string>& from,
           std::vector<std::string>* added = nullptr) {
  for (const std::string& v : from) {
    if (std::find(into->begin(), into->end(), v) != into->end()) continue;
    into->push_back(v);
    if (added) added->push_back(v);
  }
}

void Supersede(Entry* old_entry, const std::string& by, TimeMs now) {
  old_entry->memory.status = domain::MemoryStatus::kSuperseded;
  old_entry->memory.superseded_by = by;
  old_entry->memory.superseded_at = now;
  old_entry->memory.updated_at = now;
  old_entry->changed = true;
}

}  // namespace

double SameStatementScore(const StatementSignature& a, const StatementSignature& b, double threshold) {
  if (a.negated != b.negated) return -1;
  // Two statements without a term are the same (empty) statement; term_set's Jaccard says 0 for them.
  const double j = a.tokens.empty() && b.tokens.empty() ? 1.0 : Jaccard(a.tokens, b.tokens);
  // Similar wording with another number or time is another fact ("Has two kids" / "Has three kids").
  if (j >= threshold && a.numbers == b.numbers) return j;
  const auto& small = a.tokens.size() <= b.tokens.size() ? a.tokens : b.tokens;
  const auto& big = a.tokens.size() <= b.tokens.size() ? b.tokens : a.tokens;
  if (small.size() >= 2 && ContainedIn(small, big)) return j;
  return -1;
}

ConsolidationResult Consolidate(std::span<const domain::Memory> current,
                                std::span<const ExtractedMemory> incoming,
                                const ConsolidateOptions& options) {
  const TimeMs now = options.now;
  auto new_id = [&options] { return options.new_id ? options.new_id() : NewId("mem_"); };
  std::vector<Entry> pool;
  pool.reserve(current.size() + incoming.size());
  for (const domain::Memory& m : current) {
    if (m.status != domain::MemoryStatus::kCurrent) continue;
    pool.push_back(Entry{m, Sign(m.text), true, false, {}});
  }
  ConsolidationResult result;
  for (const ExtractedMemory& x : incoming) {
    const StatementSignature sx = Sign(x.text);
    // 1. Near-duplicate: merge into the most similar current memory.
    Entry* best = nullptr;
    double best_score = -1;
    for (Entry& e : pool) {
      if (e.memory.status != domain::MemoryStatus::kCurrent) continue;
      const double score = DuplicateScore(e, x, sx, options.jaccard_threshold);
      if (score > best_score) {
        best_score = score;
        best = &e;
      }
    }
    if (best != nullptr) {
      Unite(&best->memory.source_ids, x.source_ids, best->existing ? &best->added_sources : nullptr);
      Unite(&best->memory.entities, x.entities);
      best->memory.confidence = std::max(best->memory.confidence, x.confidence);
      best->memory.updated_at = now;
      best->changed = true;
      continue;
    }
    Entry fresh;
    fresh.memory.id = new_id();
    fresh.memory.text = x.text;
    fresh.memory.category = x.category;
    fresh.memory.confidence = x.confidence;
    fresh.memory.entities = x.entities;
    fresh.memory.subject = x.subject;
    fresh.memory.key = x.key;
    fresh.memory.valid_from = x.valid_from;
    fresh.memory.source_ids = x.source_ids;
    fresh.memory.created_at = now;
    fresh.memory.updated_at = now;
    fresh.sig = sx;
    // 2. Contradiction: the same slot holds another value.
    if (!x.key.empty()) {
      Entry* winner = nullptr;
      for (Entry& e : pool) {
        if (e.memory.status != domain::MemoryStatus::kCurrent || e.memory.subject != x.subject ||
            e.memory.key != x.key) {
          continue;
        }
        if (winner == nullptr || e.memory.valid_from >= winner->memory.valid_from) winner = &e;
      }
      if (winner != nullptr && x.valid_from < winner->memory.valid_from) {
        // Said later about an earlier time: history from the start.
        fresh.memory.status = domain::MemoryStatus::kSuperseded;
        fresh.memory.superseded_by = winner->memory.id;
        fresh.memory.superseded_at = now;
        result.superseded.emplace_back(fresh.memory.id, winner->memory.id);
      } else if (winner != nullptr) {
        for (Entry& e : pool) {
          if (e.memory.status == domain::MemoryStatus::kCurrent && e.memory.subject == x.subject &&
              e.memory.key == x.key) {
            Supersede(&e, fresh.memory.id, now);
            result.superseded.emplace_back(e.memory.id, fresh.memory.id);
          }
        }
      }
    }
    pool.push_back(std::move(fresh));
  }
  for (Entry& e : pool) {
    if (!e.existing) {
      result.inserted.push_back(std::move(e.memory));
      continue;
    }
    if (!e.added_sources.empty()) result.merged.emplace_back(e.memory.id, e.added_sources);
    if (e.changed) result.updated.push_back(std::move(e.memory));
  }
  return result;
}

}  // namespace engram::memory
