#include "memory/stage3.h"

#include <algorithm>
#include <array>
#include <limits>
#include <set>

#include "memory/purpose.h"
#include "text/analyzer.h"

namespace engram::memory {
namespace {

enum class Topic : uint8_t {
  kWork, kLocation, kGoals, kCommunication, kMeetings, kSchedule, kRelationships, kFood, kDiet,
  kPlaces, kHobbies, kFamily, kEvents, kDecisions, kWriting, kContent, kTravel, kHealth,
};

struct Question {
  Topic topic;
  std::string_view text;
  // Words a purpose may use to ask for this topic beyond the purpose table ("travel agent").
  std::vector<std::string_view> keywords;
};

// The bank, in the general order.
const std::vector<Question>& Bank() {
  static const std::vector<Question> bank = {
      {Topic::kWork, "What does the user do for work, and what is their role?",
       {"work", "job", "career", "role", "employer", "company", "professional"}},
      {Topic::kLocation, "Where is the user based, and what timezone are they in?",
       {"location", "city", "timezone", "local"}},
      {Topic::kGoals, "What are the user's current goals and projects?",
       {"goal", "project", "priority", "productivity", "task", "okr", "coach"}},
      {Topic::kCommunication, "How does the user prefer to communicate?",
       {"communication", "email", "message", "reply", "tone", "inbox"}},
      {Topic::kMeetings, "What are the user's meeting habits and availability?",
       {"meeting", "availability", "calendar", "call"}},
      {Topic::kSchedule, "What does the user's typical day or weekly schedule look like?",
       {"schedule", "routine", "day", "week", "habit", "time"}},
      {Topic::kRelationships, "Who are the user's key relationships?",
       {"relationship", "contact", "network", "people", "team", "colleague", "friend"}},
      {Topic::kFood, "What are the user's food preferences?",
       {"food", "meal", "cuisine", "eat", "restaurant", "recipe", "cook"}},
      {Topic::kDiet, "Does the user have any dietary restrictions or allergies?",
       {"diet", "dietary", "allergy", "nutrition", "health"}},
      {Topic::kPlaces, "Which restaurants, cafes or neighborhoods does the user like to go to?",
       {"restaurant", "cafe", "bar", "neighborhood", "place", "venue", "dining"}},
      {Topic::kHobbies, "What are the user's hobbies and interests?",
       {"hobby", "interest", "fun", "leisure", "entertainment", "recommendation", "gift"}},
      {Topic::kFamily, "Who is in the user's family?",
       {"family", "kid", "child", "parent", "partner", "spouse"}},
      {Topic::kEvents, "What important events happened recently in the user's life?",
       {"event", "news", "milestone", "recent", "life"}},
      {Topic::kDecisions, "How does the user make decisions, and what do they prioritize?",
       {"decision", "priority", "buy", "purchase", "negotiation", "deal"}},
      {Topic::kWriting, "What is the user's writing style?",
       {"writing", "write", "style", "voice", "draft", "copy"}},
      {Topic::kContent, "What topics does the user write or post about?",
       {"content", "post", "blog", "article", "newsletter", "social", "topic"}},
      {Topic::kTravel, "Where has the user traveled, and how do they like to travel?",
       {"travel", "trip", "flight", "hotel", "vacation", "booking"}},
      {Topic::kHealth, "What does the user do for health and fitness?",
       {"health", "fitness", "exercise", "workout", "sport", "wellness", "coach"}},
  };
  return bank;
}

std::vector<Topic> FocusTopics(PurposeFocus f) {
  using T = Topic;
  switch (f) {
    case PurposeFocus::kScheduling:
      return {T::kLocation, T::kMeetings, T::kSchedule, T::kCommunication, T::kRelationships};
    case PurposeFocus::kSales:
      return {T::kCommunication, T::kRelationships, T::kDecisions, T::kWork, T::kGoals};
    case PurposeFocus::kDining:
      return {T::kFood, T::kDiet, T::kPlaces, T::kSchedule, T::kRelationships};
    case PurposeFocus::kContent:
      return {T::kWriting, T::kHobbies, T::kContent, T::kCommunication, T::kGoals};
    case PurposeFocus::kGeneral:
      break;
  }
  return {};
}

bool Mentions(const std::set<std::string>& purpose_terms, const Question& q) {
  for (std::string_view k : q.keywords) {
    for (const std::string& t : text::AnalyzeToStrings(k)) {
      if (purpose_terms.count(t)) return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::string> Stage3Questions(std::string_view purpose, size_t max) {
  const std::vector<Question>& bank = Bank();
  std::vector<const Question*> order;
  auto add = [&](const Question* q) {
    if (std::find(order.begin(), order.end(), q) == order.end()) order.push_back(q);
  };
  for (Topic t : FocusTopics(ClassifyPurpose(purpose))) {
    for (const Question& q : bank) {
      if (q.topic == t) add(&q);
    }
  }
  const std::vector<std::string> terms = text::AnalyzeToStrings(purpose);
  const std::set<std::string> purpose_terms(terms.begin(), terms.end());
  for (const Question& q : bank) {
    if (Mentions(purpose_terms, q)) add(&q);
  }
  for (const Question& q : bank) add(&q);

  std::vector<std::string> out;
  for (size_t i = 0; i < order.size() && out.size() < max; ++i) out.emplace_back(order[i]->text);
  return out;
}

size_t Stage3Threshold(size_t n) {
  constexpr size_t kMax = std::numeric_limits<size_t>::max();
  size_t t = 5;
  for (size_t i = 0; i < n; ++i) {
    if (t > kMax / 2) return kMax;
    t *= 2;
  }
  return t;
}

size_t NextStage3Threshold(size_t count) {
  for (size_t n = 0;; ++n) {
    const size_t t = Stage3Threshold(n);
    if (t > count || t == std::numeric_limits<size_t>::max()) return t;
  }
}

bool CrossedStage3Threshold(size_t before, size_t after) {
  if (after <= before) return false;
  const size_t next = NextStage3Threshold(before);
  return next > before && next <= after;
}

}  // namespace engram::memory
