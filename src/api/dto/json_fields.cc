#include "api/dto/json_fields.h"

namespace engram::api::dto {

Result<Json> ParseObject(std::string_view body) {
  ENGRAM_ASSIGN_OR_RETURN(Json j, ParseBody(body));
  if (!j.is_object()) return Status::InvalidArgument("Request body must be a JSON object");
  return j;
}

Result<Json> ParseBody(std::string_view body) {
  if (IsBlank(body)) return Status::InvalidArgument("Request body must be a JSON object");
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("Malformed JSON in request body");
  return j;
}

std::string Path(std::string_view parent, std::string_view field) {
  if (parent.empty()) return std::string(field);
  std::string p(parent);
  p += '.';
  p += field;
  return p;
}

std::string Path(std::string_view parent, size_t index) {
  std::string p(parent);
  p += '[';
  p += std::to_string(index);
  p += ']';
  return p;
}

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') return false;
  }
  return true;
}

namespace {
const Json* Find(const Json& obj, std::string_view field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}
Status Invalid(std::string_view path, std::string_view expected) {
  return Status::InvalidArgument("Invalid field: " + std::string(path) + " (expected " + std::string(expected) + ")");
}
}  // namespace

Result<std::string> RequiredString(const Json& obj, std::string_view field, std::string_view path) {
  const Json* v = Find(obj, field);
  if (!v) return Status::InvalidArgument("Missing field: " + Path(path, field));
  if (!v->is_string()) return Invalid(Path(path, field), "string");
  const auto& s = v->get_ref<const std::string&>();
  if (IsBlank(s)) return Status::InvalidArgument("Empty field: " + Path(path, field));
  return s;
}

Result<std::optional<std::string>> OptionalString(const Json& obj, std::string_view field, std::string_view path) {
  const Json* v = Find(obj, field);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return Invalid(Path(path, field), "string");
  return std::optional<std::string>(v->get<std::string>());
}

Result<std::optional<bool>> OptionalBool(const Json& obj, std::string_view field, std::string_view path) {
  const Json* v = Find(obj, field);
  if (!v) return std::optional<bool>();
  if (!v->is_boolean()) return Invalid(Path(path, field), "boolean");
  return std::optional<bool>(v->get<bool>());
}

Result<std::optional<int64_t>> OptionalInt(const Json& obj, std::string_view field, std::string_view path) {
  const Json* v = Find(obj, field);
  if (!v) return std::optional<int64_t>();
  if (v->is_number_integer() || v->is_number_unsigned()) return std::optional<int64_t>(v->get<int64_t>());
  if (v->is_number_float()) {
    const double d = v->get<double>();
    if (d == static_cast<double>(static_cast<int64_t>(d))) return std::optional<int64_t>(static_cast<int64_t>(d));
  }
  return Invalid(Path(path, field), "integer");
}

Result<std::optional<double>> OptionalNumber(const Json& obj, std::string_view field, std::string_view path) {
  const Json* v = Find(obj, field);
  if (!v) return std::optional<double>();
  if (!v->is_number()) return Invalid(Path(path, field), "number");
  return std::optional<double>(v->get<double>());
}

Result<std::optional<TimeMs>> OptionalTime(const Json& obj, std::string_view field, std::string_view path) {
  const Json* v = Find(obj, field);
  if (!v) return std::optional<TimeMs>();
  if (!v->is_string()) return Invalid(Path(path, field), "ISO 8601 timestamp string");
  auto t = ParseIso8601(v->get_ref<const std::string&>());
  if (!t) return Invalid(Path(path, field), "ISO 8601 timestamp string");
  return std::optional<TimeMs>(*t);
}

Result<const Json*> OptionalArray(const Json& obj, std::string_view field, std::string_view path) {
  const Json* v = Find(obj, field);
  if (!v) return static_cast<const Json*>(nullptr);
  if (!v->is_array()) return Invalid(Path(path, field), "array");
  return v;
}

Result<std::optional<std::vector<std::string>>> OptionalStringArray(const Json& obj, std::string_view field,
                                                                    std::string_view path) {
  ENGRAM_ASSIGN_OR_RETURN(const Json* list, OptionalArray(obj, field, path));
  if (list == nullptr) return std::optional<std::vector<std::string>>();
  std::vector<std::string> out;
  out.reserve(list->size());
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& v = (*list)[i];
    if (!v.is_string()) return Invalid(Path(Path(path, field), i), "string");
    out.push_back(v.get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace engram::api::dto
