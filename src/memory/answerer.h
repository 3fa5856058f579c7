// Extractive answerer: the answer of `POST /query` when no LLM is configured, composed from retrieved
// evidence (memories, earlier Stage 3 answers, raw chunks of events, documents and messages).
//
// "Based on 2 memories and 1 message: Loves sushi and usually eats late dinners around 9pm [1].
//  Prefers Italian food [2]. From a message: "we should try the new ramen place" [3]."
//
// How it composes:
//  - Evidence scoring below `min_score`, or below `relative_floor` x the best score, is ignored; so are
//    assistant/system chat turns (they restate, they are not facts about the user). Nothing left: the
//    honest answer kNoAnswerText with confidence 0 and nothing cited.
//  - Ranking: score (quantized to 0.01, so "equal relevance" is a band, not float equality), then
//    memories before Stage 3 answers before raw chunks, then more source_ids, then newer, then id.
//  - Near-identical statements are said once (term_set.h: all terms already said, or Jaccard >=
//    near_duplicate unless it says strictly more); the better-ranked one stays, so a memory beats the
//    message it came from.
//  - Memories and Stage 3 answers are stated as they are; a raw chunk contributes its sentence with the
//    most question terms, quoted and attributed ("From a message: "..."", "From a message by Melanie:
//    "...""). Statements about another person that do not name them are prefixed with the name
//    ("Sarah: ...").
//  - "Who" questions: when the evidence is about several people, each person's best item comes first
//    and the answer opens by listing them. "When" questions: a statement without a date of its own
//    gets the evidence date ("on 2023-05-08"), or the date its relative expression resolves to
//    ("yesterday (2023-05-07)").
//  - At most max_sentences statements; each ends with "[i]", the 1-based index into Answer::cited.
//  - confidence = best cited score x (0.6 + 0.4 x min(cited, 3) / 3), in [0, 1].
//
// QuestionSimilarity decides whether a stored Stage 3 question can answer a new one: analyzed terms
// (stemmed, stopwords and the word "user" dropped) mapped onto small synonym groups ("prefer", "like",
// "love", "favorite" are one concept; "relationships", "contacts", "people", "network" another), then a
// weighted Jaccard where vague modifiers ("key", "style", "usual", the liking group) weigh 0.3 and
// content words 1. Questions asking different things ("who" vs "when"/"where"/"why") lose a quarter.
// Recommended cache threshold: kQuestionSimilarityThreshold = 0.6. Examples (answerer_test.cc):
//   "What are the user's food preferences?" ~ "What food does the user like?"           1.0
//   "How does the user prefer to communicate?" ~ "What is the user's communication style?" 0.63
//   "What are the user's food preferences?" ~ "Who are the user's key relationships?"  0.0
//
// Deterministic (same inputs, same bytes). Pure; thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"

namespace engram::memory {

struct Evidence {
  std::string id;                        // memory id or chunk id
  std::string text;
  double score = 0;                      // retrieval score in [0, 1]
  std::string source;                    // memory | stage3 | event | document | message
  std::vector<std::string> source_ids;   // client record ids behind it
  TimeMs timestamp = 0;                  // when it happened / was said; 0 = unknown
  std::string subject;                   // whom it is about ("" or "user" = the user) or the speaker
};

struct Answer {
  std::string text;
  std::vector<Evidence> cited;  // cited[i] is "[i+1]" in text
  double confidence = 0;        // 0 when nothing answers
};

struct AnswerOptions {
  size_t max_sentences = 5;           // statements in the answer (at least 1)
  double min_score = 0.2;             // evidence below is not used
  double relative_floor = 0.5;        // nor evidence below this fraction of the best score
  double near_duplicate = 0.7;        // Jaccard of analyzed terms at which two statements are one
  size_t max_statement_chars = 300;   // a longer statement is cut at a word ("…")
};

inline constexpr std::string_view kNoAnswerText = "No stored information answers this question yet.";
inline constexpr double kQuestionSimilarityThreshold = 0.6;

Answer ComposeAnswer(std::string_view question, std::span<const Evidence> evidence,
                     const AnswerOptions& opt = {});

// Similarity of two questions in [0, 1]; symmetric; 1 for the same question.
double QuestionSimilarity(std::string_view a, std::string_view b);

// A question analyzed once for many comparisons (a user's stored Stage 3 questions).
struct QuestionShape {
  std::map<std::string, double> concepts;  // concept or term -> weight
  uint32_t asks = 0;                       // who / when / where / why bits
};
QuestionShape AnalyzeQuestion(std::string_view question);
double QuestionSimilarity(const QuestionShape& a, const QuestionShape& b);

}  // namespace engram::memory
