// DeterministicExtractor: rule-based memory and trait extraction, no model, no network.
//
// What it reads: each record's content, split into sentences (text/sentences.h) and clauses; dates
// are resolved against the record's timestamp ("yesterday" said on 8 May 2023 -> 7 May 2023).
//
// Whose statement it is (attribution rules):
//  - A record whose speaker is an assistant role (assistant, ai, bot, system, tool, function, model,
//    agent, developer) yields nothing: what the assistant says is not evidence about the user.
//  - A record whose speaker is "user"/"human" or empty (documents, events, notes) speaks for the
//    user: subject "", texts without a name ("Loves sushi..."), and traits may be extracted.
//  - A record whose speaker is a name (chat imports put the speaker's name there), or whose line
//    starts with "Name: " (a participant from the context, or, in a chat message, a one- or
//    two-word capitalized name that is not a heading like "Goals:"), speaks for that person:
//    subject = the name, texts name them ("Caroline went to ..."), and no user traits are taken.
//    When that name is the user's (ExtractionContext::user_name or its first word), it is the user.
//  - Only first-person statements are taken ("I ...", "my sister Anna"), plus text that is about
//    the writer without saying "I": schedules, goal lists and note fragments ("prefers concise
//    communications"). Third-person statements about others are not memories about anyone here.
//  - Questions, hypotheticals ("if", "would", "wish"), reactions ("I love it!") and clauses that
//    address the other person ("you") yield nothing.
//
// What it covers: preferences and habits, work (role, employer), location (home, origin), family,
// pets, possessions, plans, goals, dated events, people and their relation, schedules; traits name,
// timezone, location, employer, role, locale. See patterns.h for the matchers.
// What it does not: coreference ("she" three turns later), third-person narratives, negated facts
// other than preferences ("I don't work there anymore"), sarcasm, languages other than English.
//
// Thread-safe: Extract() keeps no state between calls.
#pragma once

#include <cstddef>

#include "memory/extractor.h"

namespace engram::memory {

struct DeterministicExtractorOptions {
  bool memories = true;                 // extract memories
  bool traits = true;                   // extract traits
  size_t max_record_bytes = 100 * 1024; // longer content is read up to this many bytes
};

class DeterministicExtractor final : public Extractor {
 public:
  explicit DeterministicExtractor(DeterministicExtractorOptions options = {});
  Result<Extraction> Extract(std::span<const domain::Record> records,
                             const ExtractionContext& ctx) override;

 private:
  DeterministicExtractorOptions options_;
};

}  // namespace engram::memory
