// LlmExtractor: memory and trait extraction by a chat model, with a deterministic fallback.
//
// Used only when an LLM is configured. The records of one Extract() are cut into calls of at most
// `max_records_per_call` records and about `max_input_chars` characters of content; at most
// `max_calls_per_batch` calls are made, and the records beyond them go to the fallback extractor, so
// a large batch costs a bounded number of model calls.
//
// Each call asks for one JSON object (response_format json_object, temperature 0):
//   {"memories":[{"text","category","confidence","entities","subject","key","valid_from","source_ids"}],
//    "traits":[{"name","value","confidence","source_ids"}]}
// The reply is cut out of any surrounding prose or ``` fences (llm::ExtractJsonObject) and checked
// against kLlmExtractionSchema (llm::ValidateJson). Then, item by item:
//  - source ids not among the call's records, or naming an assistant/system turn (not evidence about
//    anyone, as in DeterministicExtractor), are removed; an item left without a source is dropped;
//  - confidence is clamped into [0, 1] (0.5 when absent); an unknown or absent category becomes
//    "other"; a subject naming the user ("user", the context's user name) becomes "";
//  - valid_from is the ISO 8601 date the model gave, else the earliest cited record's timestamp;
//  - trait names are lower-cased; traits outside name, timezone, locale, location, employer, role are
//    dropped (the profile only knows those).
// Whenever a call fails in any way (transport error, timeout, no JSON object, schema violation), the
// fallback extracts that call's records instead, so a small model's broken JSON never breaks
// ingestion. Output is in record order of the calls, so the result is deterministic given the same
// model replies. A disabled client (LlmClient::Enabled() false) sends everything to the fallback.
//
// Thread-safety: Extract() keeps no state between calls; it is thread-safe when the client, the
// fallback and the metrics registry are (all of the project's are).
#pragma once

#include <cstddef>
#include <string_view>

#include "memory/extractor.h"

namespace engram {
class Counter;
class Metrics;
}  // namespace engram

namespace engram::llm {
class LlmClient;
}  // namespace engram::llm

namespace engram::memory {

struct LlmExtractorOptions {
  size_t max_records_per_call = 20;  // records in one model call (at least 1)
  size_t max_calls_per_batch = 5;    // model calls per Extract(); later records go to the fallback
  int timeout_ms = 20000;            // per model call (per attempt of the client)
  size_t max_input_chars = 12000;    // record content per call; a longer record is cut to this
  int max_tokens = 2000;             // completion budget of one call
  engram::Metrics* metrics = nullptr;  // optional: engram_llm_extract_calls_total{outcome=ok|fallback}
};

// The JSON Schema (llm/json_schema.h subset) a reply must satisfy.
extern const std::string_view kLlmExtractionSchema;

class LlmExtractor final : public Extractor {
 public:
  // `client` and `fallback` are borrowed and must outlive the extractor; neither may be null.
  LlmExtractor(llm::LlmClient* client, Extractor* fallback, LlmExtractorOptions options = {});

  Result<Extraction> Extract(std::span<const domain::Record> records,
                             const ExtractionContext& ctx) override;

 private:
  // One model call over `records`; an error means "use the fallback for these records".
  Result<Extraction> ExtractWithModel(std::span<const domain::Record> records,
                                      const ExtractionContext& ctx);

  llm::LlmClient* client_;
  Extractor* fallback_;
  LlmExtractorOptions options_;
  Counter* calls_ok_ = nullptr;        // engram_llm_extract_calls_total{outcome="ok"}
  Counter* calls_fallback_ = nullptr;  // engram_llm_extract_calls_total{outcome="fallback"}
};

}  // namespace engram::memory
