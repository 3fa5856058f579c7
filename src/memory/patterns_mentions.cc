// People, pets and partners named in passing ("my sister Anna", "my dog Max", "my manager Sarah"),
// and the user's own name, time zone and locale.
#include <unordered_set>

#include "memory/lexicon.h"
#include "memory/patterns.h"
#include "memory/rewrite.h"

namespace engram::memory::internal {
namespace {

using WordSet = std::unordered_set<std::string_view>;

bool IsRelationAdjective(std::string_view w) {
  static const WordSet s = {"best", "older", "younger", "little", "big", "new", "old", "baby",
                            "twin", "late", "dear", "oldest", "youngest", "eldest", "lovely",
                            "sweet", "ex", "future", "close", "good", "great", "favorite",
                            "elder", "step", "adopted", "amazing", "awesome"};
  return s.count(w) > 0;
}

bool IsNameWord(const Sentence& s, size_t i) {
  return i < s.size() && s[i].capitalized && !s[i].all_caps && CapitalizedRun(s, i, s.size(), 1) > i;
}

// One or two names after a relation word: "Anna", "Emma and Jack". Returns the end index.
size_t NamesAt(const Sentence& s, size_t i, std::string* names, std::vector<std::string>* entities) {
  if (!IsNameWord(s, i)) return i;
  size_t end = CapitalizedRun(s, i, s.size(), 2);
  *names = SourceText(s, i, end);
  entities->push_back(*names);
  if (s.At(end) == "and" && IsNameWord(s, end + 1)) {
    const size_t end2 = CapitalizedRun(s, end + 1, s.size(), 2);
    std::string second = SourceText(s, end + 1, end2);
    *names += " and " + second;
    entities->push_back(std::move(second));
    end = end2;
  }
  return end;
}

void EmitTrait(Drafts* out, std::string name, std::string value, double confidence) {
  if (value.empty()) return;
  out->traits.push_back(TraitDraft{std::move(name), std::move(value), confidence});
}

// "America/Los_Angeles" written out.
std::string IanaZoneIn(std::string_view text) {
  static constexpr std::string_view kAreas[] = {"America/", "Europe/", "Asia/", "Africa/",
                                                "Australia/", "Pacific/", "Atlantic/", "Indian/"};
  for (std::string_view area : kAreas) {
    const size_t at = text.find(area);
    if (at == std::string_view::npos) continue;
    size_t end = at + area.size();
    auto zone_char = [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '/';
    };
    while (end < text.size() && zone_char(text[end])) ++end;
    if (end > at + area.size() + 1) return std::string(text.substr(at, end - at));
  }
  return {};
}

}  // namespace

void MatchMentions(const Sentence& s, Drafts* out) {
  if (s.question || s.hypothetical) return;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (s.At(i) != "my") continue;
    size_t j = i + 1;
    while (j < s.size() && j < i + 3 && IsRelationAdjective(s.At(j))) ++j;
    std::string relation;
    if (s.At(j) == "co" && j + 1 < s.size() && (s[j + 1].flags & text::kFlagHyphenated) != 0) {
      relation = "co-" + s[j + 1].lower;
      ++j;
    } else {
      relation = s[j < s.size() ? j : i].lower;
    }
    if (j >= s.size()) continue;
    bool plural = false;
    std::string category;
    if (IsFamilyWord(relation, &plural)) {
      category = "family";
    } else if (IsPetWord(relation, &plural)) {
      category = "pet";
    } else if (IsRelationshipWord(relation, &plural) || relation == "co-founder" ||
               relation == "co-worker") {
      category = "relationship";
    } else {
      continue;
    }
    const std::string phrase = SourceText(s, i + 1, j + 1);  // "older sister", "best friend"
    size_t k = j + 1;
    if (s.At(k) == "named" || s.At(k) == "called") ++k;
    std::string names;
    std::vector<std::string> entities;
    const size_t end = NamesAt(s, k, &names, &entities);
    Draft d;
    d.category = category;
    d.entities = std::move(entities);
    std::string lowered = LowerFirst(phrase);
    if (end > k) {
      d.text = "has " + (plural ? "" : std::string(Article(lowered)) + " ") + lowered + " named " + names;
      d.confidence = kExplicit;
    } else {
      // Without a name only the core of a household is worth a memory ("my husband", "my kids").
      if (!(IsPartnerWord(relation) || IsChildWord(relation) || category == "pet")) continue;
      d.text = "has " + (plural ? "" : std::string(Article(lowered)) + " ") + lowered;
      d.confidence = kLoose;
    }
    out->memories.push_back(std::move(d));
  }
}

void MatchUserTraits(const Sentence& s, Drafts* out) {
  if (s.question || s.hypothetical) return;
  // Name: "my name is Ash Lewis", "my name's Ash", "call me Ash", "I'm Ash".
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    if (s.At(i) == "my" && s.At(i + 1) == "name" && s.At(i + 2) == "is") {
      const size_t end = CapitalizedRun(s, i + 3, s.size(), 3);
      if (end > i + 3) EmitTrait(out, "name", SourceText(s, i + 3, end), 0.9);
    } else if (s.At(i) == "call" && s.At(i + 1) == "me" && IsNameWord(s, i + 2)) {
      EmitTrait(out, "name", SourceText(s, i + 2, CapitalizedRun(s, i + 2, s.size(), 2)), kStated);
    }
  }
  const size_t i = SkipLeadIn(s, 0, s.size());
  if (s.At(i) == "i" && s.At(i + 1) == "am" && IsNameWord(s, i + 2)) {
    const size_t end = CapitalizedRun(s, i + 2, s.size(), 3);
    static const WordSet after = {"from", "and", "btw", "here", "by", "by the way"};
    const bool ends = end >= s.size() || after.count(s.At(end)) > 0 ||
                      s.GapBefore(end).find(',') != std::string_view::npos;
    bool plain = true;  // "I'm Catholic" / "I'm LGBTQ": not names
    for (size_t k = i + 2; k < end; ++k) plain = plain && !s[k].all_caps;
    if (ends && plain) EmitTrait(out, "name", SourceText(s, i + 2, end), kStated);
  }
  // Time zone: a zone written with a time ("9-12 PT"), "Pacific time", or an IANA name.
  bool zone_word = false;
  for (const Word& w : s.words) zone_word = zone_word || w.lower == "timezone" || w.lower == "zone";
  const double zone_confidence = zone_word ? kStated : kLoose;
  if (std::string iana = IanaZoneIn(s.text); !iana.empty()) {
    EmitTrait(out, "timezone", std::move(iana), kStated);
  } else {
    std::string zone;
    for (const text::TimeExpression& e : s.times) {
      if (e.timezone.empty()) continue;
      std::string lower;
      for (char c : e.timezone) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      const std::string_view iana_zone = ZoneToIana(lower);
      zone = iana_zone.empty() ? e.timezone : std::string(iana_zone);
      break;
    }
    for (size_t k = 0; zone.empty() && k + 1 < s.size(); ++k) {
      if (s.At(k + 1) == "time" && (s.At(k) == "pacific" || s.At(k) == "eastern" ||
                                    s.At(k) == "central" || s.At(k) == "mountain")) {
        zone = std::string(ZoneToIana(s.At(k)));
      }
      if (zone_word && s[k].all_caps && !ZoneToIana(s.At(k)).empty()) zone = std::string(ZoneToIana(s.At(k)));
    }
    if (!zone.empty()) EmitTrait(out, "timezone", std::move(zone), zone_confidence);
  }
  // Locale: "locale is en-US", "locale: fr_FR".
  for (size_t k = 0; k < s.size(); ++k) {
    if (s.At(k) != "locale") continue;
    const std::string_view rest = s.text.substr(s[k].end);
    for (size_t p = 0; p + 5 <= rest.size(); ++p) {
      auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
      auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
      if (lower(rest[p]) && lower(rest[p + 1]) && (rest[p + 2] == '-' || rest[p + 2] == '_') &&
          upper(rest[p + 3]) && upper(rest[p + 4]) && (p == 0 || !lower(rest[p - 1]))) {
        std::string value(rest.substr(p, 5));
        value[2] = '-';
        EmitTrait(out, "locale", std::move(value), kStated);
        break;
      }
    }
    break;
  }
}

}  // namespace engram::memory::internal
