// QueryBuilder: turns the recent conversation into a weighted lexical query.
//
// The last `max_context_turns` turns are used. The newest user turn weighs most (1.0); earlier user
// turns decay (0.6, 0.45, ...); assistant turns weigh 0.35 and system turns 0.2, because what the
// assistant or the system prompt said is context, not the need. A term seen in several turns keeps its
// highest weight. Names (capitalized words that are not sentence-initial stopwords) of the newest user
// turn are reported for speaker and entity matching, and the question signals (when-question, temporal
// cue) come from the newest user turn.
// With a WordNet, each word of the newest turn adds up to `synonyms_per_word` synonyms at a fraction
// of its weight (a synonym is weaker evidence than the word itself).
// `used_query` is the distinct normalized words kept, newest turn first: what the client sees as the
// query Engram searched for.
// Pure; thread-safe.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/time.h"
#include "index/bm25.h"

namespace engram::text {
class WordNet;
}

namespace engram::index {

struct Turn {
  std::string role;     // user | assistant | system | tool
  std::string content;
};

struct QueryOptions {
  size_t max_context_turns = 4;
  float newest_user_weight = 1.0f;
  float older_user_weight = 0.6f;   // first older user turn; each further one times older_user_decay
  float older_user_decay = 0.75f;
  float assistant_weight = 0.35f;
  float system_weight = 0.2f;
  // Query expansion with WordNet synonyms of the newest turn's words (null: none). Not owned.
  const text::WordNet* wordnet = nullptr;
  size_t synonyms_per_word = 2;
  float synonym_weight = 0.3f;      // times the weight of the word they expand
};

struct QueryPlan {
  std::vector<WeightedTerm> terms;   // distinct terms, highest weight kept
  std::string used_query;
  std::string newest_text;           // the newest user turn (or newest turn) as sent
  std::string embed_text;            // what to embed for the vector query
  std::vector<std::string> names;    // lower-cased capitalized words of the newest turn
  bool is_when_question = false;
  // Periods the newest turn names ("in May 2023", "last week"), resolved against `now`: chunks whose
  // record happened inside one of them are favoured.
  std::vector<std::pair<TimeMs, TimeMs>> periods;
  bool empty() const { return terms.empty(); }
};

// `now` resolves relative expressions of the query ("yesterday"); 0 skips period extraction.
QueryPlan BuildQuery(std::span<const Turn> turns, const QueryOptions& options = {}, TimeMs now = 0);

}  // namespace engram::index
