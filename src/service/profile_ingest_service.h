// ProfileIngestService: POST /profiles/{profile_id}/ingest. Stores a piece of text (CRM notes, a chat
// log, an email thread) as a document record of the user and extracts traits and memories from it
// before answering, so the caller gets what this text taught Engram.
//
// The profile id is the user id (Engram has no other id for a user visible to clients). The record is
// written through IngestService (index, embeddings, observers as for /ingest); the extraction runs
// under the user's extraction lock (jobs::ExtractionCoordinator), so the background worker never
// extracts the same record twice, and is written with jobs::ApplyExtraction like the worker's. When
// extraction fails after the record was stored, the error is returned and the record stays pending
// for the background worker.
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "index/index_cache.h"
#include "jobs/extraction_apply.h"
#include "memory/extractor.h"
#include "service/context.h"
#include "service/ingest_service.h"
#include "service/profile_service.h"

namespace engram::service {

struct ProfileIngestCommand {
  std::string workspace;
  std::string user_id;          // the profile id
  std::string data;             // the text; non-empty
  std::string source;           // "crm", "email", ...; "" = none
  std::string metadata_json;    // raw JSON object text, "" = none
  bool extract_traits = true;   // false: traits are neither stored nor returned
  bool extract_memories = true; // false: memories are neither stored nor returned
};

struct ProfileIngestResult {
  domain::User user;                              // after the write
  std::vector<domain::Trait> traits;              // the merged trait view (registration first)
  std::string record_id;
  std::vector<memory::ExtractedTrait> extracted_traits;
  std::vector<domain::Memory> extracted_memories;  // current memories written from this text
};

struct ProfileIngestDeps {
  IngestService* ingest = nullptr;
  ProfileService* profile = nullptr;
  memory::Extractor* extractor = nullptr;
  index::IndexCache* cache = nullptr;                  // may be null
  jobs::ExtractionCoordinator* coordinator = nullptr;  // shared with the extraction worker
};

class ProfileIngestService {
 public:
  ProfileIngestService(ServiceContext ctx, ProfileIngestDeps deps) : ctx_(ctx), deps_(deps) {}

  // kNotFound for an unknown user.
  Result<ProfileIngestResult> Ingest(ProfileIngestCommand command);

 private:
  ServiceContext ctx_;
  ProfileIngestDeps deps_;
};

}  // namespace engram::service
