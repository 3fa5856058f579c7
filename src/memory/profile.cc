#include "memory/profile.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <utility>

#include "memory/profile_lead.h"
#include "memory/prose.h"
#include "memory/purpose.h"
#include "memory/term_set.h"
#include "text/analyzer.h"
#include "text/sentences.h"

namespace engram::memory {
namespace {

using prose::Clean;
using prose::Lower;

enum class Section : uint8_t { kIdentity, kCommunication, kSchedule, kFocus, kFood, kPreferences, kPeople, kOther };

// Sentences per section, so one busy topic cannot crowd out the others (doubled for the purpose's
// lead section).
constexpr std::array<size_t, 8> kCap = {3, 3, 4, 4, 3, 4, 4, 3};

// Jaccard over analyzed terms at which two statements say the same thing ("Prefers concise
// communication" / "prefers concise communications").
constexpr double kNearDuplicate = 0.75;

// Labels open a section's first sentence where the statements alone would not say what they are.
std::string_view LabelOf(Section s) {
  switch (s) {
    case Section::kSchedule: return "Work style: ";
    case Section::kFocus: return "Current focus: ";
    default: return "";
  }
}

// Section order after the lead sentence, per purpose (see profile.h).
const std::vector<Section>& OrderFor(PurposeFocus f) {
  using S = Section;
  static const std::vector<S> general = {S::kCommunication, S::kSchedule, S::kFocus, S::kFood,
                                         S::kPreferences, S::kIdentity, S::kPeople, S::kOther};
  static const std::vector<S> scheduling = {S::kSchedule, S::kIdentity, S::kCommunication, S::kPeople,
                                            S::kFocus, S::kPreferences, S::kFood, S::kOther};
  static const std::vector<S> sales = {S::kCommunication, S::kPeople, S::kIdentity, S::kFocus,
                                       S::kSchedule, S::kPreferences, S::kFood, S::kOther};
  static const std::vector<S> dining = {S::kFood, S::kPreferences, S::kSchedule, S::kPeople,
                                        S::kIdentity, S::kFocus, S::kCommunication, S::kOther};
  static const std::vector<S> content = {S::kCommunication, S::kPreferences, S::kFocus, S::kIdentity,
                                         S::kOther, S::kPeople, S::kSchedule, S::kFood};
  switch (f) {
    case PurposeFocus::kScheduling: return scheduling;
    case PurposeFocus::kSales: return sales;
    case PurposeFocus::kDining: return dining;
    case PurposeFocus::kContent: return content;
    case PurposeFocus::kGeneral: break;
  }
  return general;
}

// --- keyword refinement of preferences and facts --------------------------------------------------

std::set<std::string> Stems(std::initializer_list<std::string_view> words) {
  std::set<std::string> out;
  for (std::string_view w : words) {
    for (std::string& t : text::AnalyzeToStrings(w)) out.insert(std::move(t));
  }
  return out;
}

const std::set<std::string>& FoodStems() {
  static const std::set<std::string> s = Stems(
      {"food", "eat", "eating", "dinner", "lunch", "breakfast", "brunch", "restaurant", "cuisine", "meal",
       "dish", "dine", "dining", "vegan", "vegetarian", "diet", "dietary", "kosher", "halal", "cook",
       "cooking", "coffee", "tea", "pizza", "ramen", "sushi", "taco", "pasta", "burger", "salad", "steak",
       "seafood", "dessert", "snack", "wine", "beer", "drink", "allergic", "allergy", "gluten", "dairy",
       "spicy", "chef", "grocery", "cafe", "bakery", "chocolate", "noodles", "curry", "sandwich", "bbq"});
  return s;
}

const std::set<std::string>& ScheduleStems() {
  static const std::set<std::string> s = Stems(
      {"meeting", "meet", "schedule", "calendar", "appointment", "agenda", "standup", "availability",
       "available", "morning", "afternoon", "evening", "weekday", "weekend", "focus", "block", "workday",
       "hours", "sync", "timezone"});
  return s;
}

const std::set<std::string>& CommunicationStems() {
  static const std::set<std::string> s = Stems(
      {"communication", "communicate", "concise", "email", "reply", "respond", "response", "message",
       "messaging", "tone", "brief", "verbose", "formal", "casual", "slack", "text", "texting", "phone",
       "call", "bullet", "summary", "direct", "feedback", "writing", "written", "emoji", "update"});
  return s;
}

// Verbs that only link the user to a place or employer: "Lives in San Francisco" says nothing the lead
// "... based in San Francisco" did not.
const std::set<std::string>& LinkingStems() {
  static const std::set<std::string> s =
      Stems({"live", "lives", "based", "reside", "located", "work", "works", "currently", "now", "job"});
  return s;
}

TermSet WithoutLinkingWords(const TermSet& terms) {
  TermSet out;
  for (const std::string& t : terms) {
    if (!LinkingStems().count(t)) out.push_back(t);
  }
  return out;
}

bool Hits(const TermSet& terms, const std::set<std::string>& stems) {
  return std::any_of(terms.begin(), terms.end(), [&](const std::string& t) { return stems.count(t) != 0; });
}

// Food is checked first: "eats late dinners around 9pm" is about food, not the calendar.
Section Refine(std::string_view category, const TermSet& terms) {
  if (Hits(terms, FoodStems())) return Section::kFood;
  if (Hits(terms, ScheduleStems())) return Section::kSchedule;
  if (Hits(terms, CommunicationStems())) return Section::kCommunication;
  return category == "preference" ? Section::kPreferences : Section::kOther;
}

Section SectionOf(std::string_view category, bool about_other, const TermSet& terms) {
  if (about_other || category == "relationship") return Section::kPeople;
  if (category == "schedule") return Section::kSchedule;
  if (category == "communication") return Section::kCommunication;
  if (category == "goal" || category == "plan") return Section::kFocus;
  if (category == "work" || category == "location" || category == "family") return Section::kIdentity;
  if (category == "preference" || category == "fact" || category == "other" || category.empty()) {
    return Refine(category, terms);
  }
  return Section::kOther;  // event, pet, possession, anything new
}

// --- candidates ------------------------------------------------------------------------------------

struct Candidate {
  std::string sentence;
  Section section = Section::kOther;
  double confidence = 0;
  size_t sources = 0;
  TimeMs recency = 0;
  std::string id;
  TermSet terms;
};

// Strongest first; a total order so that input order never shows in the output.
bool Stronger(const Candidate& a, const Candidate& b) {
  if (a.confidence != b.confidence) return a.confidence > b.confidence;
  if (a.sources != b.sources) return a.sources > b.sources;
  if (a.recency != b.recency) return a.recency > b.recency;
  if (a.sentence != b.sentence) return a.sentence < b.sentence;
  if (a.id != b.id) return a.id < b.id;
  return a.section < b.section;
}

double SaneConfidence(double c) { return std::isfinite(c) ? std::clamp(c, 0.0, 1.0) : 0.0; }

bool IsUserSubject(std::string_view subject, const std::string& full_name, const std::string& first_name) {
  const std::string s = Lower(Clean(subject));
  if (s.empty() || s == "user" || s == "the user" || s == "me" || s == "i" || s == "self") return true;
  return (!full_name.empty() && s == Lower(full_name)) || (!first_name.empty() && s == Lower(first_name));
}

Candidate FromTrait(const profile_detail::TraitStatement& st) {
  Candidate c;
  c.sentence = prose::AsSentence(st.text);
  c.terms = MakeTermSet(c.sentence);
  c.section = Refine("", c.terms);
  c.confidence = SaneConfidence(st.trait->confidence);
  c.sources = st.trait->source_ids.size();
  c.recency = st.trait->updated_at;
  c.id = st.id;
  return c;
}

Candidate FromMemory(const domain::Memory& m, bool about_other) {
  std::string body = Clean(m.text);
  const std::string who = Clean(m.subject);
  // A statement about someone else names them, so it cannot be read as being about the user.
  if (about_other && Lower(body).find(Lower(who)) == std::string::npos) body = who + ": " + body;
  Candidate c;
  c.sentence = prose::AsSentence(body);
  c.terms = MakeTermSet(c.sentence);
  c.section = SectionOf(Lower(Clean(m.category)), about_other, c.terms);
  c.confidence = SaneConfidence(m.confidence);
  c.sources = m.source_ids.size();
  c.recency = std::max({m.valid_from, m.created_at, m.updated_at});
  c.id = m.id;
  return c;
}

// Picks a section's sentences, strongest first. A statement that adds nothing to one already said
// (anywhere) is skipped; one that says everything a chosen statement of its section says, and more,
// takes that one's place ("Loves sushi" gives way to "Loves sushi and usually eats late dinners").
std::vector<const Candidate*> Choose(const std::vector<Candidate>& sorted, Section section, size_t cap,
                                     const std::vector<TermSet>& said) {
  std::vector<const Candidate*> chosen;
  for (const Candidate& c : sorted) {
    if (c.section != section || c.terms.empty()) continue;
    bool redundant = std::any_of(said.begin(), said.end(),
                                 [&](const TermSet& t) { return AddsNothing(c.terms, t, kNearDuplicate); });
    for (const Candidate* x : chosen) redundant = redundant || AddsNothing(c.terms, x->terms, kNearDuplicate);
    if (section == Section::kIdentity && !redundant) {
      const TermSet core = WithoutLinkingWords(c.terms);
      redundant = std::any_of(said.begin(), said.end(), [&](const TermSet& t) { return ContainedIn(core, t); });
    }
    if (redundant) continue;
    auto covered = std::find_if(chosen.begin(), chosen.end(),
                                [&](const Candidate* x) { return ContainedIn(x->terms, c.terms); });
    if (covered != chosen.end()) {
      *covered = &c;
      chosen.erase(std::remove_if(covered + 1, chosen.end(),
                                  [&](const Candidate* x) { return ContainedIn(x->terms, c.terms); }),
                   chosen.end());
    } else if (chosen.size() < cap) {
      chosen.push_back(&c);
    }
  }
  return chosen;
}

}  // namespace

std::string TruncateAtSentence(std::string_view text, size_t max_chars) {
  std::vector<std::string> sentences;
  for (const text::SentenceSpan& s : text::SplitSentences(text)) {
    sentences.emplace_back(text.substr(s.begin, s.end - s.begin));
  }
  return prose::FitSentences(sentences, max_chars);
}

std::string BuildSummary(const ProfileInput& in, const SummaryOptions& opt) {
  if (opt.max_chars == 0) return "";
  const PurposeFocus focus = ClassifyPurpose(in.purpose);
  const profile_detail::TraitReading traits = profile_detail::ReadTraits(in.traits, focus == PurposeFocus::kScheduling);

  std::vector<Candidate> candidates;
  for (const auto& st : traits.statements) candidates.push_back(FromTrait(st));
  for (const domain::Memory& m : in.memories) {
    if (m.status != domain::MemoryStatus::kCurrent) continue;
    Candidate c = FromMemory(m, !IsUserSubject(m.subject, traits.full_name, traits.first_name));
    if (!c.sentence.empty()) candidates.push_back(std::move(c));
  }
  std::sort(candidates.begin(), candidates.end(), Stronger);

  std::vector<std::string> sentences;
  std::vector<TermSet> said;
  auto say = [&](std::string s, TermSet terms) {
    sentences.push_back(std::move(s));
    said.push_back(std::move(terms));
  };
  for (const std::string& s : traits.lead) say(s, MakeTermSet(s));

  const std::vector<Section>& order = OrderFor(focus);
  for (size_t i = 0; i < order.size(); ++i) {
    const Section section = order[i];
    if (section == Section::kIdentity && !traits.role_sentence.empty()) {
      say(traits.role_sentence, MakeTermSet(traits.role_sentence));
    }
    size_t cap = kCap[static_cast<size_t>(section)];
    if (focus != PurposeFocus::kGeneral && i == 0) cap *= 2;
    const std::vector<const Candidate*> chosen = Choose(candidates, section, cap, said);
    for (size_t k = 0; k < chosen.size(); ++k) {
      say((k == 0 ? std::string(LabelOf(section)) : std::string()) + chosen[k]->sentence, chosen[k]->terms);
    }
  }
  return prose::FitSentences(sentences, opt.max_chars);
}

}  // namespace engram::memory
