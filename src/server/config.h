// engramd configuration: every setting is a flag, an ENGRAM_* environment variable and a key of the
// optional config file (`--config FILE`, `key = value` lines). Precedence: flag > env > file > default.
// Plain value; thread-safe to read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace engram::server {

struct Config {
  std::string listen = "127.0.0.1:8420";  // HOST:PORT; port 0 picks a free port
  std::string port_file;                  // written with the bound port once accepting
  std::string data_dir = "./data";
  std::vector<std::string> api_keys;      // admin keys of the default workspace
  std::string log_level = "info";
  int io_threads = 1;
  int request_threads = 16;
  int compute_threads = 0;                // 0: one per core
  int request_queue = 4096;
  int64_t max_body_bytes = 8 << 20;
  int read_timeout_ms = 30000;
  int write_timeout_ms = 30000;
  int idle_timeout_ms = 60000;
  int shutdown_grace_ms = 10000;
  int rate_limit_test = 60;
  int rate_limit_live = 600;
  int rate_limit_other = 0;
  std::string sync = "full";              // SQLite synchronous: full | normal
  std::string default_workspace = "default";
  // Retrieval.
  int index_memory_mb = 1024;              // budget of resident per-user indexes (LRU beyond it)
  std::string vector_storage = "float32";  // float32 | int8 (4x smaller, cosines within ~0.01)
  std::string embedder = "none";          // none | hash | remote
  std::string embed_url;                  // remote: OpenAI-compatible base URL
  std::string embed_model;
  std::string embed_api_key;
  int embed_batch_size = 64;
  int embed_timeout_ms = 10000;
  int embed_retries = 3;
  int embed_dimensions = 0;
  int embed_hash_dim = 384;
  std::string wordnet_dir = "/usr/share/wordnet";  // query expansion; empty = off
  int synonyms_per_word = 0;             // measured neutral on LoCoMo dev (docs/retrieval.md)
  std::string ranking;                    // "name=value,..." overrides of index::RankingParams
  int workers = 1;                        // background extraction threads
  int promotion_min_actors = 2;           // docs/memory.md, "Organization scopes"
  int promotion_min_groups = 2;
  int extraction_max_attempts = 3;        // failed tries of a batch before its records are isolated
  int64_t max_pending_records = 1000000;  // /ingest answers 503 beyond this extraction backlog (0: no bound)
  int background_nice = 10;  // niceness added to background threads (extraction, embedding, ...): 0 = none
  std::string llm_url;                    // OpenAI-compatible chat endpoint; empty = no LLM
  std::string llm_model;
  std::string llm_api_key;
  int llm_timeout_ms = 30000;

  std::string host() const;
  uint16_t port() const;
};

// Parses argv (with env and config file). On --help, prints usage to stdout and returns
// kOk with `*exit_now` set; on a bad flag, an InvalidArgument naming it.
Result<Config> ParseConfig(int argc, char** argv, bool* exit_now);

}  // namespace engram::server
