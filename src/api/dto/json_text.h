// JsonText: writes JSON text directly, for a response on the hot path (/chunks), where building a
// nlohmann tree only to dump it was a few percent of a search.
//
// Members and elements are separated automatically; strings are escaped as JSON requires, and a
// string that is not valid UTF-8 is written with the bad bytes replaced (as Dump() does). Numbers
// are written in their shortest round-trip form, with ".0" on whole doubles as nlohmann writes them;
// a NaN or infinity is written null. Raw() inserts text the caller vouches is one JSON value.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace engram::api::dto {

class JsonText {
 public:
  JsonText& BeginObject() { return Open('{'); }
  JsonText& EndObject() { return Close('}'); }
  JsonText& BeginArray() { return Open('['); }
  JsonText& EndArray() { return Close(']'); }
  // The next member's name (inside an object).
  JsonText& Key(std::string_view key);
  JsonText& String(std::string_view s);
  JsonText& Double(double v);
  JsonText& Int(int64_t v);
  JsonText& Bool(bool v);
  JsonText& Raw(std::string_view json);
  // Shorthands for a member.
  JsonText& Member(std::string_view key, std::string_view s) { return Key(key).String(s); }
  JsonText& Member(std::string_view key, const char* s) { return Key(key).String(s); }
  JsonText& Member(std::string_view key, double v) { return Key(key).Double(v); }
  JsonText& Member(std::string_view key, int64_t v) { return Key(key).Int(v); }
  JsonText& Member(std::string_view key, bool v) { return Key(key).Bool(v); }
  JsonText& Member(std::string_view key, const std::vector<std::string>& strings);

  std::string Take() { return std::move(out_); }

 private:
  JsonText& Open(char c);
  JsonText& Close(char c);
  void BeforeValue();  // the comma between elements (not after a key)

  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

// Appends `s` as a JSON string literal (quotes included).
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace engram::api::dto
