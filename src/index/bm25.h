// BM25 scoring as pure functions, plus weighted query terms.
//
// score(d, q) = sum over distinct query terms t matched in d of
//     weight(t) * IDF(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl))
// with IDF(t) = ln(1 + (N - df + 0.5) / (df + 0.5)) (the Lucene form: never negative).
//
// A query term carries a weight because the query is built from a conversation: the newest user turn
// counts most (1.0), older turns less (0.5), synonym expansions least (0.3). The inverted index does
// the same arithmetic in float over postings; these double versions are the reference the tests and
// the calibration (fusion.h) use.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace engram::index {

struct Bm25Params {
  double k1 = 1.2;   // term-frequency saturation: higher lets repeated terms keep adding
  double b = 0.75;   // length normalization: 0 ignores document length, 1 normalizes fully
};

struct WeightedTerm {
  std::string term;     // an analyzed term (text::Analyze / AnalyzeQuery output)
  float weight = 1.0f;  // > 0; 1.0 newest user turn, 0.5 older turns, 0.3 expansions
};

// ln(1 + (N - df + 0.5) / (df + 0.5)). df > N is clamped to N.
double Bm25Idf(uint64_t doc_count, uint64_t doc_freq);

// k1 * (1 - b + b * doc_len / avg_doc_len); an empty corpus (avg 0) counts as average length.
double Bm25LengthNorm(uint32_t doc_len, double avg_doc_len, const Bm25Params& params = {});

// One term's contribution without its weight: idf * tf * (k1 + 1) / (tf + LengthNorm). 0 when tf = 0.
double Bm25TermScore(double idf, uint32_t tf, uint32_t doc_len, double avg_doc_len,
                     const Bm25Params& params = {});

// One query term as seen in one document, for Bm25DocScore.
struct TermMatch {
  uint32_t tf = 0;      // occurrences in the document (0 = not matched)
  uint64_t df = 0;      // documents containing the term
  double weight = 1.0;  // query weight
};

// The full weighted score of one document.
double Bm25DocScore(std::span<const TermMatch> terms, uint64_t doc_count, uint32_t doc_len,
                    double avg_doc_len, const Bm25Params& params = {});

// Score of an average-length document containing each query term exactly once: sum weight * idf.
// The reference point of the lexical calibration in fusion.h ("a document that says what the query
// says"). `idfs` and `weights` are parallel.
double Bm25SelfScore(std::span<const double> idfs, std::span<const double> weights);

// Upper bound of any document's score (tf -> infinity, zero length): sum weight * idf * (k1 + 1).
double Bm25MaxScore(std::span<const double> idfs, std::span<const double> weights,
                    const Bm25Params& params = {});

// The same term given twice (in two turns, or as a turn word and an expansion) counts once, with its
// highest weight, so a chatty history cannot inflate one word. Order of first appearance is kept;
// empty terms and non-positive weights are dropped.
std::vector<WeightedTerm> MergeWeightedTerms(std::span<const WeightedTerm> terms);

}  // namespace engram::index
