#include "text/stemmer.h"

#include <libstemmer.h>

#include <cstdlib>

namespace engram::text {

struct Stemmer::Impl {
  sb_stemmer* stemmer = nullptr;
};

Stemmer::Stemmer() : impl_(std::make_unique<Impl>()) {
  impl_->stemmer = sb_stemmer_new("english", nullptr);  // nullptr: UTF-8
  if (impl_->stemmer == nullptr) std::abort();
}

Stemmer::~Stemmer() { sb_stemmer_delete(impl_->stemmer); }

void Stemmer::StemInto(std::string_view word, std::string* out) {
  bool stemmable = word.size() >= 3;
  for (char c : word) {
    if (c >= '0' && c <= '9') stemmable = false;
  }
  if (!stemmable) {
    out->assign(word);
    return;
  }
  const sb_symbol* s = sb_stemmer_stem(impl_->stemmer, reinterpret_cast<const sb_symbol*>(word.data()),
                                       static_cast<int>(word.size()));
  if (s == nullptr) {  // out of memory inside libstemmer
    out->assign(word);
    return;
  }
  out->assign(reinterpret_cast<const char*>(s), static_cast<size_t>(sb_stemmer_length(impl_->stemmer)));
}

std::string Stemmer::Stem(std::string_view word) {
  std::string out;
  StemInto(word, &out);
  return out;
}

void StemEnglishInto(std::string_view word, std::string* out) {
  thread_local Stemmer stemmer;
  stemmer.StemInto(word, out);
}

std::string StemEnglish(std::string_view word) {
  std::string out;
  StemEnglishInto(word, &out);
  return out;
}

}  // namespace engram::text
