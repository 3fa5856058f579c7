// Unicode normalization for matching: the one place that decides when two spellings are "the same".
//
// Normalize() applies NFKC, case folding and (by default) accent stripping, maps typographic
// punctuation to ASCII (’ -> ', “ -> ", – — -> -), and drops default-ignorable code points (soft
// hyphen, zero-width joiners). Invalid UTF-8 never fails: each bad byte becomes U+FFFD first.
// Offsets are NOT preserved (lengths change), so callers that need byte ranges tokenize the original
// text and normalize token by token (see tokenizer.h, analyzer.h).
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace engram::text {

struct NormalizeOptions {
  bool case_fold = true;          // "Straße" -> "strasse", "ABC" -> "abc"
  bool strip_accents = true;      // "café" -> "cafe" (utf8proc STRIPMARK)
  bool ascii_punctuation = true;  // curly quotes, dashes, primes -> ASCII
};

// Normalizes `text` for matching. Pure ASCII input takes a fast path (lower-casing only).
std::string Normalize(std::string_view text, const NormalizeOptions& options = {});
// Same, appending to `out` (which is cleared first): lets hot loops reuse one buffer.
void NormalizeInto(std::string_view text, const NormalizeOptions& options, std::string* out);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view text);
// Copy of `text` with every byte that is not part of a valid sequence replaced by U+FFFD.
std::string SanitizeUtf8(std::string_view text);

// Decodes the code point at `text[*pos]` and advances `*pos` past it. An invalid byte yields
// U+FFFD and advances by one, so loops over arbitrary bytes always terminate.
char32_t DecodeUtf8(std::string_view text, size_t* pos);
// Appends the UTF-8 encoding of `cp` to `out`.
void AppendUtf8(char32_t cp, std::string* out);

// ASCII replacement for typographic punctuation (’ ‘ ′ -> ', “ ” -> ", ‐ ‑ ‒ – — ― − -> -), or 0.
char AsciiPunctuationFor(char32_t cp);

}  // namespace engram::text
