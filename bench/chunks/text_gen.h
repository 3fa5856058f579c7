// TextGen: the synthetic chat corpus and queries of the retrieval benchmarks (chunks_bench, rank_bench).
#pragma once

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace engram::bench {

// A deterministic vocabulary with a Zipf-like draw, so terms have realistic document frequencies.
class TextGen {
 public:
  // `vocabulary` > 0: that many content words from WordNet's noun index (Debian's wordnet-base), drawn
  // Zipf-like as in natural text; 0 (or no WordNet files): the built-in 100 words, a worst case where
  // every query word matches a large share of the chunks.
  TextGen(uint32_t seed, size_t vocabulary) : rng_(seed) {
    if (vocabulary > 0) {
      std::ifstream in("/usr/share/wordnet/index.noun");
      std::string line;
      while (words_.size() < vocabulary && std::getline(in, line)) {
        if (line.empty() || line[0] == ' ') continue;  // license header
        const std::string lemma = line.substr(0, line.find(' '));
        if (lemma.size() >= 4 && std::all_of(lemma.begin(), lemma.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
          words_.push_back(lemma);
        }
      }
      std::shuffle(words_.begin(), words_.end(), std::mt19937(seed));
      if (words_.size() == vocabulary) return;
      words_.clear();
    }
    static const char* kWords[] = {
        "meeting", "project", "dinner", "sushi", "weekend", "family", "budget", "report", "garden", "running",
        "painting", "camping", "kids", "school", "friend", "birthday", "concert", "guitar", "trip", "beach",
        "mountain", "coffee", "morning", "evening", "office", "deadline", "launch", "design", "review", "hiring",
        "engineer", "customer", "support", "group", "museum", "library", "novel", "recipe", "pottery", "class",
        "yoga", "marathon", "doctor", "vacation", "flight", "hotel", "train", "dog", "cat", "puppy", "adoption",
        "volunteer", "charity", "counseling", "career", "interview", "promotion", "salary", "rent", "apartment",
        "moving", "city", "park", "bike", "soccer", "basketball", "tennis", "swimming", "photography", "camera",
        "podcast", "movie", "series", "music", "festival", "wedding", "anniversary", "parents", "sister", "brother",
        "grandma", "holiday", "christmas", "summer", "winter", "spring", "autumn", "lake", "river", "forest",
        "workshop", "conference", "talk", "slides", "budgeting", "taxes", "insurance", "bank", "loan", "savings"};
    for (const char* w : kWords) words_.emplace_back(w);
  }
  size_t vocabulary() const { return words_.size(); }
  std::string Sentence(int n) {
    std::string s;
    std::uniform_real_distribution<double> u(0, 1);
    for (int i = 0; i < n; ++i) {
      if (i) s += ' ';
      if (u(rng_) < 0.45) {
        s += filler_[rng_() % filler_.size()];
      } else {
        // Zipf-ish: low ranks more often.
        const double r = std::pow(u(rng_), 2.2);
        s += words_[static_cast<size_t>(r * words_.size()) % words_.size()];
      }
    }
    return s + ".";
  }
  // A question: kQueryLead and three vocabulary words (QueryWords() gives the words alone, which is
  // what a keyword search is given).
  static constexpr std::string_view kQueryLead = "what about the ";
  std::string Query() {
    std::string q(kQueryLead);
    for (int i = 0; i < 3; ++i) q += (i ? " " : "") + words_[rng_() % words_.size()];
    return q;
  }
  static std::string_view QueryWords(std::string_view query) { return query.substr(kQueryLead.size()); }

 private:
  std::mt19937 rng_;
  std::vector<std::string> words_;
  std::vector<std::string> filler_ = {"I", "we", "the", "a", "really", "went", "to", "with", "and", "last", "was", "so",
                                      "it", "my", "our"};
};

}  // namespace engram::bench
