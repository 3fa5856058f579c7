// Word tables for the deterministic extractor (internal to src/memory).
//
// Small closed lists, not a dictionary: the extractor only needs to recognize the words that decide a
// pattern (verbs of liking, roles, relations, schedule nouns...) and to conjugate the verb of the
// clause it rewrites. Every lookup expects a normalized (lower-case, ASCII-punctuation) word.
// Tables are built once (function-local statics); all functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace engram::memory::internal {

// "oh", "well", "yeah", "honestly"...: words that may open a clause and carry no content.
bool IsDiscourseMarker(std::string_view w);
// Adverbs that may sit between the subject and its verb ("I usually eat", "I also love").
bool IsPreVerbAdverb(std::string_view w);
// The subset of those that mark a habit ("usually", "always", "never", "often"...).
bool IsHabitAdverb(std::string_view w);

// Common English verbs in base form ("eat", "go", "launch"). Used to recognize a coordinated verb
// ("and usually eat") and a goal item's leading verb; the verb right after "I" needs no table.
bool IsBaseVerb(std::string_view w);
// Past tense (irregular table, or a regular "-ed" form that is not a base verb like "need").
bool IsPastTense(std::string_view w);
// Base form of an inflected verb ("loves", "loved", "loving", "went" -> "love", "love", "love", "go");
// the word itself when unknown.
std::string Lemma(std::string_view w);
// Third person singular present of a base verb ("love" -> "loves", "go" -> "goes", "have" -> "has").
std::string ThirdPersonSingular(std::string_view base);
// Base verbs whose present and past spell the same ("read", "put", "let"...).
bool IsAmbiguousPast(std::string_view w);

// Verbs of liking or disliking: love, like, enjoy, adore, prefer, hate, dislike, detest, avoid...
bool IsPreferenceVerb(std::string_view lemma);
// Verbs that report thinking or talking ("think", "know", "say", "guess"): a clause built on one is an
// opinion or a report about the conversation, not a fact about the speaker.
bool IsOpinionVerb(std::string_view lemma);

// A job title head ("engineer", "nurse", "founder", "scientist", "ceo").
bool IsRoleWord(std::string_view w);
// Family relations ("sister", "husband", "kids"); `plural` tells whether the word is a plural.
bool IsFamilyWord(std::string_view w, bool* plural = nullptr);
// Children words only ("kids", "children", "son", "daughters").
bool IsChildWord(std::string_view w);
// Spouse-like words ("husband", "wife", "partner", "fiance").
bool IsPartnerWord(std::string_view w);
// Non-family relations ("manager", "boss", "friend", "colleague", "mentor").
bool IsRelationshipWord(std::string_view w, bool* plural = nullptr);
// Animals kept as pets ("dog", "cat", "puppy").
bool IsPetWord(std::string_view w, bool* plural = nullptr);
// Things people buy or own and talk about ("car", "house", "bike", "guitar").
bool IsPossessionWord(std::string_view w);
// Capitalized words that are not names: months, weekdays, nationalities, time zones, greetings.
bool IsCommonCapitalized(std::string_view w);
// Words that, followed by ':' at the start of a line, are a heading and not a speaker name.
bool IsHeadingWord(std::string_view w);

// "one".."twelve" or digits -> the number; -1 otherwise.
int SmallNumber(std::string_view w);

// Schedule nouns: "meetings" -> "meetings", "standup"/"stand-up" -> "stand-up", "focus" (+"blocks")
// -> "focus_blocks". Returns the slot slug or "" when `w` is not one.
std::string_view ScheduleSlug(std::string_view w);

// Time zone abbreviation or name -> IANA zone ("PT" -> "America/Los_Angeles"); "" when unknown.
std::string_view ZoneToIana(std::string_view zone);

}  // namespace engram::memory::internal
