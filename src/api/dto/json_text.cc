#include "api/dto/json_text.h"

#include <charconv>
#include <cmath>

#include "text/normalize.h"

namespace engram::api::dto {

void AppendJsonString(std::string& out, std::string_view s) {
  if (!text::IsValidUtf8(s)) {
    AppendJsonString(out, text::SanitizeUtf8(s));  // valid once the bad bytes are replaced
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

JsonText& JsonText::Open(char c) {
  BeforeValue();
  out_ += c;
  first_.push_back(true);
  return *this;
}

JsonText& JsonText::Close(char c) {
  out_ += c;
  first_.pop_back();
  return *this;
}

void JsonText::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
}

JsonText& JsonText::Key(std::string_view key) {
  BeforeValue();
  AppendJsonString(out_, key);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonText& JsonText::String(std::string_view s) {
  BeforeValue();
  AppendJsonString(out_, s);
  return *this;
}

JsonText& JsonText::Double(double v) {
  BeforeValue();
  if (!std::isfinite(v)) {
    out_ += "null";
    return *this;
  }
  char buf[32];  // the shortest round-trip form of any finite double fits (at most 24 characters)
  const std::string_view text(buf, static_cast<size_t>(std::to_chars(buf, buf + sizeof(buf), v).ptr - buf));
  out_ += text;
  if (text.find_first_of(".e") == std::string_view::npos) out_ += ".0";
  return *this;
}

JsonText& JsonText::Int(int64_t v) {
  BeforeValue();
  char buf[24];
  out_.append(buf, std::to_chars(buf, buf + sizeof(buf), v).ptr);
  return *this;
}

JsonText& JsonText::Bool(bool v) {
  BeforeValue();
  out_ += v ? "true" : "false";
  return *this;
}

JsonText& JsonText::Raw(std::string_view json) {
  BeforeValue();
  out_ += json;
  return *this;
}

JsonText& JsonText::Member(std::string_view key, const std::vector<std::string>& strings) {
  Key(key).BeginArray();
  for (const auto& s : strings) String(s);
  return EndArray();
}

}  // namespace engram::api::dto
