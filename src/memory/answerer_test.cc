#include "memory/answerer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace engram::memory {
namespace {

constexpr TimeMs kMay8 = 1'683'553'560'000;  // 2023-05-08T13:46:00Z

Evidence E(std::string id, std::string text, double score, std::string source = "memory", TimeMs ts = kMay8,
           std::string subject = "") {
  Evidence e;
  e.id = std::move(id);
  e.text = std::move(text);
  e.score = score;
  e.source = std::move(source);
  e.timestamp = ts;
  e.subject = std::move(subject);
  e.source_ids = {"rec_" + e.id};
  return e;
}

std::vector<std::string> Ids(const Answer& a) {
  std::vector<std::string> out;
  for (const Evidence& e : a.cited) out.push_back(e.id);
  return out;
}

TEST(AnswererTest, CitesMemoriesInOrder) {
  const std::vector<Evidence> ev = {E("mem_2", "Prefers Italian food", 0.7),
                                    E("mem_1", "Loves sushi and usually eats late dinners around 9pm", 0.82)};
  const Answer a = ComposeAnswer("What food does the user like?", ev);
  EXPECT_EQ(a.text,
            "Based on 2 memories: Loves sushi and usually eats late dinners around 9pm [1]. Prefers Italian food [2].");
  EXPECT_EQ(Ids(a), (std::vector<std::string>{"mem_1", "mem_2"}));
  EXPECT_NEAR(a.confidence, 0.82 * (0.6 + 0.4 * 2 / 3), 1e-9);
}

TEST(AnswererTest, HonestWhenNothingAnswers) {
  for (const std::vector<Evidence>& ev : {std::vector<Evidence>{},
                                          std::vector<Evidence>{E("m", "Likes blue", 0.1), E("n", "Likes red", 0.19)},
                                          std::vector<Evidence>{E("m", "   ", 0.9)},
                                          std::vector<Evidence>{E("m", "Likes blue", std::nan(""))}}) {
    const Answer a = ComposeAnswer("What is the user's favorite color?", ev);
    EXPECT_EQ(a.text, kNoAnswerText);
    EXPECT_EQ(a.confidence, 0.0);
    EXPECT_TRUE(a.cited.empty());
  }
}

TEST(AnswererTest, MemoryPreferredOverRawChunkAtEqualRelevance) {
  const std::vector<Evidence> ev = {
      E("msg_1#0", "I love sushi and usually eat late dinners around 9pm", 0.821, "message", kMay8, "user"),
      E("mem_1", "Loves sushi and usually eats late dinners around 9pm", 0.818),
  };
  const Answer a = ComposeAnswer("What food does the user like?", ev);
  // Same band (0.82): the memory leads, and the message saying the same is dropped as a duplicate.
  EXPECT_EQ(Ids(a), std::vector<std::string>{"mem_1"});
  EXPECT_EQ(a.text, "Based on 1 memory: Loves sushi and usually eats late dinners around 9pm [1].");
}

TEST(AnswererTest, RawChunksQuotedAndAttributed) {
  const std::vector<Evidence> ev = {
      E("doc_1#0", "Team offsite notes. We ordered ramen for everyone. The user said the ramen place was great.",
        0.6, "document"),
      E("msg_9#0", "Got it! I'll keep that in mind for restaurant recommendations.", 0.9, "message", kMay8,
        "assistant"),  // the assistant's words are not facts about the user
  };
  const Answer a = ComposeAnswer("Which ramen place does the user like?", ev);
  EXPECT_EQ(a.text, "Based on 1 document: From a document: \"The user said the ramen place was great\" [1].");
}

TEST(AnswererTest, RawChunkOfAnotherSpeakerNamesThem) {
  const std::vector<Evidence> ev = {E("msg_3#0", "I painted a sunrise last week.", 0.7, "message", kMay8, "Melanie")};
  EXPECT_EQ(ComposeAnswer("What did Melanie paint?", ev).text,
            "Based on 1 message: From a message by Melanie: \"I painted a sunrise last week\" [1].");
}

TEST(AnswererTest, NearDuplicatesSaidOnce) {
  const std::vector<Evidence> ev = {
      E("m1", "Prefers meetings after 1 PM", 0.8), E("m2", "prefers meetings after 1pm.", 0.75),
      E("m3", "Prefers meetings after 1 PM on weekdays", 0.7),  // adds something: kept
      E("m1", "Prefers meetings after 1 PM", 0.8),              // the same id twice
  };
  const Answer a = ComposeAnswer("When does the user like meetings?", ev);
  EXPECT_EQ(Ids(a), (std::vector<std::string>{"m1", "m3"}));
}

TEST(AnswererTest, AtMostMaxSentences) {
  std::vector<Evidence> ev;
  const char* hobbies[] = {"chess", "jazz", "hiking", "tennis", "surfing", "cooking", "painting"};
  for (int i = 0; i < 7; ++i) ev.push_back(E("m" + std::to_string(i), std::string("Enjoys ") + hobbies[i], 0.8 - i * 0.02));
  EXPECT_EQ(ComposeAnswer("What are the user's hobbies?", ev).cited.size(), 5u);
  EXPECT_EQ(ComposeAnswer("What are the user's hobbies?", ev, {.max_sentences = 2}).text,
            "Based on 2 memories: Enjoys chess [1]. Enjoys jazz [2].");
}

TEST(AnswererTest, RelativeFloorDropsWeakTail) {
  const std::vector<Evidence> ev = {E("m1", "Enjoys chess", 0.9), E("m2", "Owns a bike", 0.3)};
  EXPECT_EQ(Ids(ComposeAnswer("What are the user's hobbies?", ev)), std::vector<std::string>{"m1"});
}

TEST(AnswererTest, WhenQuestionsCarryDates) {
  const std::vector<Evidence> ev = {
      E("m1", "Went to a LGBTQ support group", 0.8),                 // no date: the evidence's
      E("m2", "Joined a running club yesterday", 0.7),              // relative: resolved
      E("m3", "Moved to Berlin on 2023-05-01", 0.6),                 // dated already
      E("m4", "Started a pottery class in March 2022", 0.55),        // dated already
      E("m5", "Adopted a cat", 0.5, "memory", 0),                    // no date known at all
  };
  const Answer a = ComposeAnswer("When did the user do these things?", ev);
  EXPECT_EQ(a.text,
            "Based on 5 memories: Went to a LGBTQ support group on 2023-05-08 [1]. Joined a running club "
            "yesterday (2023-05-07) [2]. Moved to Berlin on 2023-05-01 [3]. Started a pottery class in March "
            "2022 [4]. Adopted a cat [5].");
  // Not a when-question: no dates added.
  EXPECT_EQ(ComposeAnswer("What did the user do?", std::vector<Evidence>{ev[0]}).text,
            "Based on 1 memory: Went to a LGBTQ support group [1].");
  // A raw chunk names its date in the attribution.
  EXPECT_EQ(ComposeAnswer("When did the user visit Lisbon?",
                          std::vector<Evidence>{E("msg_1#0", "I just got back from Lisbon!", 0.7, "message")})
                .text,
            "Based on 1 message: From a message on 2023-05-08: \"I just got back from Lisbon!\" [1].");
}

TEST(AnswererTest, WhoQuestionsListPeople) {
  const std::vector<Evidence> ev = {
      E("m1", "Sarah Chen is the technical co-founder", 0.8, "memory", kMay8, "Sarah Chen"),
      E("m2", "Reviews architecture decisions with Ash daily", 0.79, "memory", kMay8, "Sarah Chen"),
      E("m3", "Long-term trusted career advisor", 0.7, "memory", kMay8, "David Kimball"),
      E("m4", "Co-founder of Fastino", 0.6, "memory", kMay8, "George Maloney"),
  };
  const Answer a = ComposeAnswer("Who are the user's key relationships?", ev, {.max_sentences = 3});
  // Each person's best item first, so the cap keeps all three people.
  EXPECT_EQ(a.text,
            "Based on 3 memories, the people are Sarah Chen, David Kimball and George Maloney. Sarah Chen is the "
            "technical co-founder [1]. David Kimball: Long-term trusted career advisor [2]. George Maloney: "
            "Co-founder of Fastino [3].");
}

TEST(AnswererTest, Stage3AnswersReusedWithoutTheirMarkers) {
  const std::vector<Evidence> ev = {E("stage3_2",
                                      "Q: What are the user's current goals?\nA: Based on 2 memories: Launch a new "
                                      "product [1]. Hire 3 engineers [2].",
                                      0.7, "stage3")};
  EXPECT_EQ(ComposeAnswer("What is the user focused on?", ev).text,
            "Based on 1 earlier answer: Launch a new product. Hire 3 engineers [1].");
}

TEST(AnswererTest, DeterministicWhateverTheInputOrder) {
  std::vector<Evidence> ev = {E("a", "Enjoys chess", 0.8), E("b", "Enjoys jazz", 0.8), E("c", "Enjoys tennis", 0.8),
                              E("d", "I like hiking", 0.8, "message"), E("e", "Enjoys jazz", 0.8)};
  const Answer first = ComposeAnswer("What are the user's hobbies?", ev);
  std::reverse(ev.begin(), ev.end());
  EXPECT_EQ(ComposeAnswer("What are the user's hobbies?", ev).text, first.text);
  EXPECT_EQ(first.text, "Based on 3 memories and 1 message: Enjoys chess [1]. Enjoys jazz [2]. Enjoys tennis [3]. "
                        "From a message: \"I like hiking\" [4].");
}

TEST(QuestionSimilarityTest, Table) {
  struct Case {
    std::string_view a, b;
    double lo, hi;  // expected range
  } cases[] = {
      // Close: the cache should answer.
      {"What are the user's food preferences?", "What food does the user like?", 0.99, 1.0},
      {"What are the user's food preferences?", "What are the user's food preferences?", 1.0, 1.0},
      {"How does the user prefer to communicate?", "What is the user's communication style?", 0.6, 0.7},
      {"Where is the user based?", "Where does the user live?", 0.99, 1.0},
      {"What are the user's hobbies?", "What does the user do for fun?", 0.99, 1.0},
      {"What are the user's current goals and projects?", "What are the user's goals?", 0.7, 0.8},
      // Far: a different topic.
      {"What are the user's food preferences?", "Who are the user's key relationships?", 0.0, 0.0},
      {"Does the user have any dietary restrictions?", "What food does the user like?", 0.0, 0.1},
      {"Where does the user live?", "When did the user move?", 0.0, 0.1},
      // Related but asking something else: below the threshold.
      {"What are the user's meeting habits and availability?", "When is the user available for meetings?", 0.4, 0.59},
      {"Who is she?", "Who is he?", 0.0, 0.0},  // nothing but stopwords: no basis to reuse an answer
      {"", "", 0.0, 0.0},
  };
  for (const auto& c : cases) {
    const double s = QuestionSimilarity(c.a, c.b);
    EXPECT_GE(s, c.lo) << c.a << " | " << c.b;
    EXPECT_LE(s, c.hi) << c.a << " | " << c.b;
    EXPECT_DOUBLE_EQ(QuestionSimilarity(c.b, c.a), s) << "symmetric";
  }
  EXPECT_GE(QuestionSimilarity("What are the user's food preferences?", "What food does the user like?"),
            kQuestionSimilarityThreshold);
  EXPECT_LT(QuestionSimilarity("What are the user's food preferences?", "Who are the user's key relationships?"),
            kQuestionSimilarityThreshold);
}

}  // namespace
}  // namespace engram::memory
