#include "index/query_builder.h"

#include <algorithm>
#include <unordered_map>

#include "text/analyzer.h"
#include "text/normalize.h"
#include "text/time_expressions.h"
#include "text/stopwords.h"
#include "text/tokenizer.h"
#include "text/wordnet.h"

namespace engram::index {

namespace {

bool IsUpperAscii(char c) { return c >= 'A' && c <= 'Z'; }

// Capitalized words that name someone or something ("Caroline", "LGBTQ"), lower-cased.
std::vector<std::string> Names(std::string_view text) {
  std::vector<std::string> names;
  for (const auto& tok : text::Tokenize(text)) {
    if (tok.kind != text::TokenKind::kWord) continue;
    const std::string_view word = tok.Text(text);
    if (word.empty() || !IsUpperAscii(word.front())) continue;
    std::string lower = text::Normalize(word);
    if (text::IsStopword(lower) || text::QuestionWordOf(lower) != text::QuestionWord::kNone) continue;
    if (std::find(names.begin(), names.end(), lower) == names.end()) names.push_back(std::move(lower));
  }
  return names;
}

}  // namespace

QueryPlan BuildQuery(std::span<const Turn> turns, const QueryOptions& options, TimeMs now) {
  QueryPlan plan;
  const size_t first = turns.size() > options.max_context_turns ? turns.size() - options.max_context_turns : 0;
  // The newest user turn anchors the query; without one, the newest turn of any role does.
  size_t anchor = turns.size();
  for (size_t i = turns.size(); i-- > first;) {
    if (turns[i].role == "user") {
      anchor = i;
      break;
    }
  }
  if (anchor == turns.size() && !turns.empty()) anchor = turns.size() - 1;
  if (anchor == turns.size()) return plan;

  std::unordered_map<std::string, size_t> position;  // term -> index in plan.terms
  std::vector<std::string> used_words;
  auto add_turn = [&](const Turn& turn, float weight, bool signals) -> text::AnalyzedQuery {
    text::AnalyzedQuery q = text::AnalyzeQuery(turn.content);
    if (signals) {
      plan.is_when_question = q.is_when_question;
    }
    for (const auto& term : q.terms) {
      auto [it, inserted] = position.emplace(term.text, plan.terms.size());
      if (inserted) {
        plan.terms.push_back({term.text, weight});
        const std::string surface = text::Normalize(std::string_view(turn.content).substr(term.begin, term.end - term.begin));
        if (std::find(used_words.begin(), used_words.end(), surface) == used_words.end()) used_words.push_back(surface);
      } else {
        plan.terms[it->second].weight = std::max(plan.terms[it->second].weight, weight);
      }
    }
    return q;
  };

  plan.newest_text = turns[anchor].content;
  plan.names = Names(plan.newest_text);
  if (now != 0) {
    for (const auto& te : text::FindTimeExpressions(plan.newest_text, text::TimeContext{.reference = now})) {
      if (te.start_ms && te.end_ms && *te.end_ms > *te.start_ms) plan.periods.emplace_back(*te.start_ms, *te.end_ms);
    }
  }
  const text::AnalyzedQuery q = add_turn(turns[anchor], options.newest_user_weight, /*signals=*/true);
  if (options.wordnet != nullptr && options.synonyms_per_word > 0) {
    for (const auto& term : q.terms) {
      if (term.kind != text::TokenKind::kWord) continue;
      const std::string_view word = std::string_view(plan.newest_text).substr(term.begin, term.end - term.begin);
      for (const auto& synonym : options.wordnet->Synonyms(word, options.synonyms_per_word)) {
        for (const auto& st : text::AnalyzeQuery(synonym).terms) {
          if (position.count(st.text)) continue;
          position.emplace(st.text, plan.terms.size());
          plan.terms.push_back({st.text, options.newest_user_weight * options.synonym_weight});
        }
      }
    }
  }
  float older_user = options.older_user_weight;
  std::string context;
  for (size_t i = anchor; i-- > first;) {
    const Turn& t = turns[i];
    float w = options.system_weight;
    if (t.role == "user") {
      w = older_user;
      older_user *= options.older_user_decay;
    } else if (t.role == "assistant" || t.role == "tool") {
      w = options.assistant_weight;
    }
    add_turn(t, w, /*signals=*/false);
    if (t.role != "system" && context.size() < 400) context = t.content + "\n" + context;
  }
  // Turns after the anchor (an assistant reply to it) are context too.
  for (size_t i = anchor + 1; i < turns.size(); ++i) add_turn(turns[i], options.assistant_weight, false);

  plan.embed_text = context.empty() ? plan.newest_text : context + plan.newest_text;
  for (size_t i = 0; i < used_words.size(); ++i) {
    if (i) plan.used_query += ' ';
    plan.used_query += used_words[i];
  }
  return plan;
}

}  // namespace engram::index
