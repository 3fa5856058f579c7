// JSON Schema subset for checking structured LLM output, and extraction of a JSON object from a
// model reply.
//
// Supported keywords: type (one name or a list: object, array, string, number, integer, boolean,
// null), properties, required, items (one schema for every element), enum, minItems/maxItems,
// minLength/maxLength (in Unicode code points), minimum/maximum, additionalProperties (false, or a
// schema for the undeclared properties). Other keywords ("description", "title", "$schema", ...) are
// ignored, so a schema written for a model's structured-output mode can be reused as is. "integer"
// accepts a float with no fractional part (3.0): models and servers emit both.
//
// Thread-safety: pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace engram::llm {

// OK when `json_text` is JSON that satisfies `schema_json`. Otherwise kInvalidArgument naming the path
// of the first violation, e.g. "$.memories[2].confidence: expected number", or saying the text is not
// JSON ("$: invalid JSON ..."). A schema that is not a JSON object, or misuses a keyword, is
// kInvalidArgument with a message starting "schema:".
Status ValidateJson(std::string_view json_text, std::string_view schema_json);

// The first balanced {...} in `text` that parses as a JSON object, as written; "" when there is none.
// Small local models wrap their JSON in prose or ```json fences; braces inside JSON strings (and
// escaped quotes in them) do not confuse the balance, and a brace-delimited aside in the prose before
// the object is skipped because it does not parse.
std::string ExtractJsonObject(std::string_view text);

}  // namespace engram::llm
