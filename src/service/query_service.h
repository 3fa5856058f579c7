// QueryService: POST /query. A cached Stage 3 answer to a close enough question answers at once;
// otherwise the answerer composes an answer from the best-supported memories and chunks (retrieved
// like /chunks), citing them, and the fresh answer is stored as a Stage 3 item. Also runs Stage 3:
// answering the purpose's question set when the memory count crosses a threshold.
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "llm/llm_client.h"
#include "memory/answerer.h"
#include "service/chunks_service.h"
#include "service/context.h"

namespace engram::service {

struct QueryResult {
  std::string user_id;
  std::string question;
  std::string answer;
  bool cached = false;
  std::vector<memory::Evidence> sources;
};

struct QueryOptions {
  double cache_similarity = 0.6;   // QuestionSimilarity at or above which a Stage 3 item answers
  size_t evidence = 8;             // items retrieved for the answerer
  size_t stage3_questions = 8;     // questions answered per Stage 3 run
};

class QueryService {
 public:
  // `cache` (may be null) learns about stored Stage 3 items so /chunks finds them at once. With an
  // enabled `llm` (may be null), uncached questions go through an agent loop with a search tool
  // (memory::AnswerWithAgent); when it fails, the extractive answer is given instead.
  QueryService(ServiceContext ctx, ChunksService* chunks, index::IndexCache* cache, llm::LlmClient* llm = nullptr,
               QueryOptions options = {})
      : ctx_(ctx), chunks_(chunks), cache_(cache), llm_(llm), options_(options) {}

  // InvalidArgument for an empty question; NotFound for an unknown user.
  Result<QueryResult> Query(const std::string& workspace, const std::string& user_id, const std::string& question,
                            bool use_cache);
  // Answers the purpose-driven Stage 3 questions for the user and stores the answered ones.
  Status RunStage3(const std::string& workspace, int64_t uid);

 private:
  Result<memory::Answer> Answer(const std::string& workspace, const std::string& user_id,
                                const std::string& question);
  Result<std::vector<memory::Evidence>> Retrieve(const std::string& workspace, const std::string& user_id,
                                                 const std::string& query);

  Status Store(const std::string& workspace, int64_t uid, const domain::Stage3Item& item);
  struct Stage3Cache {
    int64_t version = -1;
    std::vector<domain::Stage3Item> items;
    std::vector<memory::QuestionShape> shapes;  // parallel to items
  };
  // The user's Stage 3 items with their analyzed questions, re-read only when the user's version moved.
  std::shared_ptr<const Stage3Cache> Stage3For(const domain::User& user);

  ServiceContext ctx_;
  ChunksService* chunks_;
  index::IndexCache* cache_;
  llm::LlmClient* llm_;
  QueryOptions options_;
  std::mutex stage3_mu_;
  std::unordered_map<std::string, std::shared_ptr<const Stage3Cache>> stage3_;  // guarded by stage3_mu_
};

}  // namespace engram::service
