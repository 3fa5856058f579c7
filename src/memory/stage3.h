// Stage 3: the questions Engram asks about a user once enough memories exist, and when to ask them.
//
// Stage 3 runs when the user's memory count crosses a threshold: 5, 10, 20, 40, 80, ... (5 doubled,
// forever). The worker compares the count before and after a batch: one batch that jumps from 3 to
// 25 memories crosses three thresholds but runs Stage 3 once (CrossedStage3Threshold).
//
// The questions come from a fixed bank, one per topic (food, meetings and availability, key
// relationships, goals and projects, communication, work, location and timezone, hobbies, family,
// recent events, ...). The purpose (purpose.h) puts its topics first:
//   scheduling  location/timezone, meetings, daily schedule, communication, relationships
//   sales       communication, relationships, decision making, work, goals
//   dining      food, dietary restrictions, favourite places, schedule (meal times), relationships
//   content     writing style, interests, past content, communication, goals
//   general     work, location/timezone, goals, communication, meetings, relationships, food, ...
// After the focus topics, topics whose keywords the purpose text mentions ("travel agent" -> travel),
// then the rest in the general order. The wording of each question is stable, so answers cached
// under it (Stage 3 items) keep matching later /query calls (answerer.h, QuestionSimilarity).
//
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace engram::memory {

// The first `max` questions for `purpose`, focus first, no duplicates.
std::vector<std::string> Stage3Questions(std::string_view purpose, size_t max);

// The n-th threshold, 0-based: 5, 10, 20, 40, ...; saturates at SIZE_MAX instead of overflowing.
size_t Stage3Threshold(size_t n);
// The smallest threshold strictly greater than `count` (5 for 0..4, 10 for 5..9, ...).
size_t NextStage3Threshold(size_t count);
// True when some threshold t satisfies before < t <= after (a count that grows onto or past it).
bool CrossedStage3Threshold(size_t before, size_t after);

}  // namespace engram::memory
