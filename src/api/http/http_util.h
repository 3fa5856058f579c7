// Pure helpers of the HTTP adapter: URL decoding, response-head formatting, error bodies.
//
// No I/O and no Boost, so they have table tests of their own and the app layer may reuse them.
// Thread-safe (pure functions).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace engram::api {

// Decodes %XX escapes (and '+' as a space when `plus_as_space`, as in query strings). nullopt on a
// malformed escape or an encoded NUL, which no legitimate path or parameter contains.
std::optional<std::string> PercentDecode(std::string_view in, bool plus_as_space);

// Splits an origin-form target into its decoded path and query parameters. nullopt when the target
// does not start with '/' or an escape is malformed. The first occurrence of a query key wins.
struct ParsedTarget {
  std::string path;
  std::map<std::string, std::string> query;
};
std::optional<ParsedTarget> ParseTarget(std::string_view target);

// `{"error":{"code":code,"message":message}}`, serialized by nlohmann::json.
std::string ErrorJson(std::string_view code, std::string_view message);

// Standard reason phrase ("Not Found"), or "Unknown".
std::string_view ReasonPhrase(int status);

// A client-supplied X-Request-Id we are willing to echo and log: 1..128 chars of [A-Za-z0-9._:-].
bool IsSafeRequestId(std::string_view id);

// The status line and headers of a response, up to and including the blank line. With a
// `content_length` the response is framed by Content-Length, without one it is chunked.
// Extra headers that the server owns (content-type, content-length, transfer-encoding, connection,
// x-request-id) or that contain CR, LF or NUL are dropped.
std::string FormatResponseHead(int status, std::string_view content_type,
                               const std::vector<std::pair<std::string, std::string>>& headers,
                               std::string_view request_id, bool keep_alive,
                               std::optional<size_t> content_length);

// The framing prefix of one chunk of `size` bytes: "<hex size>\r\n".
std::string ChunkPrefix(size_t size);

}  // namespace engram::api
