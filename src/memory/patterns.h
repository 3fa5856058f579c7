// Extraction patterns of the deterministic extractor (internal to src/memory).
//
// Each matcher looks at one sentence (or one clause of it) and appends drafts: memory candidates
// whose text does not yet name who they are about. The extractor then attributes them: a predicate
// draft ("loves sushi") becomes "Loves sushi" for the user and "Melanie loves sushi" for a named
// speaker; a possessive draft ("favorite food is sushi") becomes "Favorite food is sushi" /
// "Caroline's favorite food is sushi"; a standalone draft ("Stand-up moves to 2 PM ...") is kept as
// is. Matchers are split by concern:
//   patterns_personal.cc  first-person clauses: parsing and third-person rendering
//   personal_classify.cc  their categories: preferences, habits, work, location, family, pets,
//                         possessions, plans, goals, events, plain facts
//   patterns_mentions.cc  "my sister Anna", "my dog Max", "my manager Sarah"; name, time zone and
//                         locale traits
//   patterns_schedule.cc  schedules ("meetings after 1 PM preferred", "move stand-up to 2 PM"),
//                         goal lists ("Q4 2025 Goals: a, b, c") and note fragments ("Founder/engineer;
//                         prefers concise communications")
// Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/time.h"
#include "memory/sentence.h"

namespace engram::memory::internal {

enum class DraftForm { kPredicate, kPossessive, kStandalone };

struct Draft {
  DraftForm form = DraftForm::kPredicate;
  std::string text;                   // lower-case first unless it starts with a name
  std::string category;
  double confidence = 0.8;
  std::string key;
  TimeMs valid_from = 0;              // 0: the record's time
  std::vector<std::string> entities;
};

struct TraitDraft {
  std::string name;
  std::string value;
  double confidence = 0.8;
};

struct Drafts {
  std::vector<Draft> memories;
  std::vector<TraitDraft> traits;
};

// Confidence levels, so every matcher speaks the same scale.
inline constexpr double kExplicit = 0.85;  // "I live in Berlin", "I love sushi"
inline constexpr double kDated = 0.85;     // an event with a resolved date
inline constexpr double kStated = 0.8;     // an event without a date, a note fragment
inline constexpr double kPlanned = 0.7;    // plans and intentions
inline constexpr double kLoose = 0.6;      // generic facts, mentions without a name
inline constexpr double kHedged = 0.5;     // "I think I might...", "maybe"

// First-person clauses ("I ...", "I'm ...", "I think I ..."). `user` is true when the speaker is the
// user (traits may be extracted).
void MatchPersonalClause(const Sentence& s, const Clause& c, bool user, Drafts* out);

// Relations, pets and partners named in the sentence ("my sister Anna").
void MatchMentions(const Sentence& s, Drafts* out);
// Name, time zone and locale traits of the user.
void MatchUserTraits(const Sentence& s, Drafts* out);

// Goal lists: true when the sentence was one (and its items were emitted).
bool MatchGoalList(const Sentence& s, Drafts* out);
// Schedules in a clause of any subject; true when the clause was consumed.
bool MatchScheduleClause(const Sentence& s, const Clause& c, bool user, Drafts* out);
// Subject-less note fragments: "prefers concise communications", "Founder/engineer".
bool MatchFragment(const Sentence& s, const Clause& c, bool user, Drafts* out);

// Shared by the matchers: a clause whose words include second-person pronouns is about the
// conversation partner, not the speaker.
bool MentionsSecondPerson(const Sentence& s, size_t first, size_t last);
// The schedule slot named at word i ("stand-up", "meetings", "focus_blocks"), "" when none; `words`
// receives how many words the noun takes ("stand" "up" -> 2).
std::string_view ScheduleSlugAt(const Sentence& s, size_t i, size_t* words = nullptr);
// True when [first, last) holds a clock time or time range ("2 PM", "9-12 PT", "after 1 PM").
bool HasClockTime(const Sentence& s, size_t first, size_t last);
// The index of the first content word in [from, last) (skipping leading markers), or last.
size_t SkipLeadIn(const Sentence& s, size_t from, size_t last);

}  // namespace engram::memory::internal
