// StringTable: append-only interning of strings to dense uint32 ids.
//
// Used for the term dictionary, chunk and record ids, small label sets (type, source, speaker,
// session) and record metadata texts of one user's index. All bytes live in one arena, and the hash table is open addressing
// over 8-byte slots holding (hash, id), so an entry costs about 20 bytes plus its characters (a
// std::unordered_map<std::string, uint32_t> costs about 80) and a probe rarely touches the arena. Ids are never reused; a table is
// rebuilt from live strings when its owner compacts.
//
// Thread-safety: const methods may run concurrently; any mutation needs exclusive access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace engram::index {

class StringTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // The id of `s`, interning it if new.
  uint32_t Intern(std::string_view s);
  // The id of `s`, or kNone.
  uint32_t Find(std::string_view s) const;
  std::string_view Get(uint32_t id) const {
    return std::string_view(arena_).substr(offsets_[id], offsets_[id + 1] - offsets_[id]);
  }
  uint32_t size() const { return static_cast<uint32_t>(offsets_.size() - 1); }
  void Clear();
  size_t MemoryBytes() const;

 private:
  static uint32_t Hash(std::string_view s);
  void Grow();

  std::string arena_;
  std::vector<uint32_t> offsets_{0};  // id -> begin in arena_; offsets_[id + 1] is its end
  std::vector<uint64_t> slots_;       // open addressing: hash << 32 | id, all ones = empty; size 2^n
};

}  // namespace engram::index
