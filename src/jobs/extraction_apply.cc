#include "jobs/extraction_apply.h"

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "index/derived_chunks.h"
#include "memory/consolidation.h"
#include "memory/speaker.h"
#include "memory/traits.h"

namespace engram::jobs {

memory::ExtractionContext ContextFor(store::Store& store, const std::string& workspace, int64_t uid,
                                     std::span<const domain::Record> records) {
  memory::ExtractionContext ctx;
  // The user's name: registered, else extracted. A speaker by that name is the user.
  auto user = store.GetUserByUid(workspace, uid);
  if (user.ok() && user->has_value()) {
    auto registered = nlohmann::json::parse((*user)->traits_json, nullptr, false);
    if (registered.is_object() && registered.contains("name") && registered["name"].is_string()) {
      ctx.user_name = registered["name"].get<std::string>();
    }
  }
  if (ctx.user_name.empty()) {
    auto traits = store.ListTraits(workspace, uid);
    if (traits.ok()) {
      for (const auto& t : *traits) {
        if (t.name == "name") ctx.user_name = t.value;
      }
    }
  }
  std::set<std::pair<domain::ScopeKind, std::string>> groups;
  for (const auto& r : records) {
    if (!r.role_id.empty()) groups.emplace(domain::ScopeKind::kRole, r.role_id);
    if (!r.team_id.empty()) groups.emplace(domain::ScopeKind::kTeam, r.team_id);
  }
  for (const auto& [kind, id] : groups) {
    auto group = store.GetGroup(workspace, kind, id);
    if (group.ok() && group->has_value() && !(*group)->promotion_prompt.empty()) {
      ctx.focus.push_back((*group)->promotion_prompt);
    }
  }
  for (const auto& r : records) {
    if (memory::IsUserRole(r.speaker) || memory::IsAssistantRole(r.speaker)) continue;
    if (std::find(ctx.participants.begin(), ctx.participants.end(), r.speaker) == ctx.participants.end()) {
      ctx.participants.push_back(r.speaker);
    }
  }
  return ctx;
}

Result<AppliedExtraction> ApplyExtraction(store::Store& store, index::IndexCache* cache,
                                          const std::string& workspace, int64_t uid,
                                          std::span<const domain::Record> records,
                                          const memory::Extraction& extraction, TimeMs now) {
  AppliedExtraction out;
  ENGRAM_ASSIGN_OR_RETURN(auto current, store.ListMemories(workspace, uid, false));
  memory::ConsolidateOptions co;
  co.now = now;
  memory::ConsolidationResult consolidated = memory::Consolidate(current, extraction.memories, co);

  store::MemoryWrite write;
  write.upserts = consolidated.inserted;
  write.upserts.insert(write.upserts.end(), consolidated.updated.begin(), consolidated.updated.end());
  if (!extraction.traits.empty()) {
    ENGRAM_ASSIGN_OR_RETURN(auto traits, store.ListTraits(workspace, uid));
    auto merged = memory::MergeExtractedTraits(traits, extraction.traits, now);
    for (auto& t : merged) {
      // Only what changed is written back: MergeTraits stamps what it changed (new sources and
      // confidence of an equal value included) with `now`.
      if (t.updated_at == now && t.source != memory::kTraitSourceRegister) write.traits.push_back(std::move(t));
    }
  }
  for (const auto& r : records) write.extracted_record_ids.push_back(r.id);
  ENGRAM_ASSIGN_OR_RETURN(out.version, store.ApplyMemoryWrite(workspace, uid, write));

  // The user's resident index: current memories in, superseded ones out.
  if (cache != nullptr && !write.upserts.empty()) {
    std::vector<domain::Record> pseudo;
    for (const auto& m : write.upserts) {
      domain::Record r;
      r.id = m.id;
      if (m.status == domain::MemoryStatus::kCurrent) r.chunks.push_back(index::MemoryChunk(m, now));
      pseudo.push_back(std::move(r));
    }
    cache->OnRecordsWritten(workspace, uid, out.version, pseudo);
  }

  // Current memories after: the new current ones in, the existing ones superseded now out.
  out.memories_before = current.size();
  out.memories_after = current.size();
  for (const auto& m : consolidated.inserted) out.memories_after += m.status == domain::MemoryStatus::kCurrent ? 1 : 0;
  for (const auto& m : consolidated.updated) out.memories_after -= m.status == domain::MemoryStatus::kSuperseded ? 1 : 0;
  out.upserts = std::move(write.upserts);
  out.traits = std::move(write.traits);
  return out;
}

std::mutex& ExtractionCoordinator::UserMutex(const std::string& workspace, int64_t uid) {
  const size_t h = std::hash<std::string>{}(workspace) * 31 + std::hash<int64_t>{}(uid);
  return stripes_[h % stripes_.size()];
}

int64_t ExtractionCoordinator::pending() const {
  return std::max<int64_t>(0, pending_.load(std::memory_order_relaxed));
}

}  // namespace engram::jobs
