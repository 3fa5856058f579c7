// Sentence splitter: byte ranges of the sentences of a text.
//
// Splits after . ! ? … (and runs like "?!" or "..."), with any closing quotes/brackets kept in the
// sentence, when followed by whitespace or the end; and at every newline (chat messages and lists put
// one thought per line). Does not split after titles ("Mr.", "Dr."), initials ("J. Smith"), "e.g.",
// "i.e.", inside numbers, e-mails and URLs (no whitespace follows the dot), nor after "a.m.", "U.S.",
// "etc." or an ellipsis unless the next word starts with a capital letter or digit.
// Ranges are trimmed of surrounding whitespace; empty sentences are omitted.
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace engram::text {

struct SentenceSpan {
  size_t begin = 0;  // byte offsets into the input; text.substr(begin, end - begin)
  size_t end = 0;
};

std::vector<SentenceSpan> SplitSentences(std::string_view text);

}  // namespace engram::text
