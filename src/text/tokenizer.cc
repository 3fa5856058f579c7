#include "text/tokenizer.h"

#include <utf8proc.h>

#include <algorithm>
#include <limits>

#include "text/normalize.h"

namespace engram::text {
namespace {

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiAlnum(char c) { return IsAsciiDigit(c) || IsAsciiAlpha(c); }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsApostrophe(char32_t cp) { return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC; }
bool IsCurrency(char32_t cp) {
  return cp == '$' || cp == 0x20AC || cp == 0x00A3 || cp == 0x00A5 || cp == 0x20B9;
}

class Scanner {
 public:
  Scanner(std::string_view text, std::vector<Token>* out) : s_(text), out_(out) {}

  void Run() {
    size_t i = 0;
    while (i < s_.size()) {
      const char c = s_[i];
      if (static_cast<unsigned char>(c) <= ' ') {
        ++i;
        continue;
      }
      size_t next = i;
      const char32_t cp = DecodeUtf8(s_, &next);
      const bool boundary = !PrevIsWord(i);
      if (boundary && (c == 'h' || c == 'H' || c == 'w' || c == 'W' || c == 'f' || c == 'F')) {
        if (size_t e = MatchUrl(i); e > i) {
          Emit(i, e, TokenKind::kUrl);
          i = e;
          continue;
        }
      }
      if ((c == '#' || c == '@') && boundary) {
        if (size_t e = MatchTag(next); e > next) {
          Emit(i, e, c == '#' ? TokenKind::kHashtag : TokenKind::kMention);
          i = e;
          continue;
        }
      }
      if (IsCurrency(cp) && next < s_.size() && IsAsciiDigit(s_[next])) {
        i = ScanNumeric(i, next, kFlagCurrency);
        continue;
      }
      if (IsAsciiAlnum(c) || c == '_') {
        if (size_t e = MatchEmail(i); e > i) {
          Emit(i, e, TokenKind::kEmail);
          i = e;
          continue;
        }
      }
      if (IsAsciiDigit(c)) {
        i = ScanNumeric(i, i, 0);
        continue;
      }
      if (IsWordCodePoint(cp)) {
        i = ScanWord(i);
        continue;
      }
      i = next;  // punctuation, symbols, invalid bytes
    }
  }

 private:
  char At(size_t i) const { return i < s_.size() ? s_[i] : '\0'; }

  char32_t CodePointAt(size_t i, size_t* next) const {
    *next = i;
    if (i >= s_.size()) return 0;
    return DecodeUtf8(s_, next);
  }

  // Whether the code point ending right before `i` is a word character.
  bool PrevIsWord(size_t i) const {
    if (i == 0) return false;
    size_t b = i - 1;
    while (b > 0 && (static_cast<unsigned char>(s_[b]) & 0xC0) == 0x80) --b;
    size_t n = b;
    return IsWordCodePoint(DecodeUtf8(s_, &n));
  }

  bool WordAt(size_t i) const {
    size_t n;
    return i < s_.size() && IsWordCodePoint(CodePointAt(i, &n));
  }

  void Emit(size_t b, size_t e, TokenKind kind, uint8_t flags = 0, std::string_view exp = {}) {
    if (!out_->empty() && b > 0 && out_->back().end + 1 == b && s_[b - 1] == '-' &&
        out_->back().kind == TokenKind::kWord && kind == TokenKind::kWord) {
      flags |= kFlagHyphenated;
    }
    out_->push_back(Token{static_cast<uint32_t>(b), static_cast<uint32_t>(e), kind, flags, exp});
  }

  bool StartsWithNoCase(size_t i, std::string_view p) const {
    if (i + p.size() > s_.size()) return false;
    for (size_t k = 0; k < p.size(); ++k) {
      if (Lower(s_[i + k]) != p[k]) return false;
    }
    return true;
  }

  size_t MatchUrl(size_t i) const {
    size_t body;
    if (StartsWithNoCase(i, "https://")) {
      body = i + 8;
    } else if (StartsWithNoCase(i, "http://")) {
      body = i + 7;
    } else if (StartsWithNoCase(i, "ftp://")) {
      body = i + 6;
    } else if (StartsWithNoCase(i, "www.")) {
      body = i + 4;
    } else {
      return i;
    }
    if (!IsAsciiAlnum(At(body))) return i;
    size_t e = body;
    int open_parens = 0;
    while (e < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[e]);
      if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == '`') break;
      if (c == '(') ++open_parens;
      if (c == ')') --open_parens;
      ++e;
    }
    // Sentence punctuation after a URL is not part of it; a ')' only if it closes one inside.
    while (e > body) {
      const char c = s_[e - 1];
      if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'') {
        --e;
      } else if ((c == ')' || c == ']' || c == '}') && open_parens < 0) {
        ++open_parens;
        --e;
      } else {
        break;
      }
    }
    return e;
  }

  size_t MatchTag(size_t i) const {
    size_t e = i;
    bool letter = false;
    while (e < s_.size()) {
      size_t n;
      char32_t cp = CodePointAt(e, &n);
      if (!IsWordCodePoint(cp)) break;
      letter = letter || IsLetterCodePoint(cp);
      e = n;
    }
    return letter ? e : i;
  }

  size_t MatchEmail(size_t i) const {
    size_t e = i;
    while (e < s_.size()) {
      char c = s_[e];
      if (!(IsAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-')) break;
      ++e;
    }
    if (At(e) != '@' || s_[e - 1] == '.') return i;
    size_t d = e + 1;
    size_t label_start = d;
    while (d < s_.size() && (IsAsciiAlnum(s_[d]) || s_[d] == '-' || s_[d] == '.')) {
      if (s_[d] == '.') {
        if (d == label_start) return i;  // empty label
        label_start = d + 1;
      }
      ++d;
    }
    while (d > e + 1 && (s_[d - 1] == '.' || s_[d - 1] == '-')) --d;
    const size_t last_dot = s_.substr(0, d).rfind('.');
    // Needs a dot after the '@' with a top-level domain of at least two letters after it.
    if (last_dot == std::string_view::npos || last_dot <= e + 1 || last_dot + 2 >= d) return i;
    for (size_t k = last_dot + 1; k < d; ++k) {
      if (!IsAsciiAlpha(s_[k])) return i;  // top-level domain is letters
    }
    return d;
  }

  size_t ScanDigits(size_t i) const {
    while (i < s_.size() && IsAsciiDigit(s_[i])) ++i;
    return i;
  }

  // "am", "pm", "a.m.", "p.m.", optionally after one space; returns the end or `i` if none.
  size_t MatchAmPm(size_t i) const {
    size_t j = i;
    if (At(j) == ' ') ++j;
    const char a = Lower(At(j));
    if (a != 'a' && a != 'p') return i;
    size_t e;
    if (Lower(At(j + 1)) == 'm') {
      e = j + 2;
    } else if (At(j + 1) == '.' && Lower(At(j + 2)) == 'm') {
      e = j + 3;
      if (At(e) == '.') ++e;
    } else {
      return i;
    }
    if (WordAt(e)) return i;
    return e;
  }

  // Length of a dash (ASCII or en/em) at `i`, 0 if none.
  size_t DashAt(size_t i) const {
    if (At(i) == '-') return 1;
    size_t n;
    char32_t cp = CodePointAt(i, &n);
    return (cp == 0x2013 || cp == 0x2014) ? n - i : 0;
  }

  // One side of a range: a number or a clock time. Returns the end, `i` if nothing numeric.
  size_t ScanSimpleNumberOrTime(size_t i, bool* is_time) const {
    *is_time = false;
    if (!IsAsciiDigit(At(i))) return i;
    size_t e = ScanDigits(i);
    if (At(e) == ':' && IsAsciiDigit(At(e + 1)) && IsAsciiDigit(At(e + 2)) && !IsAsciiDigit(At(e + 3))) {
      e += 3;
      *is_time = true;
    } else if (At(e) == '.' && IsAsciiDigit(At(e + 1))) {
      e = ScanDigits(e + 1);
    }
    if (size_t ap = MatchAmPm(e); ap > e && e - i <= 5) {
      e = ap;
      *is_time = true;
    }
    return e;
  }

  size_t ScanNumeric(size_t start, size_t i, uint8_t flags) {
    const size_t d1 = ScanDigits(i);
    const size_t n1 = d1 - i;
    // ISO date 2023-05-08.
    if (n1 == 4 && At(d1) == '-' && IsAsciiDigit(At(d1 + 1)) && IsAsciiDigit(At(d1 + 2)) &&
        At(d1 + 3) == '-' && IsAsciiDigit(At(d1 + 4)) && IsAsciiDigit(At(d1 + 5)) &&
        !IsAsciiDigit(At(d1 + 6)) && flags == 0) {
      Emit(start, d1 + 6, TokenKind::kDate);
      return d1 + 6;
    }
    // Slash dates 05/08/2023 and fractions 1/2, 24/7.
    if (At(d1) == '/' && IsAsciiDigit(At(d1 + 1)) && flags == 0) {
      size_t d2 = ScanDigits(d1 + 1);
      if (n1 <= 2 && d2 - d1 - 1 <= 2 && At(d2) == '/' && IsAsciiDigit(At(d2 + 1))) {
        size_t d3 = ScanDigits(d2 + 1);
        if (d3 - d2 - 1 == 2 || d3 - d2 - 1 == 4) {
          Emit(start, d3, TokenKind::kDate);
          return d3;
        }
      }
      Emit(start, d2, TokenKind::kNumber);
      return d2;
    }
    size_t e = d1;
    bool is_time = false;
    bool plain_integer = true;
    if (At(e) == ':' && IsAsciiDigit(At(e + 1)) && IsAsciiDigit(At(e + 2)) && n1 <= 2 &&
        !IsAsciiDigit(At(e + 3))) {
      e += 3;
      if (At(e) == ':' && IsAsciiDigit(At(e + 1)) && IsAsciiDigit(At(e + 2))) e += 3;  // seconds
      is_time = true;
      plain_integer = false;
    } else {
      // Grouping commas and decimal points; "1.2.3" and "192.168.0.1" stay whole too.
      while ((At(e) == ',' || At(e) == '.') && IsAsciiDigit(At(e + 1))) {
        e = ScanDigits(e + 1);
        plain_integer = false;
      }
    }
    if (size_t ap = MatchAmPm(e); ap > e && (is_time || (plain_integer && n1 <= 2))) {
      e = ap;
      is_time = true;
    }
    // Ranges: "9-12", "9–12", "9am-5pm", "10:00-11:30"; "555-123-4567" stays one number.
    if (flags == 0) {
      if (size_t dl = DashAt(e); dl > 0 && IsAsciiDigit(At(e + dl))) {
        bool rhs_time = false;
        size_t r = ScanSimpleNumberOrTime(e + dl, &rhs_time);
        if (r > e + dl && !(At(r) == '-' && IsAsciiDigit(At(r + 1)))) {
          Emit(start, r, TokenKind::kRange);
          return r;
        }
        // Several dash-joined groups: phone numbers, codes.
        size_t g = e;
        while (At(g) == '-' && IsAsciiDigit(At(g + 1))) g = ScanDigits(g + 1);
        Emit(start, g, TokenKind::kNumber);
        return g;
      }
    }
    if (is_time) {
      Emit(start, e, TokenKind::kTime);
      return e;
    }
    if (At(e) == '%') {
      Emit(start, e + 1, TokenKind::kNumber, flags | kFlagPercent);
      return e + 1;
    }
    if (plain_integer && flags == 0) {
      const char a = Lower(At(e));
      const char b = Lower(At(e + 1));
      if (((a == 's' && b == 't') || (a == 'n' && b == 'd') || (a == 'r' && b == 'd') ||
           (a == 't' && b == 'h')) &&
          !WordAt(e + 2)) {
        Emit(start, e + 2, TokenKind::kOrdinal);
        return e + 2;
      }
    }
    // Magnitude suffixes: $1M, 10k, 3bn, 2B.
    const char a = Lower(At(e));
    if ((a == 'k' || a == 'm' || a == 'b') && !WordAt(e + 1)) {
      Emit(start, e + 1, TokenKind::kNumber, flags);
      return e + 1;
    }
    if (a == 'b' && Lower(At(e + 1)) == 'n' && !WordAt(e + 2)) {
      Emit(start, e + 2, TokenKind::kNumber, flags);
      return e + 2;
    }
    if (WordAt(e) && flags == 0 && plain_integer) return ScanWord(start);  // "3d", "4g", "2fa"
    Emit(start, e, TokenKind::kNumber, flags);
    return e;
  }

  size_t ScanWordChars(size_t i) const {
    while (i < s_.size()) {
      size_t n;
      if (!IsWordCodePoint(CodePointAt(i, &n))) break;
      i = n;
    }
    return i;
  }

  // Dotted acronym at `i` ("U.S.", "e.g.", "a.m."): returns the end including the last dot, or `i`.
  size_t MatchAcronym(size_t i) const {
    size_t e = i;
    int pairs = 0;
    while (IsAsciiAlpha(At(e)) && At(e + 1) == '.' && IsAsciiAlpha(At(e + 2)) && At(e + 3) == '.') {
      e += 2;
      ++pairs;
    }
    if (pairs == 0) return i;
    // e is at the last letter; it must be followed by '.' and then a non-letter.
    if (IsAsciiAlpha(At(e)) && At(e + 1) == '.' && !IsAsciiAlnum(At(e + 2))) return e + 2;
    return i;
  }

  size_t ScanWord(size_t i) {
    if (size_t a = MatchAcronym(i); a > i) {
      Emit(i, a, TokenKind::kWord, kFlagAcronym);
      return a;
    }
    size_t e = ScanWordChars(i);
    for (;;) {
      size_t after_apos;
      char32_t cp = CodePointAt(e, &after_apos);
      if (!IsApostrophe(cp)) break;
      size_t suffix_end = ScanWordChars(after_apos);
      if (suffix_end == after_apos) {
        // Trailing apostrophe: plural possessive "parents'".
        if (e > i && Lower(s_[e - 1]) == 's') {
          Emit(i, e, TokenKind::kWord, kFlagPossessive);
          return after_apos;
        }
        break;
      }
      if (EmitClitic(i, e, after_apos, suffix_end)) return suffix_end;
      e = suffix_end;  // "O'Brien", "rock'n'roll": the apostrophe is part of the word
    }
    Emit(i, e, TokenKind::kWord);
    return e;
  }

  // Handles word[i,apos) + apostrophe + suffix[sfx,sfx_end). Returns false when it is not a clitic.
  bool EmitClitic(size_t i, size_t apos, size_t sfx, size_t sfx_end) {
    char suffix[4] = {0, 0, 0, 0};
    if (sfx_end - sfx > 3) return false;
    for (size_t k = sfx; k < sfx_end; ++k) suffix[k - sfx] = Lower(s_[k]);
    const std::string_view suf(suffix);
    std::string_view base(s_.substr(i, apos - i));
    auto base_is = [&](std::string_view w) {
      if (base.size() != w.size()) return false;
      for (size_t k = 0; k < w.size(); ++k) {
        if (Lower(base[k]) != w[k]) return false;
      }
      return true;
    };
    if (suf == "t" && base.size() >= 2 && Lower(base.back()) == 'n') {
      // "don't" -> "do" + "n't"; irregular bases get an expansion.
      const size_t n_pos = apos - 1;
      std::string_view exp;
      if (base_is("can")) {
        exp = "can";  // "can't": "ca" is never a word of its own
      } else if (base_is("won")) {
        exp = "will";
      } else if (base_is("shan")) {
        exp = "shall";
      } else if (base_is("ain")) {
        exp = "be";
      }
      Emit(i, n_pos, TokenKind::kWord, 0, exp);
      Emit(n_pos, sfx_end, TokenKind::kWord, kFlagContraction, "not");
      return true;
    }
    std::string_view exp;
    if (suf == "s") {
      static constexpr std::string_view kIsBases[] = {"it", "he", "she", "that", "what", "who",
                                                      "where", "there", "here", "how", "when", "why"};
      if (base_is("let")) {
        exp = "us";
      } else {
        for (auto b : kIsBases) {
          if (base_is(b)) exp = "is";
        }
      }
      if (exp.empty()) {
        Emit(i, apos, TokenKind::kWord, kFlagPossessive);
        return true;
      }
    } else if (suf == "re") {
      exp = "are";
    } else if (suf == "ve") {
      exp = "have";
    } else if (suf == "ll") {
      exp = "will";
    } else if (suf == "d") {
      exp = "would";
    } else if (suf == "m") {
      exp = "am";
    } else {
      return false;
    }
    Emit(i, apos, TokenKind::kWord);
    Emit(apos, sfx_end, TokenKind::kWord, kFlagContraction, exp);
    return true;
  }

  std::string_view s_;
  std::vector<Token>* out_;
};

}  // namespace

bool IsLetterCodePoint(char32_t cp) {
  if (cp < 0x80) return IsAsciiAlpha(static_cast<char>(cp));
  const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

bool IsWordCodePoint(char32_t cp) {
  if (cp < 0x80) return IsAsciiAlnum(static_cast<char>(cp)) || cp == '_';
  if (cp == 0xFFFD) return false;
  const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ND);  // L*, M*, Nd
}

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kWord: return "word";
    case TokenKind::kNumber: return "number";
    case TokenKind::kOrdinal: return "ordinal";
    case TokenKind::kTime: return "time";
    case TokenKind::kRange: return "range";
    case TokenKind::kDate: return "date";
    case TokenKind::kEmail: return "email";
    case TokenKind::kUrl: return "url";
    case TokenKind::kHashtag: return "hashtag";
    case TokenKind::kMention: return "mention";
  }
  return "word";
}

void TokenizeInto(std::string_view text, std::vector<Token>* out) {
  out->clear();
  if (text.size() > std::numeric_limits<uint32_t>::max()) {
    text = text.substr(0, std::numeric_limits<uint32_t>::max());
  }
  out->reserve(text.size() / 5 + 4);
  Scanner(text, out).Run();
}

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> out;
  TokenizeInto(text, &out);
  return out;
}

}  // namespace engram::text
