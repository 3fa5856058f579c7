#include "text/sentences.h"

#include <utf8proc.h>

#include <string>

#include "text/normalize.h"

namespace engram::text {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

// Abbreviations that are (almost) never the end of a sentence: a name or number follows.
bool IsTitle(std::string_view w) {
  static constexpr std::string_view kTitles[] = {
      "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "vs", "gen", "col", "lt", "capt",
      "sgt", "rev", "hon", "fig", "approx", "dept", "e.g", "i.e", "cf", "viz", "al", "ave", "blvd"};
  for (auto t : kTitles) {
    if (w == t) return true;
  }
  return false;
}

// Abbreviations that end a sentence only when the next word is capitalized.
bool IsSoftAbbreviation(std::string_view w) {
  static constexpr std::string_view kSoft[] = {
      "etc", "inc", "ltd", "co", "corp", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
      "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri",
      "sat", "sun", "min", "max", "est", "pt", "ft", "oz", "lb", "lbs"};
  for (auto t : kSoft) {
    if (w == t) return true;
  }
  return w.find('.') != std::string_view::npos;  // dotted: "a.m", "p.m", "u.s", "ph.d"
}

bool IsTerminator(char32_t cp) { return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026; }
bool IsCloser(char32_t cp) {
  return cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == '}' || cp == 0x2019 ||
         cp == 0x201D || cp == 0x00BB;
}

// Whether the text at `i` starts like a new sentence: a capital letter, digit or opening quote.
bool StartsSentence(std::string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  if (i >= s.size()) return true;
  size_t n = i;
  const char32_t cp = DecodeUtf8(s, &n);
  if (cp >= '0' && cp <= '9') return true;
  if (cp == '"' || cp == '\'' || cp == '(' || cp == 0x201C || cp == 0x2018) return true;
  if (cp == '\n' || cp == '\r') return true;
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  return utf8proc_category(static_cast<utf8proc_int32_t>(cp)) == UTF8PROC_CATEGORY_LU;
}

// The lower-cased word that ends right before the terminator at `i` ("Mr", "e.g", "u.s").
std::string WordBefore(std::string_view s, size_t i) {
  size_t b = i;
  while (b > 0 && !IsSpace(s[b - 1]) && s[b - 1] != '(' && s[b - 1] != '"') --b;
  std::string w(s.substr(b, i - b));
  for (char& c : w) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return w;
}

}  // namespace

std::vector<SentenceSpan> SplitSentences(std::string_view s) {
  std::vector<SentenceSpan> out;
  auto emit = [&](size_t b, size_t e) {
    while (b < e && IsSpace(s[b])) ++b;
    while (e > b && IsSpace(s[e - 1])) --e;
    if (e > b) out.push_back({b, e});
  };
  size_t start = 0;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '\n') {
      emit(start, i);
      start = ++i;
      continue;
    }
    size_t next = i;
    const char32_t cp = DecodeUtf8(s, &next);
    if (!IsTerminator(cp)) {
      i = next;
      continue;
    }
    // The whole run of terminators, then closing quotes and brackets.
    size_t j = next;
    bool only_single_dot = (cp == '.');
    size_t k = j;
    while (k < s.size()) {
      size_t n = k;
      const char32_t c = DecodeUtf8(s, &n);
      if (!IsTerminator(c)) break;
      only_single_dot = false;
      k = n;
    }
    j = k;
    bool ellipsis = cp == 0x2026 || (cp == '.' && !only_single_dot && s[j - 1] == '.');
    while (k < s.size()) {
      size_t n = k;
      if (!IsCloser(DecodeUtf8(s, &n))) break;
      k = n;
    }
    if (k < s.size() && !IsSpace(s[k])) {
      i = j;  // "3.5", "example.com", "e.g.,": not a boundary
      continue;
    }
    bool split = true;
    if (only_single_dot && k == j) {
      const std::string w = WordBefore(s, i);
      const bool initial = w.size() == 1 && s[i - 1] >= 'A' && s[i - 1] <= 'Z';
      if (IsTitle(w) || initial) {
        split = false;
      } else if (IsSoftAbbreviation(w)) {
        split = StartsSentence(s, k);
      }
    } else if (ellipsis) {
      split = StartsSentence(s, k);
    }
    if (split) {
      emit(start, k);
      start = k;
    }
    i = k;
  }
  emit(start, s.size());
  return out;
}

}  // namespace engram::text
