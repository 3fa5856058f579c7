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
          if (score < 0) continue;  // not the same fact
          if (score > best_score || (score == best_score && static_cast<long>(c) < best)) {
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

// A promoted memory's source_metadata: up to `max` entries, one per event, in the order met.
class MetadataEntries {
 public:
  explicit MetadataEntries(size_t max) : max_(max) {}
  bool Full() const { return entries_.size() >= max_; }
  // `make` (the entry's JSON text, "" for none) is only called for an event not met yet while there is room.
  template <typename MakeEntry>
  void Add(std::string event_key, const MakeEntry& make) {
    if (Full() || !seen_.insert(std::move(event_key)).second) return;
    std::string entry = make();
    if (!entry.empty()) entries_.push_back(std::move(entry));
  }
  std::string Text() const { return JsonArrayText(entries_); }

 private:
  size_t max_;
  std::vector<std::string> entries_;
  std::set<std::string> seen_;
};

// The statements a scope is offered: a member's memory (role, team) or a role's or team's memory (org).
// These overloads are all the two promotions differ in past their inputs, so Promote is written once.
const domain::Memory& Statement(const PromotionCandidate& c) { return c.memory; }
const ScopedMemory& Statement(const ScopedMemory& m) { return m; }

// Who holds the statement, for the support count: its actor, or its group as "kind:id".
std::string Supporter(const PromotionCandidate& c) { return c.actor_id; }
std::string Supporter(const ScopedMemory& m) { return std::string(domain::ScopeKindName(m.scope)) + ":" + m.scope_id; }

void AddActors(const PromotionCandidate& c, std::set<std::string>& actors) { actors.insert(c.actor_id); }
void AddActors(const ScopedMemory& m, std::set<std::string>& actors) {
  actors.insert(m.actor_ids.begin(), m.actor_ids.end());
}

// A member's memory contributes the metadata of its source records; a group's memory, its entries.
void AddMetadata(const PromotionCandidate& c, MetadataEntries& entries) {
  for (const auto& s : c.sources) {
    entries.Add(s.record_id, [&] { return SourceMetadataEntry(s.record_id, s.metadata_json); });
  }
}
void AddMetadata(const ScopedMemory& m, MetadataEntries& entries) {
  if (entries.Full()) return;
  Json listed = Json::parse(m.source_metadata_json.empty() ? "[]" : m.source_metadata_json, nullptr, false);
  if (!listed.is_array()) return;
  for (const auto& e : listed) {
    if (!e.is_object() || !e.contains("event_id")) continue;
    entries.Add(e["event_id"].dump(), [&] { return Dump(e); });
  }
}

// One fact (`cluster`, indexes into `items`) folded into the scope's memory: the text and category of
// its oldest statement, the highest confidence, the newest valid_from, every source id, every actor.
template <typename Item>
ScopedMemory Fold(const domain::OrgGroup& scope, const std::vector<const Item*>& items,
                  const std::vector<size_t>& cluster, const PromotionOptions& options) {
  const auto& rep = Statement(*items[cluster.front()]);
  ScopedMemory m;
  m.confidence = 0;
  m.id = ScopedId(scope.kind, scope.id, rep.id);
  m.scope = scope.kind;
  m.scope_id = scope.id;
  m.text = rep.text;
  m.category = rep.category;
  std::set<std::string> actors;
  MetadataEntries entries(options.max_source_metadata);
  for (size_t i : cluster) {
    const Item& item = *items[i];
    const auto& statement = Statement(item);
    m.confidence = std::max(m.confidence, statement.confidence);
    m.valid_from = std::max(m.valid_from, statement.valid_from);
    for (const auto& id : statement.source_ids) AddUnique(&m.source_ids, id);
    AddActors(item, actors);
    AddMetadata(item, entries);
  }
  m.actor_ids.assign(actors.begin(), actors.end());
  m.source_metadata_json = entries.Text();
  m.updated_at = options.now;
  return m;
}

// Both promotions: `items` (oldest first) grouped into facts; a fact holds for `scope` when at least
// `min_supporters` distinct supporters state it (`reason`), or when one statement of it matches the
// scope's prompt ("prompt").
template <typename Item>
std::vector<ScopedMemory> Promote(const domain::OrgGroup& scope, const std::vector<const Item*>& items,
                                  size_t min_supporters, std::string_view reason, const PromotionOptions& options) {
  std::vector<StatementSignature> sigs;
  sigs.reserve(items.size());
  for (const Item* item : items) sigs.push_back(Sign(Statement(*item).text));
  const std::vector<std::string> prompt_terms = Sign(scope.promotion_prompt).tokens;

  std::vector<ScopedMemory> out;
  for (const auto& cluster : Cluster(sigs, options.same_fact_threshold)) {
    std::set<std::string> supporters;
    bool prompt = false;
    for (size_t i : cluster) {
      supporters.insert(Supporter(*items[i]));
      prompt = prompt || MatchesPromptTerms(sigs[i], prompt_terms);
    }
    const bool enough = supporters.size() >= min_supporters;
    if (!enough && !prompt) continue;
    ScopedMemory m = Fold(scope, items, cluster, options);
    m.reason = enough ? reason : "prompt";
    // The org's supporters are groups, and its memories name them.
    if (scope.kind == ScopeKind::kOrg) m.groups.assign(supporters.begin(), supporters.end());
    out.push_back(std::move(m));
  }
  return out;
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

std::string SourceMetadataEntry(std::string_view event_id, std::string_view metadata_json) {
  if (metadata_json.empty()) return "";
  // An object other than the {"raw": text} wrapper is checked and copied as it is: search builds an
  // entry per record result, and parsing and writing it again there cost more than the rest of the
  // result. (The seed-001 dialect stores a metadata string unchecked, hence the check.)
  if (metadata_json.front() == '{' && metadata_json.rfind(R"({"raw":)", 0) != 0 && Json::accept(metadata_json)) {
    std::string out = R"({"event_id":)" + Json(event_id).dump(-1, ' ', false, Json::error_handler_t::replace);
    out += R"(,"metadata":)";
    out += metadata_json;
    out += '}';
    return out;
  }
  Json entry = {{"event_id", event_id}};
  Json parsed = Json::parse(metadata_json, nullptr, false);
  if (parsed.is_object() && parsed.size() == 1 && parsed.contains("raw") && parsed["raw"].is_string()) {
    entry["raw"] = parsed["raw"];  // stored this way because the original was not valid JSON
  } else if (parsed.is_object()) {
    entry["metadata"] = std::move(parsed);
  } else {
    entry["raw"] = std::string(metadata_json);  // valid JSON, but not an object
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
  return Promote(group, eligible, options.min_actors, "consensus", options);
}

std::vector<ScopedMemory> VisibleTo(const std::string& actor_id, std::vector<ScopedMemory> scoped,
                                    double same_fact_threshold) {
  std::vector<ScopedMemory> out;
  std::vector<StatementSignature> covered;  // facts shown, or the actor's own
  for (auto& m : scoped) {
    StatementSignature sig = Sign(m.text);
    bool repeats = false;
    for (const auto& s : covered) repeats = repeats || SameStatementScore(s, sig, same_fact_threshold) >= 0;
    if (repeats) continue;
    covered.push_back(std::move(sig));
    // The actor's own statement of the fact is among its memories: neither this memory nor a
    // narrower one of the same fact is shown.
    if (std::find(m.actor_ids.begin(), m.actor_ids.end(), actor_id) != m.actor_ids.end()) continue;
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
  domain::OrgGroup scope = org;
  scope.kind = ScopeKind::kOrg;
  return Promote(scope, items, options.min_groups, "groups", options);
}

}  // namespace engram::memory
