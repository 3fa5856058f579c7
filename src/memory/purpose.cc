#include "memory/purpose.h"

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <vector>

#include "text/analyzer.h"

namespace engram::memory {
namespace {

struct Row {
  PurposeFocus focus;
  std::vector<std::string_view> words;
};

// Order matters: it breaks ties (see purpose.h).
const std::array<Row, 4>& Table() {
  static const std::array<Row, 4> table = {{
      {PurposeFocus::kScheduling,
       {"schedule", "scheduling", "calendar", "meeting", "appointment", "availability", "agenda",
        "booking", "timezone", "zone", "invite", "standup"}},
      {PurposeFocus::kSales,
       {"sales", "sdr", "bdr", "crm", "outreach", "prospect", "lead", "pipeline", "deal", "negotiation",
        "account", "customer", "client", "relationship", "network", "communication", "follow",
        "decision"}},
      {PurposeFocus::kDining,
       {"restaurant", "food", "dining", "dine", "dinner", "lunch", "breakfast", "meal", "cuisine",
        "recipe", "dietary", "diet", "eat", "culinary", "chef", "grocery", "cooking", "nutrition"}},
      {PurposeFocus::kContent,
       {"content", "writing", "write", "writer", "blog", "post", "article", "newsletter", "copywriting",
        "social", "tweet", "essay", "editorial", "marketing", "creator", "creative"}},
  }};
  return table;
}

// Keywords reduced to the analyzer's terms, once, so they compare with analyzed purpose text.
const std::array<std::set<std::string>, 4>& StemmedTable() {
  static const std::array<std::set<std::string>, 4> stems = [] {
    std::array<std::set<std::string>, 4> out;
    for (size_t i = 0; i < Table().size(); ++i) {
      for (std::string_view w : Table()[i].words) {
        for (std::string& t : text::AnalyzeToStrings(w)) out[i].insert(std::move(t));
      }
    }
    return out;
  }();
  return stems;
}

}  // namespace

PurposeFocus ClassifyPurpose(std::string_view purpose) {
  const std::vector<std::string> terms = text::AnalyzeToStrings(purpose);
  const auto& stems = StemmedTable();
  PurposeFocus best = PurposeFocus::kGeneral;
  size_t best_hits = 0;
  for (size_t i = 0; i < stems.size(); ++i) {
    const size_t hits = static_cast<size_t>(
        std::count_if(terms.begin(), terms.end(), [&](const std::string& t) { return stems[i].count(t) != 0; }));
    if (hits > best_hits) best = Table()[i].focus, best_hits = hits;  // strict: ties keep the earlier row
  }
  return best;
}

std::string_view PurposeFocusName(PurposeFocus focus) {
  switch (focus) {
    case PurposeFocus::kGeneral: return "general";
    case PurposeFocus::kScheduling: return "scheduling";
    case PurposeFocus::kSales: return "sales";
    case PurposeFocus::kDining: return "dining";
    case PurposeFocus::kContent: return "content";
  }
  return "general";
}

}  // namespace engram::memory
