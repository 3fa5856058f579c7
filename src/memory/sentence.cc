#include "memory/sentence.h"

#include <unordered_set>

#include "text/normalize.h"

namespace engram::memory::internal {
namespace {

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }

// A question: the last meaningful character is '?', or it opens with an auxiliary and "you".
bool LooksLikeQuestion(const Sentence& s) {
  std::string_view t = s.text;
  // Closing quotes, emphasis and trailing emoji carry no sentence type: look past them for the '?'.
  while (!t.empty()) {
    const char c = t.back();
    if (c == ' ' || c == '"' || c == '\'' || c == ')' || c == '!' || c == '.' ||
        static_cast<unsigned char>(c) >= 0x80) {
      t.remove_suffix(1);
      continue;
    }
    break;
  }
  if (!t.empty() && t.back() == '?') return true;
  static const std::unordered_set<std::string_view> aux = {
      "do", "does", "did", "are", "is", "have", "has", "can", "could", "would", "will", "should",
      "were", "was", "may", "shall"};
  if (s.size() >= 2 && aux.count(s.At(0)) > 0) {
    const std::string_view next = s.At(1) == "not" ? s.At(2) : s.At(1);
    if (next == "you" || next == "u" || next == "we" || next == "they" || next == "he" ||
        next == "she" || next == "it" || next == "i") {
      return true;
    }
  }
  return false;
}

bool LooksHypothetical(const Sentence& s) {
  static const std::unordered_set<std::string_view> cues = {
      "if", "unless", "wish", "imagine", "suppose", "hypothetically", "pretend", "whether",
      "someday", "dream", "fantasize", "lest"};
  for (const Word& w : s.words) {
    if (cues.count(w.lower) > 0) return true;
  }
  return false;
}

const std::unordered_set<std::string_view>& Conjunctions() {
  static const std::unordered_set<std::string_view> s = {
      "and", "but", "so", "because", "cause", "though", "although", "while", "when", "whenever",
      "since", "as", "after", "before", "until", "once", "or", "plus", "yet", "whereas"};
  return s;
}

bool IsSubordinator(std::string_view w) {
  static const std::unordered_set<std::string_view> s = {
      "while", "when", "whenever", "since", "as", "after", "before", "until", "once", "whereas"};
  return s.count(w) > 0;
}

bool IsSubjectStart(std::string_view w) {
  static const std::unordered_set<std::string_view> s = {
      "i", "we", "it", "he", "she", "they", "you", "this", "that", "there", "my", "our", "his",
      "her", "their", "your", "these", "those", "everyone", "nobody", "someone"};
  return s.count(w) > 0;
}

}  // namespace

bool GapBreaksClause(std::string_view gap) {
  bool space = false;
  bool dash = false;
  for (size_t i = 0; i < gap.size(); ++i) {
    const char c = gap[i];
    if (c == ';' || c == ':' || c == '(' || c == ')' || c == '[' || c == ']') return true;
    if (c == ' ') space = true;
    if (c == '-') dash = true;
    // U+2013 / U+2014 (en / em dash) start with 0xE2 0x80 0x93/0x94.
    if (static_cast<unsigned char>(c) == 0xE2 && i + 2 < gap.size() &&
        static_cast<unsigned char>(gap[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(gap[i + 2]) == 0x93 ||
         static_cast<unsigned char>(gap[i + 2]) == 0x94)) {
      dash = true;
    }
  }
  return dash && space;
}

void BuildSentence(std::string_view text, TimeMs reference, SentenceScratch* scratch, Sentence* out) {
  out->text = text;
  out->reference = reference;
  out->words.clear();
  text::TokenizeInto(text, &scratch->tokens);
  out->words.reserve(scratch->tokens.size());
  for (const text::Token& t : scratch->tokens) {
    Word w;
    w.begin = t.begin;
    w.end = t.end;
    w.kind = t.kind;
    w.flags = t.flags;
    const std::string_view surface = t.Text(text);
    // Contraction pieces and the bases that change ("ca" of "can't") read as the word they stand for.
    if (!t.expansion.empty()) {
      w.lower = std::string(t.expansion);
    } else {
      text::NormalizeInto(surface, text::NormalizeOptions{}, &w.lower);
    }
    if (!surface.empty()) {
      w.capitalized = IsUpper(surface[0]);
      int letters = 0;
      bool all_upper = true;
      for (char c : surface) {
        if (IsLower(c)) all_upper = false;
        if (IsUpper(c) || IsLower(c)) ++letters;
      }
      w.all_caps = all_upper && letters >= 2;
    }
    out->words.push_back(std::move(w));
  }
  out->times = text::FindTimeExpressions(text, text::TimeContext{.reference = reference});
  for (size_t e = 0; e < out->times.size(); ++e) {
    bool head = true;
    for (Word& w : out->words) {
      if (w.begin >= out->times[e].begin && w.end <= out->times[e].end) {
        w.time = static_cast<int>(e);
        w.time_head = head;
        head = false;
      }
    }
  }
  out->question = LooksLikeQuestion(*out);
  out->hypothetical = LooksHypothetical(*out);
}

std::vector<Clause> SplitClauses(const Sentence& s) {
  std::vector<Clause> out;
  size_t start = 0;
  auto close = [&](size_t end) {
    if (end > start) {
      out.push_back(Clause{.first = start, .last = end, .subordinate = IsSubordinator(s.At(start))});
    }
    start = end;
  };
  for (size_t i = 1; i < s.size(); ++i) {
    const Word& w = s[i];
    if (GapBreaksClause(s.GapBefore(i))) {
      close(i);
      continue;
    }
    if (w.time < 0 && Conjunctions().count(w.lower) > 0 && IsSubjectStart(s.At(i + 1))) {
      close(i);
      continue;
    }
    // ", I ..." starts a new clause ("When I was a kid, I loved painting").
    if (w.lower == "i" && s.GapBefore(i).find(',') != std::string_view::npos) close(i);
  }
  close(s.size());
  return out;
}

}  // namespace engram::memory::internal
