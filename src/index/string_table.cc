#include "index/string_table.h"

namespace engram::index {

uint32_t StringTable::Hash(std::string_view s) {
  // FNV-1a, then a final avalanche so low bits (used for the slot index) depend on every byte.
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  return h;
}

uint32_t StringTable::Find(std::string_view s) const {
  if (slots_.empty()) return kNone;
  const uint32_t h = Hash(s);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const uint32_t id = slots_[i];
    if (id == kNone) return kNone;
    if (hashes_[id] == h && Get(id) == s) return id;
  }
}

void StringTable::Grow() {
  const size_t n = slots_.empty() ? 16 : slots_.size() * 2;
  slots_.assign(n, kNone);
  const size_t mask = n - 1;
  for (uint32_t id = 0; id < hashes_.size(); ++id) {
    size_t i = hashes_[id] & mask;
    while (slots_[i] != kNone) i = (i + 1) & mask;
    slots_[i] = id;
  }
}

uint32_t StringTable::Intern(std::string_view s) {
  // Load factor <= 1/2 keeps probe sequences short.
  if ((hashes_.size() + 1) * 2 > slots_.size()) Grow();
  const uint32_t h = Hash(s);
  const size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  for (;; i = (i + 1) & mask) {
    const uint32_t id = slots_[i];
    if (id == kNone) break;
    if (hashes_[id] == h && Get(id) == s) return id;
  }
  const auto id = static_cast<uint32_t>(hashes_.size());
  arena_.append(s);
  offsets_.push_back(static_cast<uint32_t>(arena_.size()));
  hashes_.push_back(h);
  slots_[i] = id;
  return id;
}

void StringTable::Clear() {
  arena_.clear();
  offsets_.assign(1, 0);
  hashes_.clear();
  slots_.clear();
}

size_t StringTable::MemoryBytes() const {
  return arena_.capacity() + (offsets_.capacity() + hashes_.capacity() + slots_.capacity()) * sizeof(uint32_t);
}

}  // namespace engram::index
