#include "api/http/router.h"

#include <algorithm>

namespace engram::api {

namespace {

// Splits "/a/b/" into {"a", "b"}; empty inner segments are kept so that "//" never matches.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  if (path.empty() || path.front() != '/') {
    parts.emplace_back(path);  // cannot match any pattern, which all start with '/'
    parts.emplace_back();
    return parts;
  }
  path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return parts;
  size_t start = 0;
  for (;;) {
    const size_t slash = path.find('/', start);
    parts.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, RouteHandler handler, std::string name) {
  std::vector<Segment> segments;
  for (std::string_view part : SplitPath(pattern)) {
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      segments.push_back({std::string(part.substr(1, part.size() - 2)), true});
    } else {
      segments.push_back({std::string(part), false});
    }
  }
  for (auto& r : routes_) {
    if (r.method == method && r.pattern == pattern) {
      r.handler = std::move(handler);
      r.name = std::move(name);
      return;
    }
  }
  routes_.push_back({std::move(method), std::move(pattern), std::move(segments), std::move(handler), std::move(name)});
}

std::optional<Router::Match> Router::Find(std::string_view method, std::string_view path) const {
  const std::vector<std::string_view> parts = SplitPath(path);

  // A route is more specific when, at the first position where the two differ in kind, it has a
  // literal and the other a parameter.
  auto matches = [&parts](const Route& r) {
    if (r.segments.size() != parts.size()) return false;
    for (size_t i = 0; i < parts.size(); ++i) {
      const Segment& s = r.segments[i];
      if (s.is_param ? parts[i].empty() : s.text != parts[i]) return false;
    }
    return true;
  };
  auto more_specific = [](const Route& a, const Route& b) {
    for (size_t i = 0; i < a.segments.size(); ++i) {
      if (a.segments[i].is_param != b.segments[i].is_param) return !a.segments[i].is_param;
    }
    return false;
  };

  const Route* best = nullptr;  // the most specific route with this method
  bool path_matched = false;
  for (const Route& r : routes_) {
    if (!matches(r)) continue;
    path_matched = true;
    if (r.method == method && (!best || more_specific(r, *best))) best = &r;
  }
  if (!path_matched) return std::nullopt;

  Match match;
  if (!best) {
    match.method_not_allowed = true;
    for (const Route& r : routes_) {
      if (!matches(r)) continue;
      match.allowed_methods.push_back(r.method);
      if (match.name.empty()) match.name = r.name;
    }
    std::sort(match.allowed_methods.begin(), match.allowed_methods.end());
    match.allowed_methods.erase(std::unique(match.allowed_methods.begin(), match.allowed_methods.end()),
                                match.allowed_methods.end());
    return match;
  }
  match.handler = &best->handler;
  match.name = best->name;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (best->segments[i].is_param) match.params.emplace(best->segments[i].text, std::string(parts[i]));
  }
  return match;
}

}  // namespace engram::api
