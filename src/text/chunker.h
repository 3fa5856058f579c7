// Chunker: cuts a record's text into retrievable passages (chunks) on sentence boundaries.
//
// Message mode (events, chat turns): the whole text is one chunk unless it is longer than
// max_chars; then it is packed, sentence by sentence, into chunks of at most max_chars, no overlap.
// Document mode: passages of whole sentences up to max_chars; a new paragraph (blank line) closes a
// passage that is at least half full; each passage after the first starts with the last sentence(s)
// of the previous one, up to overlap_chars, so a fact that straddles a cut is findable in both.
// A single sentence longer than max_chars is cut at whitespace (never inside a UTF-8 sequence).
// Chunks are byte ranges of the original text (whitespace around them trimmed) plus a copy of it.
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace engram::text {

struct ChunkOptions {
  size_t max_chars = 1200;     // upper bound of a chunk, in bytes of UTF-8
  size_t overlap_chars = 150;  // document mode: how much trailing context the next chunk repeats
  bool message_mode = false;   // true for events and chat messages, false for documents
};

struct ChunkSpan {
  size_t begin = 0;  // byte offsets into the input
  size_t end = 0;
  std::string text;  // input.substr(begin, end - begin)
};

std::vector<ChunkSpan> ChunkText(std::string_view text, const ChunkOptions& options = {});

}  // namespace engram::text
