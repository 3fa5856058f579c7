// The single mapping from domain status codes to HTTP, the one error body shape, and JSON answers:
//   {"error":{"code":"INVALID_REQUEST","message":"Missing field: conversation"}}
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "api/http/http_server.h"
#include "api/http/http_util.h"  // ErrorJson, the one error body
#include "common/status.h"

namespace engram::api {

int HttpStatusFor(StatusCode code);
// The documented error code string (INVALID_REQUEST, UNAUTHORIZED, FORBIDDEN, USER_NOT_FOUND, ...).
std::string_view ErrorCodeFor(StatusCode code);
// `code_override` replaces the default code string (e.g. NOT_FOUND for a missing key, not a user).
// Internal errors do not leak their message: the client sees the request id instead.
HttpResponse ErrorResponse(const Status& status, const std::string& request_id,
                           std::string_view code_override = {});
// A JSON answer (the body is already serialized).
inline HttpResponse JsonResponse(std::string body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace engram::api
