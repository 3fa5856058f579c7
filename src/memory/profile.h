// Profile summary: the deterministic text behind `GET /summary` (what agents paste into a system
// prompt at every session).
//
// Shape, in the spirit of the API seed: "Ash Lewis is a founder and engineer based in San Francisco
// (America/Los_Angeles timezone). Prefers concise communications. Work style: Deep focus blocks 9-12
// PT. Prefers meetings after 1 PM. Current focus: Launch a new product. Loves sushi and usually eats
// late dinners around 9pm."
//
// What goes where:
//  - A lead sentence built from traits (name, role, employer, location, timezone). A "notes"/"bio"
//    trait is split into clauses: a clause made of job titles ("Founder/engineer") becomes the role
//    when no role trait exists; the other clauses are treated like memories.
//  - Memories (current ones; superseded are ignored) are grouped into sections: identity facts
//    (work/location/family), communication, schedule ("Work style:"), focus (goals/plans, "Current
//    focus:"), food preferences, other preferences, key people, other facts. A memory about someone
//    else (subject non-empty and not the user's name) always goes to key people. Preferences and
//    facts are refined by keywords (a preference about meetings is schedule; about replies or tone,
//    communication; about eating, food).
//  - Within a section: strongest first (confidence, then number of source_ids, then most recent,
//    then text and id, a total order). Each section contributes a bounded number of sentences, so
//    one busy topic cannot crowd out the rest; the purpose's lead section gets twice as many.
//  - The purpose (purpose.h) decides the section order after the lead sentence:
//      general     communication, schedule, focus, food, preferences, identity facts, people, other
//      scheduling  lead = name + location + timezone only; then schedule, role, communication, people...
//      sales       communication, people, identity facts, focus, ...
//      dining      food, preferences, schedule, people, ...
//      content     communication (writing style), preferences (interests), focus, ...
//  - Near-duplicates are said once: a statement whose terms are all in a stronger (or longer) one,
//    or that overlaps one by Jaccard >= 0.75 (term_set.h), is skipped.
//
// Length: max_chars counts Unicode code points. Whole sentences are kept while they fit, in order;
// the first one that does not fit ends the summary (never a cut mid-sentence). If even the first
// sentence is longer than max_chars, it is cut at the last word boundary that leaves room for "…"
// and ends with "…" (mid-word only when a single word is longer than the limit). max_chars == 0
// gives "". Any large value is fine (the text is bounded by the section caps, not by max_chars).
//
// Deterministic: the same input (in any order) gives the same bytes: no clock, no hash-map iteration,
// a total order on everything sorted. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "domain/types.h"

namespace engram::memory {

struct ProfileInput {
  std::vector<domain::Trait> traits;
  std::vector<domain::Memory> memories;  // the user's memories; superseded ones are skipped
  std::string purpose;                   // the request's purpose, else the one given at /register
};

struct SummaryOptions {
  size_t max_chars = 1000;  // in code points; 0 -> ""
};

std::string BuildSummary(const ProfileInput& in, const SummaryOptions& opt = {});

// The cut BuildSummary applies: whole sentences of `text` (text/sentences.h) while they fit in
// `max_chars` code points; a first sentence that does not fit is cut at a word and ends with "…".
std::string TruncateAtSentence(std::string_view text, size_t max_chars);

}  // namespace engram::memory
