// Term sets: the "same statement?" test shared by the profile builder and the answerer.
//
// A statement's term set is its analyzed terms (text/analyzer.h: normalized, stopwords dropped,
// stemmed), sorted and unique. Two statements are near-duplicates when their term sets overlap by
// Jaccard >= a threshold, or when one adds nothing to the other (its set is contained in the other's).
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace engram::memory {

using TermSet = std::vector<std::string>;  // sorted, unique

TermSet MakeTermSet(std::string_view text);
// |a ∩ b| / |a ∪ b|; 0 when both are empty.
double Jaccard(const TermSet& a, const TermSet& b);
// Every term of `part` is in `whole` (false for an empty `part`: an empty statement says nothing,
// it is not a duplicate of anything).
bool ContainedIn(const TermSet& part, const TermSet& whole);
// Jaccard(a, b) >= threshold, or `a` contained in `b`: `a` adds nothing once `b` is said.
bool AddsNothing(const TermSet& a, const TermSet& b, double threshold);

}  // namespace engram::memory
