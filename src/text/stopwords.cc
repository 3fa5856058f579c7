#include "text/stopwords.h"

#include <string_view>
#include <unordered_set>

namespace engram::text {
namespace {

// Our own list of English function words: articles, pronouns, auxiliaries and modals, common
// prepositions and conjunctions, and the halves of split contractions ("n't" expands to "not",
// which is kept; "'s" of "let's" expands to "us", which is dropped).
constexpr std::string_view kStopwords[] = {
    "a", "about", "above", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as",
    "at", "be", "been", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do",
    "does", "doing", "done", "down", "each", "eg", "either", "else", "etc", "ever", "every", "few",
    "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself",
    "him", "himself", "his", "how", "however", "i", "ie", "if", "in", "into", "is", "it", "its",
    "itself", "just", "let", "may", "me", "might", "mine", "more", "most", "much", "must", "my",
    "myself", "neither", "nor", "of", "off", "on", "once", "only", "onto", "or", "other", "others",
    "ought", "our", "ours", "ourselves", "out", "over", "own", "per", "quite", "rather", "really",
    "same", "shall", "she", "should", "so", "some", "such", "than", "that", "the", "their",
    "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through",
    "thus", "to", "too", "toward", "towards", "under", "until", "up", "upon", "us", "very", "via",
    "was", "we", "were", "what", "whatever", "when", "whenever", "where", "whereas", "wherever",
    "whether", "which", "while", "who", "whoever", "whom", "whose", "why", "will", "with", "within",
    "would", "yet", "you", "your", "yours", "yourself", "yourselves", "oh", "ok", "okay", "yeah",
    "um", "uh", "hey", "hi", "lol", "gonna", "wanna", "gotta", "im", "ive", "dont", "thats",
};

constexpr std::string_view kQueryOnly[] = {
    "please", "tell", "remind", "anything", "something", "kind", "sort", "thing", "things",
};

const std::unordered_set<std::string_view>& IndexSet() {
  static const std::unordered_set<std::string_view> set(std::begin(kStopwords), std::end(kStopwords));
  return set;
}

const std::unordered_set<std::string_view>& QuerySet() {
  static const std::unordered_set<std::string_view> set = [] {
    std::unordered_set<std::string_view> s(std::begin(kStopwords), std::end(kStopwords));
    s.insert(std::begin(kQueryOnly), std::end(kQueryOnly));
    return s;
  }();
  return set;
}

}  // namespace

bool IsStopword(std::string_view w) { return IndexSet().count(w) != 0; }
bool IsQueryStopword(std::string_view w) { return QuerySet().count(w) != 0; }

QuestionWord QuestionWordOf(std::string_view w) {
  if (w == "who" || w == "whom" || w == "whose") return QuestionWord::kWho;
  if (w == "what") return QuestionWord::kWhat;
  if (w == "when") return QuestionWord::kWhen;
  if (w == "where") return QuestionWord::kWhere;
  if (w == "which") return QuestionWord::kWhich;
  if (w == "why") return QuestionWord::kWhy;
  if (w == "how") return QuestionWord::kHow;
  return QuestionWord::kNone;
}

std::string_view QuestionWordName(QuestionWord q) {
  switch (q) {
    case QuestionWord::kNone: return "";
    case QuestionWord::kWho: return "who";
    case QuestionWord::kWhat: return "what";
    case QuestionWord::kWhen: return "when";
    case QuestionWord::kWhere: return "where";
    case QuestionWord::kWhich: return "which";
    case QuestionWord::kWhy: return "why";
    case QuestionWord::kHow: return "how";
  }
  return "";
}

}  // namespace engram::text
