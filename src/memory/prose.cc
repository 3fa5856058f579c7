#include "memory/prose.h"

#include "common/strings.h"

namespace engram::memory::prose {
namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // "…"

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Byte offset just past the first `n` code points of `s`.
size_t PrefixBytes(std::string_view s, size_t n) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (seen == n) return i;
      ++seen;
    }
  }
  return s.size();
}

}  // namespace

std::string Clean(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (IsSpace(c)) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string Lower(std::string_view s) { return AsciiLower(s); }

std::string AsClause(std::string_view statement) {
  std::string s = Clean(statement);
  size_t start = 0;
  for (;;) {
    if (start < s.size() && (s[start] == '-' || s[start] == '*' || s[start] == ' ')) {
      ++start;
    } else if (s.compare(start, 3, "\xE2\x80\xA2") == 0) {  // "•"
      start += 3;
    } else {
      break;
    }
  }
  s = Clean(std::string_view(s).substr(start));
  while (!s.empty() && (s.back() == ',' || s.back() == ';' || s.back() == ':' || s.back() == '.' ||
                        s.back() == ' ')) {
    s.pop_back();
  }
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string AsSentence(std::string_view statement) {
  std::string s = Clean(statement);
  std::string end = ".";
  if (EndsWith(s, kEllipsis)) {
    end = std::string(kEllipsis);
    s.resize(s.size() - kEllipsis.size());
  } else if (!s.empty() && (s.back() == '!' || s.back() == '?')) {
    end = std::string(1, s.back());
    s.pop_back();
  }
  s = AsClause(s);
  return s.empty() ? s : s + end;
}

std::string CutAtWord(std::string_view s, size_t max_chars) {
  if (max_chars == 0) return "";
  if (Utf8Length(s) <= max_chars) return std::string(s);
  const size_t keep = PrefixBytes(s, max_chars - 1);  // one code point left for "…"
  size_t cut = keep;
  if (keep < s.size() && !IsSpace(s[keep])) {
    const size_t space = s.substr(0, keep).find_last_of(' ');
    if (space != std::string_view::npos && space > 0) cut = space;  // else one huge word: cut inside it
  }
  std::string out(s.substr(0, cut));
  while (!out.empty() && (IsSpace(out.back()) || out.back() == ',' || out.back() == ';' || out.back() == ':' ||
                          out.back() == '-' || out.back() == '(')) {
    out.pop_back();
  }
  return out + std::string(kEllipsis);
}

std::string FitSentences(const std::vector<std::string>& sentences, size_t max_chars) {
  std::string out;
  size_t used = 0;
  for (const std::string& s : sentences) {
    if (s.empty()) continue;
    const size_t n = Utf8Length(s) + (out.empty() ? 0 : 1);
    if (used + n > max_chars) {
      if (out.empty()) return CutAtWord(s, max_chars);
      break;
    }
    if (!out.empty()) out.push_back(' ');
    out += s;
    used += n;
  }
  return out;
}

}  // namespace engram::memory::prose
