// Classification of first-person clauses: which category a parsed clause belongs to, its slot
// key, its confidence, and the user traits it states ("I work at Acme as a data scientist" -> work,
// work:employer, employer=Acme, role=data scientist).
#include <unordered_set>

#include "memory/lexicon.h"
#include "memory/personal_clause.h"
#include "memory/rewrite.h"
#include "text/stopwords.h"

namespace engram::memory::internal {
namespace {

using WordSet = std::unordered_set<std::string_view>;

bool In(const WordSet& set, std::string_view w) { return set.count(w) > 0; }

bool IsDietWord(std::string_view w) {
  static const WordSet diet = {"vegan", "vegetarian", "pescatarian", "gluten", "lactose", "kosher",
                               "halal", "sober", "teetotal", "keto", "paleo", "teetotaler"};
  return In(diet, w);
}

// The slot of a preference: its object's first content words ("sushi", "japanese_food").
std::string ObjectKey(const Sentence& s, size_t from, size_t last) {
  static const WordSet stops = {"and", "or", "but", "because", "with", "when", "at", "in", "on",
                                "around", "for", "during", "every", "since", "while", "than",
                                "from", "after", "before", "until", "by", "as", "so", "especially",
                                "a", "lot", "very", "much", "too", "more", "most", "all"};
  std::string key;
  int n = 0;
  for (size_t i = from; i < last && n < 3; ++i) {
    if (i > from && s.GapBefore(i).find(',') != std::string_view::npos) break;
    if (s[i].time >= 0) break;
    const std::string_view w = s.At(i);
    if (In(stops, w)) {
      if (n > 0) break;
      continue;
    }
    if (text::IsStopword(w) || w == "to") continue;
    if (!key.empty()) key += '_';
    key += w;
    ++n;
  }
  return key;
}


// A place after a preposition ("in San Francisco", "to Austin, Texas").
std::string PlaceAt(const Sentence& s, size_t i, size_t last) {
  if (s.At(i) == "the") ++i;
  const size_t end = CapitalizedRun(s, i, last);
  if (end == i) return {};
  std::string place = SourceText(s, i, end);
  // "Austin, Texas": a second run after a comma belongs to the place.
  if (end < last && s.GapBefore(end) == ", ") {
    const size_t end2 = CapitalizedRun(s, end, last, 2);
    if (end2 > end) place += ", " + SourceText(s, end, end2);
  }
  return place;
}

void AddTrait(Outcome* o, bool user, std::string name, std::string value, double confidence) {
  if (!user || value.empty()) return;
  o->traits.push_back(TraitDraft{std::move(name), std::move(value), confidence});
}

// "[a/an] [adjectives] ROLE [at/for EMPLOYER]" starting at `i`: fills work traits; false when the
// noun phrase has no role head.
bool MatchRole(const Sentence& s, size_t i, size_t last, bool user, Outcome* o) {
  static const WordSet ends = {"at", "for", "with", "in", "from", "of", "and", "who", "that", "which",
                               "on", "to", "since", "but", "because", "here", "there"};
  if (s.At(i) == "a" || s.At(i) == "an" || s.At(i) == "the") ++i;
  size_t e = i;
  while (e < last && e - i < 5 && !In(ends, s.At(e)) && s[e].time < 0 &&
         (e == i || s.GapBefore(e).find(',') == std::string_view::npos)) {
    ++e;
  }
  if (e == i || !IsRoleWord(s.At(e - 1))) return false;
  std::string employer;
  if ((s.At(e) == "at" || s.At(e) == "for") && e + 1 < last) {
    const size_t run = CapitalizedRun(s, e + 1, last);
    if (run > e + 1) employer = SourceText(s, e + 1, run);
  }
  o->category = "work";
  o->key = employer.empty() ? "work:role" : "work:employer";
  AddTrait(o, user, "role", SourceText(s, i, e), kExplicit);
  AddTrait(o, user, "employer", employer, kExplicit);
  return true;
}

bool ClassifyCopula(const Sentence& s, const Parsed& p, size_t last, bool user, Outcome* o) {
  const size_t a = p.comp;
  const std::string_view w = s.At(a);
  static const WordSet fan_heads = {"fan", "lover", "enthusiast", "foodie", "nerd", "geek", "buff"};
  if (p.negated) {
    // Only "I'm not a (big) fan of X" is a lasting negative statement.
    for (size_t i = a; i < last && i < a + 4; ++i) {
      if (s.At(i) == "fan" && s.At(i + 1) == "of") {
        o->category = "preference";
        o->key = "preference:" + ObjectKey(s, i + 2, last);
        return true;
      }
    }
    return false;
  }
  if (w == "a" || w == "an" || w == "the" || w == "one") {
    static const WordSet vague = {"bit", "little", "lot", "mess", "wreck", "fan", "big", "huge"};
    for (size_t i = a + 1; i < last && i < a + 5; ++i) {
      if (In(fan_heads, s.At(i)) && (s.At(i + 1) == "of" || i + 1 >= last)) {
        o->category = "preference";
        o->key = "preference:" + ObjectKey(s, i + 2 <= last ? i + 2 : last, last);
        return true;
      }
      static const WordSet parents = {"mom", "mother", "dad", "father", "parent", "mum", "mama"};
      if (In(parents, s.At(i)) && s.At(i + 1) == "of" && SmallNumber(s.At(i + 2)) > 0) {
        o->category = "family";
        o->key = "family:children";
        return true;
      }
    }
    if (MatchRole(s, a, last, user, o)) return true;
    if (In(vague, s.At(a + 1))) return false;
    if (IsDietWord(s.At(a + 1))) {
      o->category = "preference";
      o->key = "diet";
      return true;
    }
    o->category = "fact";
    o->confidence = kLoose;
    return true;
  }
  if (w == "from") {
    if (PlaceAt(s, a + 1, last).empty()) return false;
    o->category = "location";
    o->key = "location:origin";
    return true;
  }
  if (w == "based" && (s.At(a + 1) == "in" || s.At(a + 1) == "out")) {
    const size_t at = s.At(a + 1) == "out" ? a + 3 : a + 2;
    o->category = "location";
    o->key = "location:home";
    AddTrait(o, user, "location", PlaceAt(s, at, last), kExplicit);
    return true;
  }
  static const WordSet pref_adj = {"into", "obsessed", "passionate", "interested", "addicted",
                                   "keen", "fond", "crazy", "allergic"};
  if (In(pref_adj, w)) {
    const size_t obj = w == "into" ? a + 1 : a + 2;
    if (obj >= last) return false;
    o->category = "preference";
    o->key = (w == "allergic" ? "allergy:" : "preference:") + ObjectKey(s, obj, last);
    return true;
  }
  static const WordSet marital = {"married", "engaged", "divorced", "single", "widowed", "separated"};
  if (In(marital, w)) {
    o->category = "family";
    o->key = "family:marital";
    return true;
  }
  if (w == "pregnant" || w == "expecting") {
    o->category = "family";
    return true;
  }
  if (IsDietWord(w)) {
    o->category = "preference";
    o->key = "diet";
    return true;
  }
  static const WordSet status = {"retired", "unemployed", "self-employed", "freelancing"};
  if (In(status, w) || (w == "self" && s.At(a + 1) == "employed")) {
    o->category = "work";
    o->key = "work:role";
    AddTrait(o, user, "role", SourceText(s, a, a + (w == "self" ? 2 : 1)), kExplicit);
    return true;
  }
  if (IsRoleWord(w) || (s[a].all_caps && IsRoleWord(w))) return MatchRole(s, a, last, user, o);
  return false;
}

bool ClassifyHave(const Sentence& s, const Parsed& p, size_t last, Outcome* o) {
  const size_t a = p.comp;
  for (size_t i = a; i < last && i < a + 5; ++i) {
    const std::string_view w = s.At(i);
    if (s.GapBefore(i).find(',') != std::string_view::npos && i > a) break;
    if (IsChildWord(w)) {
      o->category = "family";
      o->key = "family:children";
      return true;
    }
    if (IsFamilyWord(w)) {
      o->category = "family";
      if (IsPartnerWord(w)) o->key = "family:marital";
      return true;
    }
    if (IsPetWord(w)) {
      o->category = "pet";
      return true;
    }
    if (!p.negated && IsPossessionWord(w)) {
      o->category = "possession";
      return true;
    }
  }
  return false;
}

}  // namespace

bool Classify(const Sentence& s, const Parsed& p, const Clause& c, bool user, Outcome* o) {
  const size_t last = c.last;
  const std::string& lemma = p.lemma;
  const size_t obj = p.comp;
  const std::string_view next = s.At(obj);
  switch (p.shape) {
    case Shape::kCopula: return ClassifyCopula(s, p, last, user, o);
    case Shape::kCopulaPast: {
      if (p.negated) return false;
      if (next == "born") {
        o->category = "fact";
        return true;
      }
      if (next == "in" || next == "at" || next == "on") {
        o->category = "event";
        o->valid_from = PastDateIn(s, c.first, last);
        o->confidence = o->valid_from ? kDated : kStated;
        return true;
      }
      if ((next == "a" || next == "an") && s.At(obj + 1) != "bit" && s.At(obj + 1) != "little") {
        o->category = "fact";
        o->confidence = kLoose;
        return true;
      }
      return false;
    }
    case Shape::kHave: return ClassifyHave(s, p, last, o);
    case Shape::kProgressive: {
      if (p.negated) return false;
      if (lemma == "go" && next == "to") {
        o->category = "plan";
        o->confidence = kPlanned;
        return true;
      }
      if (lemma == "plan" || lemma == "consider" || (lemma == "think" && (next == "about" || next == "of"))) {
        o->category = "plan";
        o->confidence = lemma == "plan" ? kPlanned : kHedged;
        return true;
      }
      if (lemma == "try" || lemma == "hope" || lemma == "aim" || lemma == "save") {
        o->category = "goal";
        o->confidence = kPlanned;
        return true;
      }
      if (lemma == "look" && next == "forward") {
        o->category = "plan";
        o->confidence = kPlanned;
        return true;
      }
      static const WordSet travel = {"move", "travel", "fly", "head", "visit", "leave", "relocate"};
      if (In(travel, lemma)) {
        o->category = "plan";
        o->confidence = kPlanned;
        return true;
      }
      if (lemma == "work") {
        o->category = "work";
        if (next == "at" || next == "for") {
          const size_t run = CapitalizedRun(s, obj + 1, last);
          if (run > obj + 1) {
            o->key = "work:employer";
            AddTrait(o, user, "employer", SourceText(s, obj + 1, run), kExplicit);
          }
        } else if (next == "as") {
          MatchRole(s, obj + 1, last, user, o);
        }
        return true;
      }
      if (lemma == "live" && next == "in") {
        o->category = "location";
        o->key = "location:home";
        AddTrait(o, user, "location", PlaceAt(s, obj + 1, last), kExplicit);
        return true;
      }
      if (IsOpinionVerb(lemma) || IsPreferenceVerb(lemma)) return false;
      o->category = HasFutureDate(s, c.first, last) ? "plan" : "fact";
      o->confidence = o->category == "plan" ? kPlanned : kLoose;
      return true;
    }
    case Shape::kPerfect: {
      if (p.negated) return false;
      if (lemma == "be") {
        if (next == "to" || next == "in") {
          o->category = "event";
          o->confidence = kStated;
          return true;
        }
        if (obj < last && IsIngVerb(s[obj])) {
          o->category = Lemma(next) == "work" ? "work" : "fact";
          o->confidence = kLoose;
          return true;
        }
        return false;
      }
      if (lemma == "move" && next == "to") {
        o->category = "location";
        o->key = "location:home";
        AddTrait(o, user, "location", PlaceAt(s, obj + 1, last), kExplicit);
        return true;
      }
      if (lemma == "live" && next == "in") {
        o->category = "location";
        return true;
      }
      if (IsOpinionVerb(lemma)) return false;
      o->category = lemma == "adopt" ? "pet" : lemma == "buy" ? "possession" : "event";
      o->confidence = kStated;
      return true;
    }
    case Shape::kCan: {
      if (p.negated && lemma == "stand") {
        o->category = "preference";
        o->key = "preference:" + ObjectKey(s, obj, last);
        return true;
      }
      static const WordSet skills = {"speak", "play", "cook", "swim", "drive", "code", "program",
                                     "sing", "dance", "ski", "surf", "knit", "sew", "draw", "paint",
                                     "ride", "bake", "read", "write"};
      if (p.negated || !In(skills, lemma)) return false;
      o->category = "fact";
      o->confidence = kLoose;
      return true;
    }
    case Shape::kWill: {
      if (p.negated || IsOpinionVerb(lemma) || lemma == "let") return false;
      o->category = "plan";
      o->confidence = p.hedged ? kHedged : kPlanned;
      return true;
    }
    case Shape::kPast: {
      if (p.negated) return false;
      o->valid_from = PastDateIn(s, c.first, last);
      o->confidence = o->valid_from ? kDated : kStated;
      if ((lemma == "move" || lemma == "relocate") && next == "to") {
        o->category = "location";
        o->key = "location:home";
        AddTrait(o, user, "location", PlaceAt(s, obj + 1, last), kExplicit);
        return true;
      }
      if ((lemma == "move" || lemma == "relocate" || lemma == "immigrate") && next == "from" &&
          !PlaceAt(s, obj + 1, last).empty()) {
        o->category = "location";
        o->key = "location:origin";
        return true;
      }
      if (lemma == "join") {
        const size_t run = CapitalizedRun(s, obj, last);
        o->category = "work";
        if (run > obj) {
          o->key = "work:employer";
          AddTrait(o, user, "employer", SourceText(s, obj, run), kExplicit);
        }
        return true;
      }
      if (lemma == "get") {
        static const WordSet marital = {"married", "engaged", "divorced"};
        if (In(marital, next)) {
          o->category = "family";
          o->key = "family:marital";
          return true;
        }
        if (next == "hired" || next == "promoted" || (next == "a" && s.At(obj + 1) == "job")) {
          o->category = "work";
          return true;
        }
        Parsed have = p;
        have.comp = obj;
        if (ClassifyHave(s, have, last, o)) return true;
        o->category = "event";
        return HasContent(s, obj, last);
      }
      if (lemma == "buy" || lemma == "purchase") {
        o->category = "possession";
        return true;
      }
      if (lemma == "marry") {
        o->category = "family";
        o->key = "family:marital";
        return true;
      }
      if (lemma == "grow" && next == "up") {
        o->category = "location";
        o->key = "location:origin";
        return true;
      }
      if (lemma == "have") {
        Parsed have = p;
        return ClassifyHave(s, have, last, o);
      }
      if (lemma == "adopt") {
        o->category = "pet";
        return true;
      }
      if (IsOpinionVerb(lemma) && lemma != "see") return false;
      o->category = "event";
      return true;
    }
    case Shape::kPresent: {
      if (lemma == "have") return ClassifyHave(s, p, last, o);
      if (IsPreferenceVerb(lemma)) {
        o->category = "preference";
        o->key = "preference:" + ObjectKey(s, obj, last);
        return true;
      }
      if (p.negated) {
        if (IsOpinionVerb(lemma)) return false;
        o->category = "preference";
        return true;
      }
      if (lemma == "work") {
        o->category = "work";
        if (next == "at" || next == "for") {
          const size_t run = CapitalizedRun(s, obj + 1, last);
          std::string employer = run > obj + 1 ? SourceText(s, obj + 1, run) : std::string();
          if (!employer.empty()) {
            o->key = "work:employer";
            AddTrait(o, user, "employer", employer, kExplicit);
          }
          const size_t as = run > obj + 1 ? run : obj + 1;
          for (size_t i = as; i < last && i < as + 6; ++i) {
            if (s.At(i) == "as") {
              Outcome role;
              if (MatchRole(s, i + 1, last, user, &role)) {
                for (auto& t : role.traits) {
                  if (t.name == "role") o->traits.push_back(t);
                }
                if (o->key.empty()) o->key = "work:role";
              }
              break;
            }
          }
        } else if (next == "as") {
          MatchRole(s, obj + 1, last, user, o);
        }
        return true;
      }
      if (lemma == "live") {
        if (next == "in") {
          o->category = "location";
          o->key = "location:home";
          AddTrait(o, user, "location", PlaceAt(s, obj + 1, last), kExplicit);
          return true;
        }
        o->category = next == "with" ? "family" : "location";
        o->confidence = kLoose;
        return true;
      }
      if ((lemma == "plan" || lemma == "intend") && next == "to") {
        o->category = "plan";
        o->confidence = kPlanned;
        return true;
      }
      if (lemma == "want" || lemma == "hope" || lemma == "aim") {
        o->category = "goal";
        o->confidence = next == "to" ? kPlanned : kLoose;
        return true;
      }
      if (lemma == "own") {
        o->category = "possession";
        return true;
      }
      if (lemma == "lead" || lemma == "manage") {
        o->category = "work";
        o->confidence = kLoose;
        return true;
      }
      if (IsOpinionVerb(lemma)) return false;
      o->category = p.habit ? "preference" : "fact";
      o->confidence = p.habit ? kExplicit : kLoose;
      return true;
    }
  }
  return false;
}

bool IsIngVerb(const Word& w) {
  return w.lower.size() > 4 && w.lower.ends_with("ing") && IsBaseVerb(Lemma(w.lower));
}

bool HasContent(const Sentence& s, size_t from, size_t last) {
  for (size_t i = from; i < last; ++i) {
    if (s[i].kind != text::TokenKind::kWord) return true;
    if (!text::IsStopword(s[i].lower)) return true;
  }
  return false;
}

}  // namespace engram::memory::internal
