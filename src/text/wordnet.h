// WordNet synonyms: query expansion from the Princeton WordNet files shipped by Debian's
// wordnet-base (/usr/share/wordnet: index.{noun,verb,adj,adv}, data.*, *.exc).
//
// Synonyms("car", 5) -> {"auto", "automobile", "machine", "motorcar", ...}: single-word lemmas of the
// first senses of the word (WordNet lists senses most frequent first), most frequent part of speech
// first, the word itself and multi-word lemmas excluded. Inflected input is reduced to its base form
// first, with the *.exc exception lists plus the usual detachment rules ("dogs" -> "dog", "running"
// -> "run", "geese" -> "goose").
//
// Files are read lazily on the first call (about 25 MB read once, well under a second) and reduced
// to compact tables: only the first senses of each lemma are kept (about 9 MB, see MemoryBytes()).
// Missing or unreadable files are not an error: every lookup then returns empty.
// Thread-safe: loading happens once under std::call_once; afterwards the tables are immutable.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace engram::text {

struct WordNetOptions {
  std::string dir = "/usr/share/wordnet";
  size_t senses_per_lemma = 2;  // how many of the most frequent senses contribute synonyms
};

class WordNet {
 public:
  explicit WordNet(WordNetOptions options = {});
  ~WordNet();
  WordNet(const WordNet&) = delete;
  WordNet& operator=(const WordNet&) = delete;

  // Up to `max` synonyms of `word` (any case, inflected or not), most relevant first.
  std::vector<std::string> Synonyms(std::string_view word, size_t max) const;
  // Base forms of `word` known to WordNet in any part of speech ("running" -> "running", "run").
  std::vector<std::string> BaseForms(std::string_view word) const;
  // Loads now if not yet loaded; false when the files are missing (lookups then return empty).
  bool Load() const;
  // Approximate heap bytes held by the loaded tables (0 before loading).
  size_t MemoryBytes() const;

 private:
  struct Data;
  const Data* EnsureLoaded() const;

  WordNetOptions options_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<Data> data_;  // written once inside call_once, then read-only
};

}  // namespace engram::text
