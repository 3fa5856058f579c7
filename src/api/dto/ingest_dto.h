// POST /ingest, first dialect (seeds 000 and 001): events, documents, message_history, options.
// Parses and validates into an IngestCommand; renders the result with the fields of both seed
// response examples. Pure; thread-safe.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

#include "service/ingest_service.h"

namespace engram::api::dto {

struct IngestLimits {
  size_t max_events = 100;
  size_t max_documents = 25;
  size_t max_messages = 100;
  size_t max_record_bytes = 32 * 1024;  // per record content
};

Result<service::IngestCommand> ParseIngest(std::string_view body, const std::string& workspace,
                                           const IngestLimits& limits);
// The same over a body already parsed (InvalidArgument unless it is an object).
Result<service::IngestCommand> ParseIngest(const nlohmann::json& body, const std::string& workspace,
                                           const IngestLimits& limits);
std::string IngestResponseJson(const service::IngestResult& result);

}  // namespace engram::api::dto
