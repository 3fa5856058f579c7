// Hashing and random identifiers (OpenSSL underneath). Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace engram {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
// `n` cryptographically random bytes as lower-case hex (2n characters).
std::string RandomHex(size_t n);
// A new identifier `<prefix><16 random hex chars>`, e.g. NewId("usr_").
std::string NewId(std::string_view prefix);
// 64-bit FNV-1a, for in-memory hashing where collisions only cost time.
uint64_t Fnv1a64(std::string_view data);

}  // namespace engram
