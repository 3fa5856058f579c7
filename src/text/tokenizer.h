// Tokenizer: splits raw UTF-8 text into tokens with byte offsets into the ORIGINAL text.
//
// It keeps whole what retrieval must match as a unit: numbers ("3.5", "1,000", "$1M", "50%"),
// ordinals ("8th"), clock times ("2pm", "2 PM", "9:30", "9:30 a.m."), ranges ("9-12", "9–12",
// "9am-5pm"), numeric dates ("2023-05-08", "05/08/2023"), e-mail addresses, URLs, #hashtags and
// @mentions. Words split on punctuation and hyphens. A possessive "'s" is dropped from the token and
// recorded as a flag ("Caroline's" -> "Caroline" + kPossessive); a contraction is split into its base
// and a piece that carries its expansion ("don't" -> "do" + "n't"="not", "Let’s" -> "Let" + "’s"="us").
// Curly apostrophes and en/em dashes are understood without normalizing first.
//
// No normalization happens here (see normalize.h): tokens are views into the input. Tokenizing never
// allocates per token (only the output vector grows), so reuse it with TokenizeInto on hot paths.
// Invalid UTF-8 is skipped byte by byte, never read out of bounds.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace engram::text {

enum class TokenKind : uint8_t {
  kWord,     // letters (and digits mixed in: "Q4", "mp3"); also acronyms "U.S."
  kNumber,   // "3.5", "1,000", "$1M", "50%", "2025", "555-123-4567", "1/2"
  kOrdinal,  // "8th", "1st"
  kTime,     // "2pm", "2 PM", "9:30", "14:00", "9:30 a.m."
  kRange,    // "9-12", "9–12", "9am-5pm", "2020-2023"
  kDate,     // "2023-05-08", "05/08/2023"
  kEmail,    // "ash@example.com"
  kUrl,      // "https://example.com/a?b=c", "www.example.com"
  kHashtag,  // "#selfcare" (includes the '#')
  kMention,  // "@ash" (includes the '@')
};

std::string_view TokenKindName(TokenKind kind);

// Bit flags on Token::flags.
enum TokenFlag : uint8_t {
  kFlagPossessive = 1 << 0,   // "Caroline's", "parents'": the 's / ' is not in the token
  kFlagContraction = 1 << 1,  // this token is the clitic of a contraction ("n't", "'re")
  kFlagAcronym = 1 << 2,      // dotted letters: "U.S.", "e.g."
  kFlagHyphenated = 1 << 3,   // joined to the previous token by a hyphen ("stand-up" -> "up")
  kFlagCurrency = 1 << 4,     // number starts with a currency sign ("$1M")
  kFlagPercent = 1 << 5,      // number ends with '%'
};

struct Token {
  uint32_t begin = 0;  // byte offset of the first byte in the original text
  uint32_t end = 0;    // one past the last byte
  TokenKind kind = TokenKind::kWord;
  uint8_t flags = 0;
  // For contraction pieces (and bases that change, "ca" of "can't"): the word it stands for, a
  // static string ("not", "are", "can"). Empty otherwise.
  std::string_view expansion;

  std::string_view Text(std::string_view source) const { return source.substr(begin, end - begin); }
  bool Has(TokenFlag f) const { return (flags & f) != 0; }
};

// Tokenizes `text`. Offsets are uint32: inputs must be < 4 GiB (longer input is truncated).
std::vector<Token> Tokenize(std::string_view text);
// Same, into `out` (cleared first) so callers can reuse its capacity.
void TokenizeInto(std::string_view text, std::vector<Token>* out);

// Character classes shared by the text modules (Unicode-aware via utf8proc).
bool IsWordCodePoint(char32_t cp);  // letter, mark, decimal digit or '_'
bool IsLetterCodePoint(char32_t cp);

}  // namespace engram::text
