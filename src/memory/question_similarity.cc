// QuestionSimilarity (declared in answerer.h): whether a cached Stage 3 answer fits a new question.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "memory/answerer.h"
#include "text/analyzer.h"

namespace engram::memory {
namespace {

// Synonym groups: every word of a group maps to the group's concept. Vague groups weigh less.
struct Group {
  std::string_view name;
  double weight;
  std::vector<std::string_view> words;
};

const std::vector<Group>& Groups() {
  static const std::vector<Group> groups = {
      {"like", 0.3, {"like", "likes", "prefer", "preference", "preferences", "love", "enjoy", "favorite",
                     "favourite", "fond", "want"}},
      {"vague", 0.3, {"key", "important", "main", "top", "primary", "closest", "close", "style", "way",
                      "usual", "usually", "typical", "typically", "current", "currently", "describe", "know"}},
      {"food", 1.0, {"food", "eat", "eats", "cuisine", "dish", "meal", "dine", "dining", "dinner", "lunch",
                     "breakfast"}},
      {"diet", 1.0, {"diet", "dietary", "allergy", "allergies", "allergic", "restriction"}},
      {"relationship", 1.0, {"relationship", "relationships", "contact", "contacts", "people", "network",
                             "connection", "connections", "colleague", "colleagues"}},
      {"work", 1.0, {"work", "job", "career", "occupation", "profession", "role", "employer", "company"}},
      {"meeting", 1.0, {"meeting", "meetings", "meet", "appointment", "call", "calls"}},
      {"availability", 1.0, {"availability", "available", "free", "calendar", "schedule"}},
      {"communicate", 1.0, {"communicate", "communication", "talk", "email", "message", "messages"}},
      {"goal", 1.0, {"goal", "goals", "objective", "aim", "target", "plan", "plans", "priority", "priorities",
                     "ambition", "project", "projects", "focus", "focused"}},
      {"hobby", 1.0, {"hobby", "hobbies", "interest", "interests", "pastime", "leisure", "fun"}},
      {"family", 1.0, {"family", "parent", "parents", "child", "children", "kid", "kids", "sibling", "spouse",
                       "wife", "husband", "mother", "father"}},
      {"location", 1.0, {"live", "lives", "location", "located", "based", "city", "reside", "home"}},
      {"timezone", 1.0, {"timezone", "zone"}},
      {"travel", 1.0, {"travel", "trip", "trips", "vacation", "holiday"}},
  };
  return groups;
}

// Analyzed term -> (concept, weight), built once from the groups through the same analyzer.
const std::map<std::string, std::pair<std::string, double>>& ConceptTable() {
  static const std::map<std::string, std::pair<std::string, double>> table = [] {
    std::map<std::string, std::pair<std::string, double>> t;
    for (const Group& g : Groups()) {
      for (std::string_view w : g.words) {
        for (const std::string& term : text::AnalyzeToStrings(w)) t.emplace(term, std::make_pair(std::string(g.name), g.weight));
      }
    }
    return t;
  }();
  return table;
}

}  // namespace

QuestionShape AnalyzeQuestion(std::string_view question) {
  const text::AnalyzedQuery q = text::AnalyzeQuery(question);
  QuestionShape s;
  static const std::string kUser = text::AnalyzeToStrings("user").empty() ? "user" : text::AnalyzeToStrings("user")[0];
  for (const text::Term& t : q.terms) {
    if (t.text == kUser || (q.kept_stopwords && text::IsStopword(t.text))) continue;
    auto it = ConceptTable().find(t.text);
    if (it != ConceptTable().end()) {
      s.concepts[it->second.first] = it->second.second;
    } else {
      s.concepts[t.text] = 1.0;
    }
  }
  for (text::QuestionWord w : {text::QuestionWord::kWho, text::QuestionWord::kWhen, text::QuestionWord::kWhere,
                               text::QuestionWord::kWhy}) {
    if (q.Has(w)) s.asks |= 1u << static_cast<unsigned>(w);
  }
  if (q.is_when_question) s.asks |= 1u << static_cast<unsigned>(text::QuestionWord::kWhen);
  return s;
}

double QuestionSimilarity(std::string_view a, std::string_view b) {
  return QuestionSimilarity(AnalyzeQuestion(a), AnalyzeQuestion(b));
}

double QuestionSimilarity(const QuestionShape& sa, const QuestionShape& sb) {
  double inter = 0, uni = 0;
  auto i = sa.concepts.begin(), j = sb.concepts.begin();
  while (i != sa.concepts.end() || j != sb.concepts.end()) {
    if (j == sb.concepts.end() || (i != sa.concepts.end() && i->first < j->first)) {
      uni += i->second, ++i;
    } else if (i == sa.concepts.end() || j->first < i->first) {
      uni += j->second, ++j;
    } else {
      inter += i->second, uni += i->second, ++i, ++j;
    }
  }
  if (uni <= 0) return 0.0;
  double sim = inter / uni;
  if ((sa.asks != 0 || sb.asks != 0) && sa.asks != sb.asks) sim *= 0.75;
  return std::clamp(sim, 0.0, 1.0);
}

}  // namespace engram::memory
