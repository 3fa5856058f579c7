#include "service/query_service.h"

#include "common/crypto.h"
#include "common/log.h"
#include "index/derived_chunks.h"
#include "memory/agent_answerer.h"
#include "memory/stage3.h"

namespace engram::service {

std::shared_ptr<const QueryService::Stage3Cache> QueryService::Stage3For(const domain::User& user) {
  const std::string key = user.workspace + '\x1f' + std::to_string(user.uid);
  {
    std::lock_guard<std::mutex> lock(stage3_mu_);
    auto it = stage3_.find(key);
    if (it != stage3_.end() && it->second->version == user.version) return it->second;
  }
  auto fresh = std::make_shared<Stage3Cache>();
  fresh->version = user.version;
  auto items = ctx_.store->ListStage3Items(user.workspace, user.uid);
  if (items.ok()) fresh->items = std::move(items).value();
  for (const auto& item : fresh->items) fresh->shapes.push_back(memory::AnalyzeQuestion(item.question));
  std::lock_guard<std::mutex> lock(stage3_mu_);
  if (stage3_.size() > 10000) stage3_.clear();  // bounded: a rebuild per user is cheap
  stage3_[key] = fresh;
  return fresh;
}

namespace {
// The records behind an answer: every cited item's sources, once each, in citation order.
std::vector<std::string> CitedSources(const memory::Answer& answer) {
  std::vector<std::string> out;
  for (const auto& e : answer.cited) {
    for (const auto& s : e.source_ids) {
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    }
  }
  return out;
}
}  // namespace

Status QueryService::Store(const std::string& workspace, int64_t uid, const domain::Stage3Item& item) {
  ENGRAM_ASSIGN_OR_RETURN(int64_t version, ctx_.store->PutStage3Item(workspace, uid, item));
  if (cache_ != nullptr) {
    domain::Record pseudo;
    pseudo.id = item.id;
    domain::Stage3Item stored = item;
    stored.updated_at = ctx_.clock->NowMs();
    pseudo.chunks.push_back(index::Stage3Chunk(stored));
    cache_->OnRecordsWritten(workspace, uid, version, std::span<const domain::Record>(&pseudo, 1));
  }
  return Status::Ok();
}

Result<std::vector<memory::Evidence>> QueryService::Retrieve(const std::string& workspace,
                                                             const std::string& user_id, const std::string& query) {
  ChunksRequest req;
  req.workspace = workspace;
  req.user_id = user_id;
  req.turns = {{"user", query}};
  req.k = options_.evidence;
  req.similarity_threshold = 0.05;
  // Earlier answers are not evidence for new ones: that would only echo them.
  req.kinds = index::kAllKinds & ~index::KindBit(domain::RecordKind::kStage3);
  // The answerer wants a memory and its source side by side: it prefers the memory's clean statement.
  req.diversify = false;
  ENGRAM_ASSIGN_OR_RETURN(auto found, chunks_->Search(req));
  std::vector<memory::Evidence> evidence;
  for (const auto& c : found.chunks) {
    memory::Evidence e;
    e.id = c.id;
    e.text = c.text;
    e.score = c.score;
    e.source = c.source;
    e.source_ids = c.source_ids;
    e.timestamp = c.created_at;
    e.subject = c.speaker;
    evidence.push_back(std::move(e));
  }
  return evidence;
}

Result<memory::Answer> QueryService::Answer(const std::string& workspace, const std::string& user_id,
                                            const std::string& question) {
  if (llm_ != nullptr && llm_->Enabled()) {
    auto search = [&](const std::string& q) { return Retrieve(workspace, user_id, q); };
    auto agent = memory::AnswerWithAgent(*llm_, question, search);
    if (agent.ok() && !agent->text.empty()) return agent;
    ENGRAM_LOG(kWarn, "query", "LLM answer failed ({}); answering extractively",
               agent.ok() ? "empty answer" : agent.status().ToString());
  }
  ENGRAM_ASSIGN_OR_RETURN(auto evidence, Retrieve(workspace, user_id, question));
  return memory::ComposeAnswer(question, evidence, memory::AnswerOptions{});
}

Result<QueryResult> QueryService::Query(const std::string& workspace, const std::string& user_id,
                                        const std::string& question, bool use_cache) {
  bool blank = true;
  for (char c : question) blank = blank && std::isspace(static_cast<unsigned char>(c));
  if (blank) return Status::InvalidArgument("Empty field: question");
  ENGRAM_ASSIGN_OR_RETURN(auto user, RequireUser(ctx_, workspace, user_id));
  QueryResult result;
  result.user_id = user.id;
  result.question = question;

  if (use_cache) {
    const auto stage3 = Stage3For(user);
    const domain::Stage3Item* best = nullptr;
    double best_sim = 0;
    const memory::QuestionShape asked = memory::AnalyzeQuestion(question);
    for (size_t i = 0; i < stage3->items.size(); ++i) {
      const auto& item = stage3->items[i];
      const double sim = memory::QuestionSimilarity(asked, stage3->shapes[i]);
      if (sim >= options_.cache_similarity && sim > best_sim && item.confidence > 0) {
        best = &item;
        best_sim = sim;
      }
    }
    if (best != nullptr) {
      result.answer = best->answer;
      result.cached = true;
      memory::Evidence e;
      e.id = best->id;
      e.text = "Q: " + best->question + "\nA: " + best->answer;
      e.score = best_sim;
      e.source = "stage3";
      e.source_ids = best->source_ids;
      e.timestamp = best->updated_at;
      result.sources.push_back(std::move(e));
      return result;
    }
  }

  ENGRAM_ASSIGN_OR_RETURN(memory::Answer answer, Answer(workspace, user_id, question));
  result.answer = answer.text;
  result.sources = answer.cited;
  if (answer.confidence > 0) {
    domain::Stage3Item item;
    item.id = "stage3_" + Sha256Hex(question).substr(0, 16);
    item.question_index = -1;
    item.question = question;
    item.answer = answer.text;
    item.confidence = answer.confidence;
    item.source_ids = CitedSources(answer);
    ENGRAM_RETURN_IF_ERROR(Store(workspace, user.uid, item));
  }
  return result;
}

Status QueryService::RunStage3(const std::string& workspace, int64_t uid) {
  ENGRAM_ASSIGN_OR_RETURN(auto user, ctx_.store->GetUserByUid(workspace, uid));
  if (!user) return Status::Ok();  // deleted meanwhile
  const auto questions = memory::Stage3Questions(user->purpose, options_.stage3_questions);
  for (size_t i = 0; i < questions.size(); ++i) {
    ENGRAM_ASSIGN_OR_RETURN(memory::Answer answer, Answer(workspace, user->id, questions[i]));
    if (answer.confidence <= 0) continue;  // unanswered questions are not stored
    domain::Stage3Item item;
    item.id = "stage3_" + std::to_string(i);
    item.question_index = static_cast<int>(i);
    item.question = questions[i];
    item.answer = answer.text;
    item.confidence = answer.confidence;
    item.source_ids = CitedSources(answer);
    ENGRAM_RETURN_IF_ERROR(Store(workspace, uid, item));
  }
  return Status::Ok();
}

}  // namespace engram::service
