#include "server/server.h"

#include <filesystem>
#include <fstream>
#include <mutex>

#include "api/app.h"
#include "api/http/http_server.h"
#include "common/log.h"
#include "common/metrics.h"
#include "embed/cached_embedder.h"
#include "embed/factory.h"
#include "index/index_cache.h"
#include "jobs/embedding_worker.h"
#include "jobs/extraction_worker.h"
#include "llm/none_client.h"
#include "llm/openai_client.h"
#include "memory/deterministic_extractor.h"
#include "memory/llm_extractor.h"
#include "service/profile_service.h"
#include "service/query_service.h"
#include "service/chunks_service.h"
#include "text/wordnet.h"
#include "service/index_maintainer.h"
#include "service/event_ingest_service.h"
#include "service/ingest_service.h"
#include "service/profile_ingest_service.h"
#include "service/status_service.h"
#include "service/org_service.h"
#include "jobs/promotion_worker.h"
#include "service/key_service.h"
#include "service/proxy_service.h"
#include "service/user_service.h"
#include "store/sqlite/sqlite_store.h"

namespace engram::server {

struct Server::Parts {
  Config config;
  Metrics metrics;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<service::KeyService> keys;
  std::unique_ptr<service::UserService> users;
  std::unique_ptr<service::IngestService> ingest;
  std::unique_ptr<service::EventDedupeWindow> event_window;
  std::unique_ptr<service::EventIngestService> events;
  std::unique_ptr<embed::Embedder> record_embedder;
  std::unique_ptr<embed::Embedder> query_embedder;
  std::unique_ptr<index::IndexCache> index_cache;
  std::unique_ptr<jobs::EmbeddingWorker> embedding_worker;
  std::unique_ptr<llm::LlmClient> llm;
  std::unique_ptr<memory::Extractor> deterministic;
  std::unique_ptr<memory::Extractor> extractor;
  jobs::ExtractionCoordinator extraction_coordinator;  // shared by the worker and profile ingest; outlives both
  std::unique_ptr<jobs::ExtractionWorker> extraction_worker;
  std::unique_ptr<jobs::PromotionWorker> promotion_worker;
  std::unique_ptr<service::OrgService> org;
  std::unique_ptr<service::ProfileIngestService> profile_ingest;
  std::unique_ptr<service::StatusService> status;
  std::unique_ptr<service::ProfileService> profile;
  std::unique_ptr<service::QueryService> query;
  std::unique_ptr<service::IndexMaintainer> index_maintainer;
  std::unique_ptr<text::WordNet> wordnet;
  std::unique_ptr<service::ChunksService> chunks;
  std::unique_ptr<service::ProxyService> proxy;
  std::unique_ptr<api::ApiApp> app;
  std::unique_ptr<api::HttpServer> http;
  std::once_flag stopped;
};

Server::Server(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Server::~Server() { Stop(); }

Result<std::unique_ptr<Server>> Server::Create(const Config& config) {
  auto p = std::make_unique<Parts>();
  p->config = config;
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return Status::Internal("cannot create data directory " + config.data_dir + ": " + ec.message());

  store::SqliteOptions so;
  so.path = (std::filesystem::path(config.data_dir) / "engram.db").string();
  so.synchronous_full = config.sync == "full";
  so.metrics = &p->metrics;
  ENGRAM_ASSIGN_OR_RETURN(p->store, store::OpenSqliteStore(so));

  service::ServiceContext ctx{p->store.get(), SystemClock::Default(), &p->metrics};
  p->keys = std::make_unique<service::KeyService>(ctx);
  p->users = std::make_unique<service::UserService>(ctx);
  p->ingest = std::make_unique<service::IngestService>(ctx);
  p->event_window = std::make_unique<service::EventDedupeWindow>(ctx.clock);
  p->events = std::make_unique<service::EventIngestService>(ctx, p->users.get(), p->ingest.get(), p->event_window.get());

  embed::EmbedderConfig embed_config;
  embed_config.kind = config.embedder;
  embed_config.hash_dim = config.embed_hash_dim;
  embed_config.remote.url = config.embed_url;
  embed_config.remote.model = config.embed_model;
  embed_config.remote.api_key = config.embed_api_key;
  embed_config.remote.batch_size = config.embed_batch_size;
  embed_config.remote.timeout_ms = config.embed_timeout_ms;
  embed_config.remote.max_retries = config.embed_retries;
  embed_config.remote.dimensions = config.embed_dimensions;
  embed_config.remote.metrics = &p->metrics;
  ENGRAM_ASSIGN_OR_RETURN(p->record_embedder, embed::MakeEmbedder(embed_config));
  ENGRAM_ASSIGN_OR_RETURN(auto query_inner, embed::MakeEmbedder(embed_config));
  p->query_embedder = std::make_unique<embed::CachedEmbedder>(std::move(query_inner),
                                                              embed::CachedEmbedderOptions{.metrics = &p->metrics});
  const std::string model(p->record_embedder->Name());
  index::IndexOptions index_options;
  index_options.vector_storage =
      config.vector_storage == "int8" ? index::VectorStorage::kInt8 : index::VectorStorage::kFloat32;
  p->index_cache = std::make_unique<index::IndexCache>(static_cast<size_t>(config.index_memory_mb) << 20,
                                                       index_options, &p->metrics);
  if (p->record_embedder->Enabled()) {
    p->embedding_worker = std::make_unique<jobs::EmbeddingWorker>(
        p->store.get(), p->record_embedder.get(), model, p->index_cache.get(), jobs::EmbeddingWorkerOptions{},
        &p->metrics);
  }
  // Extraction is deterministic by default; with an LLM, it extracts and the rules are the fallback
  // for every call that fails or returns output that does not validate.
  p->deterministic = std::make_unique<memory::DeterministicExtractor>();
  if (!config.llm_url.empty()) {
    llm::OpenAiClientOptions lo;
    lo.url = config.llm_url;
    lo.model = config.llm_model;
    lo.api_key = config.llm_api_key;
    lo.timeout_ms = config.llm_timeout_ms;
    lo.metrics = &p->metrics;
    ENGRAM_ASSIGN_OR_RETURN(p->llm, llm::OpenAiClient::Create(lo));
    memory::LlmExtractorOptions xo;
    xo.timeout_ms = config.llm_timeout_ms;
    xo.metrics = &p->metrics;
    p->extractor = std::make_unique<memory::LlmExtractor>(p->llm.get(), p->deterministic.get(), xo);
  } else {
    p->llm = std::make_unique<llm::NoneLlmClient>();
  }
  memory::Extractor* extractor = p->extractor ? p->extractor.get() : p->deterministic.get();
  if (config.workers > 0) {
    p->extraction_worker = std::make_unique<jobs::ExtractionWorker>(
        p->store.get(), extractor, p->index_cache.get(), SystemClock::Default(),
        jobs::ExtractionWorkerOptions{.threads = static_cast<size_t>(config.workers),
                                      .max_attempts = config.extraction_max_attempts,
                                      .coordinator = &p->extraction_coordinator},
        &p->metrics);
    // Without workers nothing drains the backlog, so there is nothing to bound either.
    jobs::ExtractionWorker* worker = p->extraction_worker.get();
    p->ingest->SetPendingLimit([worker] { return worker->pending_records(); }, config.max_pending_records);
  }
  // Role, team and org memories follow the actors' memories (seed 004).
  p->promotion_worker = std::make_unique<jobs::PromotionWorker>(
      p->store.get(), p->index_cache.get(), SystemClock::Default(),
      memory::PromotionOptions{.min_actors = static_cast<size_t>(config.promotion_min_actors),
                               .min_groups = static_cast<size_t>(config.promotion_min_groups)},
      &p->metrics);
  jobs::PromotionWorker* promotion = p->promotion_worker.get();
  p->extraction_coordinator.set_memories_hook(
      [promotion](const std::string& workspace, int64_t uid) { promotion->ActorChanged(workspace, uid); });
  p->org = std::make_unique<service::OrgService>(ctx, promotion, p->index_cache.get());
  p->index_maintainer = std::make_unique<service::IndexMaintainer>(p->index_cache.get(), p->embedding_worker.get(),
                                                                   p->extraction_worker.get(), promotion);
  p->ingest->AddObserver(p->index_maintainer.get());
  p->users->AddObserver(p->index_maintainer.get());
  service::ChunksServiceOptions chunk_options;
  ENGRAM_RETURN_IF_ERROR(index::ApplyRankingOverrides(config.ranking, chunk_options.ranking));
  if (!config.wordnet_dir.empty() && config.synonyms_per_word > 0) {
    p->wordnet = std::make_unique<text::WordNet>(text::WordNetOptions{.dir = config.wordnet_dir});
    if (p->wordnet->Load()) {
      chunk_options.wordnet = p->wordnet.get();
      chunk_options.synonyms_per_word = static_cast<size_t>(config.synonyms_per_word);
    } else {
      ENGRAM_LOG(kWarn, "server", "no WordNet data in {}: queries are not expanded", config.wordnet_dir);
    }
  }
  p->chunks = std::make_unique<service::ChunksService>(ctx, p->index_cache.get(), p->query_embedder.get(), model,
                                                       p->embedding_worker.get(), chunk_options);
  p->profile = std::make_unique<service::ProfileService>(ctx);
  p->profile_ingest = std::make_unique<service::ProfileIngestService>(
      ctx, service::ProfileIngestDeps{.ingest = p->ingest.get(), .profile = p->profile.get(), .extractor = extractor,
                                      .cache = p->index_cache.get(), .coordinator = &p->extraction_coordinator});
  p->status = std::make_unique<service::StatusService>(ctx);
  p->query = std::make_unique<service::QueryService>(ctx, p->chunks.get(), p->index_cache.get(), p->llm.get());
  service::QueryService* query = p->query.get();
  if (p->extraction_worker) {
    p->extraction_worker->set_stage3_hook([query](const std::string& workspace, int64_t uid) {
      Status st = query->RunStage3(workspace, uid);
      if (!st.ok()) ENGRAM_LOG(kWarn, "stage3", "stage 3 for user {} failed: {}", uid, st.ToString());
    });
  }

  // The LLM proxy relays raw requests, so it needs the OpenAI client itself, not the LlmClient seam.
  service::ProxyServiceOptions proxy_options;
  proxy_options.default_model = config.llm_model;
  p->proxy = std::make_unique<service::ProxyService>(ctx, dynamic_cast<llm::OpenAiClient*>(p->llm.get()),
                                                     p->users.get(), p->profile.get(), p->chunks.get(),
                                                     p->ingest.get(), proxy_options);

  api::ApiOptions ao;
  ao.rate_limit_test = config.rate_limit_test;
  ao.rate_limit_live = config.rate_limit_live;
  ao.rate_limit_other = config.rate_limit_other;
  ao.request_threads = static_cast<size_t>(config.request_threads);
  ao.request_queue = static_cast<size_t>(config.request_queue);
  ao.compute_threads = static_cast<size_t>(config.compute_threads);
  ao.default_workspace = config.default_workspace;
  api::ApiServices as;
  as.keys = p->keys.get();
  as.users = p->users.get();
  as.ingest = p->ingest.get();
  as.events = p->events.get();
  as.chunks = p->chunks.get();
  as.profile = p->profile.get();
  as.query = p->query.get();
  as.proxy = p->proxy.get();
  as.profile_ingest = p->profile_ingest.get();
  as.status = p->status.get();
  as.org = p->org.get();
  as.store = p->store.get();
  as.metrics = &p->metrics;
  as.clock = SystemClock::Default();
  p->app = std::make_unique<api::ApiApp>(as, ao);

  api::HttpServerOptions ho;
  ho.host = config.host();
  ho.port = config.port();
  ho.io_threads = config.io_threads;
  ho.max_body_bytes = static_cast<size_t>(config.max_body_bytes);
  ho.read_timeout = std::chrono::milliseconds(config.read_timeout_ms);
  ho.write_timeout = std::chrono::milliseconds(config.write_timeout_ms);
  ho.idle_timeout = std::chrono::milliseconds(config.idle_timeout_ms);
  ho.metrics = &p->metrics;
  p->http = std::make_unique<api::HttpServer>(ho, p->app->Handler());
  return std::unique_ptr<Server>(new Server(std::move(p)));
}

Status Server::Start(std::optional<std::string>* bootstrap_key) {
  auto& p = *parts_;
  if (!p.config.api_keys.empty()) {
    ENGRAM_RETURN_IF_ERROR(p.keys->SyncConfiguredKeys(p.config.api_keys, p.config.default_workspace));
  } else {
    ENGRAM_RETURN_IF_ERROR(p.keys->SyncConfiguredKeys({}, p.config.default_workspace));
    ENGRAM_ASSIGN_OR_RETURN(auto created, p.keys->BootstrapAdminKey(p.config.default_workspace));
    if (created && bootstrap_key) *bootstrap_key = created->secret;
  }
  ENGRAM_RETURN_IF_ERROR(p.promotion_worker->Start());
  if (p.extraction_worker) ENGRAM_RETURN_IF_ERROR(p.extraction_worker->Start());
  ENGRAM_RETURN_IF_ERROR(p.http->Start());
  ENGRAM_LOG(kInfo, "server", "listening on {}:{} (data in {})", p.config.host(), p.http->bound_port(),
             p.config.data_dir);
  if (!p.config.port_file.empty()) {
    // Written to a temporary name and renamed, so a reader never sees a partial number.
    const std::string tmp = p.config.port_file + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << p.http->bound_port() << "\n";
      if (!out) return Status::Internal("cannot write port file " + p.config.port_file);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, p.config.port_file, ec);
    if (ec) return Status::Internal("cannot write port file " + p.config.port_file + ": " + ec.message());
  }
  return Status::Ok();
}

uint16_t Server::port() const { return parts_->http->bound_port(); }

void Server::Stop() {
  std::call_once(parts_->stopped, [this] {
    auto& p = *parts_;
    ENGRAM_LOG(kInfo, "server", "shutting down");
    p.app->BeginShutdown();
    p.http->Stop(std::chrono::milliseconds(p.config.shutdown_grace_ms));
    p.app->Shutdown();
    p.proxy->Shutdown();  // its queued turns are ingested before the workers and the store stop
    if (p.embedding_worker) p.embedding_worker->Stop();
    if (p.extraction_worker) p.extraction_worker->Stop();
    p.promotion_worker->Stop();  // after extraction, which tells it about changed actors
    Status st = p.store->Close();
    if (!st.ok()) ENGRAM_LOG(kError, "server", "closing the store: {}", st.ToString());
    ENGRAM_LOG(kInfo, "server", "stopped");
  });
}

}  // namespace engram::server
