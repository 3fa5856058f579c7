// Router: maps (method, decoded path) to a handler and a route label, extracting path parameters.
//
// Patterns are literal segments and `{name}` parameters: "/users/{user_id}/memories". Among the routes
// of the request's method, a literal segment beats a parameter at the same position ("/users/me" wins
// over "/users/{user_id}"), so the result does not depend on the order of Add. A single trailing slash
// is ignored. Parameters match one non-empty (already percent-decoded) segment. A path that matches
// routes of other methods only yields a Match with method_not_allowed set and the allowed methods
// (for 405 and the Allow header).
//
// Pure and table-tested. Thread-safety: Add is not thread-safe; call it before serving. Find is const
// and safe from any number of threads. Match::handler points into the router and stays valid as long
// as the router lives.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/http_server.h"

namespace engram::api {

using RouteHandler = HttpHandler;

class Router {
 public:
  struct Match {
    const RouteHandler* handler = nullptr;  // null when method_not_allowed
    std::string name;                       // route label for metrics and logs
    std::map<std::string, std::string> params;
    bool method_not_allowed = false;
    std::vector<std::string> allowed_methods;  // filled when method_not_allowed, sorted
  };

  // Registers a route; adding the same method and pattern again replaces the earlier handler.
  void Add(std::string method, std::string pattern, RouteHandler handler, std::string name);
  // nullopt when no route matches the path with any method.
  std::optional<Match> Find(std::string_view method, std::string_view path) const;

 private:
  struct Segment {
    std::string text;  // literal text, or the parameter name
    bool is_param = false;
  };
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    RouteHandler handler;
    std::string name;
  };

  // Deque so that handler addresses stay stable across Add.
  std::deque<Route> routes_;
};

}  // namespace engram::api
