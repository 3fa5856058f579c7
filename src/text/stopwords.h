// English stopwords and question words.
//
// The index drops stopwords: function words that carry no topic ("the", "of", "would"). Question
// words ("when", "where", "who") are stopwords too, because they never occur as content in what
// users store, but at query time they are the strongest hint of what the answer looks like; so
// QuestionWordOf() names them and AnalyzeQuery (analyzer.h) reports them as signals instead of
// silently dropping them. Words with retrieval value that some lists drop ("first", "last", "new",
// "before", "after", "not", "never") are deliberately NOT stopwords here.
// Lookups expect normalized (lower-case) words. All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace engram::text {

// Index-time list.
bool IsStopword(std::string_view normalized_word);
// Query-time list: the index list plus conversational filler of questions ("please", "tell").
bool IsQueryStopword(std::string_view normalized_word);

enum class QuestionWord : uint8_t { kNone, kWho, kWhat, kWhen, kWhere, kWhich, kWhy, kHow };
QuestionWord QuestionWordOf(std::string_view normalized_word);  // "whom"/"whose" -> kWho
std::string_view QuestionWordName(QuestionWord q);

}  // namespace engram::text
