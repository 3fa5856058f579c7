#include "server/config.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>

namespace engram::server {

std::string Config::host() const {
  const auto colon = listen.rfind(':');
  std::string h = colon == std::string::npos ? listen : listen.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  return h.empty() ? "0.0.0.0" : h;
}

uint16_t Config::port() const {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return 8420;
  return static_cast<uint16_t>(std::stoi(listen.substr(colon + 1)));
}

namespace {
Status ValidateListen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("--listen must be HOST:PORT");
  const std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535) {
    return Status::InvalidArgument("--listen port must be 0-65535");
  }
  return Status::Ok();
}
}  // namespace

Result<Config> ParseConfig(int argc, char** argv, bool* exit_now) {
  *exit_now = false;
  Config c;
  CLI::App app{"engramd: self-hosted memory and personalization server for AI agents"};
  app.set_config("--config", "", "Config file with `key = value` lines (keys as the long flag names)");
  // CLI11 lets a config-file value beat an environment variable; we want flag > env > file, so the
  // environment is folded into the command line (for flags not given there) before parsing.
  std::vector<std::pair<std::string, std::string>> env_flags;  // (flag, env var)
  auto opt = [&](const char* name, auto& field, const char* env, const char* help) {
    env_flags.emplace_back(name, env);
    return app.add_option(name, field, std::string(help) + " [env " + env + "]")->capture_default_str();
  };
  opt("--listen", c.listen, "ENGRAM_LISTEN", "Address to listen on, HOST:PORT (port 0: any free port)");
  opt("--port-file", c.port_file, "ENGRAM_PORT_FILE", "Write the bound port to this file once accepting");
  opt("--data-dir", c.data_dir, "ENGRAM_DATA_DIR", "Directory of the embedded SQLite store");
  opt("--api-keys", c.api_keys, "ENGRAM_API_KEYS", "Comma-separated admin keys of the default workspace")
      ->delimiter(',');
  opt("--log-level", c.log_level, "ENGRAM_LOG_LEVEL", "debug | info | warn | error | off")
      ->check(CLI::IsMember({"debug", "info", "warn", "error", "off"}));
  opt("--io-threads", c.io_threads, "ENGRAM_IO_THREADS", "HTTP I/O threads")->check(CLI::Range(1, 64));
  opt("--request-threads", c.request_threads, "ENGRAM_REQUEST_THREADS", "Request handler pool size")
      ->check(CLI::Range(1, 1024));
  opt("--compute-threads", c.compute_threads, "ENGRAM_COMPUTE_THREADS",
      "Threads for CPU-bound reads such as /chunks (0: one per core)")->check(CLI::Range(0, 1024));
  opt("--request-queue", c.request_queue, "ENGRAM_REQUEST_QUEUE", "Pending requests before answering 503")
      ->check(CLI::Range(1, 1 << 20));
  opt("--max-body-bytes", c.max_body_bytes, "ENGRAM_MAX_BODY_BYTES", "Largest accepted request body")
      ->check(CLI::Range(int64_t{1024}, int64_t{1} << 30));
  opt("--read-timeout-ms", c.read_timeout_ms, "ENGRAM_READ_TIMEOUT_MS", "Time allowed to receive one request");
  opt("--write-timeout-ms", c.write_timeout_ms, "ENGRAM_WRITE_TIMEOUT_MS", "Time allowed to send one response");
  opt("--idle-timeout-ms", c.idle_timeout_ms, "ENGRAM_IDLE_TIMEOUT_MS", "Keep-alive idle time before closing");
  opt("--shutdown-grace-ms", c.shutdown_grace_ms, "ENGRAM_SHUTDOWN_GRACE_MS",
      "On SIGTERM, how long in-flight requests may take to finish");
  opt("--rate-limit-test", c.rate_limit_test, "ENGRAM_RATE_LIMIT_TEST", "Requests/min per sk_test_ key (0: none)");
  opt("--rate-limit-live", c.rate_limit_live, "ENGRAM_RATE_LIMIT_LIVE", "Requests/min per sk_live_ key (0: none)");
  opt("--rate-limit-other", c.rate_limit_other, "ENGRAM_RATE_LIMIT_OTHER",
      "Requests/min per key of any other form (0: none)");
  opt("--sync", c.sync, "ENGRAM_SYNC", "SQLite durability: full (fsync each commit) | normal")
      ->check(CLI::IsMember({"full", "normal"}));
  opt("--default-workspace", c.default_workspace, "ENGRAM_DEFAULT_WORKSPACE",
      "Workspace of --api-keys and of the first admin key");
  opt("--index-memory-mb", c.index_memory_mb, "ENGRAM_INDEX_MEMORY_MB",
      "Memory budget of resident per-user indexes, least recently used evicted beyond it")
      ->check(CLI::Range(1, 1 << 20));
  opt("--vector-storage", c.vector_storage, "ENGRAM_VECTOR_STORAGE",
      "Chunk vectors in memory: float32 | int8 (4x smaller, approximate cosines)")
      ->check(CLI::IsMember({"float32", "int8"}));
  opt("--embedder", c.embedder, "ENGRAM_EMBEDDER", "Chunk embeddings: none (lexical only) | hash | remote")
      ->check(CLI::IsMember({"none", "hash", "remote"}));
  opt("--embed-url", c.embed_url, "ENGRAM_EMBED_URL", "remote: OpenAI-compatible base URL (/v1/embeddings)");
  opt("--embed-model", c.embed_model, "ENGRAM_EMBED_MODEL", "remote: model name");
  opt("--embed-api-key", c.embed_api_key, "ENGRAM_EMBED_API_KEY", "remote: bearer key");
  opt("--embed-batch-size", c.embed_batch_size, "ENGRAM_EMBED_BATCH_SIZE", "remote: texts per request")
      ->check(CLI::Range(1, 2048));
  opt("--embed-timeout-ms", c.embed_timeout_ms, "ENGRAM_EMBED_TIMEOUT_MS", "remote: per request");
  opt("--embed-retries", c.embed_retries, "ENGRAM_EMBED_RETRIES", "remote: retries with backoff");
  opt("--embed-dimensions", c.embed_dimensions, "ENGRAM_EMBED_DIMENSIONS", "remote: requested dimensions (0: model's)");
  opt("--embed-hash-dim", c.embed_hash_dim, "ENGRAM_EMBED_HASH_DIM", "hash: vector dimension")
      ->check(CLI::Range(8, 4096));
  opt("--wordnet-dir", c.wordnet_dir, "ENGRAM_WORDNET_DIR",
      "WordNet data files for query expansion (Debian's wordnet-base); empty: no expansion");
  opt("--synonyms-per-word", c.synonyms_per_word, "ENGRAM_SYNONYMS_PER_WORD",
      "WordNet synonyms added per query word (0: no expansion)")->check(CLI::Range(0, 10));
  opt("--workers", c.workers, "ENGRAM_WORKERS",
      "Background memory-extraction threads (0: no extraction; records stay pending until a start with workers)")
      ->check(CLI::Range(0, 64));
  opt("--extraction-max-attempts", c.extraction_max_attempts, "ENGRAM_EXTRACTION_MAX_ATTEMPTS",
      "Failed tries of an extraction batch before records the extractor fails on are marked failed")
      ->check(CLI::Range(1, 100));
  opt("--promotion-min-actors", c.promotion_min_actors, "ENGRAM_PROMOTION_MIN_ACTORS",
      "Members of a role or team who must hold the same fact for it to be promoted there")
      ->check(CLI::Range(1, 1000));
  opt("--promotion-min-groups", c.promotion_min_groups, "ENGRAM_PROMOTION_MIN_GROUPS",
      "Roles and teams that must hold the same fact for it to be promoted to the org")
      ->check(CLI::Range(1, 1000));
  opt("--max-pending-records", c.max_pending_records, "ENGRAM_MAX_PENDING_RECORDS",
      "Records waiting for extraction beyond which /ingest answers 503 + Retry-After (0: no bound)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  opt("--background-nice", c.background_nice, "ENGRAM_BACKGROUND_NICE",
      "Niceness added to background threads (extraction, embedding, promotion, WAL checkpoints) so they "
      "yield the cores to requests; 0: same priority")
      ->check(CLI::Range(0, 19));
  opt("--llm-url", c.llm_url, "ENGRAM_LLM_URL",
      "OpenAI-compatible chat endpoint for extraction and /query (empty: deterministic only)");
  opt("--llm-model", c.llm_model, "ENGRAM_LLM_MODEL", "Model name sent to --llm-url");
  opt("--llm-api-key", c.llm_api_key, "ENGRAM_LLM_API_KEY", "Bearer key for --llm-url");
  opt("--llm-timeout-ms", c.llm_timeout_ms, "ENGRAM_LLM_TIMEOUT_MS", "Per LLM call")->check(CLI::Range(100, 600000));
  opt("--ranking", c.ranking, "ENGRAM_RANKING",
      "Advanced: overrides of the ranking parameters, name=value,... (see docs/retrieval.md)");
  // Every option is registered by now: fold in the environment of each.
  std::vector<std::string> args(argv + 1, argv + argc);
  auto given = [&](const std::string& flag) {
    for (const auto& a : args) {
      if (a == flag || a.rfind(flag + "=", 0) == 0) return true;
    }
    return false;
  };
  env_flags.emplace_back("--config", "ENGRAM_CONFIG");
  for (const auto& [flag, env] : env_flags) {
    const char* value = std::getenv(env.c_str());
    if (value && *value && !given(flag)) {
      args.push_back(flag);
      args.push_back(value);
    }
  }
  std::reverse(args.begin(), args.end());  // CLI11 consumes a reversed vector
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    std::cout << app.help();
    *exit_now = true;
    return c;
  } catch (const CLI::ParseError& e) {
    return Status::InvalidArgument(e.what());
  }
  ENGRAM_RETURN_IF_ERROR(ValidateListen(c.listen));
  if (!c.llm_url.empty() && c.llm_model.empty()) return Status::InvalidArgument("--llm-model is required with --llm-url");
  return c;
}

}  // namespace engram::server
