#include "text/normalize.h"

#include <utf8proc.h>

#include <cstdlib>

namespace engram::text {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

// utf8proc calls this for every code point before decomposition, so our punctuation mapping
// composes with NFKC instead of needing a second pass.
utf8proc_int32_t MapPunctuation(utf8proc_int32_t cp, void* /*data*/) {
  char c = AsciiPunctuationFor(static_cast<char32_t>(cp));
  return c != 0 ? static_cast<utf8proc_int32_t>(c) : cp;
}

}  // namespace

char AsciiPunctuationFor(char32_t cp) {
  switch (cp) {
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032: case 0x02BC: case 0xFF07:
      return '\'';
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033: case 0x00AB: case 0x00BB:
      return '"';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212:
    case 0xFE58: case 0xFE63: case 0xFF0D:
      return '-';
    default:
      return 0;
  }
}

char32_t DecodeUtf8(std::string_view s, size_t* pos) {
  size_t i = *pos;
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    *pos = i + 1;
    return b0;
  }
  int len;
  char32_t cp;
  char32_t min;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    *pos = i + 1;
    return kReplacement;
  }
  if (i + len > s.size()) {
    *pos = i + 1;
    return kReplacement;
  }
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      *pos = i + 1;
      return kReplacement;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    *pos = i + 1;
    return kReplacement;
  }
  *pos = i + len;
  return cp;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    size_t before = i;
    char32_t cp = DecodeUtf8(text, &i);
    // A literal U+FFFD in the input is valid; a replacement produced by a bad byte advances by 1.
    if (cp == kReplacement && i - before == 1) return false;
  }
  return true;
}

std::string SanitizeUtf8(std::string_view text) {
  if (IsValidUtf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  size_t i = 0;
  while (i < text.size()) {
    size_t before = i;
    char32_t cp = DecodeUtf8(text, &i);
    if (cp == kReplacement && i - before == 1) {
      AppendUtf8(kReplacement, &out);
    } else {
      out.append(text.substr(before, i - before));
    }
  }
  return out;
}

void NormalizeInto(std::string_view text, const NormalizeOptions& options, std::string* out) {
  out->clear();
  if (IsAscii(text)) {
    // NFKC and accent stripping are identities on ASCII; case folding is lower-casing.
    out->assign(text);
    if (options.case_fold) {
      for (char& c : *out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
    }
    return;
  }
  std::string clean = SanitizeUtf8(text);
  int flags = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_IGNORE;
  if (options.case_fold) flags |= UTF8PROC_CASEFOLD;
  if (options.strip_accents) flags |= UTF8PROC_STRIPMARK;
  utf8proc_uint8_t* mapped = nullptr;
  utf8proc_ssize_t n = utf8proc_map_custom(
      reinterpret_cast<const utf8proc_uint8_t*>(clean.data()),
      static_cast<utf8proc_ssize_t>(clean.size()), &mapped, static_cast<utf8proc_option_t>(flags),
      options.ascii_punctuation ? &MapPunctuation : nullptr, nullptr);
  if (n < 0) {
    // Only out-of-memory can get here after sanitizing; fall back to the sanitized text.
    out->assign(clean);
    return;
  }
  out->assign(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
  std::free(mapped);
}

std::string Normalize(std::string_view text, const NormalizeOptions& options) {
  std::string out;
  NormalizeInto(text, options, &out);
  return out;
}

}  // namespace engram::text
