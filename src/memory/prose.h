// Prose shaping for the text Engram writes itself (profile summaries, extractive answers): turning a
// stored statement into a sentence, and fitting sentences into a character budget without cutting one
// in half.
//
// Lengths are counted in Unicode code points (what a client counting characters sees), never bytes.
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace engram::memory::prose {

// Whitespace runs -> one space, trimmed.
std::string Clean(std::string_view s);
// ASCII lower-casing (names and keys are compared this way; non-ASCII bytes are kept).
std::string Lower(std::string_view s);
// One statement as a sentence: list bullets dropped, first letter capitalized, a full stop added
// when it ends without one (a trailing , ; : is replaced). "" for a blank statement.
std::string AsSentence(std::string_view statement);
// The same without the full stop, for a statement followed by more text (a citation, a date).
std::string AsClause(std::string_view statement);

// A text longer than `max_chars`: the whole words that fit, then "…" (within max_chars). Cuts inside
// a word only when the first word alone is too long. "" when max_chars is 0.
std::string CutAtWord(std::string_view s, size_t max_chars);
// Whole sentences, joined by one space, while they fit in `max_chars`; stops at the first that does
// not fit. When not even the first fits, that one cut by CutAtWord.
std::string FitSentences(const std::vector<std::string>& sentences, size_t max_chars);

}  // namespace engram::memory::prose
