#include "memory/promotion.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <unordered_map>

#include "common/crypto.h"
#include "memory/consolidation.h"

namespace engram::memory {
namespace {

using domain::ScopedMemory;
using domain::ScopeKind;
using Json = nlohmann::json;

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// Analyzed prompt terms shared by a statement: the prompt test of the header.
bool MatchesPromptTerms(const StatementSignature& statement, const std::vector<std::string>& prompt_terms) {
  if (prompt_terms.empty() || statement.tokens.empty()) return false;
  size_t shared = 0;
  for (const auto& t : statement.tokens) shared += std::binary_search(prompt_terms.begin(), prompt_terms.end(), t);
  return shared >= 2 || (shared >= 1 && statement.tokens.size() <= 2);
}

std::string ScopedId(ScopeKind kind, const std::string& scope_id, const std::string& representative) {
  return "smem_" + Sha256Hex(std::string(domain::ScopeKindName(kind)) + ":" + scope_id + ":" + representative)
                       .substr(0, 24);
}

template <typename T>
void AddUnique(std::vector<T>* into, const T& v) {
  if (std::find(into->begin(), into->end(), v) == into->end()) into->push_back(v);
}

// Greedy single-pass grouping: each item joins the cluster whose first item states the same fact
// (the most similar one), else starts its own. Items arrive oldest first, so a cluster's first item is
// its oldest statement. Only clusters sharing a term with the item are compared (two statements with
// no term in common are never the same fact, except two without terms at all), so a large group costs
// what its overlapping statements cost, not every pair.
std::vector<std::vector<size_t>> Cluster(const std::vector<StatementSignature>& sigs, double threshold) {
  std::vector<std::vector<size_t>> clusters;
  std::unordered_map<std::string_view, std::vector<size_t>> by_term;  // term -> clusters whose first item has it
  long termless = -1;                                                 // the cluster of items without terms
  std::vector<size_t> seen_at;  // per cluster: the last item it was compared with
  for (size_t i = 0; i < sigs.size(); ++i) {
    long best = -1;
    double best_score = -1;
    if (sigs[i].tokens.empty()) {
      best = termless;
    } else {
      for (const auto& t : sigs[i].tokens) {
        auto it = by_term.find(t);
        if (it == by_term.end()) continue;
        for (size_t c : it->second) {
          if (seen_at[c] == i + 1) continue;
          seen_at[c] = i + 1;
          const double score = SameStatementScore(sigs[clusters[c].front()], sigs[i], threshold);
          if (score > best_score || (score == best_score && best >= 0 && static_cast<long>(c) < best)) {
            if (score < 0) continue;
            best_score = score;
            best = static_cast<long>(c);
          }
        }
      }
    }
    if (best >= 0) {
      clusters[static_cast<size_t>(best)].push_back(i);
      continue;
    }
    const size_t c = clusters.size();
    clusters.push_back({i});
    seen_at.push_back(0);
    if (sigs[i].tokens.empty()) termless = static_cast<long>(c);
    for (const auto& t : sigs[i].tokens) by_term[t].push_back(c);
  }
  return clusters;
}

}  // namespace

bool Shareable(const domain::Memory& m) {
  static const std::set<std::string, std::less<>> kPrivate = {"family", "pet", "relationship", "possession",
                                                              "location"};
  return m.status == domain::MemoryStatus::kCurrent && m.subject.empty() && kPrivate.count(m.category) == 0;
}

bool EligibleFor(const PromotionCandidate& candidate, const domain::OrgGroup& group) {
  if (!Shareable(candidate.memory)) return false;
  if (group.kind != ScopeKind::kRole && group.kind != ScopeKind::kTeam) return false;
  bool names_any = false;
  for (const auto& s : candidate.sources) {
    const std::string& named = group.kind == ScopeKind::kRole ? s.role_id : s.team_id;
    if (named.empty()) continue;
    if (named == group.id) return true;
    names_any = true;
  }
  return !names_any;
}

bool MatchesPrompt(std::string_view statement, std::string_view prompt) {
  return MatchesPromptTerms(Sign(statement), Sign(prompt).tokens);
}

std::string JsonArrayText(const std::vector<std::string>& entries) {
  std::string out = "[";
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out += ",";
    out += entries[i];
  }
  return out + "]";
}

std::string SourceMetadataEntry(const std::string& event_id, const std::string& metadata_json) {
  if (metadata_json.empty()) return "";
  // An object other than the {"raw": text} wrapper is checked and copied as it is: search builds an
  // entry per record result, and parsing and writing it again there cost more than the rest of the
  // result. (The seed-001 dialect stores a metadata string unchecked, hence the check.)
  if (metadata_json.front() == '{' && metadata_json.rfind(R"({"raw":)", 0) != 0 && Json::accept(metadata_json)) {
    return R"({"event_id":)" + Json(event_id).dump(-1, ' ', false, Json::error_handler_t::replace) +
           R"(,"metadata":)" + metadata_json + "}";
  }
  Json entry = {{"event_id", event_id}};
  Json parsed = Json::parse(metadata_json, nullptr, false);
  if (parsed.is_object() && parsed.size() == 1 && parsed.contains("raw") && parsed["raw"].is_string()) {
    entry["raw"] = parsed["raw"];  // stored this way because the original was not valid JSON
  } else if (parsed.is_object()) {
    entry["metadata"] = std::move(parsed);
  } else {
    entry["raw"] = metadata_json;  // valid JSON, but not an object
  }
  return Dump(entry);
}

std::vector<ScopedMemory> PromoteToGroup(const domain::OrgGroup& group, std::span<const PromotionCandidate> candidates,
                                         const PromotionOptions& options) {
  std::vector<const PromotionCandidate*> eligible;
  for (const auto& c : candidates) {
    if (EligibleFor(c, group)) eligible.push_back(&c);
  }
  std::sort(eligible.begin(), eligible.end(), [](const PromotionCandidate* a, const PromotionCandidate* b) {
    return std::tie(a->memory.created_at, a->actor_id, a->memory.id) <
           std::tie(b->memory.created_at, b->actor_id, b->memory.id);
  });
  std::vector<StatementSignature> sigs;
  sigs.reserve(eligible.size());
  for (const auto* c : eligible) sigs.push_back(Sign(c->memory.text));
  const std::vector<std::string> prompt_terms = Sign(group.promotion_prompt).tokens;

  std::vector<ScopedMemory> out;
  for (const auto& cluster : Cluster(sigs, options.same_fact_threshold)) {
    std::set<std::string> actors;
    bool prompt = false;
    for (size_t i : cluster) {
      actors.insert(eligible[i]->actor_id);
      prompt = prompt || MatchesPromptTerms(sigs[i], prompt_terms);
    }
    const bool consensus = actors.size() >= options.min_actors;
    if (!consensus && !prompt) continue;
    const domain::Memory& rep = eligible[cluster.front()]->memory;
    ScopedMemory m;
    m.confidence = 0;
    m.id = ScopedId(group.kind, group.id, rep.id);
    m.scope = group.kind;
    m.scope_id = group.id;
    m.text = rep.text;
    m.category = rep.category;
    m.reason = consensus ? "consensus" : "prompt";
    m.actor_ids.assign(actors.begin(), actors.end());
    std::vector<std::string> entries;
    std::set<std::string> seen_events;
    for (size_t i : cluster) {
      const auto& c = *eligible[i];
      m.confidence = std::max(m.confidence, c.memory.confidence);
      m.valid_from = std::max(m.valid_from, c.memory.valid_from);
      for (const auto& id : c.memory.source_ids) AddUnique(&m.source_ids, id);
      for (const auto& s : c.sources) {
        if (entries.size() >= options.max_source_metadata || !seen_events.insert(s.record_id).second) continue;
        std::string entry = SourceMetadataEntry(s.record_id, s.metadata_json);
        if (!entry.empty()) entries.push_back(std::move(entry));
      }
    }
    m.source_metadata_json = JsonArrayText(entries);
    m.updated_at = options.now;
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<ScopedMemory> VisibleTo(const std::string& actor_id, std::vector<ScopedMemory> scoped,
                                    double same_fact_threshold) {
  std::vector<ScopedMemory> out;
  std::vector<StatementSignature> shown;
  for (auto& m : scoped) {
    if (std::find(m.actor_ids.begin(), m.actor_ids.end(), actor_id) != m.actor_ids.end()) continue;
    StatementSignature sig = Sign(m.text);
    bool repeats = false;
    for (const auto& s : shown) repeats = repeats || SameStatementScore(s, sig, same_fact_threshold) >= 0;
    if (repeats) continue;
    shown.push_back(std::move(sig));
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<ScopedMemory> PromoteToOrg(const domain::OrgGroup& org, std::span<const ScopedMemory> group_memories,
                                       const PromotionOptions& options) {
  std::vector<const ScopedMemory*> items;
  for (const auto& m : group_memories) {
    if (m.scope == ScopeKind::kRole || m.scope == ScopeKind::kTeam) items.push_back(&m);
  }
  std::sort(items.begin(), items.end(), [](const ScopedMemory* a, const ScopedMemory* b) {
    return std::tie(a->created_at, a->id) < std::tie(b->created_at, b->id);
  });
  std::vector<StatementSignature> sigs;
  sigs.reserve(items.size());
  for (const auto* m : items) sigs.push_back(Sign(m->text));
  const std::vector<std::string> prompt_terms = Sign(org.promotion_prompt).tokens;

  std::vector<ScopedMemory> out;
  for (const auto& cluster : Cluster(sigs, options.same_fact_threshold)) {
    std::vector<std::string> groups;
    bool prompt = false;
    for (size_t i : cluster) {
      AddUnique(&groups, std::string(domain::ScopeKindName(items[i]->scope)) + ":" + items[i]->scope_id);
      prompt = prompt || MatchesPromptTerms(sigs[i], prompt_terms);
    }
    const bool enough_groups = groups.size() >= options.min_groups;
    if (!enough_groups && !prompt) continue;
    const ScopedMemory& rep = *items[cluster.front()];
    ScopedMemory m;
    m.confidence = 0;
    m.id = ScopedId(ScopeKind::kOrg, org.id, rep.id);
    m.scope = ScopeKind::kOrg;
    m.scope_id = org.id;
    m.text = rep.text;
    m.category = rep.category;
    m.reason = enough_groups ? "groups" : "prompt";
    std::sort(groups.begin(), groups.end());
    m.groups = std::move(groups);
    std::set<std::string> actors;
    std::vector<std::string> entries;
    std::set<std::string> seen_events;
    for (size_t i : cluster) {
      const ScopedMemory& g = *items[i];
      actors.insert(g.actor_ids.begin(), g.actor_ids.end());
      m.confidence = std::max(m.confidence, g.confidence);
      m.valid_from = std::max(m.valid_from, g.valid_from);
      for (const auto& id : g.source_ids) AddUnique(&m.source_ids, id);
      Json listed = Json::parse(g.source_metadata_json.empty() ? "[]" : g.source_metadata_json, nullptr, false);
      if (!listed.is_array()) continue;
      for (const auto& e : listed) {
        if (entries.size() >= options.max_source_metadata || !e.is_object() || !e.contains("event_id")) continue;
        if (!seen_events.insert(e["event_id"].dump()).second) continue;
        entries.push_back(Dump(e));
      }
    }
    m.actor_ids.assign(actors.begin(), actors.end());
    m.source_metadata_json = JsonArrayText(entries);
    m.updated_at = options.now;
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace engram::memory
