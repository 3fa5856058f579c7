// Schedules, goal lists and note fragments: text that is about the user without saying "I".
//
// "Typical focus blocks 9–12 PT; meetings after 1 PM preferred." -> "Typical focus blocks 9-12 PT"
// (schedule:focus_blocks) and "Prefers meetings after 1 PM" (schedule:meetings).
// "Let’s move stand-up to 2 PM starting next week." -> "Stand-up moves to 2 PM starting the week of
// ..." (schedule:stand-up, valid from that week); a later "Stand-up is now at 10 AM" fills the same
// slot, so consolidation supersedes the older time.
// "Q4 2025 Goals: Launch new product, hire 3 engineers, reach $1M ARR" -> one goal per item.
#include <unordered_set>

#include "memory/lexicon.h"
#include "memory/patterns.h"
#include "memory/rewrite.h"
#include "text/stopwords.h"

namespace engram::memory::internal {
namespace {

using WordSet = std::unordered_set<std::string_view>;

bool In(const WordSet& set, std::string_view w) { return set.count(w) > 0; }

bool FirstPerson(const Sentence& s, size_t first, size_t last) {
  for (size_t i = first; i < last; ++i) {
    if (s.At(i) == "i" && !s[i].Contraction()) return true;
  }
  return false;
}

bool HasContentWord(const Sentence& s, size_t first, size_t last) {
  for (size_t i = first; i < last; ++i) {
    if (s[i].kind != text::TokenKind::kWord || !text::IsStopword(s[i].lower)) return true;
  }
  return false;
}

}  // namespace

std::string_view ScheduleSlugAt(const Sentence& s, size_t i, size_t* words) {
  size_t n = 1;
  std::string_view slug;
  const std::string_view w = s.At(i);
  const std::string_view next = s.At(i + 1);
  if (w == "stand" && next == "up") {
    slug = "stand-up";
    n = 2;
  } else if (w == "all" && next == "hands") {
    slug = "all-hands";
    n = 2;
  } else if (w == "focus") {
    if (next == "block" || next == "blocks" || next == "time" || next == "hours") {
      slug = "focus_blocks";
      n = 2;
    }
  } else if (w == "deep") {
    if (next == "work") {
      slug = "focus_blocks";
      n = 2;
    }
  } else if (w == "office" || w == "working" || w == "work") {
    if (next == "hours") {
      slug = ScheduleSlug(w);
      n = 2;
    }
  } else {
    slug = ScheduleSlug(w);
  }
  if (words) *words = n;
  return slug;
}

bool HasClockTime(const Sentence& s, size_t first, size_t last) {
  for (size_t i = first; i < last && i < s.size(); ++i) {
    if (s[i].time < 0) continue;
    const text::TimeExprKind k = s.times[static_cast<size_t>(s[i].time)].kind;
    if (k == text::TimeExprKind::kTime || k == text::TimeExprKind::kTimeRange) return true;
  }
  return false;
}

bool MatchScheduleClause(const Sentence& s, const Clause& c, bool user, Drafts* out) {
  if (s.question || s.hypothetical || c.subordinate) return false;
  const size_t i0 = SkipLeadIn(s, c.first, c.last);
  if (i0 >= c.last || FirstPerson(s, i0, c.last) || MentionsSecondPerson(s, i0, c.last)) return false;
  size_t n = c.last;
  size_t noun_words = 1;
  std::string_view slug;
  for (size_t i = i0; i < c.last; ++i) {
    slug = ScheduleSlugAt(s, i, &noun_words);
    if (!slug.empty() && s[i].time < 0) {
      n = i;
      break;
    }
  }
  if (n == c.last || !HasClockTime(s, n, c.last)) return false;
  const size_t noun_end = n + noun_words;
  Draft d;
  d.category = "schedule";
  d.key = "schedule:" + std::string(slug);
  d.confidence = kExplicit;

  // "move X to 2 PM [starting next week]".
  static const WordSet move = {"move", "moving", "moved", "shift", "shifting", "shifted", "push",
                               "pushing", "pushed", "reschedule", "rescheduling", "rescheduled",
                               "change", "changing", "changed", "switch", "switching", "switched"};
  bool moved = false;
  for (size_t v = i0; v < n; ++v) moved = moved || In(move, s.At(v));
  if (moved && s.At(noun_end) == "to" && noun_end + 1 < c.last) {
    Rendering rest(s, noun_end + 1, c.last);
    ResolveTimes(s, &rest);
    d.form = DraftForm::kStandalone;
    d.text = CapitalizeFirst(SourceText(s, n, noun_end)) + " moves to " + rest.Render();
    d.valid_from = AnyDateIn(s, noun_end, c.last);
    d.entities = Entities(s, noun_end, c.last);
    out->memories.push_back(std::move(d));
    return true;
  }

  // "meetings after 1 PM preferred", "prefer calls before noon", "standups ideally at 9".
  static const WordSet prefer = {"preferred", "preferably", "ideally", "prefer", "prefers", "best"};
  size_t pref = c.last;
  for (size_t i = i0; i < c.last; ++i) {
    if (In(prefer, s.At(i)) && s[i].time < 0) {
      pref = i;
      break;
    }
  }
  if (pref != c.last) {
    Rendering r(s, n, c.last);
    r.Drop(pref);
    if (s.At(pref) == "best" && pref > n && s.At(pref - 1) == "work") r.Drop(pref - 1);
    ResolveTimes(s, &r);
    d.form = DraftForm::kPredicate;
    d.text = "prefers " + LowerFirst(r.Render());
    d.entities = Entities(s, n, c.last);
    out->memories.push_back(std::move(d));
    return true;
  }

  // "Stand-up is now at 10 AM", "Our 1:1s are on Tuesdays at 3", "Typical focus blocks 9–12 PT".
  static const WordSet determiners = {"the", "our", "my", "their", "a"};
  static const WordSet stale = {"now", "currently", "still"};
  static const WordSet copulas = {"is", "are", "will", "starts", "start", "happens", "runs", "begins"};
  size_t first = i0;
  while (first < n && In(determiners, s.At(first))) ++first;
  if (n - first > 2) return false;  // the slot noun must open the clause
  bool verb = false;
  for (size_t i = noun_end; i < c.last; ++i) verb = verb || In(copulas, s.At(i));
  if (!verb && c.last - first > 10) return false;
  Rendering r(s, first, c.last);
  for (size_t i = first; i < c.last; ++i) {
    if (In(stale, s.At(i))) r.Drop(i);
  }
  ResolveTimes(s, &r);
  d.form = DraftForm::kStandalone;
  d.text = CapitalizeFirst(r.Render());
  d.confidence = verb ? kExplicit : kStated;
  d.entities = Entities(s, first, c.last);
  out->memories.push_back(std::move(d));
  return true;
}

bool MatchGoalList(const Sentence& s, Drafts* out) {
  if (s.question || s.hypothetical) return false;
  static const WordSet heads = {"goals", "goal", "objectives", "objective", "okrs", "priorities",
                                "targets", "resolutions"};
  // "My goal is to run a marathon" (possessive form: "Caroline's goal is to...").
  for (size_t i = 0; i + 3 < s.size(); ++i) {
    if (s.At(i) == "my" && In(heads, s.At(i + 1)) && (s.At(i + 2) == "is" || s.At(i + 2) == "are")) {
      const size_t from = i + 1;
      size_t last = s.size();
      if (!HasContentWord(s, i + 3, last) || MentionsSecondPerson(s, from, last)) return false;
      Rendering r(s, from, last);
      for (size_t k = i + 3; k < last; ++k) {
        if (s.At(k) == "my") r.Replace(k, "their");
        if (s.At(k) == "me") r.Replace(k, "them");
      }
      ResolveTimes(s, &r);
      Draft d;
      d.form = DraftForm::kPossessive;
      d.text = LowerFirst(r.Render());
      d.category = "goal";
      d.confidence = kExplicit;
      d.entities = Entities(s, i + 3, last);
      out->memories.push_back(std::move(d));
      return true;
    }
  }
  // "Q4 2025 Goals: Launch new product, hire 3 engineers, reach $1M ARR".
  size_t h = s.size();
  for (size_t i = 0; i + 1 < s.size() && i < 6; ++i) {
    if (In(heads, s.At(i)) && s.GapBefore(i + 1).find(':') != std::string_view::npos) {
      h = i;
      break;
    }
  }
  if (h == s.size()) return false;
  std::string prefix;
  for (size_t i = 0; i < h; ++i) {
    if (s[i].time >= 0 && s[i].time_head) {
      prefix = CleanText(s.times[static_cast<size_t>(s[i].time)].Text(s.text));
      break;
    }
  }
  std::string noun = s.At(h) == "okrs" ? "OKR" : s.At(h) == "priorities" ? "priority"
                   : std::string(s.At(h));
  if (noun.size() > 1 && noun.back() == 's') noun.pop_back();
  auto emit = [&](size_t a, size_t b) {
    if (s.At(a) == "and") ++a;
    if (a >= b || !HasContentWord(s, a, b)) return;
    std::string item = SourceText(s, a, b);
    if (IsBaseVerb(s.At(a))) item = LowerFirst(std::move(item));
    Draft d;
    d.form = DraftForm::kStandalone;
    d.text = prefix.empty() ? CapitalizeFirst(noun) + ": " + item : prefix + " " + noun + ": " + item;
    d.category = "goal";
    d.confidence = kExplicit;
    d.entities = Entities(s, a, b);
    out->memories.push_back(std::move(d));
  };
  size_t a = h + 1;
  for (size_t i = h + 2; i < s.size(); ++i) {
    const std::string_view gap = s.GapBefore(i);
    if (gap.find(',') != std::string_view::npos || gap.find(';') != std::string_view::npos ||
        s.At(i) == "and") {
      emit(a, i);
      a = i;
    }
  }
  emit(a, s.size());
  return true;
}

bool MatchFragment(const Sentence& s, const Clause& c, bool user, Drafts* out) {
  if (s.question || s.hypothetical || c.subordinate) return false;
  const size_t i0 = SkipLeadIn(s, c.first, c.last);
  if (i0 >= c.last || MentionsSecondPerson(s, i0, c.last)) return false;
  const std::string_view w = s.At(i0);
  // "prefers concise communications", "loves hiking", "works at Acme".
  static const WordSet third = {"prefers", "likes", "loves", "enjoys", "hates", "dislikes",
                                "avoids", "works", "lives", "wants"};
  if (In(third, w) && i0 + 1 < c.last && HasContentWord(s, i0 + 1, c.last)) {
    Rendering r(s, i0, c.last);
    ResolveTimes(s, &r);
    Draft d;
    d.text = LowerFirst(r.Render());
    d.confidence = kStated;
    d.entities = Entities(s, i0 + 1, c.last);
    const std::string lemma = Lemma(w);
    if (lemma == "work") {
      d.category = "work";
    } else if (lemma == "live") {
      d.category = "location";
    } else if (lemma == "want") {
      d.category = "goal";
    } else {
      d.category = "preference";
      static const WordSet comm = {"communication", "communications", "emails", "messages",
                                   "replies", "updates", "calls", "tone", "feedback"};
      for (size_t i = i0; i < c.last; ++i) {
        if (In(comm, s.At(i))) d.category = "communication";
      }
    }
    out->memories.push_back(std::move(d));
    return true;
  }
  // "Founder/engineer", "Senior software engineer": a role with nothing else.
  if (c.last - i0 > 6) return false;
  std::vector<std::string> roles;
  size_t seg = i0;
  for (size_t i = i0; i <= c.last; ++i) {
    const bool end = i == c.last;
    const bool split = !end && i > seg &&
                       (s.GapBefore(i).find('/') != std::string_view::npos || s.At(i) == "and" ||
                        s.GapBefore(i).find('&') != std::string_view::npos);
    if (!end && !split) {
      if (s[i].kind != text::TokenKind::kWord || s[i].time >= 0 || s[i].Contraction() ||
          s.At(i) == "i" || text::IsStopword(s.At(i))) {
        return false;
      }
      continue;
    }
    if (seg >= i || !IsRoleWord(s.At(i - 1))) return false;
    std::string role = SourceText(s, seg, i);
    if (!s[seg].all_caps) role = LowerFirst(std::move(role));
    roles.push_back(std::move(role));
    seg = (!end && s.At(i) == "and") ? i + 1 : i;
  }
  if (roles.empty()) return false;
  std::string value;
  for (size_t k = 0; k < roles.size(); ++k) {
    if (k > 0) value += k + 1 == roles.size() ? " and " : ", ";
    value += roles[k];
  }
  Draft d;
  d.text = "is " + std::string(Article(value)) + " " + value;
  d.category = "work";
  d.key = "work:role";
  d.confidence = kStated;
  out->memories.push_back(std::move(d));
  if (user) out->traits.push_back(TraitDraft{"role", value, kStated});
  return true;
}

}  // namespace engram::memory::internal
