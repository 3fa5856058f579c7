#include "text/chunker.h"

#include <algorithm>

#include "text/sentences.h"

namespace engram::text {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

struct Unit {
  size_t begin;
  size_t end;
  bool starts_paragraph;  // preceded by a blank line
};

// Cuts [b, e) into pieces of at most `max` bytes, preferring the last whitespace in each window.
void SplitLong(std::string_view s, size_t b, size_t e, size_t max, bool paragraph, std::vector<Unit>* out) {
  while (e - b > max) {
    size_t cut = b + max;
    size_t ws = cut;
    while (ws > b + max / 2 && !IsSpace(s[ws])) --ws;
    if (ws > b + max / 2) {
      cut = ws;
    } else {
      while (cut > b + 1 && IsContinuationByte(s[cut])) --cut;  // stay on a code point boundary
    }
    size_t piece_end = cut;
    while (piece_end > b && IsSpace(s[piece_end - 1])) --piece_end;
    out->push_back({b, piece_end, paragraph});
    paragraph = false;
    b = cut;
    while (b < e && IsSpace(s[b])) ++b;
  }
  if (e > b) out->push_back({b, e, paragraph});
}

std::vector<Unit> Units(std::string_view s, size_t max) {
  std::vector<Unit> units;
  size_t prev_end = 0;
  for (const SentenceSpan& sp : SplitSentences(s)) {
    // A blank line between two sentences marks a new paragraph.
    size_t newlines = 0;
    for (size_t k = prev_end; k < sp.begin; ++k) newlines += s[k] == '\n';
    SplitLong(s, sp.begin, sp.end, max, !units.empty() && newlines >= 2, &units);
    prev_end = sp.end;
  }
  return units;
}

ChunkSpan MakeChunk(std::string_view s, size_t b, size_t e) {
  return ChunkSpan{b, e, std::string(s.substr(b, e - b))};
}

}  // namespace

std::vector<ChunkSpan> ChunkText(std::string_view text, const ChunkOptions& options) {
  std::vector<ChunkSpan> chunks;
  const size_t max = std::max<size_t>(options.max_chars, 16);
  size_t tb = 0, te = text.size();
  while (tb < te && IsSpace(text[tb])) ++tb;
  while (te > tb && IsSpace(text[te - 1])) --te;
  if (tb == te) return chunks;
  if (options.message_mode && te - tb <= max) {
    chunks.push_back(MakeChunk(text, tb, te));
    return chunks;
  }
  const std::vector<Unit> units = Units(text, max);
  const size_t overlap = options.message_mode ? 0 : std::min(options.overlap_chars, max / 2);

  size_t first = 0;  // first unit of the chunk being built
  while (first < units.size()) {
    size_t last = first;  // inclusive
    while (last + 1 < units.size()) {
      const Unit& next = units[last + 1];
      if (next.end - units[first].begin > max) break;
      const size_t filled = units[last].end - units[first].begin;
      if (!options.message_mode && next.starts_paragraph && filled >= max / 2) break;
      ++last;
    }
    chunks.push_back(MakeChunk(text, units[first].begin, units[last].end));
    if (last + 1 >= units.size()) break;
    // Overlap: back up over trailing units of this chunk while they fit in `overlap`, but always
    // move forward by at least one unit so the loop terminates.
    size_t next_first = last + 1;
    while (overlap > 0 && next_first - 1 > first &&
           units[last].end - units[next_first - 1].begin <= overlap &&
           units[last + 1].end - units[next_first - 1].begin <= max) {
      --next_first;
    }
    first = next_first;
  }
  return chunks;
}

}  // namespace engram::text
