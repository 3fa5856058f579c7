// IsWhenQuestion (declared in time_expressions.h): cheap word-level checks the
// retriever uses to decide whether time should weigh in ranking.
#include <string>
#include <vector>

#include "text/analyzer.h"
#include "text/time_expressions.h"
#include "text/time_lexicon.h"
#include "text/tokenizer.h"

namespace engram::text {
namespace {

using lexicon::Unit;

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> out;
  for (const Token& t : Tokenize(text)) out.push_back(CanonicalTokenText(text, t));
  return out;
}

}  // namespace

bool IsWhenQuestion(std::string_view query) {
  const std::vector<std::string> w = Words(query);
  for (size_t i = 0; i < w.size(); ++i) {
    const std::string& a = w[i];
    const std::string b = i + 1 < w.size() ? w[i + 1] : "";
    const std::string c = i + 2 < w.size() ? w[i + 2] : "";
    if (a == "when" || a == "whenever") return true;
    if ((a == "what" || a == "which") &&
        (b == "date" || b == "day" || b == "time" || b == "year" || b == "month" || b == "week" ||
         b == "dates" || b == "years" || b == "season" || b == "decade")) {
      return true;
    }
    if (a == "how" && b == "long" && (c == "ago" || c == "has" || c == "have" || c == "did" ||
                                      c == "had" || c == "was" || c == "is" || c == "does")) {
      return true;
    }
    if (a == "how" && b == "many" && (lexicon::UnitOf(c) != Unit::kNone)) return true;
    if (a == "since" && b == "when") return true;
  }
  return false;
}


}  // namespace engram::text
