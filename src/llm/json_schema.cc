#include "llm/json_schema.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/strings.h"

namespace engram::llm {
namespace {

using json = nlohmann::json;

// Thrown inside the validator only, for a schema that misuses a keyword; caught in ValidateJson.
struct SchemaError {
  std::string message;
};

bool IsIdentifier(const std::string& key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) return false;
  for (unsigned char c : key) {
    if (!std::isalnum(c) && c != '_') return false;
  }
  return true;
}

std::string Child(const std::string& path, const std::string& key) {
  if (IsIdentifier(key)) return path + "." + key;
  return path + "[" + json(key).dump(-1, ' ', false, json::error_handler_t::replace) + "]";
}

std::string Child(const std::string& path, size_t index) { return path + "[" + std::to_string(index) + "]"; }

std::string TypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::object: return "object";
    case json::value_t::array: return "array";
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "boolean";
    case json::value_t::null: return "null";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    default: return "number";
  }
}

bool IsKnownType(const std::string& type) {
  static constexpr std::string_view kTypes[] = {"object", "array", "string", "number", "integer", "boolean", "null"};
  return std::find(std::begin(kTypes), std::end(kTypes), type) != std::end(kTypes);
}

bool HasType(const json& v, const std::string& type) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_boolean();
  if (type == "null") return v.is_null();
  if (type == "number") return v.is_number();
  if (type == "integer") {
    if (v.is_number_integer()) return true;
    if (!v.is_number_float()) return false;
    const double d = v.get<double>();
    return std::isfinite(d) && d == std::floor(d);
  }
  throw SchemaError{"unknown type \"" + type + "\""};
}

// A non-negative integer keyword value (minItems, maxLength, ...), or nullopt when absent.
std::optional<size_t> SizeKeyword(const json& schema, const char* key) {
  auto it = schema.find(key);
  if (it == schema.end()) return std::nullopt;
  if (!it->is_number_integer() || it->get<int64_t>() < 0) {
    throw SchemaError{std::string(key) + " must be a non-negative integer"};
  }
  return it->get<size_t>();
}

// The minimum/maximum keyword as written (for the message), or nullptr when absent.
const json* NumberKeyword(const json& schema, const char* key) {
  auto it = schema.find(key);
  if (it == schema.end()) return nullptr;
  if (!it->is_number()) throw SchemaError{std::string(key) + " must be a number"};
  return &*it;
}

std::string Plural(size_t n, const char* unit) { return std::to_string(n) + " " + unit + (n == 1 ? "" : "s"); }

// Checks `v` at `path` against `schema`; the first violation as a message, "" when valid.
std::string Check(const json& v, const json& schema, const std::string& path);

std::string CheckObject(const json& v, const json& schema, const std::string& path) {
  const json* props = nullptr;
  if (auto it = schema.find("properties"); it != schema.end()) {
    if (!it->is_object()) throw SchemaError{"properties must be an object"};
    props = &*it;
  }
  if (auto it = schema.find("required"); it != schema.end()) {
    if (!it->is_array()) throw SchemaError{"required must be an array"};
    for (const json& name : *it) {
      if (!name.is_string()) throw SchemaError{"required must list strings"};
      if (!v.contains(name.get<std::string>())) {
        return Child(path, name.get<std::string>()) + ": required property missing";
      }
    }
  }
  const json* additional = nullptr;
  if (auto it = schema.find("additionalProperties"); it != schema.end()) {
    if (!it->is_boolean() && !it->is_object()) throw SchemaError{"additionalProperties must be a boolean or a schema"};
    additional = &*it;
  }
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string child = Child(path, it.key());
    if (props != nullptr && props->contains(it.key())) {
      if (std::string err = Check(it.value(), (*props)[it.key()], child); !err.empty()) return err;
    } else if (additional != nullptr && additional->is_boolean()) {
      if (!additional->get<bool>()) return child + ": unexpected property";
    } else if (additional != nullptr) {
      if (std::string err = Check(it.value(), *additional, child); !err.empty()) return err;
    }
  }
  return "";
}

std::string CheckArray(const json& v, const json& schema, const std::string& path) {
  if (auto min = SizeKeyword(schema, "minItems"); min && v.size() < *min) {
    return path + ": expected at least " + Plural(*min, "item") + ", got " + std::to_string(v.size());
  }
  if (auto max = SizeKeyword(schema, "maxItems"); max && v.size() > *max) {
    return path + ": expected at most " + Plural(*max, "item") + ", got " + std::to_string(v.size());
  }
  if (auto it = schema.find("items"); it != schema.end()) {
    for (size_t i = 0; i < v.size(); ++i) {
      if (std::string err = Check(v[i], *it, Child(path, i)); !err.empty()) return err;
    }
  }
  return "";
}

std::string Check(const json& v, const json& schema, const std::string& path) {
  if (schema.is_boolean()) return schema.get<bool>() ? "" : path + ": no value is allowed here";
  if (!schema.is_object()) throw SchemaError{"a schema must be an object (at " + path + ")"};

  if (auto it = schema.find("type"); it != schema.end()) {
    bool match = false;
    std::string expected;
    if (it->is_string()) {
      expected = it->get<std::string>();
      match = HasType(v, expected);
    } else if (it->is_array() && !it->empty()) {
      for (const json& t : *it) {
        if (!t.is_string()) throw SchemaError{"type must be a string or a list of strings"};
        expected += (expected.empty() ? "" : " or ") + t.get<std::string>();
        match = match || HasType(v, t.get<std::string>());
      }
    } else {
      throw SchemaError{"type must be a string or a list of strings"};
    }
    if (!match) return path + ": expected " + expected + ", got " + TypeName(v);
  }
  if (auto it = schema.find("enum"); it != schema.end()) {
    if (!it->is_array()) throw SchemaError{"enum must be an array"};
    if (std::find(it->begin(), it->end(), v) == it->end()) {
      return path + ": value " + v.dump(-1, ' ', false, json::error_handler_t::replace).substr(0, 60) +
             " is not one of " + it->dump(-1, ' ', false, json::error_handler_t::replace).substr(0, 120);
    }
  }
  if (v.is_object()) return CheckObject(v, schema, path);
  if (v.is_array()) return CheckArray(v, schema, path);
  if (v.is_string()) {
    const size_t len = Utf8Length(v.get_ref<const std::string&>());
    if (auto min = SizeKeyword(schema, "minLength"); min && len < *min) {
      return path + ": expected at least " + Plural(*min, "character") + ", got " + std::to_string(len);
    }
    if (auto max = SizeKeyword(schema, "maxLength"); max && len > *max) {
      return path + ": expected at most " + Plural(*max, "character") + ", got " + std::to_string(len);
    }
  }
  if (v.is_number()) {
    const double d = v.get<double>();
    if (const json* min = NumberKeyword(schema, "minimum"); min && d < min->get<double>()) {
      return path + ": " + v.dump() + " is less than the minimum " + min->dump();
    }
    if (const json* max = NumberKeyword(schema, "maximum"); max && d > max->get<double>()) {
      return path + ": " + v.dump() + " is greater than the maximum " + max->dump();
    }
  }
  return "";
}

// Rejects a schema that misuses a supported keyword, wherever it is, so a broken schema is reported
// on the first use rather than by the first document that happens to reach the broken part.
void CheckSchema(const json& schema, const std::string& at) {
  if (schema.is_boolean()) return;
  if (!schema.is_object()) throw SchemaError{"a schema must be an object (at " + at + ")"};
  if (auto it = schema.find("type"); it != schema.end()) {
    const bool list = it->is_array() && !it->empty();
    if (!it->is_string() && !list) throw SchemaError{"type must be a string or a list of strings (at " + at + ")"};
    for (const json& t : list ? *it : json::array({*it})) {
      if (!t.is_string()) throw SchemaError{"type must be a string or a list of strings (at " + at + ")"};
      if (!IsKnownType(t.get<std::string>())) {
        throw SchemaError{"unknown type \"" + t.get<std::string>() + "\" (at " + at + ")"};
      }
    }
  }
  if (auto it = schema.find("properties"); it != schema.end()) {
    if (!it->is_object()) throw SchemaError{"properties must be an object (at " + at + ")"};
    for (auto p = it->begin(); p != it->end(); ++p) CheckSchema(p.value(), Child(at, p.key()));
  }
  if (auto it = schema.find("required"); it != schema.end()) {
    if (!it->is_array() || !std::all_of(it->begin(), it->end(), [](const json& r) { return r.is_string(); })) {
      throw SchemaError{"required must be an array of strings (at " + at + ")"};
    }
  }
  if (auto it = schema.find("items"); it != schema.end()) CheckSchema(*it, at + "[]");
  if (auto it = schema.find("additionalProperties"); it != schema.end() && !it->is_boolean()) {
    CheckSchema(*it, at + ".*");
  }
  if (auto it = schema.find("enum"); it != schema.end() && !it->is_array()) {
    throw SchemaError{"enum must be an array (at " + at + ")"};
  }
  for (const char* key : {"minItems", "maxItems", "minLength", "maxLength"}) SizeKeyword(schema, key);
  for (const char* key : {"minimum", "maximum"}) NumberKeyword(schema, key);
}

// End (one past the closing brace) of the balanced object starting at text[begin] == '{', or npos.
size_t BalancedEnd(std::string_view text, size_t begin) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = begin; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character (a quote or a backslash) cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

Status ValidateJson(std::string_view json_text, std::string_view schema_json) {
  json schema = json::parse(schema_json, nullptr, /*allow_exceptions=*/false);
  if (schema.is_discarded() || !schema.is_object()) return Status::InvalidArgument("schema: not a JSON object");
  json value = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Status::InvalidArgument("$: invalid JSON");
  try {
    CheckSchema(schema, "$");
    std::string err = Check(value, schema, "$");
    if (!err.empty()) return Status::InvalidArgument(std::move(err));
  } catch (const SchemaError& e) {
    return Status::InvalidArgument("schema: " + e.message);
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("schema: ") + e.what());
  }
  return Status::Ok();
}

std::string ExtractJsonObject(std::string_view text) {
  for (size_t begin = text.find('{'); begin != std::string_view::npos; begin = text.find('{', begin + 1)) {
    const size_t end = BalancedEnd(text, begin);
    if (end == std::string_view::npos) continue;  // unbalanced from here; a later brace may still close
    const std::string_view candidate = text.substr(begin, end - begin);
    if (json::accept(candidate)) return std::string(candidate);
  }
  return "";
}

}  // namespace engram::llm
