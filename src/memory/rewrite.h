// Clause rendering for the deterministic extractor (internal to src/memory).
//
// A memory's text is the source clause with a few words edited: the first-person subject dropped,
// its verb put in the third person, "my" -> "their", relative dates ("yesterday", "next week")
// replaced by the resolved date. Everything else is the writer's own text, so a rewrite can never read
// worse than what was said: words that are not edited keep their original spelling and the
// punctuation between them. Output is ASCII-punctuated ("9–12" -> "9-12", "Let’s" -> "Let's"),
// whitespace-collapsed and trimmed.
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"
#include "memory/sentence.h"

namespace engram::memory::internal {

// Per-word edits over one word range of a sentence.
class Rendering {
 public:
  Rendering(const Sentence& s, size_t first, size_t last);

  size_t first() const { return first_; }
  size_t last() const { return last_; }

  void Drop(size_t i);
  void DropRange(size_t from, size_t to);  // [from, to)
  // Replaces word i; the text between word i-1 and i is kept.
  void Replace(size_t i, std::string text);
  // Replaces word i and drops the text before it (a contraction piece: "'m" -> " is").
  void Glue(size_t i, std::string text);
  bool Edited(size_t i) const;
  // Text added after the clause (a leading time phrase moved to the end).
  void AppendTail(std::string text);

  std::string Render() const;

 private:
  enum class Op : uint8_t { kKeep, kDrop, kReplace, kGlue };
  struct Edit {
    Op op = Op::kKeep;
    std::string text;
  };
  const Sentence& s_;
  size_t first_;
  size_t last_;
  std::vector<Edit> edits_;
  std::string tail_;
};

// ASCII punctuation, emoji dropped, whitespace collapsed, trimmed of spaces and of dangling
// punctuation at either end (",", ";", ":", "-").
std::string CleanText(std::string_view text);

std::string CapitalizeFirst(std::string s);
std::string LowerFirst(std::string s);
// "a" or "an" for the word that follows.
std::string_view Article(std::string_view next_word);

// "7 May 2023".
std::string FormatDay(TimeMs t);

// The absolute phrase for a relative time expression: "yesterday" -> "on 7 May 2023", "next week" ->
// "in the week of 15 May 2023", "next month" -> "in June 2023"; without the preposition when one
// precedes ("starting next week" -> "starting the week of 15 May 2023"). "" keeps the surface.
std::string ResolvedTimePhrase(const Sentence& s, size_t expression);

// Applies ResolvedTimePhrase to every time expression that starts inside the rendering's range.
void ResolveTimes(const Sentence& s, Rendering* r);

// The start of the first resolved date in [first, last) that is not after the sentence's reference
// (an event's date); 0 when none.
TimeMs PastDateIn(const Sentence& s, size_t first, size_t last);
// The start of the first resolved date in [first, last); 0 when none.
TimeMs AnyDateIn(const Sentence& s, size_t first, size_t last);
// True when [first, last) holds a resolved date after the reference ("next month").
bool HasFutureDate(const Sentence& s, size_t first, size_t last);

// Names and places in [first, last): runs of capitalized words and acronyms, without sentence-initial
// common words, pronouns, months, weekdays or time zones. Deduplicated case-insensitively, in order.
std::vector<std::string> Entities(const Sentence& s, size_t first, size_t last);

// End of a run of at most `max` capitalized name-like words starting at i ("San Francisco", "Acme
// Corp"); i when the word at i is not one.
size_t CapitalizedRun(const Sentence& s, size_t i, size_t last, size_t max = 4);

// The original text of words [from, to), cleaned.
std::string SourceText(const Sentence& s, size_t from, size_t to);

}  // namespace engram::memory::internal
