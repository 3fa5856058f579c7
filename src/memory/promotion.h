// Promotion: which actor memories also hold for a role, a team, or the whole organization (seed 004:
// "memories flow up the hierarchy: actor -> role -> team -> org").
//
// The rules (docs/memory.md, "Organization scopes"):
//  - Eligible: a current memory about the actor itself (no other subject) that is not about its
//    private life (categories family, pet, relationship, possession, location stay with the actor).
//    When its source records name a role (team), it is eligible for that role (team) only; when they
//    name none, for every role (team) the actor belongs to.
//  - Same fact: two memories state the same thing by the consolidation test (memory/consolidation.h:
//    token-set Jaccard >= 0.7 with the same numbers, or containment; same negation).
//  - Role or team: a fact is promoted when at least `min_actors` distinct members hold it
//    ("consensus"), or when one member's statement matches the group's promotion prompt ("prompt":
//    the statement shares at least two analyzed terms with the prompt, or one when the statement has
//    at most two).
//  - Org: the role and team memories of the workspace are grouped the same way; a fact is promoted
//    when at least `min_groups` distinct roles/teams hold it ("groups"), or when it matches the org's
//    promotion prompt ("prompt").
// A promoted memory takes the text and category of its oldest supporting statement, the highest
// confidence, the newest valid_from, every supporter's source ids, and the metadata of up to
// `max_source_metadata` source events. Its id is derived from the scope and that oldest statement, so it
// is stable while that statement stands.
//
// Pure: same inputs, same output. Thread-safe.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "domain/types.h"
#include "memory/consolidation.h"

namespace engram::memory {

// A source record of a memory, as far as promotion needs it.
struct SourceRef {
  std::string record_id;
  std::string role_id;
  std::string team_id;
  std::string metadata_json;  // as stored ("" = none)
};

// One actor's memory offered to a group.
struct PromotionCandidate {
  std::string actor_id;
  domain::Memory memory;
  std::vector<SourceRef> sources;  // the memory's source records that still exist
};

struct PromotionOptions {
  size_t min_actors = 2;            // role/team consensus
  size_t min_groups = 2;            // org: distinct roles/teams holding the fact
  double same_fact_threshold = kSameStatementThreshold;  // consolidation's Jaccard threshold
  size_t max_source_metadata = 5;   // seed 004: "up to 5 entries per memory"
  TimeMs now = 0;                   // updated_at of the promoted memories
};

// The memories of `group` (a role or a team) given what its members hold.
std::vector<domain::ScopedMemory> PromoteToGroup(const domain::OrgGroup& group,
                                                 std::span<const PromotionCandidate> candidates,
                                                 const PromotionOptions& options);

// The org's memories given the role and team memories of the workspace (other scopes are ignored).
std::vector<domain::ScopedMemory> PromoteToOrg(const domain::OrgGroup& org,
                                               std::span<const domain::ScopedMemory> group_memories,
                                               const PromotionOptions& options);

// What an actor's search shows of the promoted memories of its scopes (`scoped` broadest first, as
// Store::ListScopedMemories lists them): a memory the actor itself supports is left out (its own
// statement is already among its memories), and so is one stating the same fact as a broader one
// already shown or left out as the actor's own (the broadest scope wins; the actor's own statement
// beats them all).
std::vector<domain::ScopedMemory> VisibleTo(const std::string& actor_id, std::vector<domain::ScopedMemory> scoped,
                                            double same_fact_threshold = kSameStatementThreshold);

// The pieces, exposed for tests.
bool Shareable(const domain::Memory& m);
bool EligibleFor(const PromotionCandidate& candidate, const domain::OrgGroup& group);
bool MatchesPrompt(std::string_view statement, std::string_view prompt);

// One source_metadata entry (seed 004) as JSON text: {"event_id":..,"metadata":{..}} when the stored
// metadata is a JSON object, {"event_id":..,"raw":".."} otherwise (metadata that was not valid JSON is
// stored as {"raw": original} and comes back as the original string). "" when there is no metadata.
std::string SourceMetadataEntry(std::string_view event_id, std::string_view metadata_json);
// Entries (JSON texts) as one JSON array text.
std::string JsonArrayText(const std::vector<std::string>& entries);

}  // namespace engram::memory
