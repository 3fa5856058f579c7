// Purpose classification: which part of a user's profile an application cares about most.
//
// A registration (or a /summary request) may carry a free-text purpose ("meeting scheduling app",
// "AI SDR agent that needs the user's communication style"). The profile builder (profile.h) and the
// Stage 3 question sets (stage3.h) both reorder what they produce by it, so the decision lives here,
// once. The purpose text is analyzed like any indexed text (normalized, stopwords dropped, stemmed),
// so plurals and inflections match ("meetings", "scheduling", "restaurants"). Keyword table:
//
//   kScheduling  schedule, scheduling, calendar, meeting, appointment, availability, agenda, booking,
//                timezone, "time zone" (as "zone"), invite, standup, assistant for time
//   kSales       sales, SDR, BDR, CRM, outreach, prospect, lead, pipeline, deal, negotiation,
//                account executive ("account"), customer, client, relationship, network,
//                communication, follow-up ("follow"), decision
//   kDining      restaurant, food, dining/dine, dinner, lunch, breakfast, meal, cuisine, recipe,
//                dietary/diet, eat, culinary, chef, grocery, cooking, nutrition
//   kContent     content, writing/write, writer, blog, post, article, newsletter, copywriting,
//                social media ("social"), tweet, essay, editorial, marketing, creator, creative
//
// Each purpose counts its keyword hits (every occurrence counts); the most hits wins; a tie goes to
// the earlier row of the table (scheduling, sales, dining, content). No hit: kGeneral.
// Examples: "meeting scheduling app" -> kScheduling; "This will be used in an AI SDR agent to help
// understand the user's communication style" -> kSales; "Restaurant recommendation agent ... dietary
// restrictions" -> kDining; "Content creation" -> kContent; "" or "personal assistant" -> kGeneral.
//
// Pure; thread-safe (the stemmed keyword table is built once, as a function-local static).
#pragma once

#include <cstdint>
#include <string_view>

namespace engram::memory {

enum class PurposeFocus : uint8_t { kGeneral, kScheduling, kSales, kDining, kContent };

PurposeFocus ClassifyPurpose(std::string_view purpose);
std::string_view PurposeFocusName(PurposeFocus focus);  // "general", "scheduling", "sales", ...

}  // namespace engram::memory
