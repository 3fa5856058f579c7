// First-person clauses: "I love sushi", "I'm a nurse", "I went to the support group yesterday".
//
// The clause is parsed into subject, verb group and complement by a small hand-written matcher (no
// grammar, no regex): lead-in words and hedges, "I", pre-verbal adverbs and negation, then one of
// the verb-group shapes below. The shape and the verb's lemma pick the category; the clause is then
// rendered in the third person (rewrite.h). A clause the matcher does not understand yields nothing:
// skipping a statement costs less than storing a garbled one.
#include <optional>
#include <unordered_set>

#include "memory/lexicon.h"
#include "memory/patterns.h"
#include "memory/personal_clause.h"
#include "memory/rewrite.h"
#include "text/stopwords.h"

namespace engram::memory::internal {
namespace {

constexpr size_t kMaxClauseWords = 40;

using WordSet = std::unordered_set<std::string_view>;

bool In(const WordSet& set, std::string_view w) { return set.count(w) > 0; }

std::optional<Parsed> ParseFirstPerson(const Sentence& s, const Clause& c) {
  Parsed p;
  size_t i = SkipLeadIn(s, c.first, c.last);
  static const WordSet hedges = {"think", "guess", "believe", "suppose", "feel", "bet", "reckon"};
  if (s.At(i) == "i" && In(hedges, s.At(i + 1))) {
    size_t j = i + 2;
    if (s.At(j) == "like" || s.At(j) == "that") ++j;
    if (s.At(j) != "i") return std::nullopt;  // an opinion about something else
    p.hedged = true;
    i = j;
  }
  if (s.At(i) == "maybe" || s.At(i) == "probably" || s.At(i) == "perhaps") {
    p.hedged = true;
    ++i;
  }
  if (i >= c.last || s.At(i) != "i" || s[i].Contraction()) return std::nullopt;
  p.subj = i;
  size_t j = i + 1;
  auto skip_adverbs = [&] {
    while (j < c.last) {
      const std::string_view w = s.At(j);
      if (w == "not") {
        p.negated = true;
      } else if (IsHabitAdverb(w)) {
        p.habit = true;
      } else if (!IsPreVerbAdverb(w) || s[j].time >= 0) {
        break;
      }
      ++j;
    }
  };
  skip_adverbs();
  if (j >= c.last) return std::nullopt;
  const std::string_view w = s.At(j);
  p.finite = j;
  if (w == "am") {
    ++j;
    skip_adverbs();
    if (j < c.last && IsIngVerb(s[j])) {
      p.shape = Shape::kProgressive;
      p.main = j;
      p.lemma = Lemma(s.At(j));
      p.comp = j + 1;
    } else {
      p.shape = Shape::kCopula;
      p.lemma = "be";
      p.comp = j;
    }
  } else if (w == "was") {
    ++j;
    skip_adverbs();
    if (j < c.last && IsIngVerb(s[j])) {
      p.shape = Shape::kPast;
      p.main = j;
      p.lemma = Lemma(s.At(j));
      p.comp = j + 1;
    } else {
      p.shape = Shape::kCopulaPast;
      p.lemma = "be";
      p.comp = j;
    }
  } else if (w == "have" || w == "had") {
    ++j;
    skip_adverbs();
    const std::string_view n = s.At(j);
    if (n == "to") return std::nullopt;  // an obligation, not a fact
    if (n == "got") {
      p.shape = Shape::kHave;
      p.lemma = "have";
      p.comp = j + 1;
    } else if (n == "been" || IsPastTense(n)) {
      p.shape = w == "have" ? Shape::kPerfect : Shape::kPast;
      p.main = j;
      p.lemma = Lemma(n);
      p.comp = j + 1;
    } else {
      p.shape = w == "have" ? Shape::kHave : Shape::kPast;
      p.lemma = "have";
      p.comp = j;
    }
  } else if (w == "do" || w == "did") {
    ++j;
    skip_adverbs();
    if (w == "did" && p.negated) return std::nullopt;
    if (j >= c.last) return std::nullopt;
    p.main = j;
    p.lemma = Lemma(s.At(j));
    p.shape = w == "did" ? Shape::kPast : (p.lemma == "have" ? Shape::kHave : Shape::kPresent);
    p.comp = j + 1;
  } else if (w == "will" || w == "can" || w == "might" || w == "may") {
    if (w == "might" || w == "may") p.hedged = true;
    ++j;
    skip_adverbs();
    if (j >= c.last) return std::nullopt;
    p.main = j;
    p.lemma = Lemma(s.At(j));
    p.shape = w == "can" ? Shape::kCan : Shape::kWill;
    p.comp = j + 1;
  } else if (w == "would" || w == "could" || w == "should" || w == "must" || w == "shall" ||
             w == "wanna" || w == "gotta") {
    return std::nullopt;  // wishes, hypotheticals and obligations assert nothing
  } else {
    if (s[j].kind != text::TokenKind::kWord || (text::IsStopword(w) && !IsBaseVerb(w))) {
      return std::nullopt;
    }
    p.main = j;
    p.lemma = Lemma(w);
    const bool past = IsPastTense(w) || (IsAmbiguousPast(w) && PastDateIn(s, c.first, c.last) != 0);
    p.shape = past ? Shape::kPast : Shape::kPresent;
    p.comp = j + 1;
  }
  return p;
}

// Conversation reactions ("I love it!", "I did that", "I'm so proud of you") say nothing lasting.
bool IsReaction(const Sentence& s, const Parsed& p, size_t last) {
  static const WordSet objects = {"it", "that", "this", "them", "those", "these", "one", "so", "too",
                                  "much", "lol", "haha", "same", "yes", "no", "there"};
  static const WordSet after = {"when", "so", "too", "lol", "haha", "because", "and", "but",
                                "though", "already", "now", "all", "!", "very", "as", "more"};
  if (p.comp >= last) return true;
  if (!In(objects, s.At(p.comp))) return false;
  return p.comp + 1 >= last || In(after, s.At(p.comp + 1));
}

// Renders the predicate: subject dropped, verb in the third person, pronouns swapped, dates resolved.
std::string RenderPredicate(const Sentence& s, const Clause& c, const Parsed& p) {
  Rendering r(s, c.first, c.last);
  r.DropRange(c.first, p.subj + 1);
  // A time phrase that opened the clause ("Yesterday I went...") moves to the end.
  for (size_t i = c.first; i < p.subj; ++i) {
    if (s[i].time < 0 || !s[i].time_head) continue;
    std::string phrase = ResolvedTimePhrase(s, static_cast<size_t>(s[i].time));
    if (phrase.empty()) phrase = CleanText(s.times[static_cast<size_t>(s[i].time)].Text(s.text));
    r.AppendTail(std::move(phrase));
  }
  static const WordSet fillers = {"also", "really", "just", "actually", "totally", "honestly",
                                  "literally", "personally", "seriously", "genuinely", "basically",
                                  "simply", "kinda", "sorta", "definitely", "absolutely", "truly",
                                  "so", "currently", "now", "finally"};
  for (size_t i = p.subj + 1; i < p.finite; ++i) {
    if (In(fillers, s.At(i))) r.Drop(i);
  }
  for (size_t i = p.finite; i < p.comp && i < c.last; ++i) {
    if (i != p.finite && In(fillers, s.At(i))) r.Drop(i);
  }
  // The finite verb.
  const Word& f = s[p.finite];
  const std::string_view fl = f.lower;
  auto set_finite = [&](std::string text) {
    if (f.Contraction()) {
      r.Glue(p.finite, " " + text);
    } else {
      r.Replace(p.finite, std::move(text));
    }
  };
  if (fl == "am") {
    set_finite("is");
  } else if (fl == "have" && p.shape != Shape::kPast) {
    set_finite("has");
  } else if (fl == "do") {
    set_finite("does");
  } else if (fl == "will") {
    set_finite("will");
  } else if (fl == "can" || fl == "might" || fl == "may") {
    set_finite(std::string(fl));
  } else if (p.shape == Shape::kPresent || p.shape == Shape::kHave) {
    if (p.finite == p.main || fl == "have") set_finite(ThirdPersonSingular(fl));
  }
  // "n't" after the finite verb: "cannot", "does not".
  for (size_t i = p.finite + 1; i < p.comp && i < c.last; ++i) {
    if (s[i].Contraction() && s[i].lower == "not") r.Glue(i, fl == "can" ? "not" : " not");
  }
  // Coordinated verbs share the subject: "and usually eat" -> "and usually eats".
  if (p.shape == Shape::kPresent && !p.negated) {
    for (size_t k = p.comp; k + 2 < c.last; ++k) {
      if (s.At(k) != "and" && s.At(k) != "or" && s.At(k) != "then") continue;
      size_t m = k + 1;
      while (m + 1 < c.last && IsPreVerbAdverb(s.At(m))) ++m;
      if (m + 1 < c.last && IsBaseVerb(s.At(m)) && !s[m].capitalized && s[m].time < 0) {
        r.Replace(m, ThirdPersonSingular(s.At(m)));
      }
    }
  }
  // Other first-person words.
  for (size_t i = p.comp; i < c.last; ++i) {
    if (r.Edited(i) || s[i].Contraction()) continue;
    const std::string_view w = s.At(i);
    if (w == "my" || w == "our") {
      r.Replace(i, "their");
    } else if (w == "me" || w == "us") {
      r.Replace(i, "them");
    } else if (w == "myself" || w == "ourselves") {
      r.Replace(i, "themselves");
    } else if (w == "mine" || w == "ours") {
      r.Replace(i, "theirs");
    } else if (w == "i" || w == "we") {
      r.Replace(i, "they");
      if (i + 1 < c.last) {
        const std::string_view v = s.At(i + 1);
        if (v == "am") {
          s[i + 1].Contraction() ? r.Glue(i + 1, "'re") : r.Replace(i + 1, "are");
        } else if (v == "was") {
          r.Replace(i + 1, "were");
        }
      }
    }
  }
  // Bases of contractions that are not words on their own: "ca" (can't), "wo" (won't).
  for (size_t i = p.subj + 1; i < c.last; ++i) {
    if (!r.Edited(i) && !s[i].Contraction() && s[i].kind == text::TokenKind::kWord &&
        (s.Surface(i) == "ca" || s.Surface(i) == "wo")) {
      r.Replace(i, s[i].lower);
    }
  }
  ResolveTimes(s, &r);
  // Trailing chatter.
  static const WordSet trailing = {"too", "lol", "haha", "hahaha", "though", "anyway", "anyways",
                                   "either", "btw", "honestly", "now", "lmao", "tbh", "ha"};
  size_t end = c.last;
  while (end > p.comp + 1 && In(trailing, s.At(end - 1))) r.Drop(--end);
  if (end > p.comp + 2 && s.At(end - 2) == "as" && s.At(end - 1) == "well") {
    r.Drop(end - 1);
    r.Drop(end - 2);
  }
  return LowerFirst(r.Render());
}

}  // namespace

bool MentionsSecondPerson(const Sentence& s, size_t first, size_t last) {
  static const WordSet you = {"you", "your", "yours", "yourself", "u", "ur", "ya", "y'all", "yall"};
  for (size_t i = first; i < last && i < s.size(); ++i) {
    if (In(you, s.At(i))) return true;
  }
  return false;
}

size_t SkipLeadIn(const Sentence& s, size_t from, size_t last) {
  size_t i = from;
  while (i < last) {
    if (IsDiscourseMarker(s.At(i)) || s[i].time >= 0 || s[i].kind != text::TokenKind::kWord) {
      ++i;
      continue;
    }
    // A vocative: "Caroline, I ..." / "Mel, I ...".
    if (s[i].capitalized && i + 1 < last && s.GapBefore(i + 1).find(',') != std::string_view::npos &&
        s.At(i + 1) == "i") {
      ++i;
      continue;
    }
    break;
  }
  return i;
}

void MatchPersonalClause(const Sentence& s, const Clause& c, bool user, Drafts* out) {
  if (s.question || s.hypothetical || c.subordinate) return;
  if (c.last - c.first > kMaxClauseWords) return;
  const std::optional<Parsed> p = ParseFirstPerson(s, c);
  if (!p || p->comp == kNone) return;
  if (MentionsSecondPerson(s, p->subj, c.last)) return;
  if (p->shape != Shape::kCopula && IsReaction(s, *p, c.last)) return;
  if (!HasContent(s, p->comp, c.last)) return;
  Outcome o;
  if (!Classify(s, *p, c, user, &o) || o.category.empty()) return;
  // A habit or preference about when something happens is a schedule: "I prefer meetings after 1 PM".
  if ((p->lemma == "prefer" || (p->habit && !IsPreferenceVerb(p->lemma))) &&
      HasClockTime(s, p->comp, c.last)) {
    for (size_t i = p->comp; i < c.last; ++i) {
      const std::string_view slug = ScheduleSlugAt(s, i);
      if (!slug.empty()) {
        o.category = "schedule";
        o.key = "schedule:" + std::string(slug);
        break;
      }
    }
  }
  static const WordSet comm = {"communication", "communications", "emails", "email", "messages",
                               "replies", "updates", "texts", "calls", "slack", "tone", "feedback"};
  if (o.category == "preference") {
    for (size_t i = p->comp; i < c.last; ++i) {
      if (In(comm, s.At(i))) o.category = "communication";
    }
  }
  if (o.key == "preference:") o.key.clear();
  std::string text = RenderPredicate(s, c, *p);
  if (text.empty()) return;
  Draft d;
  d.text = std::move(text);
  d.category = std::move(o.category);
  d.confidence = p->hedged ? std::min(o.confidence, kHedged) : o.confidence;
  d.key = std::move(o.key);
  d.valid_from = o.valid_from;
  d.entities = Entities(s, p->subj + 1, c.last);
  out->memories.push_back(std::move(d));
  for (TraitDraft& t : o.traits) {
    if (p->hedged) t.confidence = std::min(t.confidence, kHedged);
    out->traits.push_back(std::move(t));
  }
}

}  // namespace engram::memory::internal
