// Reading request fields out of parsed JSON with errors that name the field, e.g.
// "Missing field: user_id", "Invalid field: events[2].timestamp (expected ISO 8601 string)".
// Used by DTO .cc files, and by a route that must look at a parsed body to pick a dialect
// (this header pulls in nlohmann/json).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"

namespace engram::api::dto {

using Json = nlohmann::json;

// Parses a body that must be a JSON object.
Result<Json> ParseObject(std::string_view body);
// Parses a body that may be any JSON value (InvalidArgument when blank or malformed).
Result<Json> ParseBody(std::string_view body);

std::string Path(std::string_view parent, std::string_view field);
std::string Path(std::string_view parent, size_t index);

// Required non-empty string (after trimming whitespace for the emptiness check).
Result<std::string> RequiredString(const Json& obj, std::string_view field, std::string_view path);
// Optional string: nullopt when absent or null; error when present with another type.
Result<std::optional<std::string>> OptionalString(const Json& obj, std::string_view field,
                                                  std::string_view path);
Result<std::optional<bool>> OptionalBool(const Json& obj, std::string_view field, std::string_view path);
Result<std::optional<int64_t>> OptionalInt(const Json& obj, std::string_view field, std::string_view path);
Result<std::optional<double>> OptionalNumber(const Json& obj, std::string_view field, std::string_view path);
// Optional ISO 8601 timestamp string.
Result<std::optional<TimeMs>> OptionalTime(const Json& obj, std::string_view field, std::string_view path);
// Optional array: nullptr when absent or null.
Result<const Json*> OptionalArray(const Json& obj, std::string_view field, std::string_view path);
// Optional array of strings: nullopt when absent or null; error naming the element that is not a string.
Result<std::optional<std::vector<std::string>>> OptionalStringArray(const Json& obj, std::string_view field,
                                                                    std::string_view path);

bool IsBlank(std::string_view s);
// Serializes with invalid UTF-8 replaced rather than throwing.
std::string Dump(const Json& j);

}  // namespace engram::api::dto
