#include "service/proxy_reply_tap.h"

#include <nlohmann/json.hpp>

#include "common/strings.h"

namespace engram::service {

namespace {

// choices[0].<field>.content when it is a string; "" otherwise.
std::string ChoiceContent(const nlohmann::json& j, const char* field) {
  if (!j.is_object()) return "";
  auto choices = j.find("choices");
  if (choices == j.end() || !choices->is_array() || choices->empty()) return "";
  const auto& first = (*choices)[0];
  if (!first.is_object()) return "";
  auto part = first.find(field);
  if (part == first.end() || !part->is_object()) return "";
  auto content = part->find("content");
  if (content == part->end() || !content->is_string()) return "";
  return content->get<std::string>();
}

}  // namespace

void ProxyReplyTap::Feed(std::string_view piece) {
  if (overflow_) return;
  if (!streaming_) {
    if (buffer_.size() + piece.size() > max_buffer_) {
      overflow_ = true;
      buffer_.clear();
      return;
    }
    buffer_.append(piece);
    return;
  }
  while (!piece.empty()) {
    const size_t nl = piece.find('\n');
    const std::string_view head = piece.substr(0, nl);
    if (buffer_.size() + head.size() > max_buffer_) {
      // A line this long is no delta we could use: skip to its end and carry on.
      buffer_.clear();
      if (nl == std::string_view::npos) {
        skip_line_ = true;
        return;
      }
      piece.remove_prefix(nl + 1);
      skip_line_ = false;
      continue;
    }
    if (nl == std::string_view::npos) {
      if (!skip_line_) buffer_.append(head);
      return;
    }
    if (!skip_line_) {
      buffer_.append(head);
      Line(buffer_);
    }
    skip_line_ = false;
    buffer_.clear();
    piece.remove_prefix(nl + 1);
  }
}

void ProxyReplyTap::Line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.substr(0, 5) != "data:") return;
  line.remove_prefix(5);
  while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  if (line.empty() || line == "[DONE]") return;
  const auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded()) return;
  Append(ChoiceContent(j, "delta"));
}

void ProxyReplyTap::Append(std::string_view text) {
  if (full_) return;
  // Never cut a UTF-8 sequence in half; once cut, later pieces would leave a gap: stop there.
  const std::string_view kept = Utf8Prefix(text, max_text_ - text_.size());
  full_ = kept.size() < text.size() || text_.size() + kept.size() == max_text_;
  text_.append(kept);
}

std::string ProxyReplyTap::Finish() {
  if (streaming_) {
    if (!buffer_.empty() && !skip_line_) Line(buffer_);
  } else if (!overflow_) {
    const auto j = nlohmann::json::parse(buffer_, nullptr, false);
    if (!j.is_discarded()) Append(ChoiceContent(j, "message"));
  }
  buffer_.clear();
  return std::move(text_);
}

}  // namespace engram::service
