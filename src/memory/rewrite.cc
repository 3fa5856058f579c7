#include "memory/rewrite.h"

#include <unordered_set>

#include "memory/lexicon.h"
#include "text/normalize.h"
#include "text/stopwords.h"

namespace engram::memory::internal {
namespace {

constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};

bool IsPreposition(std::string_view w) {
  static const std::unordered_set<std::string_view> s = {
      "on", "in", "since", "from", "until", "till", "by", "before", "after", "starting", "beginning",
      "during", "of", "through", "throughout", "for", "over", "within", "as", "at", "around",
      "about", "effective", "from", "til"};
  return s.count(w) > 0;
}

bool IsEmoji(char32_t cp) {
  return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) || cp == 0xFE0F ||
         cp == 0x200D;
}

std::string YearText(int64_t y) { return std::to_string(y); }

}  // namespace

Rendering::Rendering(const Sentence& s, size_t first, size_t last)
    : s_(s), first_(first), last_(last), edits_(last > first ? last - first : 0) {}

void Rendering::Drop(size_t i) {
  if (i >= first_ && i < last_) edits_[i - first_] = Edit{Op::kDrop, {}};
}

void Rendering::DropRange(size_t from, size_t to) {
  for (size_t i = from; i < to; ++i) Drop(i);
}

void Rendering::Replace(size_t i, std::string text) {
  if (i >= first_ && i < last_) edits_[i - first_] = Edit{Op::kReplace, std::move(text)};
}

void Rendering::Glue(size_t i, std::string text) {
  if (i >= first_ && i < last_) edits_[i - first_] = Edit{Op::kGlue, std::move(text)};
}

bool Rendering::Edited(size_t i) const {
  return i >= first_ && i < last_ && edits_[i - first_].op != Op::kKeep;
}

void Rendering::AppendTail(std::string text) {
  if (text.empty()) return;
  tail_ += ' ';
  tail_ += text;
}

std::string Rendering::Render() const {
  std::string out;
  bool any = false;
  for (size_t i = first_; i < last_; ++i) {
    const Edit& e = edits_[i - first_];
    if (e.op == Op::kDrop) continue;
    // The gap after a dropped word is the one before the next kept word; the dropped word's own
    // leading gap went with it, so "I love" -> "love" and "next week" -> one phrase.
    if (any && e.op != Op::kGlue) out += s_.GapBefore(i);
    switch (e.op) {
      case Op::kKeep: out += s_.Surface(i); break;
      case Op::kReplace:
      case Op::kGlue: out += e.text; break;
      case Op::kDrop: break;
    }
    any = true;
  }
  out += tail_;
  return CleanText(out);
}

std::string CleanText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  size_t pos = 0;
  while (pos < text.size()) {
    const unsigned char b = static_cast<unsigned char>(text[pos]);
    if (b < 0x80) {
      ++pos;
      if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
        space = true;
        continue;
      }
      if (space && !out.empty()) out += ' ';
      space = false;
      out += static_cast<char>(b);
      continue;
    }
    const size_t start = pos;
    const char32_t cp = text::DecodeUtf8(text, &pos);
    if (IsEmoji(cp)) continue;
    if (cp == 0x00A0 || cp == 0x2009 || cp == 0x202F) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    if (const char a = text::AsciiPunctuationFor(cp); a != 0) {
      out += a;
    } else {
      out.append(text.substr(start, pos - start));
    }
  }
  auto dangling = [](char c) { return c == ' ' || c == ',' || c == ';' || c == ':' || c == '-'; };
  while (!out.empty() && dangling(out.back())) out.pop_back();
  size_t lead = 0;
  while (lead < out.size() && dangling(out[lead])) ++lead;
  return out.substr(lead);
}

std::string CapitalizeFirst(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string LowerFirst(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z' && (s.size() == 1 || !(s[1] >= 'A' && s[1] <= 'Z'))) {
    s[0] = static_cast<char>(s[0] - 'A' + 'a');
  }
  return s;
}

std::string_view Article(std::string_view next_word) {
  if (next_word.empty()) return "a";
  const char c = static_cast<char>(next_word[0] | 0x20);
  return (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') ? "an" : "a";
}

std::string FormatDay(TimeMs t) {
  int64_t y = 0;
  unsigned m = 1;
  unsigned d = 1;
  CivilFromDays(t >= 0 ? t / 86'400'000 : (t - 86'399'999) / 86'400'000, &y, &m, &d);
  return std::to_string(d) + " " + kMonths[m - 1] + " " + YearText(y);
}

std::string ResolvedTimePhrase(const Sentence& s, size_t expression) {
  const text::TimeExpression& e = s.times[expression];
  if (e.kind != text::TimeExprKind::kRelative || !e.start_ms) return {};
  int64_t y = 0;
  unsigned m = 1;
  unsigned d = 1;
  CivilFromDays(*e.start_ms / 86'400'000, &y, &m, &d);
  std::string core;
  std::string prep = "in";
  switch (e.granularity) {
    case text::Granularity::kDay:
      // Weekends come as days with a "-WE" week label.
      core = e.normalized.ends_with("-WE") ? "the weekend of " + FormatDay(*e.start_ms) : FormatDay(*e.start_ms);
      prep = "on";
      break;
    case text::Granularity::kWeek:
      if (e.normalized.size() > 3 && e.normalized.ends_with("-WE")) {
        core = "the weekend of " + FormatDay(*e.start_ms);
        prep = "on";
      } else {
        core = "the week of " + FormatDay(*e.start_ms);
      }
      break;
    case text::Granularity::kMonth: core = std::string(kMonths[m - 1]) + " " + YearText(y); break;
    case text::Granularity::kYear: core = YearText(y); break;
    case text::Granularity::kQuarter: core = "Q" + std::to_string((m - 1) / 3 + 1) + " " + YearText(y); break;
    case text::Granularity::kSeason: {
      const std::string_view n = e.normalized;
      std::string_view season = n.ends_with("SP") ? "spring" : n.ends_with("SU") ? "summer"
                              : n.ends_with("WI") ? "winter" : "fall";
      core = std::string(season) + " " + YearText(y);
      break;
    }
    default: return {};
  }
  if (e.approximate) prep = "around";
  // Find the word just before the expression: a preposition there already says how it attaches.
  size_t head = s.size();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i].time == static_cast<int>(expression)) {
      head = i;
      break;
    }
  }
  const bool after_prep = head > 0 && head < s.size() && IsPreposition(s[head - 1].lower) &&
                          s[head - 1].time < 0;
  if (after_prep && !e.approximate) return core;
  return prep + " " + core;
}

void ResolveTimes(const Sentence& s, Rendering* r) {
  for (size_t i = r->first(); i < r->last(); ++i) {
    const Word& w = s[i];
    if (w.time < 0 || !w.time_head || r->Edited(i)) continue;
    std::string phrase = ResolvedTimePhrase(s, static_cast<size_t>(w.time));
    if (phrase.empty()) continue;
    r->Replace(i, std::move(phrase));
    for (size_t j = i + 1; j < r->last() && s[j].time == w.time; ++j) r->Drop(j);
  }
}

namespace {
template <typename Pred>
TimeMs FirstDate(const Sentence& s, size_t first, size_t last, Pred pred) {
  for (size_t i = first; i < last && i < s.size(); ++i) {
    if (s[i].time < 0 || !s[i].time_head) continue;
    const text::TimeExpression& e = s.times[static_cast<size_t>(s[i].time)];
    if (e.start_ms && pred(e)) return *e.start_ms;
  }
  return 0;
}
}  // namespace

TimeMs PastDateIn(const Sentence& s, size_t first, size_t last) {
  return FirstDate(s, first, last, [&](const text::TimeExpression& e) { return *e.start_ms <= s.reference; });
}

TimeMs AnyDateIn(const Sentence& s, size_t first, size_t last) {
  return FirstDate(s, first, last, [](const text::TimeExpression&) { return true; });
}

bool HasFutureDate(const Sentence& s, size_t first, size_t last) {
  return FirstDate(s, first, last, [&](const text::TimeExpression& e) { return *e.start_ms > s.reference; }) != 0;
}

namespace {
bool NameLike(const Sentence& s, size_t i) {
  const Word& w = s[i];
  if (w.kind != text::TokenKind::kWord || w.Contraction() || w.time >= 0) return false;
  if (!w.capitalized && !w.all_caps) return false;
  if (IsCommonCapitalized(w.lower)) return false;
  for (char c : s.Surface(i)) {
    if (c >= '0' && c <= '9') return false;
  }
  return true;
}
}  // namespace

size_t CapitalizedRun(const Sentence& s, size_t i, size_t last, size_t max) {
  size_t j = i;
  while (j < last && j - i < max && NameLike(s, j)) {
    if (j > i) {
      const std::string_view gap = s.GapBefore(j);
      if (gap != " " && gap != "-" && gap != " & ") break;
    }
    const bool possessive = s[j].Possessive();
    ++j;
    if (possessive) break;
  }
  return j;
}

std::vector<std::string> Entities(const Sentence& s, size_t first, size_t last) {
  std::vector<std::string> out;
  std::vector<std::string> seen;
  size_t i = first;
  while (i < last) {
    size_t end = CapitalizedRun(s, i, last);
    if (end == i) {
      ++i;
      continue;
    }
    // Every sentence (and list item) capitalizes its first word: alone, it is a name only when it is
    // an acronym or not an ordinary word.
    const bool initial = i == 0 || s.GapBefore(i).find_first_of(":;\n") != std::string_view::npos;
    const bool ordinary = text::IsStopword(s[i].lower) || IsBaseVerb(s[i].lower) ||
                          IsDiscourseMarker(s[i].lower) || IsPreVerbAdverb(s[i].lower);
    if (end == i + 1 && !s[i].all_caps && (initial && (i == 0 || ordinary))) {
      i = end;
      continue;
    }
    std::string name = SourceText(s, i, end);
    std::string key = text::Normalize(name);
    bool dup = false;
    for (const std::string& k : seen) dup = dup || k == key;
    if (!dup && !name.empty()) {
      seen.push_back(std::move(key));
      out.push_back(std::move(name));
    }
    i = end;
  }
  return out;
}

std::string SourceText(const Sentence& s, size_t from, size_t to) {
  if (from >= to || to > s.size()) return {};
  return CleanText(s.text.substr(s[from].begin, s[to - 1].end - s[from].begin));
}

}  // namespace engram::memory::internal
