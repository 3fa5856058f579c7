#include "index/ranker.h"

#include "index/top_k.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <unordered_map>
#include <unordered_set>

namespace engram::index {

double NeighbourEvidence(double own, double prev, double next, double prev_weight, double next_weight) {
  return own + prev_weight * prev + next_weight * next;
}

double SpeakerBoost(std::string_view speaker, std::span<const std::string> names, double boost) {
  if (speaker.empty()) return 1.0;
  for (const auto& n : names) {
    if (n.size() != speaker.size()) continue;
    bool eq = true;
    for (size_t i = 0; i < n.size() && eq; ++i) {
      eq = std::tolower(static_cast<unsigned char>(n[i])) == std::tolower(static_cast<unsigned char>(speaker[i]));
    }
    if (eq) return 1.0 + boost;
  }
  return 1.0;
}

double TemporalBoost(bool when_question, bool has_temporal_term, double boost) {
  return when_question && has_temporal_term ? 1.0 + boost : 1.0;
}

std::vector<RankedHit> DropRedundant(const UserIndex& idx, std::span<const RankedHit> ranked, size_t k) {
  auto derived = [&](uint32_t o) {
    const auto kind = idx.Kind(o);
    return kind == domain::RecordKind::kMemory || kind == domain::RecordKind::kStage3;
  };
  std::unordered_set<std::string_view> by_records, by_derived;
  std::vector<RankedHit> out;
  for (const auto& h : ranked) {
    if (out.size() >= k) break;
    const bool d = derived(h.ordinal);
    const auto sources = idx.SourceIds(h.ordinal);
    const auto& other = d ? by_records : by_derived;
    bool covered = !sources.empty();
    for (auto s : sources) covered = covered && other.count(s) > 0;
    if (covered) continue;
    auto& mine = d ? by_derived : by_records;
    for (auto s : sources) mine.insert(s);
    out.push_back(h);
  }
  return out;
}

double PeriodBoost(TimeMs timestamp, std::span<const std::pair<TimeMs, TimeMs>> periods, double boost) {
  for (const auto& [start, end] : periods) {
    if (timestamp >= start && timestamp < end) return 1.0 + boost;
  }
  return 1.0;
}

bool IsTemporalTerm(std::string_view t) {
  // Stems as the English Snowball stemmer writes them.
  static const std::unordered_set<std::string_view> kWords = {
      "yesterday", "today", "tomorrow", "tonight", "ago", "last", "next", "week", "weekend", "month", "year",
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "januari", "februari",
      "march", "april", "may", "june", "juli", "august", "septemb", "octob", "novemb", "decemb", "morn",
      "afternoon", "even", "night", "recent", "earlier", "later", "summer", "winter", "spring", "autumn", "fall"};
  if (kWords.count(t)) return true;
  // Years (1900-2099) and the analyzer's ISO dates "2023-05-08" and times "14:00".
  if (t.size() == 4 && (t.rfind("19", 0) == 0 || t.rfind("20", 0) == 0) &&
      std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return true;
  }
  if (t.size() >= 7 && t[4] == '-' && std::isdigit(static_cast<unsigned char>(t[0]))) return true;
  if (t.size() == 5 && t[2] == ':' && std::isdigit(static_cast<unsigned char>(t[0]))) return true;
  return false;
}

std::vector<std::string> SelectFeedbackTerms(std::vector<FeedbackCandidate> candidates, uint32_t doc_count,
                                             size_t max_terms) {
  std::vector<std::pair<double, std::string>> scored;
  for (auto& c : candidates) {
    if (c.doc_freq == 0 || c.doc_freq * 2 > doc_count) continue;
    if (c.weight_sum <= 0) continue;
    const double idf = std::log(1.0 + (doc_count - c.doc_freq + 0.5) / (c.doc_freq + 0.5));
    scored.emplace_back(c.weight_sum * idf, std::move(c.term));
  }
  std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && out.size() < max_terms; ++i) out.push_back(std::move(scored[i].second));
  return out;
}

namespace {

struct Candidate {
  uint32_t ordinal;
  double evidence = 0;  // combined lexical evidence (raw BM25 scale)
};

// Per-thread scratch reused across queries, so a query allocates little beyond its candidates.
// Marks are pass numbers, so nothing is cleared between queries: a query runs up to four passes
// (first-pass pool and its candidates, feedback pool and its candidates) and each takes the next number.
struct Scratch {
  std::vector<uint32_t> seen;          // by ordinal: == pass when already marked in this pass
  // By session label: the session's best scores in the latest pool, valid when epoch matches.
  struct SessionSlot {
    uint32_t epoch = 0;
    BestScores top;
  };
  std::vector<SessionSlot> sessions;
  uint32_t session_epoch = 0;          // the pass whose pool the valid slots describe (set by
                                       // PoolSessions before any slot is read)
  uint32_t pass = 0;
  std::vector<uint32_t> ordinals;
  std::vector<ScoredDoc> gathered;     // a pass's matches, before the pool is selected from them
  std::vector<ScoredDoc> pool;         // the latest pool, first pass then feedback pass (no order:
                                       // the ranking never depends on the order of candidates)

  void BeginQuery(uint32_t ordinals_n, uint32_t labels_n) {
    if (seen.size() < ordinals_n) seen.resize(ordinals_n, 0);
    if (sessions.size() < labels_n) sessions.resize(labels_n);
    if (pass > UINT32_MAX - 16) {  // about to wrap: clear the marks once every billion queries
      std::fill(seen.begin(), seen.end(), 0);
      for (SessionSlot& slot : sessions) slot.epoch = 0;
      pass = 0;
    }
  }
  void BeginPass() { ++pass; }
  bool Seen(uint32_t o) const { return seen[o] == pass; }
  bool MarkSeen(uint32_t o) {
    if (seen[o] == pass) return false;
    seen[o] = pass;
    return true;
  }
  bool SessionValid(uint32_t label) const { return sessions[label].epoch == session_epoch; }
  BestScores& Session(uint32_t label, size_t keep) {
    SessionSlot& slot = sessions[label];
    if (slot.epoch != session_epoch) {
      slot.epoch = session_epoch;
      slot.top = BestScores(keep);
    }
    return slot.top;
  }
};

// What the passes of one query share.
template <typename Allowed>
struct QueryContext {
  const UserIndex& idx;
  const QueryPlan& plan;
  const RankingParams& p;
  const Allowed& allowed;
  uint32_t no_session;  // the label key of "" (chunks without a session), or StringTable::kNone
};

// Previous / next live chunk of the same session, or kNoOrdinal. Chunks of a session are appended in
// conversation order, so the nearest live ordinal with the same session is the neighbouring turn.
uint32_t SessionNeighbour(const UserIndex& idx, uint32_t o, int step, uint32_t no_session) {
  const uint32_t session = idx.SessionKey(o);
  if (session == no_session) return kNoOrdinal;
  const uint32_t n = idx.ordinal_count();
  for (int64_t p = static_cast<int64_t>(o) + step, hops = 0; p >= 0 && p < n && hops < 8; p += step, ++hops) {
    const auto q = static_cast<uint32_t>(p);
    if (!idx.IsLive(q)) continue;
    return idx.SessionKey(q) == session ? q : kNoOrdinal;
  }
  return kNoOrdinal;
}

bool HasTemporalTerm(const UserIndex& idx, uint32_t o) {
  const InvertedIndex& lex = idx.lexical();
  for (uint32_t t : lex.DocTermIds(o)) {
    if (IsTemporalTerm(lex.TermText(t))) return true;
  }
  return false;
}

// Session evidence: each session's best `session_top` scores among the pool just selected (sc.pool).
// The pool holds the query's strongest matches, so a session that matches the query as a whole has
// its best turns there; its weaker matches add nothing the evaluation can see, and reading every
// match for them was most of the lexical work on queries that match thousands of chunks.
template <typename Allowed>
void PoolSessions(const QueryContext<Allowed>& q, Scratch& sc) {
  sc.session_epoch = sc.pass;
  if (!(q.p.session_weight > 0)) return;
  for (const ScoredDoc& d : sc.pool) {
    const uint32_t label = q.idx.SessionKey(d.ordinal);
    if (label != q.no_session) sc.Session(label, q.p.session_top).Add(d.score);
  }
}

// The first-pass pool: the `candidate_pool` best raw scores among allowed chunks, into sc.pool, and
// its session evidence.
template <typename Allowed>
void FirstPassPool(const QueryContext<Allowed>& q, const LexicalScores& lex, Scratch& sc) {
  sc.BeginPass();
  sc.gathered.clear();
  for (uint32_t o : lex.touched()) {
    const float s = lex.score(o);
    if (s > 0 && q.allowed(o)) sc.gathered.push_back({o, s, 0});
  }
  SelectBest(sc.gathered, q.p.candidate_pool, sc.pool);
  PoolSessions(q, sc);
}

// The same pool and session evidence for the query plus the feedback terms (scores lex + extra),
// over the chunks the query itself matches: feedback reweights them, it brings in no chunk that
// shares no term with the query (the added terms come from three chunks; a chunk matching only them
// is the classic drift of pseudo-relevance feedback, and on a selective query there are thousands).
// Such a chunk still counts as a session neighbour. Computed from the first pass rather than from
// every match again, and exact: a chunk the feedback terms do not match keeps its first-pass score,
// and the chunks that outranked it there only gained, so the new pool lies within the old pool plus
// the query's matches that `extra` touched.
template <typename Allowed>
void FeedbackPassPool(const QueryContext<Allowed>& q, const LexicalScores& lex, const LexicalScores& extra,
                      Scratch& sc) {
  sc.BeginPass();
  auto score = [&](uint32_t o) -> float { return lex.score(o) + extra.score(o); };
  sc.gathered.clear();
  // A match outside the old pool that scores below all of it cannot enter the new one: every old
  // member kept or raised its score. (A full old pool only; else any match may fill it.)
  float entry = sc.pool.size() < q.p.candidate_pool ? 0.f : std::numeric_limits<float>::infinity();
  for (const ScoredDoc& d : sc.pool) {
    sc.MarkSeen(d.ordinal);
    sc.gathered.push_back({d.ordinal, score(d.ordinal), 0});
    entry = std::min(entry, d.score);
  }
  for (uint32_t o : extra.touched()) {
    if (!(lex.score(o) > 0) || !q.allowed(o)) continue;  // not a match of the query, or not allowed
    const float s = score(o);
    if (s >= entry && !sc.Seen(o)) sc.gathered.push_back({o, s, 0});
  }
  SelectBest(sc.gathered, q.p.candidate_pool, sc.pool);
  PoolSessions(q, sc);
}

// The evidence of the pool (sc.pool), the session neighbours of its chunks and the vector candidates.
// `extra` (may be null): the feedback terms' scores, added to the query's.
template <typename Allowed>
void ScoreCandidates(const QueryContext<Allowed>& q, const std::vector<uint32_t>& vector_candidates,
                     const LexicalScores& lex, const LexicalScores* extra, Scratch& sc, std::vector<Candidate>& out) {
  const UserIndex& idx = q.idx;
  const QueryPlan& plan = q.plan;
  const RankingParams& p = q.p;
  auto score = [&](uint32_t o) -> float { return extra ? lex.score(o) + extra->score(o) : lex.score(o); };
  sc.BeginPass();
  auto& ordinals = sc.ordinals;
  ordinals.clear();
  for (const auto& d : sc.pool) {
    if (sc.MarkSeen(d.ordinal)) ordinals.push_back(d.ordinal);
  }
  // A turn whose neighbour matches is a candidate too (the answer after the question).
  const size_t direct = ordinals.size();
  for (size_t i = 0; i < direct; ++i) {
    for (int step : {-1, 1}) {
      const uint32_t nb = SessionNeighbour(idx, ordinals[i], step, q.no_session);
      if (nb != kNoOrdinal && q.allowed(nb) && sc.MarkSeen(nb)) ordinals.push_back(nb);
    }
  }
  for (uint32_t o : vector_candidates) {
    if (sc.MarkSeen(o)) ordinals.push_back(o);
  }

  out.clear();
  out.reserve(ordinals.size());
  for (uint32_t o : ordinals) {
    const uint32_t prev = SessionNeighbour(idx, o, -1, q.no_session);
    const uint32_t next = SessionNeighbour(idx, o, +1, q.no_session);
    double e = NeighbourEvidence(score(o), prev == kNoOrdinal ? 0.0 : score(prev),
                                 next == kNoOrdinal ? 0.0 : score(next), p.prev_weight, p.next_weight);
    if (!plan.names.empty()) e *= SpeakerBoost(idx.Speaker(o), plan.names, p.speaker_boost);
    if (plan.is_when_question) e *= TemporalBoost(true, HasTemporalTerm(idx, o), p.temporal_boost);
    if (!plan.periods.empty()) e *= PeriodBoost(idx.Timestamp(o), plan.periods, p.period_boost);
    const auto kind = idx.Kind(o);
    if (kind == domain::RecordKind::kMemory || kind == domain::RecordKind::kStage3) e *= p.derived_weight;
    const uint32_t label = idx.SessionKey(o);
    if (p.session_weight > 0 && label != q.no_session && sc.SessionValid(label)) {
      e += p.session_weight * sc.sessions[label].top.Sum();
    }
    out.push_back({o, e});
  }
}

// "a ranks before b" for result hits: score desc, ordinal asc.
bool HitBefore(const RankedHit& a, const RankedHit& b) {
  return a.score != b.score ? a.score > b.score : a.ordinal < b.ordinal;
}

// Calibrates, fuses, thresholds and orders the candidates into the result's hits.
//
// The cosine of every candidate is needed only where it decides the order of the head of the list.
// The vector scan (`scan`) bounds every row's cosine (exact for the rows it rescored in float32), and
// a fused score is monotone in the cosine, so each candidate has a fused interval. Once `need` hits
// are certain to score at least tau, a candidate whose interval lies below tau cannot be among the
// first `need`: only the others get their exact cosine. The result is the one computing every cosine
// exactly would give; when DropRedundant consumes more than `need` hits, that is what happens.
void Finish(const UserIndex& idx, const std::vector<Candidate>& cands, double self_score,
            const VectorMatrix::PreScan* scan, const RankRequest& req, const RankingParams& p, RankResult& result) {
  const bool diversify = p.drop_redundant && req.diversify;
  const size_t need = diversify ? 2 * req.k + 8 : req.k;  // DropRedundant rarely drops more than k + 8
  auto fuse = [&](double lexical, std::optional<float> cosine, uint32_t ordinal) {
    const std::optional<double> vec =
        cosine ? std::optional<double>(CalibrateCosine(*cosine, p.fusion.cosine_lo, p.fusion.cosine_hi))
               : std::nullopt;
    double fused = FuseWeighted(lexical, vec, p.fusion.alpha);
    if (p.recency_weight > 0) {
      fused = ApplyRecency(fused, RecencyDecay(req.now, idx.Timestamp(ordinal), p.recency_half_life_days),
                           p.recency_weight);
    }
    return fused;
  };
  auto passes = [&](double fused) { return fused > 0 && fused >= req.min_score; };

  thread_local std::vector<double> lexical, low, high;
  thread_local std::vector<float> cosine;  // by candidate: its cosine where known, else NaN
  thread_local std::vector<uint32_t> rescore_at, rescore_rows;
  thread_local std::vector<float> rescored;
  const size_t n = cands.size();
  lexical.resize(n);
  for (size_t i = 0; i < n; ++i) lexical[i] = CalibrateBm25(cands[i].evidence, self_score, p.fusion.bm25_k);
  const bool vectors = result.used_vectors;
  cosine.assign(vectors ? n : 0, std::numeric_limits<float>::quiet_NaN());
  // The scan covers every row unless it did not run (a vector pool of 0).
  const bool bounded = vectors && scan != nullptr && scan->cosine.size() >= idx.vectors().rows();
  double tau = -std::numeric_limits<double>::infinity();  // candidates whose fused interval ends below it are out
  if (bounded) {
    low.resize(n);
    high.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const uint32_t o = cands[i].ordinal;
      if (idx.HasVector(o)) {
        const auto [lo, hi] = idx.vectors().CosineBounds(*scan, o);
        if (lo == hi) cosine[i] = lo;  // the scan's own exact cosine
        low[i] = fuse(lexical[i], lo, o);
        high[i] = fuse(lexical[i], hi, o);
      } else {
        low[i] = high[i] = fuse(lexical[i], std::nullopt, o);
      }
    }
    thread_local std::vector<double> sure;  // lower bounds of the candidates certain to pass
    sure.clear();
    for (size_t i = 0; i < n; ++i) {
      if (passes(low[i])) sure.push_back(low[i]);
    }
    if (sure.size() >= need && need > 0) {
      std::nth_element(sure.begin(), sure.begin() + static_cast<long>(need - 1), sure.end(), std::greater<>());
      // Below tau by more than float rounding: the hit's float score is below every one of those `need`.
      tau = sure[need - 1] - 1e-6;
    }
  }

  std::vector<RankedHit> hits;
  size_t left_out = 0;
  auto collect = [&](bool everything) {
    auto out_of_head = [&](size_t i) { return bounded && !everything && high[i] < tau; };
    hits.clear();
    left_out = 0;
    if (vectors) {
      // The cosines still unknown of the candidates that can reach the head, in one call.
      rescore_at.clear();
      rescore_rows.clear();
      for (size_t i = 0; i < n; ++i) {
        if (out_of_head(i)) {
          ++left_out;
        } else if (std::isnan(cosine[i]) && idx.HasVector(cands[i].ordinal)) {
          rescore_at.push_back(static_cast<uint32_t>(i));
          rescore_rows.push_back(cands[i].ordinal);
        }
      }
      rescored.resize(rescore_rows.size());
      // The scan's prepared query when there was a scan (there always is when bounds are used).
      if (scan == nullptr || !idx.vectors().ScoreRows(*scan, rescore_rows, rescored)) {
        idx.vectors().ScoreRows(req.query_vector, rescore_rows, rescored);
      }
      for (size_t j = 0; j < rescore_at.size(); ++j) cosine[rescore_at[j]] = rescored[j];
      result.cosines_computed += rescore_rows.size();
    }
    for (size_t i = 0; i < n; ++i) {
      const uint32_t o = cands[i].ordinal;
      if (out_of_head(i)) continue;
      std::optional<float> cos;
      if (vectors && idx.HasVector(o)) cos = cosine[i];
      const double fused = fuse(lexical[i], cos, o);
      if (passes(fused)) hits.push_back({o, static_cast<float>(fused), static_cast<float>(lexical[i]), cos});
    }
  };
  collect(false);
  result.total_candidates = n;
  if (diversify) {
    // Only the head of the order is read, unless DropRedundant runs past it.
    const size_t head = std::min(need, hits.size());
    std::partial_sort(hits.begin(), hits.begin() + static_cast<long>(head), hits.end(), HitBefore);
    result.hits = DropRedundant(idx, std::span<const RankedHit>(hits).first(head), req.k);
    if (result.hits.size() < req.k && (head < hits.size() || left_out > 0)) {
      if (left_out > 0) collect(true);
      std::sort(hits.begin(), hits.end(), HitBefore);
      result.hits = DropRedundant(idx, hits, req.k);
    }
  } else {
    const size_t head = std::min(req.k, hits.size());
    std::partial_sort(hits.begin(), hits.begin() + static_cast<long>(head), hits.end(), HitBefore);
    hits.resize(head);
    result.hits = std::move(hits);
  }
}

// Terms shared by the best first-pass candidates, absent from the query (pseudo-relevance feedback).
std::vector<std::string> FeedbackTerms(const UserIndex& idx, const std::vector<Candidate>& cands,
                                       std::span<const WeightedTerm> terms, const RankingParams& p) {
  // The feedback_docs best candidates, evidence desc then ordinal asc (whatever their order).
  auto before = [](const Candidate& a, const Candidate& b) {
    return a.evidence != b.evidence ? a.evidence > b.evidence : a.ordinal < b.ordinal;
  };
  std::vector<Candidate> top;
  top.reserve(p.feedback_docs + 1);
  for (const Candidate& c : cands) {
    if (top.size() == p.feedback_docs && (top.empty() || !before(c, top.back()))) continue;
    top.insert(std::upper_bound(top.begin(), top.end(), c, before), c);
    if (top.size() > p.feedback_docs) top.pop_back();
  }
  const size_t n = top.size();
  if (n == 0 || top[0].evidence <= 0) return {};
  std::unordered_set<std::string_view> in_query;
  for (const auto& t : terms) in_query.insert(t.term);
  const InvertedIndex& inv = idx.lexical();
  std::unordered_map<uint32_t, std::pair<FeedbackCandidate, int>> pooled;  // term id -> (candidate, docs)
  for (size_t i = 0; i < n && top[i].evidence > 0; ++i) {
    for (uint32_t t : inv.DocTermIds(top[i].ordinal)) {
      const std::string_view text = inv.TermText(t);
      if (in_query.count(text)) continue;
      auto& [fc, docs] = pooled[t];
      if (fc.term.empty()) {
        fc.term = std::string(text);
        fc.doc_freq = inv.DocFreqById(t);
      }
      fc.weight_sum += top[i].evidence / top[0].evidence;
      ++docs;
    }
  }
  std::vector<FeedbackCandidate> agreed;
  for (auto& [t, entry] : pooled) {
    if (entry.second >= 2) agreed.push_back(std::move(entry.first));
  }
  return SelectFeedbackTerms(std::move(agreed), inv.live_count(), p.feedback_terms);
}

}  // namespace

Status ApplyRankingOverrides(std::string_view spec, RankingParams& p) {
  while (!spec.empty()) {
    const size_t comma = spec.find(',');
    const std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) return Status::InvalidArgument("ranking override without '=': " + std::string(item));
    const std::string name(item.substr(0, eq));
    const std::string value(item.substr(eq + 1));
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(v) || v < 0) {
      return Status::InvalidArgument("ranking override " + name + ": not a non-negative number: " + value);
    }
    if (name == "candidate_pool") p.candidate_pool = static_cast<size_t>(v);
    else if (name == "vector_pool") p.vector_pool = static_cast<size_t>(v);
    else if (name == "prev_weight") p.prev_weight = v;
    else if (name == "next_weight") p.next_weight = v;
    else if (name == "session_weight") p.session_weight = v;
    else if (name == "session_top") p.session_top = static_cast<size_t>(v);
    else if (name == "speaker_boost") p.speaker_boost = v;
    else if (name == "temporal_boost") p.temporal_boost = v;
    else if (name == "feedback_docs") p.feedback_docs = static_cast<size_t>(v);
    else if (name == "feedback_terms") p.feedback_terms = static_cast<size_t>(v);
    else if (name == "feedback_weight") p.feedback_weight = v;
    else if (name == "period_boost") p.period_boost = v;
    else if (name == "derived_weight") p.derived_weight = v;
    else if (name == "drop_redundant") p.drop_redundant = v != 0;
    else if (name == "recency_weight") p.recency_weight = v;
    else if (name == "recency_half_life_days") p.recency_half_life_days = v;
    else if (name == "fusion.alpha") p.fusion.alpha = v;
    else if (name == "fusion.bm25_k") p.fusion.bm25_k = v;
    else if (name == "fusion.cosine_lo") p.fusion.cosine_lo = v;
    else if (name == "fusion.cosine_hi") p.fusion.cosine_hi = v;
    else return Status::InvalidArgument("unknown ranking parameter: " + name);
  }
  return Status::Ok();
}

RankResult Rank(const UserIndex& idx, const QueryPlan& plan, const RankRequest& req, const RankingParams& params) {
  // The derived-item prior exists for result lists in which a memory competes with its own source;
  // a caller gathering evidence (diversify off) wants both on their own merits.
  RankingParams p = params;
  if (!req.diversify) p.derived_weight = 1.0;
  RankResult result;
  if (req.k == 0 || idx.size() == 0) return result;

  std::vector<uint32_t> excluded;
  for (const auto& id : req.exclude_chunk_ids) {
    if (auto o = idx.Find(id)) excluded.push_back(*o);
  }
  std::sort(excluded.begin(), excluded.end());
  const bool kind_filter = (req.kinds & kAllKinds) != kAllKinds;
  const auto allowed = [&](uint32_t o) {
    if (!idx.IsLive(o)) return false;
    if (kind_filter && (req.kinds & KindBit(idx.Kind(o))) == 0) return false;
    return excluded.empty() || !std::binary_search(excluded.begin(), excluded.end(), o);
  };

  // Vector signal: the `pool` chunks of highest positive cosine are candidates (one scan, see
  // VectorMatrix::TopK); Finish computes the exact cosine of a candidate only where it can decide
  // the head of the list.
  std::vector<uint32_t> vector_candidates;
  thread_local VectorMatrix::PreScan scan;
  result.used_vectors = idx.AcceptsQueryVector(req.query_vector);
  if (result.used_vectors) {
    const auto nearest = idx.vectors().TopK(req.query_vector, p.vector_pool, allowed, 0.f,
                                            /*rescore=*/0, scan);
    for (const auto& d : nearest) vector_candidates.push_back(d.ordinal);
  }
  result.vector_candidates = vector_candidates.size();

  thread_local LexicalScores lex;
  thread_local LexicalScores feedback;
  thread_local Scratch scratch;
  const QueryContext<decltype(allowed)> q{idx, plan, p, allowed, idx.LabelKey("")};
  std::vector<Candidate> cands;
  const std::span<const WeightedTerm> terms = plan.terms;
  idx.lexical().Score(terms, lex);
  scratch.BeginQuery(idx.ordinal_count(), idx.label_count());
  FirstPassPool(q, lex, scratch);
  ScoreCandidates(q, vector_candidates, lex, nullptr, scratch, cands);
  // Calibration always uses the original query's self score: feedback terms must not move the scale
  // that similarity_threshold is expressed in.
  const double self = lex.self_score();
  result.lexical_candidates = lex.touched().size();

  if (p.feedback_terms > 0 && p.feedback_docs > 0 && !cands.empty()) {
    auto added = FeedbackTerms(idx, cands, terms, p);
    if (!added.empty()) {
      // Only the added terms are scored again; the query's own scores are reused. (BM25 sums over
      // terms, so this equals scoring the expanded query in one pass.)
      std::vector<WeightedTerm> extra;
      for (const auto& t : added) extra.push_back({t, static_cast<float>(p.feedback_weight)});
      idx.lexical().Score(extra, feedback);
      FeedbackPassPool(q, lex, feedback, scratch);
      ScoreCandidates(q, vector_candidates, lex, &feedback, scratch, cands);
      result.feedback_terms = std::move(added);
    }
  }
  Finish(idx, cands, self, result.used_vectors ? &scan : nullptr, req, p, result);
  return result;
}

}  // namespace engram::index
