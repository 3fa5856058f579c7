// Extractor: the seam that turns records into memories and traits.
//
// Implementations: DeterministicExtractor (rule-based, the default: thousands of records per second,
// no network) and, later, an LLM-backed one used only when configured. The worker that calls an
// extractor passes what it knows about the conversation (ExtractionContext) and hands the result to
// consolidation (consolidation.h) and trait merging (traits.h); an extractor never touches a store.
//
// Who a memory is about: `subject` is "" for the user and a speaker's name for another person in the
// user's data (a two-person chat imported from elsewhere). Texts are third person: "Loves sushi" for
// the user, "Caroline went to a LGBTQ support group on 7 May 2023" for someone else.
// Implementations must be deterministic (same records and context -> same output, byte for byte).
// Thread-safety: Extract() may be called concurrently unless an implementation says otherwise.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "domain/types.h"

namespace engram::memory {

struct ExtractionContext {
  std::string user_name;                  // from the user's traits; may be empty
  std::vector<std::string> participants;  // speaker names seen in a two-person chat
  // The promotion prompts of the roles and teams the records name (seed 004): topics that matter at
  // those levels, which a model-based extractor should not miss. The deterministic extractor ignores it.
  std::vector<std::string> focus;
};

struct ExtractedMemory {
  std::string text;                      // third person, one statement
  std::string category;                  // see domain::Memory::category
  double confidence = 0.5;               // [0, 1]
  std::vector<std::string> entities;     // names and places, as written
  std::string subject;                   // "" = the user, else the speaker's name
  std::string key;                       // contradiction slot ("schedule:stand-up"), "" = none
  TimeMs valid_from = 0;                 // when it became true
  std::vector<std::string> source_ids;   // record ids
};

struct ExtractedTrait {
  std::string name;                      // name, timezone, locale, location, employer, role
  std::string value;
  double confidence = 0.5;
  std::vector<std::string> source_ids;
};

struct Extraction {
  std::vector<ExtractedMemory> memories;
  std::vector<ExtractedTrait> traits;
};

class Extractor {
 public:
  virtual ~Extractor();
  virtual Result<Extraction> Extract(std::span<const domain::Record> records,
                                     const ExtractionContext& ctx) = 0;
};

}  // namespace engram::memory
