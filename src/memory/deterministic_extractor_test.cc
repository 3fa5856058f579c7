#include "memory/deterministic_extractor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/time.h"

namespace engram::memory {
namespace {

using domain::Record;
using domain::RecordKind;

Record Rec(std::string id, std::string speaker, const char* iso, std::string content,
           RecordKind kind = RecordKind::kMessage) {
  Record r;
  r.id = std::move(id);
  r.kind = kind;
  r.speaker = std::move(speaker);
  r.timestamp = *ParseIso8601(iso);
  r.content = std::move(content);
  return r;
}

Extraction ExtractAll(const std::vector<Record>& records, const ExtractionContext& ctx = {}) {
  DeterministicExtractor extractor;
  Result<Extraction> r = extractor.Extract(records, ctx);
  EXPECT_TRUE(r.ok());
  return std::move(r).value();
}

std::vector<std::string> Texts(const Extraction& e) {
  std::vector<std::string> out;
  for (const ExtractedMemory& m : e.memories) out.push_back(m.text);
  return out;
}

std::string Day(TimeMs t) { return FormatIso8601(t).substr(0, 10); }

struct Want {
  std::string text;
  std::string category;
  std::string key;
  std::string valid_from;  // YYYY-MM-DD
};

struct Case {
  const char* speaker;
  const char* when;
  const char* content;
  std::vector<Want> want;
  RecordKind kind = RecordKind::kMessage;
};

void Check(const Case& c, const ExtractionContext& ctx = {}) {
  const Extraction e = ExtractAll({Rec("r1", c.speaker, c.when, c.content, c.kind)}, ctx);
  ASSERT_EQ(e.memories.size(), c.want.size()) << c.content << "\n got: " << ::testing::PrintToString(Texts(e));
  for (size_t i = 0; i < c.want.size(); ++i) {
    const ExtractedMemory& m = e.memories[i];
    EXPECT_EQ(m.text, c.want[i].text) << c.content;
    EXPECT_EQ(m.category, c.want[i].category) << m.text;
    EXPECT_EQ(m.key, c.want[i].key) << m.text;
    EXPECT_EQ(Day(m.valid_from), c.want[i].valid_from) << m.text;
    EXPECT_EQ(m.source_ids, std::vector<std::string>{"r1"}) << m.text;
  }
}

constexpr const char* kMay8 = "2023-05-08T13:56:00Z";  // a Monday
constexpr const char* kNov3 = "2025-11-03T10:00:00Z";  // a Monday

TEST(DeterministicExtractorTest, SeedSentences) {
  const Case cases[] = {
      {"user", "2025-11-01T14:30:00Z", "I love sushi and usually eat late dinners around 9pm",
       {{"Loves sushi and usually eats late dinners around 9pm", "preference", "preference:sushi", "2025-11-01"}}},
      {"user", kNov3, "Typical focus blocks 9–12 PT; meetings after 1 PM preferred.",
       {{"Typical focus blocks 9-12 PT", "schedule", "schedule:focus_blocks", "2025-11-03"},
        {"Prefers meetings after 1 PM", "schedule", "schedule:meetings", "2025-11-03"}}},
      {"user", kNov3, "Let’s move stand-up to 2 PM starting next week.",
       {{"Stand-up moves to 2 PM starting the week of 10 November 2025", "schedule", "schedule:stand-up",
         "2025-11-10"}}},
      {"user", "2025-11-20T09:00:00Z", "Stand-up is now at 10 AM",
       {{"Stand-up is at 10 AM", "schedule", "schedule:stand-up", "2025-11-20"}}},
      {"", "2025-10-01T00:00:00Z", "Q4 2025 Goals: Launch new product, hire 3 engineers, reach $1M ARR",
       {{"Q4 2025 goal: launch new product", "goal", "", "2025-10-01"},
        {"Q4 2025 goal: hire 3 engineers", "goal", "", "2025-10-01"},
        {"Q4 2025 goal: reach $1M ARR", "goal", "", "2025-10-01"}},
       RecordKind::kDocument},
      {"", "2025-11-11T16:05:00Z", "Founder/engineer; prefers concise communications",
       {{"Is a founder and engineer", "work", "work:role", "2025-11-11"},
        {"Prefers concise communications", "communication", "", "2025-11-11"}},
       RecordKind::kDocument},
  };
  for (const Case& c : cases) Check(c);
}

TEST(DeterministicExtractorTest, UserFacts) {
  const Case cases[] = {
      {"user", kMay8, "I work at Acme as a data scientist.",
       {{"Works at Acme as a data scientist", "work", "work:employer", "2023-05-08"}}},
      {"user", kMay8, "I'm a nurse.", {{"Is a nurse", "work", "work:role", "2023-05-08"}}},
      {"user", kMay8, "I joined Google last year.",
       {{"Joined Google in 2022", "work", "work:employer", "2022-01-01"}}},
      {"user", kMay8, "I live in Berlin.", {{"Lives in Berlin", "location", "location:home", "2023-05-08"}}},
      {"user", kMay8, "I moved to Austin two weeks ago.",
       {{"Moved to Austin in the week of 24 April 2023", "location", "location:home", "2023-04-24"}}},
      {"user", kMay8, "Honestly I'm based in San Francisco",
       {{"Is based in San Francisco", "location", "location:home", "2023-05-08"}}},
      {"user", kMay8, "My sister Anna is visiting.", {{"Has a sister named Anna", "family", "", "2023-05-08"}}},
      {"user", kMay8, "I have two kids.", {{"Has two kids", "family", "family:children", "2023-05-08"}}},
      {"user", kMay8, "I'm married to John.", {{"Is married to John", "family", "family:marital", "2023-05-08"}}},
      {"user", kMay8, "My dog Max loves the beach.", {{"Has a dog named Max", "pet", "", "2023-05-08"}}},
      {"user", kMay8, "I bought a Tesla.", {{"Bought a Tesla", "possession", "", "2023-05-08"}}},
      {"user", kMay8, "I'm going to Japan next month!",
       {{"Is going to Japan in June 2023", "plan", "", "2023-05-08"}}},
      {"user", kMay8, "I'm planning to run a marathon.",
       {{"Is planning to run a marathon", "plan", "", "2023-05-08"}}},
      {"user", kMay8, "My manager Sarah wants the report by Friday.",
       {{"Has a manager named Sarah", "relationship", "", "2023-05-08"}}},
      {"user", kMay8, "I went to the LGBTQ support group yesterday",
       {{"Went to the LGBTQ support group on 7 May 2023", "event", "", "2023-05-07"}}},
      {"user", kMay8, "Yesterday I finally finished my first painting.",
       {{"Finished their first painting on 7 May 2023", "event", "", "2023-05-07"}}},
      {"user", kMay8, "I can't stand cilantro.", {{"Cannot stand cilantro", "preference", "preference:cilantro", "2023-05-08"}}},
      {"user", kMay8, "I don't like spicy food.",
       {{"Does not like spicy food", "preference", "preference:spicy_food", "2023-05-08"}}},
      {"user", kMay8, "I'm allergic to peanuts and I'm a vegetarian.",
       {{"Is allergic to peanuts", "preference", "allergy:peanuts", "2023-05-08"},
        {"Is a vegetarian", "preference", "diet", "2023-05-08"}}},
      {"user", kMay8, "I usually go to the gym at 6am.",
       {{"Usually goes to the gym at 6am", "schedule", "schedule:workout", "2023-05-08"}}},
      {"user", kMay8, "I prefer meetings after 1 PM.",
       {{"Prefers meetings after 1 PM", "schedule", "schedule:meetings", "2023-05-08"}}},
      {"user", kMay8, "I'm into bouldering and I enjoy cooking for my friends.",
       {{"Is into bouldering", "preference", "preference:bouldering", "2023-05-08"},
        {"Enjoys cooking for their friends", "preference", "preference:cooking", "2023-05-08"}}},
  };
  for (const Case& c : cases) Check(c);
}

TEST(DeterministicExtractorTest, HedgedStatementsHaveLowerConfidence) {
  const Extraction sure = ExtractAll({Rec("r1", "user", kMay8, "I'm going hiking this weekend.")});
  const Extraction hedged = ExtractAll({Rec("r1", "user", kMay8, "I think I might go hiking this weekend.")});
  ASSERT_EQ(sure.memories.size(), 1u);
  ASSERT_EQ(hedged.memories.size(), 1u);
  EXPECT_EQ(hedged.memories[0].text, "Might go hiking on the weekend of 13 May 2023");
  EXPECT_DOUBLE_EQ(hedged.memories[0].confidence, 0.5);
  EXPECT_GT(sure.memories[0].confidence, hedged.memories[0].confidence);
}

TEST(DeterministicExtractorTest, ChatAttribution) {
  // Speaker in the record (LoCoMo imports put the name in metadata -> Record::speaker).
  Check({"Caroline", kMay8, "I went to a LGBTQ support group yesterday and it was so powerful.",
         {{"Caroline went to a LGBTQ support group on 7 May 2023", "event", "", "2023-05-07"}}});
  // Speaker as a "Name: " prefix of a chat message.
  Check({"user", kMay8, "Melanie: I'm a mom of three and I love painting",
         {{"Melanie is a mom of three", "family", "family:children", "2023-05-08"},
          {"Melanie loves painting", "preference", "preference:painting", "2023-05-08"}}});
  const Extraction e = ExtractAll({Rec("r1", "Caroline", kMay8, "My sister Anna visited.")});
  ASSERT_EQ(e.memories.size(), 1u);
  EXPECT_EQ(e.memories[0].text, "Caroline has a sister named Anna");
  EXPECT_EQ(e.memories[0].subject, "Caroline");
  EXPECT_EQ(e.memories[0].entities, std::vector<std::string>{"Anna"});
}

TEST(DeterministicExtractorTest, SpeakerWhoIsTheUserIsTheUser) {
  const ExtractionContext ctx{.user_name = "Caroline Smith", .participants = {"Caroline", "Melanie"}};
  const Extraction e = ExtractAll({Rec("r1", "Caroline", kMay8, "I love hiking.")}, ctx);
  ASSERT_EQ(e.memories.size(), 1u);
  EXPECT_EQ(e.memories[0].text, "Loves hiking");
  EXPECT_EQ(e.memories[0].subject, "");
}

TEST(DeterministicExtractorTest, TranscriptLinesSwitchSpeakers) {
  const ExtractionContext ctx{.participants = {"Caroline", "Melanie"}};
  const Extraction e = ExtractAll({Rec("d1", "", kMay8,
                                "Caroline: I moved to Boston last month.\nMelanie: Oh nice! I have two dogs.",
                                RecordKind::kDocument)},
                           ctx);
  EXPECT_EQ(Texts(e), (std::vector<std::string>{"Caroline moved to Boston in April 2023",
                                                "Melanie has two dogs"}));
  EXPECT_TRUE(e.traits.empty());  // neither speaker is the user
}

TEST(DeterministicExtractorTest, NothingFromQuestionsAssistantsHypotheticalsAndChatter) {
  const Case nothing[] = {
      {"user", kMay8, "Do you like sushi?", {}},
      {"user", kMay8, "Have you ever been to Japan", {}},
      {"user", kMay8, "What should I eat tonight?", {}},
      {"assistant", kMay8, "Got it! I'll keep that in mind for restaurant recommendations. I love sushi too.", {}},
      {"user", kMay8, "If I had a dog, I'd name it Max.", {}},
      {"user", kMay8, "I would love to visit Japan someday.", {}},
      {"user", kMay8, "I wish I lived in Paris.", {}},
      {"user", kMay8, "I love it!", {}},
      {"user", kMay8, "I think that's a great idea.", {}},
      {"user", kMay8, "I'm so proud of you.", {}},
      {"user", kMay8, "Thanks, I really appreciate your help.", {}},
      {"user", kMay8, "I'm so happy right now.", {}},
      {"user", kMay8, "Goals: ", {}},
      {"user", kMay8, "", {}},
  };
  for (const Case& c : nothing) Check(c);
}

TEST(DeterministicExtractorTest, Traits) {
  const Extraction e = ExtractAll({
      Rec("r1", "user", kMay8, "Hi, I'm Ash. I work at Acme as a data scientist."),
      Rec("r2", "user", kNov3, "Typical focus blocks 9–12 PT."),
      Rec("r3", "user", kNov3, "I live in San Francisco. My locale is en-US."),
      Rec("r4", "Melanie", kNov3, "I live in Denver."),
  });
  std::vector<std::string> got;
  for (const ExtractedTrait& t : e.traits) got.push_back(t.name + "=" + t.value + "@" + t.source_ids[0]);
  EXPECT_EQ(got, (std::vector<std::string>{"name=Ash@r1", "employer=Acme@r1", "role=data scientist@r1",
                                           "timezone=America/Los_Angeles@r2", "location=San Francisco@r3",
                                           "locale=en-US@r3"}));
  const Extraction named = ExtractAll({Rec("r1", "user", kMay8, "My name is Ash Lewis and my timezone is America/New_York")});
  ASSERT_EQ(named.traits.size(), 2u);
  EXPECT_EQ(named.traits[0].value, "Ash Lewis");
  EXPECT_EQ(named.traits[1].value, "America/New_York");
}

TEST(DeterministicExtractorTest, RepeatedStatementsMergeSourcesAndOutputIsDeterministic) {
  const std::vector<Record> records = {
      Rec("r1", "user", kMay8, "I love sushi."),
      Rec("r2", "assistant", kMay8, "Noted!"),
      Rec("r3", "user", kNov3, "I love sushi!"),
  };
  const Extraction a = ExtractAll(records);
  ASSERT_EQ(a.memories.size(), 1u);
  EXPECT_EQ(a.memories[0].source_ids, (std::vector<std::string>{"r1", "r3"}));
  const Extraction b = ExtractAll(records);
  EXPECT_EQ(Texts(a), Texts(b));
  EXPECT_EQ(a.memories[0].valid_from, b.memories[0].valid_from);
}

TEST(DeterministicExtractorTest, OptionsTurnPartsOff) {
  DeterministicExtractor only_traits({.memories = false, .traits = true});
  const Record r = Rec("r1", "user", kMay8, "I live in Berlin.");
  Result<Extraction> e = only_traits.Extract(std::span<const Record>(&r, 1), {});
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->memories.empty());
  ASSERT_EQ(e->traits.size(), 1u);
  EXPECT_EQ(e->traits[0].value, "Berlin");
}


TEST(DeterministicExtractorTest, MoreChatTurns) {
  const ExtractionContext ctx{.participants = {"Caroline", "Melanie"}};
  const Case cases[] = {
      {"user", kMay8, "Caroline: I moved from Sweden 4 years ago with my mom.",
       {{"Caroline moved from Sweden in 2019 with their mom", "location", "location:origin", "2019-01-01"}}},
      {"user", kMay8, "Melanie: I ran a charity race for mental health last Saturday.",
       {{"Melanie ran a charity race for mental health on 6 May 2023", "event", "", "2023-05-06"}}},
      {"user", kMay8, "Caroline: I'm going to a transgender conference this month.",
       {{"Caroline is going to a transgender conference in May 2023", "plan", "", "2023-05-08"}}},
      {"user", kMay8, "Melanie: Yeah, I painted that lake sunrise last year! It's special to me.",
       {{"Melanie painted that lake sunrise in 2022", "event", "", "2022-01-01"}}},
      {"user", kMay8, "Melanie: Thanks, Caroline! Did you hear any inspiring stories?", {}},
      {"user", kMay8, "Melanie: You'd be a great counselor! Your empathy will really help people.", {}},
  };
  for (const Case& c : cases) Check(c, ctx);
}

TEST(DeterministicExtractorTest, OddInputNeverCrashes) {
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk += static_cast<char>((i * 131 + 7) % 256);
  std::string long_text;
  for (int i = 0; i < 2000; ++i) long_text += "I love sushi and I moved to Berlin yesterday; ";
  const std::vector<Record> records = {
      Rec("a", "user", kMay8, junk),
      Rec("b", "user", kMay8, long_text),
      Rec("c", "user", kMay8, "I"),
      Rec("d", "user", kMay8, "I'm"),
      Rec("e", "user", kMay8, "my"),
      Rec("f", "user", kMay8, "Goals:"),
      Rec("g", "user", kMay8, ":::: ; ; -- \n\n I I I my my my"),
      Rec("h", "user", kMay8, "🙂🙂 I love 🍣 ✨"),
      Rec("i", "Melanie", kMay8, "Melanie:"),
  };
  const Extraction e = ExtractAll(records);
  for (const ExtractedMemory& m : e.memories) EXPECT_FALSE(m.text.empty());
}

}  // namespace
}  // namespace engram::memory
