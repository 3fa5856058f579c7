// Reading the profile traits (internal to the profile builder, profile.h).
//
// Turns the trait list into the summary's opening sentence ("Ash Lewis is a founder and engineer
// based in San Francisco (America/Los_Angeles timezone).") and a list of statements for the rest:
// clauses of a free-text "notes"/"bio" trait ("prefers concise communications") and any other
// short trait ("Dietary restrictions: vegetarian."). A notes clause made only of job titles
// ("Founder/engineer") becomes the role when no role trait exists. Contact data, URLs, ids and
// sensitive attributes (email, phone, address, birthday, gender...) are never rendered.
// When several traits share a name, registration wins over extraction, then confidence, then the
// newer, then the smaller value: the result never depends on input order.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/types.h"

namespace engram::memory::profile_detail {

struct TraitStatement {
  std::string text;                       // as written ("prefers concise communications")
  std::string id;                         // "trait:notes#0", "trait:dietary_restrictions"
  const domain::Trait* trait = nullptr;   // its origin (confidence, sources, time)
};

struct TraitReading {
  std::vector<std::string> lead;          // opening sentence(s); empty when no trait says who this is
  // With a scheduling lead (name, location, timezone), the role sentence ("Ash is a founder."),
  // placed by the caller after the schedule; "" otherwise.
  std::string role_sentence;
  std::string full_name;                  // "Ash Lewis", "" when unknown
  std::string first_name;                 // "Ash"
  std::vector<TraitStatement> statements; // notes clauses, then other traits by name
};

// `scheduling_lead`: open with where and when (name, location, timezone) and move the role out.
TraitReading ReadTraits(const std::vector<domain::Trait>& traits, bool scheduling_lead);

// "Founder/engineer" -> "founder and engineer", "CEO & co-founder" -> "CEO and co-founder"; "" when
// the clause is not a short list of job titles.
std::string RoleFromClause(std::string_view clause);
// "a founder", "an engineer", "CEO" (acronyms take none), "a user researcher".
std::string WithArticle(const std::string& role);

}  // namespace engram::memory::profile_detail
