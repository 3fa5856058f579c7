#include "text/analyzer.h"

#include <cstdio>
#include <functional>
#include <unordered_map>

#include "text/normalize.h"
#include "text/stemmer.h"
#include "text/time_expressions.h"

namespace engram::text {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z'); }

// "1,000" -> "1000", "$1M" -> "1m", "50%" -> "50", "3.5" -> "3.5". Input is already lower-case.
std::string CanonicalNumber(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ',' && i + 3 < s.size() && IsDigit(s[i + 1]) && IsDigit(s[i + 2]) && IsDigit(s[i + 3]) &&
        (i + 4 >= s.size() || !IsDigit(s[i + 4]))) {
      continue;  // grouping comma
    }
    if (IsAlnum(c) || c == '.' || c == ',' || c == '-' || c == '/') out.push_back(c);
  }
  return out;
}

// "2pm", "2 p.m.", "14:00", "9:30am" -> "14:00", "14:00", "14:00", "09:30". Falls back to the
// compacted text when it is not a valid clock time.
std::string CanonicalTime(std::string_view s) {
  int hour = 0;
  size_t i = 0;
  int digits = 0;
  while (i < s.size() && IsDigit(s[i]) && digits < 3) hour = hour * 10 + (s[i++] - '0'), ++digits;
  int minute = 0;
  if (i < s.size() && s[i] == ':') {
    ++i;
    for (int k = 0; k < 2 && i < s.size() && IsDigit(s[i]); ++k) minute = minute * 10 + (s[i++] - '0');
    if (i < s.size() && s[i] == ':') i += 3;  // drop seconds
  }
  std::string rest;
  for (; i < s.size(); ++i) {
    if (s[i] == 'a' || s[i] == 'p') rest.push_back(s[i]);
  }
  if (rest == "p" && hour >= 1 && hour <= 11) hour += 12;
  if (rest == "a" && hour == 12) hour = 0;
  if (digits == 0 || hour > 24 || minute > 59 || (!rest.empty() && (hour > 23))) {
    std::string out;
    for (char c : s) {
      if (c != ' ' && c != '.') out.push_back(c);
    }
    return out;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", hour, minute);
  return buf;
}

// "05/08/2023" -> "2023-05-08" (month first unless the first field cannot be a month).
std::string CanonicalDate(std::string_view s) {
  if (s.find('/') == std::string_view::npos) return std::string(s);
  int f[3] = {0, 0, 0};
  int n[3] = {0, 0, 0};
  int k = 0;
  for (char c : s) {
    if (c == '/') {
      if (++k > 2) return std::string(s);
    } else if (IsDigit(c)) {
      f[k] = f[k] * 10 + (c - '0'), ++n[k];
    }
  }
  int month = f[0], day = f[1];
  if (month > 12 && day <= 12) std::swap(month, day);
  int year = n[2] == 2 ? 2000 + f[2] : f[2];
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::string(s);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

bool HasAmPmOrColon(std::string_view s) {
  for (char c : s) {
    if (c == ':' || c == 'a' || c == 'p') return true;
  }
  return false;
}

std::string CanonicalRange(std::string_view s) {
  // The tokenizer only builds ranges from numbers/times around one dash (already ASCII here).
  const size_t dash = s.find('-');
  if (dash == std::string_view::npos) return std::string(s);
  std::string_view a = s.substr(0, dash), b = s.substr(dash + 1);
  auto side = [](std::string_view x) { return HasAmPmOrColon(x) ? CanonicalTime(x) : CanonicalNumber(x); };
  return side(a) + "-" + side(b);
}

// Splits `s` into runs of ASCII letters/digits (and non-ASCII bytes), calling fn on each.
template <typename Fn>
void ForEachAlnumRun(std::string_view s, Fn fn) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && !(IsAlnum(s[i]) || static_cast<unsigned char>(s[i]) >= 0x80)) ++i;
    size_t b = i;
    while (i < s.size() && (IsAlnum(s[i]) || static_cast<unsigned char>(s[i]) >= 0x80)) ++i;
    if (i > b) fn(s.substr(b, i - b));
  }
}

bool IsUrlNoise(std::string_view w) {
  return w == "http" || w == "https" || w == "www" || w == "com" || w == "org" || w == "net" ||
         w == "html" || w == "htm" || w == "php" || w == "io" || w == "ftp";
}

class Emitter {
 public:
  Emitter(const AnalyzerOptions& o, bool query, std::vector<Term>* out)
      : opts_(o), query_(query), out_(out) {}

  // A word-like term: stopword filter, then stemming.
  void Word(std::string_view w, const Token& t, uint32_t pos) {
    if (w.empty()) return;
    if (opts_.remove_stopwords && (query_ ? IsQueryStopword(w) : IsStopword(w))) return;
    if (opts_.stem) {
      StemEnglishInto(w, &scratch_);
      Push(scratch_, t, pos);
    } else {
      Push(w, t, pos);
    }
  }

  void Whole(std::string_view w, const Token& t, uint32_t pos) {
    if (!w.empty() && w.size() <= opts_.max_term_bytes) Push(w, t, pos);
  }

 private:
  void Push(std::string_view w, const Token& t, uint32_t pos) {
    out_->push_back(Term{std::string(w), pos, t.begin, t.end, t.kind});
  }

  const AnalyzerOptions& opts_;
  bool query_;
  std::vector<Term>* out_;
  std::string scratch_;
};

// The term a plain word yields depends on its bytes alone (and the options), and chat text repeats a
// small vocabulary: each thread remembers the term of every word it analyzed ("" = none, a stopword),
// so normalization, the stopword test and the stemmer run once per distinct word. A bulk index load
// analyzes 10,000 chunks of a few thousand distinct words.
struct WordTerms {
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  static constexpr size_t kMaxWords = 1 << 16;  // then forgotten all at once: a few MB at most
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> terms;
};

void AnalyzeInto(std::string_view text, const AnalyzerOptions& options, bool query,
                 std::vector<Term>* out) {
  thread_local std::vector<Token> tokens;
  thread_local WordTerms index_words, query_words;
  TokenizeInto(text, &tokens);
  out->reserve(tokens.size());
  Emitter emit(options, query, out);
  // Only the default word analysis is remembered (the caches are not keyed by options).
  WordTerms* words = options.remove_stopwords && options.stem ? (query ? &query_words : &index_words) : nullptr;
  uint32_t pos = 0;
  for (const Token& t : tokens) {
    if (words != nullptr && t.kind == TokenKind::kWord && t.expansion.empty()) {
      const std::string_view raw = t.Text(text);
      auto it = words->terms.find(raw);
      if (it == words->terms.end()) {
        if (words->terms.size() >= WordTerms::kMaxWords) words->terms.clear();
        std::vector<Term> one;
        Emitter(options, query, &one).Word(CanonicalTokenText(text, t), t, pos);  // 0 or 1 term
        it = words->terms.emplace(std::string(raw), one.empty() ? std::string() : std::move(one[0].text)).first;
      }
      if (!it->second.empty()) out->push_back(Term{it->second, pos, t.begin, t.end, t.kind});
      ++pos;
      continue;
    }
    std::string canon = CanonicalTokenText(text, t);
    switch (t.kind) {
      case TokenKind::kWord:
        emit.Word(canon, t, pos);
        break;
      case TokenKind::kHashtag:
      case TokenKind::kMention:
        emit.Whole(canon, t, pos);
        if (options.expand_compounds) emit.Word(std::string_view(canon).substr(1), t, pos);
        break;
      case TokenKind::kEmail:
      case TokenKind::kUrl: {
        emit.Whole(canon, t, pos);
        if (options.expand_compounds) {
          const bool url = t.kind == TokenKind::kUrl;
          const size_t at = canon.find('@');
          const size_t tld = canon.rfind('.');
          ForEachAlnumRun(canon, [&](std::string_view part) {
            // Skip the e-mail top-level domain and URL boilerplate; keep everything else.
            const size_t off = static_cast<size_t>(part.data() - canon.data());
            if (!url && at != std::string::npos && off > at && off == tld + 1) return;
            if (url && IsUrlNoise(part)) return;
            emit.Word(part, t, pos);
          });
        }
        break;
      }
      default:
        emit.Whole(canon, t, pos);
        break;
    }
    ++pos;
  }
}

}  // namespace

std::string CanonicalTokenText(std::string_view source, const Token& token) {
  thread_local std::string norm;
  const std::string_view raw =
      token.expansion.empty() ? token.Text(source) : token.expansion;
  NormalizeInto(raw, NormalizeOptions{}, &norm);
  switch (token.kind) {
    case TokenKind::kWord: {
      // "U.S." -> "us", "O'Brien" -> "obrien": punctuation inside a word is not part of the term.
      std::string out;
      out.reserve(norm.size());
      for (char c : norm) {
        if (c != '.' && c != '\'') out.push_back(c);
      }
      return out;
    }
    case TokenKind::kNumber:
      return CanonicalNumber(norm);
    case TokenKind::kOrdinal:
      return norm.substr(0, norm.size() - 2);
    case TokenKind::kTime:
      return CanonicalTime(norm);
    case TokenKind::kRange:
      return CanonicalRange(norm);
    case TokenKind::kDate:
      return CanonicalDate(norm);
    default:
      return norm;
  }
}

std::vector<Term> Analyze(std::string_view text, const AnalyzerOptions& options) {
  std::vector<Term> out;
  AnalyzeInto(text, options, /*query=*/false, &out);
  return out;
}

std::vector<std::string> AnalyzeToStrings(std::string_view text, const AnalyzerOptions& options) {
  std::vector<std::string> out;
  for (Term& t : Analyze(text, options)) out.push_back(std::move(t.text));
  return out;
}

AnalyzedQuery AnalyzeQuery(std::string_view query, const AnalyzerOptions& options) {
  AnalyzedQuery q;
  for (const Token& t : Tokenize(query)) {
    if (t.kind != TokenKind::kWord) continue;
    const QuestionWord w = QuestionWordOf(CanonicalTokenText(query, t));
    if (w != QuestionWord::kNone) q.question_words |= 1u << static_cast<unsigned>(w);
  }
  AnalyzeInto(query, options, /*query=*/true, &q.terms);
  if (q.terms.empty() && options.remove_stopwords) {
    // "Who is she?": better to match on function words than to match nothing. Question words stay
    // out: they never describe the content being looked for.
    AnalyzerOptions keep = options;
    keep.remove_stopwords = false;
    std::vector<Term> all;
    AnalyzeInto(query, keep, /*query=*/true, &all);
    for (Term& t : all) {
      if (QuestionWordOf(t.text) == QuestionWord::kNone) q.terms.push_back(std::move(t));
    }
    q.kept_stopwords = !q.terms.empty();
  }
  q.is_when_question = IsWhenQuestion(query);
  return q;
}

}  // namespace engram::text
