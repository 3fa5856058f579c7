// The parsed shape of a first-person clause, shared by the parser and renderer
// (patterns_personal.cc) and the classifier (personal_classify.cc). Internal to src/memory.
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "memory/patterns.h"
#include "memory/sentence.h"

namespace engram::memory::internal {

inline constexpr size_t kNone = static_cast<size_t>(-1);

enum class Shape { kPresent, kPast, kCopula, kCopulaPast, kProgressive, kPerfect, kHave, kWill, kCan };

struct Parsed {
  size_t subj = kNone;    // the "I"
  size_t finite = kNone;  // first verb word after the subject (auxiliary or main verb)
  size_t main = kNone;    // main verb; kNone for a copula or possessive "have"
  size_t comp = kNone;    // first word after the verb group
  Shape shape = Shape::kPresent;
  std::string lemma;
  bool negated = false;   // "not" / "n't" (not "never": "never eats meat" is a habit)
  bool hedged = false;
  bool habit = false;
};

// What a clause is: filled by Classify.
struct Outcome {
  std::string category;
  std::string key;
  double confidence = kExplicit;
  TimeMs valid_from = 0;
  std::vector<TraitDraft> traits;
};

// Picks the category, slot key and confidence of a parsed clause (and the user traits it states);
// false when the clause is not worth a memory.
bool Classify(const Sentence& s, const Parsed& p, const Clause& c, bool user, Outcome* o);

// "going", "planning": an -ing form of a known verb.
bool IsIngVerb(const Word& w);
// True when [from, last) holds a word that is not a stopword.
bool HasContent(const Sentence& s, size_t from, size_t last);

}  // namespace engram::memory::internal
