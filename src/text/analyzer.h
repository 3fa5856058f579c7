// Analyzer: text -> index terms. The single definition of "what a term is" shared by indexing and
// querying, so both sides always agree.
//
// Pipeline: tokenize the original text (tokenizer.h) -> canonicalize each token by kind (words are
// normalized per normalize.h; "2 PM" and "2pm" -> "14:00"; "1,000" -> "1000"; "$1M" -> "1m";
// "05/08/2023" -> "2023-05-08"; "8th" -> "8") -> drop stopwords (stopwords.h) -> Snowball-stem words
// (stemmer.h). E-mails, URLs, hashtags and mentions yield the whole token plus their word parts at
// the same position ("ash@example.com" -> "ash@example.com", "ash", "exampl").
//
// Positions count every token, including dropped stopwords, so phrase distances survive stopword
// removal; parts of a compound share its position. Offsets are bytes into the original text.
//
// Deterministic: the same text and options always give the same terms. Thread-safe: these are pure
// functions; stemming uses a thread_local Stemmer, so any number of threads may analyze at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/stopwords.h"
#include "text/tokenizer.h"

namespace engram::text {

struct AnalyzerOptions {
  bool remove_stopwords = true;  // false keeps function words (exact-phrase use cases)
  bool stem = true;              // false keeps normalized surface forms
  bool expand_compounds = true;  // e-mails, URLs, #tags, @mentions also emit their word parts
  size_t max_term_bytes = 128;   // longer whole terms are skipped (their parts are still emitted)
};

struct Term {
  std::string text;       // normalized (and stemmed) term
  uint32_t position = 0;  // token ordinal in the text
  uint32_t begin = 0;     // byte range of the source token in the original text
  uint32_t end = 0;
  TokenKind kind = TokenKind::kWord;
};

// Index-time analysis.
std::vector<Term> Analyze(std::string_view text, const AnalyzerOptions& options = {});
// Just the term strings, in order (duplicates kept: the index counts term frequency).
std::vector<std::string> AnalyzeToStrings(std::string_view text, const AnalyzerOptions& options = {});

struct AnalyzedQuery {
  std::vector<Term> terms;
  uint32_t question_words = 0;    // bit (1 << QuestionWord) for each question word seen
  bool is_when_question = false;  // "when", "what date", "how long ago"... (time_expressions.h)
  // True when every word was a stopword ("Who is she?") and they were kept so the query is not empty.
  bool kept_stopwords = false;

  bool Has(QuestionWord q) const { return (question_words & (1u << static_cast<unsigned>(q))) != 0; }
};

// Query-time analysis: the same terms as Analyze() for the same words, minus question filler
// (IsQueryStopword), with the question words and temporal cues reported as signals.
AnalyzedQuery AnalyzeQuery(std::string_view query, const AnalyzerOptions& options = {});

// The canonical, unstemmed text of one token (what Analyze emits before stopwords and stemming).
std::string CanonicalTokenText(std::string_view source, const Token& token);

}  // namespace engram::text
