#include "memory/answerer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "memory/prose.h"
#include "memory/speaker.h"
#include "memory/term_set.h"
#include "text/analyzer.h"
#include "text/sentences.h"
#include "text/time_expressions.h"

namespace engram::memory {
namespace {

using prose::Clean;
using prose::Lower;

int SourceRank(std::string_view source) {
  if (source == "memory") return 0;
  if (source == "stage3") return 1;
  if (source == "event" || source == "document" || source == "message") return 2;
  return 3;
}

bool IsRaw(std::string_view source) { return SourceRank(source) >= 2; }

bool IsUser(std::string_view subject) {
  const std::string s = Lower(Clean(subject));
  return s.empty() || s == "user" || s == "the user" || s == "me" || s == "i";
}

bool IsAssistant(std::string_view subject) { return IsAssistantRole(Clean(subject)); }

struct Item {
  const Evidence* e = nullptr;
  long quantized = 0;  // score in hundredths: the band of "equal relevance"
  std::string statement;
  TermSet terms;
  std::string person;  // the other person it is about, "" for the user
};

bool Before(const Item& a, const Item& b) {
  if (a.quantized != b.quantized) return a.quantized > b.quantized;
  const int ra = SourceRank(a.e->source), rb = SourceRank(b.e->source);
  if (ra != rb) return ra < rb;
  if (a.e->source_ids.size() != b.e->source_ids.size()) return a.e->source_ids.size() > b.e->source_ids.size();
  if (a.e->timestamp != b.e->timestamp) return a.e->timestamp > b.e->timestamp;
  if (a.e->id != b.e->id) return a.e->id < b.e->id;
  return a.e->text < b.e->text;
}

// Our own stored answers carry "Based on ...:" and "[n]" markers; a Stage 3 text is "Q: ...\nA: ...".
std::string Stage3Body(std::string_view text) {
  std::string_view body = text;
  const size_t a = body.find("A:");
  if (body.substr(0, 2) == "Q:" && a != std::string_view::npos) body = body.substr(a + 2);
  std::string s = Clean(body);
  if (s.rfind("Based on ", 0) == 0) {
    const size_t colon = s.find(": ");
    if (colon != std::string::npos) s = s.substr(colon + 2);
  }
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '[') {
      size_t j = i + 1;
      while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
      if (j > i + 1 && j < s.size() && s[j] == ']') {
        while (!out.empty() && out.back() == ' ') out.pop_back();
        i = j;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

// The sentence of a raw chunk sharing the most terms with the question (the first on a tie).
std::string BestSentence(std::string_view text, const TermSet& question_terms) {
  std::string best;
  size_t best_hits = 0;
  for (const text::SentenceSpan& span : text::SplitSentences(text)) {
    const std::string s = Clean(text.substr(span.begin, span.end - span.begin));
    const TermSet terms = MakeTermSet(s);
    size_t hits = 0;
    for (const std::string& t : terms) hits += std::binary_search(question_terms.begin(), question_terms.end(), t);
    if (best.empty() || hits > best_hits) best = s, best_hits = hits;
  }
  return best;
}

std::string DatePart(TimeMs t) { return FormatIso8601(t).substr(0, 10); }

// " on 2023-05-08" / " (2023-05-07)" for a when-question; "" when the statement dates itself.
std::string DateSuffix(std::string_view statement, TimeMs timestamp) {
  const auto found = text::FindTimeExpressions(statement, text::TimeContext{.reference = timestamp});
  for (const text::TimeExpression& x : found) {
    if ((x.kind == text::TimeExprKind::kDate || x.kind == text::TimeExprKind::kDateRange) && x.granularity != text::Granularity::kNone) {
      return "";
    }
  }
  if (timestamp <= 0) return "";
  for (const text::TimeExpression& x : found) {
    if (x.kind == text::TimeExprKind::kRelative && x.start_ms && x.granularity == text::Granularity::kDay) {
      return " (" + DatePart(*x.start_ms) + ")";
    }
  }
  return " on " + DatePart(timestamp);
}

std::string Plural(size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string JoinList(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? " and " : ", ";
    out += parts[i];
  }
  return out;
}

// "2 memories and 1 message".
std::string SourcesPhrase(const std::vector<Evidence>& cited) {
  std::map<int, size_t> by_kind;  // ordered by the fixed kind order below
  auto kind = [](std::string_view s) {
    if (s == "memory") return 0;
    if (s == "stage3") return 1;
    if (s == "event") return 2;
    if (s == "document") return 3;
    if (s == "message") return 4;
    return 5;
  };
  for (const Evidence& e : cited) ++by_kind[kind(e.source)];
  static const std::pair<std::string_view, std::string_view> kNames[] = {
      {"memory", "memories"}, {"earlier answer", "earlier answers"}, {"event", "events"},
      {"document", "documents"}, {"message", "messages"}, {"record", "records"}};
  std::vector<std::string> parts;
  for (const auto& [k, n] : by_kind) parts.push_back(Plural(n, kNames[k].first, kNames[k].second));
  return JoinList(parts);
}

std::string Article(std::string_view source) {
  if (source == "event") return "an event";
  if (source == "document") return "a document";
  if (source == "message") return "a message";
  return "a record";
}

}  // namespace

Answer ComposeAnswer(std::string_view question, std::span<const Evidence> evidence, const AnswerOptions& opt) {
  Answer answer;
  const text::AnalyzedQuery q = text::AnalyzeQuery(question);
  const bool when = q.is_when_question;
  const bool who = q.Has(text::QuestionWord::kWho);
  TermSet question_terms;
  for (const text::Term& t : q.terms) question_terms.push_back(t.text);
  std::sort(question_terms.begin(), question_terms.end());

  std::vector<Item> items;
  for (const Evidence& e : evidence) {
    if (!std::isfinite(e.score) || e.score < opt.min_score || Clean(e.text).empty()) continue;
    if (e.source == "message" && IsAssistant(e.subject)) continue;
    Item it;
    it.e = &e;
    it.quantized = std::lround(std::min(e.score, 1.0) * 100.0);
    items.push_back(std::move(it));
  }
  std::sort(items.begin(), items.end(), Before);
  if (!items.empty()) {
    const double floor = std::min(items.front().e->score, 1.0) * opt.relative_floor;
    items.erase(std::remove_if(items.begin(), items.end(), [&](const Item& it) { return it.e->score < floor; }),
                items.end());
  }

  // Statements, near-duplicates dropped (the better-ranked one stays).
  std::vector<Item> kept;
  std::set<std::string> ids;
  for (Item& it : items) {
    if (!ids.insert(it.e->id).second) continue;
    const Evidence& e = *it.e;
    std::string body;
    if (e.source == "stage3") {
      body = Stage3Body(e.text);
    } else if (IsRaw(e.source)) {
      body = BestSentence(e.text, question_terms);
    } else {
      body = Clean(e.text);
    }
    body = prose::CutAtWord(body, opt.max_statement_chars);
    it.terms = MakeTermSet(body);
    if (it.terms.empty()) continue;
    // A statement saying strictly more than one already kept is not a duplicate: it adds something.
    const bool dup = std::any_of(kept.begin(), kept.end(), [&](const Item& k) {
      return ContainedIn(it.terms, k.terms) ||
             (Jaccard(it.terms, k.terms) >= opt.near_duplicate && !ContainedIn(k.terms, it.terms));
    });
    if (dup) continue;
    if (!IsUser(e.subject) && !IsAssistant(e.subject)) it.person = Clean(e.subject);
    it.statement = std::move(body);
    kept.push_back(std::move(it));
  }
  if (kept.empty()) {
    answer.text = std::string(kNoAnswerText);
    return answer;
  }

  // Who-questions about several people: each person's best item first, so the cap keeps them all.
  std::vector<std::string> people;
  for (const Item& it : kept) {
    if (!it.person.empty() && std::find(people.begin(), people.end(), it.person) == people.end()) {
      people.push_back(it.person);
    }
  }
  if (who && people.size() >= 2) {
    std::stable_partition(kept.begin(), kept.end(), [&, seen = std::set<std::string>()](const Item& it) mutable {
      return !it.person.empty() && seen.insert(it.person).second;
    });
  }
  const size_t n = std::min(kept.size(), std::max<size_t>(opt.max_sentences, 1));
  kept.resize(n);

  std::vector<std::string> sentences;
  double best = 0;
  for (size_t i = 0; i < kept.size(); ++i) {
    const Item& it = kept[i];
    const Evidence& e = *it.e;
    std::string clause = prose::AsClause(it.statement);
    const std::string date = when ? DateSuffix(it.statement, e.timestamp) : "";
    if (IsRaw(e.source)) {
      std::string quoted = Clean(it.statement);
      while (!quoted.empty() && (quoted.back() == '.' || quoted.back() == ' ')) quoted.pop_back();
      const std::string by = it.person.empty() ? "" : " by " + it.person;
      clause = "From " + Article(e.source) + by + date + ": \"" + quoted + "\"";
    } else {
      if (!it.person.empty() && Lower(clause).find(Lower(it.person)) == std::string::npos) {
        clause = it.person + ": " + clause;
      }
      clause += date;
    }
    sentences.push_back(clause + " [" + std::to_string(i + 1) + "].");
    answer.cited.push_back(e);
    best = std::max(best, std::min(e.score, 1.0));
  }

  std::string lead = "Based on " + SourcesPhrase(answer.cited);
  std::vector<std::string> named;
  for (const Item& it : kept) {
    if (!it.person.empty() && std::find(named.begin(), named.end(), it.person) == named.end()) named.push_back(it.person);
  }
  if (who && named.size() >= 2) lead += ", the people are " + JoinList(named) + ".";
  else lead += ":";
  answer.text = lead;
  for (const std::string& s : sentences) answer.text += " " + s;
  const double support = 0.6 + 0.4 * static_cast<double>(std::min<size_t>(answer.cited.size(), 3)) / 3.0;
  answer.confidence = std::clamp(best * support, 0.0, 1.0);
  return answer;
}

}  // namespace engram::memory
