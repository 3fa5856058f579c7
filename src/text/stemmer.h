// English Snowball stemming through libstemmer ("running" -> "run", "meetings" -> "meet").
//
// Input must already be normalized (lower-case UTF-8, see normalize.h); the stemmer does not fold.
// A Stemmer object wraps one libstemmer instance, which keeps internal buffers: one Stemmer is NOT
// thread-safe. Either give each thread its own, or call StemEnglish(), which uses a lazily created
// thread_local instance and is therefore safe to call from any number of threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace engram::text {

class Stemmer {
 public:
  Stemmer();  // English; aborts only if libstemmer lacks "english" (a packaging bug)
  ~Stemmer();
  Stemmer(const Stemmer&) = delete;
  Stemmer& operator=(const Stemmer&) = delete;

  // Stems one lower-case word. Words shorter than 3 bytes, and words with digits, are returned as is.
  std::string Stem(std::string_view word);
  // Same, writing into `out` (reusing its capacity).
  void StemInto(std::string_view word, std::string* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Stems with the calling thread's own Stemmer. Thread-safe.
std::string StemEnglish(std::string_view word);
void StemEnglishInto(std::string_view word, std::string* out);

}  // namespace engram::text
