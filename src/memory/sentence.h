// The sentence model the extraction patterns match on (internal to src/memory).
//
// One sentence is tokenized once (text/tokenizer.h), each token normalized once, and its time
// expressions found once (text/time_expressions.h), resolved against when the record was written.
// Patterns then walk `words` by index: a hand-written matcher over normalized words, because a regex
// engine per sentence would cost more than everything else together. Clauses are index ranges.
// A Sentence holds views into the caller's text: keep that text alive while using it.
// Not thread-safe to share while building; a built Sentence is read-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"
#include "text/time_expressions.h"
#include "text/tokenizer.h"

namespace engram::memory::internal {

struct Word {
  uint32_t begin = 0;        // byte range in Sentence::text
  uint32_t end = 0;
  std::string lower;         // normalized surface; for a contraction piece, what it stands for
  text::TokenKind kind = text::TokenKind::kWord;
  uint8_t flags = 0;         // text::TokenFlag bits
  bool capitalized = false;  // starts with an ASCII upper-case letter
  bool all_caps = false;     // two or more letters, all upper-case ("LGBTQ", "ARR")
  int time = -1;             // index into Sentence::times of the expression covering this word
  bool time_head = false;    // first word of that expression

  bool Is(std::string_view w) const { return lower == w; }
  bool Contraction() const { return (flags & text::kFlagContraction) != 0; }
  bool Possessive() const { return (flags & text::kFlagPossessive) != 0; }
};

struct Sentence {
  std::string_view text;
  std::vector<Word> words;
  std::vector<text::TimeExpression> times;
  TimeMs reference = 0;        // when it was written
  bool question = false;       // ends with '?' or opens like one ("do you", "have you")
  bool hypothetical = false;   // "if", "unless", "wish", "imagine", "suppose": nothing is asserted

  size_t size() const { return words.size(); }
  const Word& operator[](size_t i) const { return words[i]; }
  std::string_view Surface(size_t i) const {
    return text.substr(words[i].begin, words[i].end - words[i].begin);
  }
  // Source text between word i-1 and word i (before the first word for i == 0).
  std::string_view GapBefore(size_t i) const {
    const uint32_t from = i == 0 ? 0 : words[i - 1].end;
    return text.substr(from, words[i].begin - from);
  }
  // The lower-case word at i, or "" past the end (lets patterns look ahead without bounds checks).
  std::string_view At(size_t i) const {
    return i < words.size() ? std::string_view(words[i].lower) : std::string_view();
  }
};

// Reusable buffers so a sentence allocates little on the hot path.
struct SentenceScratch {
  std::vector<text::Token> tokens;
};

// Builds the model of `text` (one sentence) written at `reference`.
void BuildSentence(std::string_view text, TimeMs reference, SentenceScratch* scratch, Sentence* out);

struct Clause {
  size_t first = 0;  // word range [first, last)
  size_t last = 0;
  bool subordinate = false;  // opened by "when", "while", "after"...: background, not an assertion
};

// Splits a sentence into clauses: at ';' and ':' (outside a goal header), and before a conjunction
// followed by a new subject ("... and I love painting", "... and it was so powerful").
std::vector<Clause> SplitClauses(const Sentence& s);

// True when the gap text holds a character that ends a clause (';', ':', '(', ')' or a dash).
bool GapBreaksClause(std::string_view gap);

}  // namespace engram::memory::internal
