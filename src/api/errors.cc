#include "api/errors.h"

#include "api/http/http_util.h"

#include <nlohmann/json.hpp>

namespace engram::api {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kPayloadTooLarge: return 413;
    case StatusCode::kUnprocessable: return 422;
    case StatusCode::kRateLimited: return 429;
    case StatusCode::kInternal: return 500;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kDeadlineExceeded: return 504;
  }
  return 500;
}

std::string_view ErrorCodeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "INVALID_REQUEST";
    case StatusCode::kUnauthenticated: return "UNAUTHORIZED";
    case StatusCode::kPermissionDenied: return "FORBIDDEN";
    case StatusCode::kNotFound: return "USER_NOT_FOUND";
    case StatusCode::kAlreadyExists: return "CONFLICT";
    case StatusCode::kPayloadTooLarge: return "PAYLOAD_TOO_LARGE";
    case StatusCode::kUnprocessable: return "VALIDATION_ERROR";
    case StatusCode::kRateLimited: return "RATE_LIMITED";
    case StatusCode::kInternal: return "SERVER_ERROR";
    case StatusCode::kUnavailable: return "SERVICE_UNAVAILABLE";
    case StatusCode::kDeadlineExceeded: return "TIMEOUT";
  }
  return "SERVER_ERROR";
}

HttpResponse ErrorResponse(const Status& status, const std::string& request_id, std::string_view code_override) {
  HttpResponse r;
  r.status = HttpStatusFor(status.code());
  const std::string_view code = code_override.empty() ? ErrorCodeFor(status.code()) : code_override;
  if (status.code() == StatusCode::kInternal) {
    r.body = ErrorJson(code, "Internal error; request id " + request_id);
  } else {
    r.body = ErrorJson(code, status.message());
  }
  return r;
}

}  // namespace engram::api
