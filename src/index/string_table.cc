#include "index/string_table.h"

#include <cstring>

namespace engram::index {

uint32_t StringTable::Hash(std::string_view s) {
  // 8 bytes per step (terms are short: usually one or two steps), then a final avalanche so the
  // low bits used for the slot index depend on every byte.
  uint64_t h = 0x9e3779b97f4a7c15ull ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, s.data() + i, s.size() - i);
  h = (h ^ tail) * 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 29;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 32;
  return static_cast<uint32_t>(h);
}

// A slot packs the string's hash (high half) with its id (low half), so a probe rejects a
// mismatch without touching the arena: one cache miss per lookup instead of three.
namespace {
constexpr uint64_t kEmptySlot = UINT64_MAX;
inline uint64_t Pack(uint32_t hash, uint32_t id) { return (static_cast<uint64_t>(hash) << 32) | id; }
}  // namespace

uint32_t StringTable::Find(std::string_view s) const {
  if (slots_.empty()) return kNone;
  const uint32_t h = Hash(s);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const uint64_t slot = slots_[i];
    if (slot == kEmptySlot) return kNone;
    const auto id = static_cast<uint32_t>(slot);
    if ((slot >> 32) == h && Get(id) == s) return id;
  }
}

void StringTable::Grow() {
  const size_t n = slots_.empty() ? 16 : slots_.size() * 2;
  std::vector<uint64_t> old = std::move(slots_);
  slots_.assign(n, kEmptySlot);
  const size_t mask = n - 1;
  for (uint64_t slot : old) {
    if (slot == kEmptySlot) continue;
    size_t i = (slot >> 32) & mask;
    while (slots_[i] != kEmptySlot) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

uint32_t StringTable::Intern(std::string_view s) {
  // Load factor <= 1/2 keeps probe sequences short.
  if ((size() + 1) * 2 > slots_.size()) Grow();
  const uint32_t h = Hash(s);
  const size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  for (;; i = (i + 1) & mask) {
    const uint64_t slot = slots_[i];
    if (slot == kEmptySlot) break;
    const auto id = static_cast<uint32_t>(slot);
    if ((slot >> 32) == h && Get(id) == s) return id;
  }
  const uint32_t id = size();
  arena_.append(s);
  offsets_.push_back(static_cast<uint32_t>(arena_.size()));
  slots_[i] = Pack(h, id);
  return id;
}

void StringTable::Clear() {
  arena_.clear();
  offsets_.assign(1, 0);
  slots_.clear();
}

size_t StringTable::MemoryBytes() const {
  return arena_.capacity() + offsets_.capacity() * sizeof(uint32_t) + slots_.capacity() * sizeof(uint64_t);
}

}  // namespace engram::index
