#include "embed/embedder.h"

#include <cmath>

namespace engram::embed {

Embedder::~Embedder() = default;

float Cosine(const Vector& a, const Vector& b) {
  if (a.size() != b.size() || a.empty()) return 0.0f;
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  if (na == 0 || nb == 0) return 0.0f;
  return static_cast<float>(dot / (std::sqrt(na) * std::sqrt(nb)));
}

}  // namespace engram::embed
