// ProxyReplyTap: recovers the assistant's text from an OpenAI chat response while the proxy relays it,
// so the turn can be remembered without holding the response in memory.
//
// Feed it the body pieces exactly as they pass (any split). For a stream (server-sent events) it
// appends each `choices[0].delta.content` as its `data:` line completes; for a plain response it keeps
// the body (bounded) and reads `choices[0].message.content` in Finish(). The text is capped at
// `max_text_bytes` and one pending SSE line or plain body at `max_buffer_bytes`: past the caps it stops
// collecting, never fails the relay.
// Not thread-safe: one tap per response, fed from one thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace engram::service {

class ProxyReplyTap {
 public:
  ProxyReplyTap(bool streaming, size_t max_text_bytes = 32u << 10, size_t max_buffer_bytes = 16u << 20)
      : streaming_(streaming), max_text_(max_text_bytes), max_buffer_(max_buffer_bytes) {}

  void Feed(std::string_view piece);
  // The assistant text collected (empty when none could be read, e.g. a tool call only).
  std::string Finish();

 private:
  void Line(std::string_view line);
  void Append(std::string_view text);

  const bool streaming_;
  const size_t max_text_;
  const size_t max_buffer_;
  std::string buffer_;       // stream: the incomplete line; plain: the body so far
  bool overflow_ = false;    // plain: the body outgrew the buffer cap; nothing is collected
  bool skip_line_ = false;   // stream: the current line outgrew the buffer cap; it is skipped
  std::string text_;
  bool full_ = false;        // the text reached its cap (or was cut short of it at a character)
};

}  // namespace engram::service
