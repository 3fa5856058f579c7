#include "memory/profile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "common/strings.h"
#include "memory/prose.h"
#include "memory/purpose.h"

namespace engram::memory {
namespace {

domain::Trait T(std::string name, std::string value) {
  domain::Trait t;
  t.name = std::move(name);
  t.value = std::move(value);
  t.source = "register";
  return t;
}

domain::Memory M(std::string id, std::string text, std::string category, double confidence = 0.8,
                 std::string subject = "", TimeMs t = 1'760'000'000'000) {
  domain::Memory m;
  m.id = std::move(id);
  m.text = std::move(text);
  m.category = std::move(category);
  m.confidence = confidence;
  m.subject = std::move(subject);
  m.valid_from = t;
  m.created_at = t;
  m.updated_at = t;
  m.source_ids = {"src_" + m.id};
  return m;
}

// The user of the API seed: registration traits plus what ingesting the seed's chat and Q4 goals yields.
ProfileInput SeedUser(std::string purpose = "") {
  ProfileInput in;
  in.traits = {T("name", "Ash Lewis"), T("locale", "en-US"), T("timezone", "America/Los_Angeles"),
               T("linkedin_url", "https://www.linkedin.com/in/ashlewis"),
               T("website", "https://ash.example.com"),
               T("notes", "Founder/engineer; prefers concise communications")};
  in.memories = {
      M("mem_1", "Loves sushi and usually eats late dinners around 9pm", "preference", 0.9),
      M("mem_2", "Has deep focus blocks 9-12 PT", "schedule", 0.85),
      M("mem_3", "Prefers meetings after 1 PM", "preference", 0.85),
      M("mem_4", "Plans to launch a new product in Q4 2025", "goal", 0.8),
      M("mem_5", "Wants to hire 3 engineers in Q4 2025", "goal", 0.75),
      M("mem_6", "Sarah Chen is the technical co-founder", "relationship", 0.7, "Sarah Chen"),
      M("mem_7", "Loves hiking", "preference", 0.6, "Sarah Chen"),
      M("mem_8", "Lives in San Francisco", "location", 0.7),
  };
  in.purpose = std::move(purpose);
  return in;
}

size_t Pos(const std::string& s, std::string_view needle) {
  const size_t p = s.find(needle);
  EXPECT_NE(p, std::string::npos) << "missing \"" << needle << "\" in: " << s;
  return p;
}

TEST(ProfileTest, SeedUserReadsAsAProfile) {
  const std::string s = BuildSummary(SeedUser());
  EXPECT_EQ(s,
            "Ash Lewis is a founder and engineer (America/Los_Angeles timezone). Prefers concise "
            "communications. Work style: Has deep focus blocks 9-12 PT. Prefers meetings after 1 PM. "
            "Current focus: Plans to launch a new product in Q4 2025. Wants to hire 3 engineers in Q4 2025. "
            "Loves sushi and usually eats late dinners around 9pm. Lives in San Francisco. Sarah Chen is "
            "the technical co-founder. Sarah Chen: Loves hiking.");
  // Contact data and URLs never appear.
  EXPECT_EQ(s.find("linkedin"), std::string::npos);
  EXPECT_EQ(s.find("en-US"), std::string::npos);
}

TEST(ProfileTest, LeadSentenceFromTraits) {
  struct Case {
    std::vector<domain::Trait> traits;
    std::string want;
  } cases[] = {
      {{T("name", "Ash Lewis"), T("role", "Engineer"), T("employer", "Acme"), T("location", "San Francisco"),
        T("timezone", "America/Los_Angeles")},
       "Ash Lewis is an Engineer at Acme based in San Francisco (America/Los_Angeles timezone)."},
      {{T("name", "Ash"), T("company", "Acme")}, "Ash works at Acme."},
      {{T("name", "Ash"), T("title", "CEO")}, "Ash is CEO."},
      {{T("name", "Ash"), T("role", "user researcher")}, "Ash is a user researcher."},
      {{T("first_name", "Ash"), T("last_name", "Lewis"), T("city", "Austin")}, "Ash Lewis is based in Austin."},
      {{T("name", "Ash"), T("timezone", "Europe/Paris")}, "Ash is in the Europe/Paris timezone."},
      {{T("name", "Ash")}, "The user is Ash."},
      {{T("timezone", "UTC")}, "The user is in the UTC timezone."},
      {{T("name", "Ash"), T("notes", "CEO & co-founder")}, "Ash is CEO and co-founder."},
      {{}, ""},
  };
  for (const auto& c : cases) {
    ProfileInput in;
    in.traits = c.traits;
    EXPECT_EQ(BuildSummary(in), c.want);
  }
}

TEST(ProfileTest, RegisteredTraitWinsWhateverTheOrder) {
  domain::Trait extracted = T("location", "Oakland");
  extracted.source = "extracted";
  extracted.confidence = 1.0;
  ProfileInput a;
  a.traits = {T("name", "Ash"), extracted, T("location", "Berkeley")};
  ProfileInput b = a;
  std::reverse(b.traits.begin(), b.traits.end());
  EXPECT_EQ(BuildSummary(a), "Ash is based in Berkeley.");
  EXPECT_EQ(BuildSummary(b), BuildSummary(a));
}

TEST(ProfileTest, OtherTraitsReadAsFactsButNotContactData) {
  ProfileInput in;
  in.traits = {T("name", "Ash"), T("dietary_restrictions", "vegetarian"), T("email", "ash@example.com"),
               T("phone", "555-0100"), T("github_url", "https://github.com/ash"), T("birthday", "1990-01-01"),
               T("prefs", "{\"a\":1}")};
  EXPECT_EQ(BuildSummary(in), "The user is Ash. Dietary restrictions: vegetarian.");
}

TEST(ProfileTest, DeterministicAndOrderIndependent) {
  const ProfileInput in = SeedUser();
  const std::string first = BuildSummary(in);
  EXPECT_EQ(BuildSummary(in), first);
  std::mt19937 rng(42);
  for (int round = 0; round < 20; ++round) {
    ProfileInput shuffled = in;
    std::shuffle(shuffled.memories.begin(), shuffled.memories.end(), rng);
    std::shuffle(shuffled.traits.begin(), shuffled.traits.end(), rng);
    EXPECT_EQ(BuildSummary(shuffled), first) << round;
  }
}

TEST(ProfileTest, TiesBrokenByTotalOrder) {
  // Same confidence, sources and time: text decides, whatever the input order.
  ProfileInput a;
  a.memories = {M("mem_b", "Enjoys jazz", "preference"), M("mem_a", "Enjoys board games", "preference")};
  ProfileInput b = a;
  std::swap(b.memories[0], b.memories[1]);
  EXPECT_EQ(BuildSummary(a), "Enjoys board games. Enjoys jazz.");
  EXPECT_EQ(BuildSummary(b), BuildSummary(a));
}

TEST(ProfileTest, StrongestFirstWithinASection) {
  ProfileInput in;
  in.memories = {M("m1", "Enjoys jazz", "preference", 0.5), M("m2", "Enjoys chess", "preference", 0.9),
                 M("m3", "Enjoys cycling", "preference", 0.5)};
  in.memories[2].source_ids = {"a", "b"};  // more support beats the same confidence
  EXPECT_EQ(BuildSummary(in), "Enjoys chess. Enjoys cycling. Enjoys jazz.");
}

TEST(ProfileTest, MaxCharsCutsAtSentenceBoundary) {
  const std::string full = BuildSummary(SeedUser());
  for (size_t limit : {1000, 400, 200, 120, 90, 70}) {
    const std::string s = BuildSummary(SeedUser(), {.max_chars = limit});
    EXPECT_LE(Utf8Length(s), limit) << limit;
    EXPECT_EQ(full.rfind(s, 0), 0u) << "a prefix of the full summary: " << s;
    ASSERT_FALSE(s.empty());
    EXPECT_EQ(s.back(), '.') << s;
    // The cut falls where a sentence ended in the full text.
    EXPECT_TRUE(s.size() == full.size() || full[s.size()] == ' ') << limit;
  }
  EXPECT_EQ(BuildSummary(SeedUser(), {.max_chars = 70}),
            "Ash Lewis is a founder and engineer (America/Los_Angeles timezone).");
  EXPECT_EQ(BuildSummary(SeedUser(), {.max_chars = 100}),
            "Ash Lewis is a founder and engineer (America/Los_Angeles timezone). Prefers concise "
            "communications.");
  EXPECT_EQ(BuildSummary(SeedUser(), {.max_chars = static_cast<size_t>(-1)}), full);
}

TEST(ProfileTest, FirstSentenceLongerThanLimitIsCutAtAWord) {
  EXPECT_EQ(BuildSummary(SeedUser(), {.max_chars = 30}), "Ash Lewis is a founder and…");
  EXPECT_EQ(BuildSummary(SeedUser(), {.max_chars = 2}), "A…");
  EXPECT_EQ(BuildSummary(SeedUser(), {.max_chars = 1}), "…");
  EXPECT_EQ(BuildSummary(SeedUser(), {.max_chars = 0}), "");
}

TEST(ProfileTest, TruncateAtSentenceTable) {
  struct Case {
    std::string text;
    size_t max;
    std::string want;
  } cases[] = {
      {"One. Two. Three.", 100, "One. Two. Three."},
      {"One. Two. Three.", 9, "One. Two."},
      {"One. Two. Three.", 8, "One."},
      {"One. Two. Three.", 4, "One."},
      {"One. Two. Three.", 3, "On…"},
      {"Héllo wörld. Bye.", 12, "Héllo wörld."},  // code points, not bytes
      {"Supercalifragilistic", 6, "Super…"},
      {"", 10, ""},
  };
  for (const auto& c : cases) EXPECT_EQ(TruncateAtSentence(c.text, c.max), c.want) << c.text << " " << c.max;
}

TEST(ProfileTest, SchedulingPurposeLeadsWithTimezoneAndMeetings) {
  ProfileInput in = SeedUser("meeting scheduling app");
  in.traits.push_back(T("location", "San Francisco"));
  const std::string s = BuildSummary(in);
  EXPECT_EQ(s.rfind("Ash Lewis is based in San Francisco (America/Los_Angeles timezone). Work style: Has deep "
                    "focus blocks 9-12 PT. Prefers meetings after 1 PM. Ash is a founder and engineer.",
                    0),
            0u)
      << s;
  // Under a tight budget the scheduling facts survive, the food does not.
  const std::string tight = BuildSummary(in, {.max_chars = 160});
  EXPECT_NE(tight.find("after 1 PM"), std::string::npos) << tight;
  EXPECT_EQ(tight.find("sushi"), std::string::npos) << tight;
}

TEST(ProfileTest, SalesPurposeLeadsWithCommunicationAndPeople) {
  const std::string s = BuildSummary(SeedUser(
      "This will be used in an AI SDR agent to help understand the user's communication style and priorities"));
  EXPECT_LT(Pos(s, "concise communications"), Pos(s, "Sarah Chen is"));
  EXPECT_LT(Pos(s, "Sarah Chen is"), Pos(s, "Current focus"));
  EXPECT_LT(Pos(s, "Current focus"), Pos(s, "Work style"));
  EXPECT_LT(Pos(s, "Work style"), Pos(s, "sushi"));
}

TEST(ProfileTest, DiningPurposeLeadsWithFood) {
  const std::string s = BuildSummary(SeedUser(
      "Restaurant recommendation agent that suggests dining options based on user preferences, dietary "
      "restrictions, and past experiences"));
  EXPECT_EQ(s.rfind("Ash Lewis is a founder and engineer (America/Los_Angeles timezone). Loves sushi", 0), 0u) << s;
}

TEST(ProfileTest, MemoriesAboutOthersGoToPeople) {
  ProfileInput in;
  in.traits = {T("name", "Ash Lewis")};
  in.memories = {M("m1", "Loves hiking", "preference", 0.9, "Sarah"),
                 M("m2", "Loves chess", "preference", 0.5, "Ash"),     // the user's first name: the user
                 M("m3", "Loves tennis", "preference", 0.5, "user")};  // so is "user"
  EXPECT_EQ(BuildSummary(in), "The user is Ash Lewis. Loves chess. Loves tennis. Sarah: Loves hiking.");
}

TEST(ProfileTest, NearDuplicatesSaidOnce) {
  ProfileInput in;
  in.traits = {T("name", "Ash"), T("notes", "prefers concise communications")};
  in.memories = {
      M("m1", "Prefers concise communication", "communication", 0.7),  // same terms as the note
      M("m2", "Loves sushi", "preference", 0.95),                       // said better by m3
      M("m3", "Loves sushi and usually eats late dinners around 9pm", "preference", 0.6),
      M("m4", "loves sushi and usually eats late dinners around 9 PM.", "preference", 0.5),
      M("m5", "Is Ash", "fact", 0.9),  // adds nothing to the lead
  };
  EXPECT_EQ(BuildSummary(in),
            "The user is Ash. Prefers concise communications. Loves sushi and usually eats late dinners around 9pm.");
}

TEST(ProfileTest, IdentityFactsTheLeadAlreadySaysAreSkipped) {
  ProfileInput in;
  in.traits = {T("name", "Ash"), T("location", "San Francisco"), T("employer", "Acme")};
  in.memories = {M("m1", "Lives in San Francisco", "location"), M("m2", "Works at Acme", "work"),
                 M("m3", "Works on the Acme launch", "work"), M("m4", "Lives with two roommates", "family")};
  EXPECT_EQ(BuildSummary(in),
            "Ash works at Acme, based in San Francisco. Lives with two roommates. Works on the Acme launch.");
}

TEST(ProfileTest, SupersededMemoriesIgnored) {
  ProfileInput in;
  in.memories = {M("m1", "Prefers meetings after 1 PM", "schedule"), M("m2", "Prefers meetings before 10 AM", "schedule")};
  in.memories[1].status = domain::MemoryStatus::kSuperseded;
  EXPECT_EQ(BuildSummary(in), "Work style: Prefers meetings after 1 PM.");
}

TEST(ProfileTest, SectionCapsKeepTheProfileBalanced) {
  ProfileInput in;
  const char* foods[] = {"sushi", "ramen", "tacos", "pizza", "curry", "pasta", "salad", "steak"};
  for (int i = 0; i < 8; ++i) {
    in.memories.push_back(M("f" + std::to_string(i), std::string("Loves ") + foods[i] + " food", "preference",
                            0.9 - i * 0.01));
  }
  in.memories.push_back(M("g", "Wants to run a marathon", "goal", 0.3));
  const std::string s = BuildSummary(in);
  EXPECT_NE(s.find("marathon"), std::string::npos) << s;
  EXPECT_EQ(s.find("pasta"), std::string::npos) << s;  // fourth food and beyond: over the cap
  // A dining purpose gives food twice the room.
  in.purpose = "restaurant recommendations";
  EXPECT_NE(BuildSummary(in).find("pasta"), std::string::npos);
}

TEST(ProfileTest, HostileInputs) {
  ProfileInput in;
  in.traits = {T("name", "  "), T("notes", ";;;"), T("timezone", "UTC\n\n")};
  domain::Memory nan = M("m1", "Enjoys \n\n jazz   ", "preference");
  nan.confidence = std::nan("");
  in.memories = {nan, M("m2", "", "preference"), M("m3", "   ", "other"), M("m4", "- ", "other")};
  EXPECT_EQ(BuildSummary(in), "The user is in the UTC timezone. Enjoys jazz.");
}

TEST(PurposeTest, ClassifyTable) {
  struct Case {
    std::string_view purpose;
    PurposeFocus want;
  } cases[] = {
      {"", PurposeFocus::kGeneral},
      {"personal assistant", PurposeFocus::kGeneral},
      {"meeting scheduling app", PurposeFocus::kScheduling},
      {"Calendar assistant that books appointments", PurposeFocus::kScheduling},
      {"sales automation", PurposeFocus::kSales},
      {"This will be used in an AI SDR agent to help understand the user's communication style and priorities",
       PurposeFocus::kSales},
      {"CRM outreach", PurposeFocus::kSales},
      {"Restaurant recommendation agent that suggests dining options based on user preferences, dietary "
       "restrictions, and past experiences",
       PurposeFocus::kDining},
      {"Content creation", PurposeFocus::kContent},
      {"Ghostwriting blog posts and newsletters", PurposeFocus::kContent},
      {"schedule sales meetings", PurposeFocus::kScheduling},  // 2 scheduling hits vs 1 sales hit
      {"sales meetings", PurposeFocus::kScheduling},           // a tie goes to the earlier row
  };
  for (const auto& c : cases) {
    EXPECT_EQ(PurposeFocusName(ClassifyPurpose(c.purpose)), PurposeFocusName(c.want)) << c.purpose;
  }
}

}  // namespace
}  // namespace engram::memory
