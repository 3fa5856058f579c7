#include "embed/hash_embedder.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "common/crypto.h"

namespace engram::embed {
namespace {

// FNV-1a's low bits mix poorly for short keys; a splitmix64 finalizer spreads them so `h % dim`
// is uniform for any dim. Pure integer arithmetic, so identical on every platform.
uint64_t Mix(uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

// Byte length of the code point at s[i]: the lead byte plus the continuation bytes that actually
// follow it (at most what the lead announces). Malformed input degrades to shorter units but the scan
// always advances and never reads past the end.
size_t CodePointLength(std::string_view s, size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  size_t want = 1;
  if ((lead & 0xE0) == 0xC0) {
    want = 2;
  } else if ((lead & 0xF0) == 0xE0) {
    want = 3;
  } else if ((lead & 0xF8) == 0xF0) {
    want = 4;
  }
  size_t n = 1;
  while (n < want && i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
  return n;
}

bool IsAsciiWordChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

class Accumulator {
 public:
  explicit Accumulator(int dim) : sums_(static_cast<size_t>(dim), 0.0) {}

  // `kind` namespaces the hash so the word "cat" and the trigram "cat" land independently.
  void Add(char kind, std::string_view feature, double weight) {
    key_.clear();
    key_.push_back(kind);
    key_.push_back(':');
    key_.append(feature);
    const uint64_t h = Mix(Fnv1a64(key_));
    const size_t bucket = static_cast<size_t>(h % sums_.size());
    // The sign bit is the top bit, independent of the low bits the bucket mostly depends on.
    sums_[bucket] += (h >> 63) ? -weight : weight;
  }

  Vector Normalized() const {
    double norm = 0;
    for (double v : sums_) norm += v * v;
    Vector out(sums_.size(), 0.0f);
    if (norm == 0) return out;
    const double inv = 1.0 / std::sqrt(norm);
    for (size_t i = 0; i < sums_.size(); ++i) out[i] = static_cast<float>(sums_[i] * inv);
    return out;
  }

 private:
  std::vector<double> sums_;
  std::string key_;
};

}  // namespace

HashEmbedder::HashEmbedder(HashEmbedderOptions options) : options_(options) {
  if (options_.dim < 1) options_.dim = 1;
  name_ = "hash-v1/" + std::to_string(options_.dim);
}

Vector HashEmbedder::EmbedOne(std::string_view text) const {
  Accumulator acc(options_.dim);
  std::string word;
  std::vector<size_t> starts;  // byte offset of each code point in the padded word
  std::string padded;

  auto flush = [&] {
    if (word.empty()) return;
    acc.Add('w', word, options_.word_weight);
    padded.clear();
    padded.push_back('<');
    padded.append(word);
    padded.push_back('>');
    starts.clear();
    for (size_t i = 0; i < padded.size(); i += CodePointLength(padded, i)) starts.push_back(i);
    starts.push_back(padded.size());  // sentinel: a trigram spans code points [k, k+3)
    const size_t cps = starts.size() - 1;
    for (size_t k = 0; k + 3 <= cps; ++k) {
      acc.Add('t', std::string_view(padded).substr(starts[k], starts[k + 3] - starts[k]),
              options_.trigram_weight);
    }
    word.clear();
  };

  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (IsAsciiWordChar(c)) {
        word.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
      } else {
        flush();
      }
      ++i;
    } else {
      // Non-ASCII code points count as word characters: no locale-dependent classification, so the
      // result is the same everywhere (callers wanting case folding beyond ASCII normalize first).
      const size_t n = CodePointLength(text, i);
      word.append(text.substr(i, n));
      i += n;
    }
  }
  flush();
  return acc.Normalized();
}

Result<std::vector<Vector>> HashEmbedder::Embed(const std::vector<std::string>& texts) {
  std::vector<Vector> out;
  out.reserve(texts.size());
  for (const auto& t : texts) out.push_back(EmbedOne(t));
  return out;
}

}  // namespace engram::embed
