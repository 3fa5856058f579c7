#include "api/http/http_util.h"

#include <nlohmann/json.hpp>

#include <cctype>

#include "api/http/http_server.h"

namespace engram::api {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool HasControlBreak(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool IsServerOwnedHeader(std::string_view name) {
  for (std::string_view owned : {"content-type", "content-length", "transfer-encoding", "connection",
                                 "x-request-id"}) {
    if (EqualsIgnoreCase(name, owned)) return true;
  }
  return false;
}

}  // namespace

const std::string* HttpRequest::Header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? nullptr : &it->second;
}

std::optional<std::string> PercentDecode(std::string_view in, bool plus_as_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0') return std::nullopt;
      out.push_back(decoded);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<ParsedTarget> ParseTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  ParsedTarget parsed;
  const size_t q = target.find('?');
  auto path = PercentDecode(target.substr(0, q), /*plus_as_space=*/false);
  if (!path) return std::nullopt;
  parsed.path = std::move(*path);
  if (q == std::string_view::npos) return parsed;

  std::string_view rest = target.substr(q + 1);
  // A fragment is never sent by a conforming client; ignore it rather than fail.
  rest = rest.substr(0, rest.find('#'));
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq), true);
    auto value = PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!key || !value) return std::nullopt;
    parsed.query.emplace(std::move(*key), std::move(*value));  // emplace keeps the first occurrence
  }
  return parsed;
}

std::string ErrorJson(std::string_view code, std::string_view message) {
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  // Replace invalid UTF-8 instead of throwing: messages may quote client bytes.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

bool IsSafeRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (unsigned char c : id) {
    if (!std::isalnum(c) && c != '.' && c != '_' && c != ':' && c != '-') return false;
  }
  return true;
}

std::string FormatResponseHead(int status, std::string_view content_type,
                               const std::vector<std::pair<std::string, std::string>>& headers,
                               std::string_view request_id, bool keep_alive,
                               std::optional<size_t> content_length) {
  if (status < 100 || status > 999) status = 500;
  std::string head;
  head.reserve(256);
  head += "HTTP/1.1 ";
  head += std::to_string(status);
  head += ' ';
  head += ReasonPhrase(status);
  head += "\r\n";
  auto add = [&head](std::string_view name, std::string_view value) {
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  };
  if (!content_type.empty() && !HasControlBreak(content_type)) add("Content-Type", content_type);
  if (content_length) {
    add("Content-Length", std::to_string(*content_length));
  } else {
    add("Transfer-Encoding", "chunked");
  }
  add("Connection", keep_alive ? "keep-alive" : "close");
  add("X-Request-Id", request_id);
  for (const auto& [name, value] : headers) {
    if (name.empty() || HasControlBreak(name) || HasControlBreak(value) || IsServerOwnedHeader(name)) {
      continue;
    }
    add(name, value);
  }
  head += "\r\n";
  return head;
}

std::string ChunkPrefix(size_t size) {
  static const char kHex[] = "0123456789abcdef";
  char buf[24];
  int pos = sizeof(buf);
  buf[--pos] = '\n';
  buf[--pos] = '\r';
  do {
    buf[--pos] = kHex[size & 15];
    size >>= 4;
  } while (size != 0);
  return std::string(buf + pos, sizeof(buf) - pos);
}

}  // namespace engram::api
