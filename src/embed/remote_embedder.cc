#include "embed/remote_embedder.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/upstream_http.h"

namespace engram::embed {
namespace {

using json = nlohmann::json;

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::string EndpointFor(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (EndsWith(url, "/embeddings")) return url;
  if (EndsWith(url, "/v1")) return url + "/embeddings";
  return url + "/v1/embeddings";
}

}  // namespace

Result<std::unique_ptr<RemoteEmbedder>> RemoteEmbedder::Create(RemoteEmbedderOptions options) {
  if (options.url.empty()) return Status::InvalidArgument("remote embedder: url is required");
  if (!StartsWith(options.url, "http://") && !StartsWith(options.url, "https://")) {
    return Status::InvalidArgument("remote embedder: url must start with http:// or https://");
  }
  if (options.batch_size < 1) return Status::InvalidArgument("remote embedder: batch_size must be >= 1");
  if (options.timeout_ms < 1) return Status::InvalidArgument("remote embedder: timeout_ms must be >= 1");
  if (options.max_retries < 0) return Status::InvalidArgument("remote embedder: max_retries must be >= 0");
  if (options.backoff_initial_ms < 0 || options.backoff_max_ms < 0 || options.retry_after_max_ms < 0) {
    return Status::InvalidArgument("remote embedder: backoff delays must be >= 0");
  }
  if (options.dimensions < 0) return Status::InvalidArgument("remote embedder: dimensions must be >= 0");
  if (options.max_response_bytes == 0) options.max_response_bytes = 256u << 20;
  return std::unique_ptr<RemoteEmbedder>(new RemoteEmbedder(std::move(options)));
}

RemoteEmbedder::RemoteEmbedder(RemoteEmbedderOptions options)
    : options_(std::move(options)), pool_(std::make_unique<upstream::HandlePool>()) {
  endpoint_ = EndpointFor(options_.url);
  name_ = options_.model.empty() ? "remote" : "remote/" + options_.model;
  dimension_.store(options_.dimensions);
  if (options_.metrics) {
    seconds_ = options_.metrics->GetHistogram("engram_embed_seconds",
                                              "Latency of one embeddings HTTP request in seconds");
  }
}

RemoteEmbedder::~RemoteEmbedder() = default;

void RemoteEmbedder::Record(std::string_view outcome, double seconds) {
  if (!options_.metrics) return;
  options_.metrics
      ->GetCounter("engram_embed_requests_total", "Embeddings HTTP requests by outcome",
                   {{"status", std::string(outcome)}})
      ->Add();
  seconds_->Observe(seconds);
}

Result<std::vector<Vector>> RemoteEmbedder::Embed(const std::vector<std::string>& texts) {
  std::vector<Vector> out;
  out.reserve(texts.size());
  const auto batch = static_cast<size_t>(options_.batch_size);
  for (size_t begin = 0; begin < texts.size(); begin += batch) {
    const size_t end = std::min(texts.size(), begin + batch);
    ENGRAM_ASSIGN_OR_RETURN(auto vectors, EmbedBatch(texts, begin, end));
    for (auto& v : vectors) out.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<Vector>> RemoteEmbedder::EmbedBatch(const std::vector<std::string>& texts, size_t begin,
                                                       size_t end) {
  std::string body;
  {
    json req = json::object();
    if (!options_.model.empty()) req["model"] = options_.model;
    json input = json::array();
    for (size_t i = begin; i < end; ++i) input.push_back(texts[i]);
    req["input"] = std::move(input);
    if (options_.dimensions > 0) req["dimensions"] = options_.dimensions;
    // Invalid UTF-8 in a text becomes U+FFFD instead of throwing: one bad byte must not fail a batch.
    body = req.dump(-1, ' ', false, json::error_handler_t::replace);
  }

  upstream::PostRequest request{.url = endpoint_,
                                .body = body,
                                .api_key = options_.api_key,
                                .user_agent = "engram-embed/1",
                                .what = "embedding",
                                .timeout_ms = options_.timeout_ms,
                                .max_response_bytes = options_.max_response_bytes};
  const upstream::RetryPolicy policy{.max_retries = options_.max_retries,
                                     .backoff_initial_ms = options_.backoff_initial_ms,
                                     .backoff_max_ms = options_.backoff_max_ms,
                                     .retry_after_max_ms = options_.retry_after_max_ms,
                                     .retry_timeouts = true};
  ENGRAM_ASSIGN_OR_RETURN(upstream::Reply reply,
                          upstream::PostWithRetries(*pool_, request, policy, "embed",
                                                    [this](std::string_view outcome, double seconds) {
                                                      Record(outcome, seconds);
                                                    }));
  auto parsed = ParseResponse(reply.body, end - begin);
  Record(parsed.ok() ? "ok" : "bad_response", reply.seconds);
  return parsed;
}

Result<std::vector<Vector>> RemoteEmbedder::ParseResponse(const std::string& body, size_t expected) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Internal("embedding endpoint returned invalid JSON: " + upstream::Excerpt(body, 80));
  std::vector<Vector> out(expected);
  size_t dim = 0;
  try {
    auto data = j.is_object() ? j.find("data") : j.end();
    if (!j.is_object() || data == j.end() || !data->is_array()) {
      return Status::Internal("embedding response has no \"data\" array");
    }
    if (data->size() != expected) {
      return Status::Internal("embedding endpoint returned " + std::to_string(data->size()) +
                              " embeddings for " + std::to_string(expected) + " inputs");
    }
    std::vector<bool> seen(expected, false);
    for (size_t k = 0; k < data->size(); ++k) {
      const json& item = (*data)[k];
      if (!item.is_object()) return Status::Internal("embedding response item is not an object");
      // "index" is what restores input order; servers that omit it answer in order.
      int64_t index = static_cast<int64_t>(k);
      if (auto it = item.find("index"); it != item.end()) {
        if (!it->is_number_integer()) return Status::Internal("embedding response index is not an integer");
        index = it->get<int64_t>();
      }
      if (index < 0 || static_cast<size_t>(index) >= expected || seen[static_cast<size_t>(index)]) {
        return Status::Internal("embedding response has an out-of-range or duplicate index " +
                                std::to_string(index));
      }
      seen[static_cast<size_t>(index)] = true;
      auto emb = item.find("embedding");
      if (emb == item.end() || !emb->is_array()) {
        return Status::Internal("embedding response item has no numeric \"embedding\" array");
      }
      Vector& v = out[static_cast<size_t>(index)];
      v.reserve(emb->size());
      for (const json& x : *emb) {
        if (!x.is_number()) return Status::Internal("embedding contains a non-number");
        v.push_back(x.get<float>());
      }
      if (v.empty()) return Status::Internal("embedding endpoint returned an empty embedding");
      if (dim == 0) dim = v.size();
      if (v.size() != dim) {
        return Status::Internal("embedding dimensions differ within one response (" + std::to_string(dim) +
                                " vs " + std::to_string(v.size()) + ")");
      }
    }
  } catch (const json::exception& e) {
    return Status::Internal(std::string("malformed embedding response: ") + e.what());
  }
  if (expected == 0) return out;
  // The first successful response fixes the dimension (unless configured); a later change means the
  // endpoint now serves another model, whose vectors must not be mixed with the stored ones.
  int known = dimension_.load();
  if (known == 0 && dimension_.compare_exchange_strong(known, static_cast<int>(dim))) known = static_cast<int>(dim);
  if (static_cast<size_t>(known) != dim) {
    return Status::Internal("embedding dimension " + std::to_string(dim) + " differs from the expected " +
                            std::to_string(known));
  }
  return out;
}

}  // namespace engram::embed
