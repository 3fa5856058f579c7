#include "memory/term_set.h"

#include <algorithm>

#include "text/analyzer.h"

namespace engram::memory {

TermSet MakeTermSet(std::string_view text) {
  TermSet terms = text::AnalyzeToStrings(text);
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  return terms;
}

namespace {
size_t IntersectionSize(const TermSet& a, const TermSet& b) {
  size_t n = 0;
  for (auto i = a.begin(), j = b.begin(); i != a.end() && j != b.end();) {
    if (*i < *j) {
      ++i;
    } else if (*j < *i) {
      ++j;
    } else {
      ++n, ++i, ++j;
    }
  }
  return n;
}
}  // namespace

double Jaccard(const TermSet& a, const TermSet& b) {
  if (a.empty() && b.empty()) return 0.0;
  const size_t inter = IntersectionSize(a, b);
  return static_cast<double>(inter) / static_cast<double>(a.size() + b.size() - inter);
}

bool ContainedIn(const TermSet& part, const TermSet& whole) {
  return !part.empty() && std::includes(whole.begin(), whole.end(), part.begin(), part.end());
}

bool AddsNothing(const TermSet& a, const TermSet& b, double threshold) {
  return ContainedIn(a, b) || (!a.empty() && Jaccard(a, b) >= threshold);
}

}  // namespace engram::memory
