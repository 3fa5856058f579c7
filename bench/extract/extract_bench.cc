// extract_bench: how many records per second DeterministicExtractor handles on one core.
//
// The corpus is synthetic but shaped like what Engram ingests: user chat turns (preferences, work,
// family, plans, schedules, small talk and questions), assistant replies (skipped by the rules but
// still paid for by the loop), LoCoMo-style two-person chat turns with "Name: " prefixes, and short
// documents (goal lists, notes). Texts are assembled from templates with a fixed-seed generator, so
// every run measures the same input.
//
// Usage: extract_bench [records=20000] [batch=50] [rounds=3]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/time.h"
#include "domain/types.h"
#include "memory/deterministic_extractor.h"

namespace {

using engram::domain::Record;
using engram::domain::RecordKind;

struct Rng {
  uint64_t state = 0x9E3779B97F4A7C15ull;
  uint64_t Next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
  template <size_t N>
  const char* Pick(const char* const (&items)[N]) { return items[Next() % N]; }
};

constexpr const char* kFoods[] = {"sushi", "ramen", "tacos", "Thai food", "pizza", "dim sum", "pho", "falafel"};
constexpr const char* kPlaces[] = {"Berlin", "Austin", "San Francisco", "Lisbon", "Tokyo", "Denver", "Toronto"};
constexpr const char* kCompanies[] = {"Acme", "Google", "Stripe", "Mercy Hospital", "Initech", "Globex"};
constexpr const char* kRoles[] = {"data scientist", "nurse", "product manager", "software engineer", "teacher"};
constexpr const char* kNames[] = {"Anna", "Sarah", "Max", "Luna", "John", "Emma", "Jack", "Priya"};
constexpr const char* kRelations[] = {"sister", "manager", "best friend", "brother", "coworker", "mentor"};
constexpr const char* kPets[] = {"dog", "cat", "puppy"};
constexpr const char* kWhen[] = {"yesterday", "last week", "two days ago", "last Friday", "this morning"};
constexpr const char* kFuture[] = {"next month", "next week", "tomorrow", "this weekend", "in 3 days"};
constexpr const char* kTimes[] = {"9am", "10 AM", "2 PM", "noon", "6pm", "1 PM"};
constexpr const char* kActivities[] = {"painting", "hiking", "running", "pottery", "reading sci-fi", "yoga"};
constexpr const char* kSpeakers[] = {"Caroline", "Melanie"};
constexpr const char* kAssistant[] = {
    "Got it! I'll keep that in mind for restaurant recommendations.",
    "Sure, here are three options that fit your schedule. Let me know which one works best.",
    "That sounds wonderful. Would you like me to add it to your calendar?",
    "I can help with that. What time works for you on Thursday?"};
constexpr const char* kSmallTalk[] = {
    "Thanks so much, that's really helpful!", "Haha yes, I know right?", "Do you like sushi?",
    "What should I eat tonight?", "Can you remind me tomorrow?", "Ok cool.",
    "If I had more time I would learn the piano.", "That was so much fun, I loved it!"};

std::string UserTurn(Rng& r) {
  std::string s;
  switch (r.Next() % 12) {
    case 0: s = std::string("I love ") + r.Pick(kFoods) + " and usually eat late dinners around " + r.Pick(kTimes); break;
    case 1: s = std::string("I work at ") + r.Pick(kCompanies) + " as a " + r.Pick(kRoles) + "."; break;
    case 2: s = std::string("We just got back. I moved to ") + r.Pick(kPlaces) + " " + r.Pick(kWhen) + "."; break;
    case 3: s = std::string("My ") + r.Pick(kRelations) + " " + r.Pick(kNames) + " is visiting " + r.Pick(kFuture) + "."; break;
    case 4: s = std::string("I'm going to ") + r.Pick(kPlaces) + " " + r.Pick(kFuture) + "! Can't wait."; break;
    case 5: s = std::string("Typical focus blocks 9–12 PT; meetings after ") + r.Pick(kTimes) + " preferred."; break;
    case 6: s = std::string("Let’s move stand-up to ") + r.Pick(kTimes) + " starting next week."; break;
    case 7: s = std::string("I have a ") + r.Pick(kPets) + " named " + r.Pick(kNames) + " and I can't stand " + r.Pick(kFoods) + "."; break;
    case 8: s = std::string("I think I might try ") + r.Pick(kActivities) + " " + r.Pick(kFuture) + "."; break;
    case 9: s = std::string("I went to a ") + r.Pick(kActivities) + " class " + r.Pick(kWhen) + " and it was great."; break;
    case 10: s = r.Pick(kSmallTalk); break;
    default: s = std::string(r.Pick(kSmallTalk)) + " I usually go to the gym at " + r.Pick(kTimes) + "."; break;
  }
  return s;
}

std::vector<Record> Corpus(size_t n) {
  Rng r;
  std::vector<Record> out;
  out.reserve(n);
  const engram::TimeMs t0 = *engram::ParseIso8601("2023-05-08T13:56:00Z");
  for (size_t i = 0; i < n; ++i) {
    Record rec;
    rec.id = "rec_" + std::to_string(i);
    rec.timestamp = t0 + static_cast<engram::TimeMs>(i) * 60'000;
    const uint64_t kind = r.Next() % 10;
    if (kind < 4) {
      rec.kind = RecordKind::kMessage;
      rec.speaker = "user";
      rec.content = UserTurn(r);
    } else if (kind < 6) {
      rec.kind = RecordKind::kMessage;
      rec.speaker = "assistant";
      rec.content = r.Pick(kAssistant);
    } else if (kind < 9) {
      rec.kind = RecordKind::kMessage;
      rec.speaker = r.Pick(kSpeakers);
      rec.content = (r.Next() % 2 ? std::string("I'm a mom of three and I love ") + r.Pick(kActivities)
                                  : std::string("Oh wow! I went to a LGBTQ support group ") + r.Pick(kWhen) +
                                        " and it was so powerful. Have you been?");
    } else {
      rec.kind = RecordKind::kDocument;
      rec.content = std::string("Q4 2025 Goals: Launch new product, hire 3 engineers, reach $1M ARR\n") +
                    "Founder/engineer; prefers concise communications.\nNotes from the 1:1 with " +
                    r.Pick(kNames) + ": I'm based in " + r.Pick(kPlaces) + " and my timezone is PT.";
    }
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 20000;
  const size_t batch = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 50;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
  const std::vector<Record> corpus = Corpus(n);
  size_t bytes = 0;
  for (const Record& r : corpus) bytes += r.content.size();
  engram::memory::DeterministicExtractor extractor;
  const engram::memory::ExtractionContext ctx{.user_name = "Ash Lewis", .participants = {"Caroline", "Melanie"}};
  double best = 0;
  size_t memories = 0;
  size_t traits = 0;
  for (int round = 0; round < rounds; ++round) {
    memories = traits = 0;
    const auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < corpus.size(); i += batch) {
      const size_t len = std::min(batch, corpus.size() - i);
      auto result = extractor.Extract(std::span<const Record>(corpus.data() + i, len), ctx);
      memories += result->memories.size();
      traits += result->traits.size();
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double rate = static_cast<double>(corpus.size()) / secs;
    std::printf("round %d: %zu records in %.3f s = %.0f records/s (%.1f MB/s)\n", round + 1, corpus.size(), secs,
                rate, static_cast<double>(bytes) / secs / 1e6);
    if (rate > best) best = rate;
  }
  std::printf("records=%zu batch=%zu avg_bytes=%.0f memories=%zu traits=%zu best=%.0f records/s (one core)\n",
              corpus.size(), batch, static_cast<double>(bytes) / static_cast<double>(corpus.size()), memories,
              traits, best);
  return 0;
}
