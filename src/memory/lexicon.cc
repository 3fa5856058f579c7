#include "memory/lexicon.h"

#include <unordered_map>
#include <unordered_set>

namespace engram::memory::internal {
namespace {

using Set = std::unordered_set<std::string_view>;
using Map = std::unordered_map<std::string_view, std::string_view>;

bool EndsWith(std::string_view w, std::string_view suffix) {
  return w.size() >= suffix.size() && w.substr(w.size() - suffix.size()) == suffix;
}

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// Irregular verbs: base -> past. Past participles that differ are listed separately below.
const Map& IrregularPast() {
  static const Map m = {
      {"be", "was"},        {"have", "had"},      {"do", "did"},         {"go", "went"},
      {"get", "got"},       {"make", "made"},     {"see", "saw"},        {"take", "took"},
      {"come", "came"},     {"give", "gave"},     {"find", "found"},     {"think", "thought"},
      {"tell", "told"},     {"become", "became"}, {"leave", "left"},     {"feel", "felt"},
      {"bring", "brought"}, {"begin", "began"},   {"keep", "kept"},      {"hold", "held"},
      {"write", "wrote"},   {"stand", "stood"},   {"hear", "heard"},     {"mean", "meant"},
      {"meet", "met"},      {"run", "ran"},       {"pay", "paid"},       {"sit", "sat"},
      {"speak", "spoke"},   {"lead", "led"},      {"grow", "grew"},      {"lose", "lost"},
      {"fall", "fell"},     {"send", "sent"},     {"build", "built"},    {"understand", "understood"},
      {"draw", "drew"},     {"break", "broke"},   {"spend", "spent"},    {"rise", "rose"},
      {"drive", "drove"},   {"buy", "bought"},    {"wear", "wore"},      {"choose", "chose"},
      {"eat", "ate"},       {"drink", "drank"},   {"sing", "sang"},      {"swim", "swam"},
      {"fly", "flew"},      {"ride", "rode"},     {"win", "won"},        {"teach", "taught"},
      {"catch", "caught"},  {"sell", "sold"},     {"fight", "fought"},   {"sleep", "slept"},
      {"forget", "forgot"}, {"throw", "threw"},   {"wake", "woke"},      {"know", "knew"},
      {"say", "said"},      {"feed", "fed"},      {"shake", "shook"},    {"steal", "stole"},
      {"blow", "blew"},     {"hang", "hung"},     {"shoot", "shot"},     {"hide", "hid"},
      {"dig", "dug"},       {"stick", "stuck"},   {"bite", "bit"},       {"lend", "lent"},
      {"bend", "bent"},     {"deal", "dealt"},    {"dream", "dreamt"},   {"learn", "learnt"},
      {"light", "lit"},     {"slide", "slid"},    {"swing", "swung"},    {"weep", "wept"},
      {"freeze", "froze"},  {"forgive", "forgave"}, {"undertake", "undertook"},
  };
  return m;
}

const Map& PastToBase() {
  static const Map m = [] {
    Map r;
    for (const auto& [base, past] : IrregularPast()) r.emplace(past, base);
    for (auto [p, b] : {std::pair<std::string_view, std::string_view>{"were", "be"}, {"been", "be"},
                        {"gone", "go"}, {"done", "do"}, {"seen", "see"}, {"taken", "take"},
                        {"given", "give"}, {"written", "write"}, {"eaten", "eat"}, {"driven", "drive"},
                        {"known", "know"}, {"flown", "fly"}, {"grown", "grow"}, {"begun", "begin"},
                        {"swum", "swim"}, {"drunk", "drink"}, {"sung", "sing"}, {"ridden", "ride"},
                        {"chosen", "choose"}, {"broken", "break"}, {"spoken", "speak"},
                        {"fallen", "fall"}, {"forgotten", "forget"}, {"gotten", "get"},
                        {"worn", "wear"}, {"thrown", "throw"}, {"woken", "wake"}}) {
      r.emplace(p, b);
    }
    return r;
  }();
  return m;
}

const Set& AmbiguousPast() {
  static const Set s = {"read", "put", "let", "set", "cut", "quit", "hurt", "cost", "hit", "shut",
                        "spread", "bet", "cast", "split", "upset", "fit"};
  return s;
}

// Common verbs in base form. Verbs that are mostly nouns ("work", "book") are included when people
// use them as verbs in the sentences we extract from.
const Set& BaseVerbs() {
  static const Set s = [] {
    Set r = {"love", "like", "enjoy", "adore", "prefer", "hate", "dislike", "detest", "avoid",
             "eat", "drink", "cook", "bake", "go", "have", "do", "make", "take", "get", "play",
             "watch", "read", "write", "listen", "run", "walk", "hike", "swim", "bike", "ride",
             "drive", "travel", "visit", "work", "live", "study", "learn", "teach", "paint", "draw",
             "sing", "dance", "practice", "practise", "train", "volunteer", "help", "spend", "try",
             "use", "need", "want", "hope", "plan", "launch", "hire", "reach", "grow", "ship",
             "build", "start", "finish", "open", "close", "raise", "scale", "improve", "reduce",
             "increase", "expand", "release", "publish", "complete", "create", "design",
             "develop", "deliver", "lead", "manage", "run", "own", "buy", "sell", "rent", "move",
             "meet", "call", "text", "email", "sleep", "wake", "shop", "garden", "fish", "camp",
             "ski", "surf", "climb", "knit", "sew", "collect", "keep", "skip", "stay", "spend",
             "prefer", "host", "attend", "join", "support", "mentor", "coach", "write", "blog",
             "post", "stream", "record", "meditate", "pray", "smoke", "vape", "jog", "lift",
             "exercise", "commute", "wear", "speak", "celebrate", "save", "invest", "pay",
             "feed", "walk", "adopt", "foster", "bring", "send", "take", "give", "find", "see",
             "hear", "feel", "think", "know", "say", "tell", "ask", "become", "begin", "leave",
             "sit", "stand", "lose", "win", "fly", "swim", "choose", "break", "fight", "catch",
             "throw", "order", "book", "schedule", "cancel", "prepare", "clean", "fix", "repair",
             "decorate", "organize", "explore", "research", "review", "check", "follow"};
    for (const auto& [base, past] : IrregularPast()) r.insert(base);
    return r;
  }();
  return s;
}

// "-ed" words that are base forms.
const Set& EdBases() {
  static const Set s = {"need", "feed", "bleed", "shed", "wed", "breed", "speed", "seed",
                        "proceed", "succeed", "exceed", "embed", "red", "bed", "shred", "weed"};
  return s;
}

}  // namespace

bool IsDiscourseMarker(std::string_view w) {
  static const Set s = {"oh", "ooh", "well", "yeah", "yes", "yep", "yup", "no", "nope", "ok", "okay",
                        "wow", "haha", "hahaha", "lol", "honestly", "actually", "btw", "hey", "hi",
                        "hello", "so", "um", "uh", "hmm", "anyway", "anyways", "and", "but", "plus",
                        "also", "because", "cause", "though", "although", "or", "then", "sure",
                        "right", "omg", "aw", "aww", "ah", "basically", "frankly", "indeed", "gosh",
                        "thanks", "lately", "recently", "ya", "yea", "absolutely", "totally",
                        "definitely", "really", "true", "fun", "fact", "funny", "enough", "personally"};
  return s.count(w) > 0;
}

bool IsHabitAdverb(std::string_view w) {
  static const Set s = {"usually", "always", "never", "often", "typically", "normally", "generally",
                        "rarely", "seldom", "sometimes", "regularly", "frequently", "occasionally"};
  return s.count(w) > 0;
}

bool IsPreVerbAdverb(std::string_view w) {
  static const Set s = {"also", "really", "just", "still", "actually", "totally", "definitely",
                        "absolutely", "truly", "honestly", "even", "only", "mostly", "already",
                        "recently", "finally", "currently", "now", "personally", "kinda", "sorta",
                        "especially", "particularly", "genuinely", "seriously", "literally",
                        "basically", "simply", "certainly", "mainly", "recently", "newly", "so"};
  return s.count(w) > 0 || IsHabitAdverb(w);
}

bool IsBaseVerb(std::string_view w) { return BaseVerbs().count(w) > 0; }

bool IsAmbiguousPast(std::string_view w) { return AmbiguousPast().count(w) > 0; }

bool IsPastTense(std::string_view w) {
  if (PastToBase().count(w) > 0) return true;
  if (w.size() > 3 && EndsWith(w, "ed") && EdBases().count(w) == 0) return true;
  return false;
}

std::string Lemma(std::string_view w) {
  if (BaseVerbs().count(w) > 0) return std::string(w);
  if (auto it = PastToBase().find(w); it != PastToBase().end()) return std::string(it->second);
  static const Map special = {{"has", "have"}, {"does", "do"}, {"is", "be"}, {"am", "be"},
                              {"are", "be"},   {"goes", "go"}, {"'m", "be"}, {"'ve", "have"}};
  if (auto it = special.find(w); it != special.end()) return std::string(it->second);
  auto try_base = [](std::string candidate) -> std::string {
    return BaseVerbs().count(candidate) > 0 ? candidate : std::string();
  };
  std::string s(w);
  auto strip = [&s](size_t n) { return s.substr(0, s.size() - n); };
  if (EndsWith(s, "ies") && s.size() > 4) {
    if (auto b = try_base(strip(3) + "y"); !b.empty()) return b;
  }
  if (EndsWith(s, "ied") && s.size() > 4) {
    if (auto b = try_base(strip(3) + "y"); !b.empty()) return b;
  }
  for (std::string_view suffix : {"ing", "ed", "es", "s", "d"}) {
    if (!EndsWith(s, suffix) || s.size() <= suffix.size() + 1) continue;
    std::string stem = strip(suffix.size());
    if (auto b = try_base(stem); !b.empty()) return b;
    if (suffix == "ing" || suffix == "ed") {
      if (auto b = try_base(stem + "e"); !b.empty()) return b;
      // Doubled final consonant: "running" -> "run", "planned" -> "plan".
      if (stem.size() > 2 && stem[stem.size() - 1] == stem[stem.size() - 2]) {
        if (auto b = try_base(stem.substr(0, stem.size() - 1)); !b.empty()) return b;
      }
    }
  }
  return s;
}

std::string ThirdPersonSingular(std::string_view base) {
  static const Map irregular = {{"have", "has"}, {"do", "does"}, {"go", "goes"}, {"be", "is"},
                                {"am", "is"}};
  if (auto it = irregular.find(base); it != irregular.end()) return std::string(it->second);
  std::string s(base);
  if (s.empty()) return s;
  if (EndsWith(s, "s") || EndsWith(s, "x") || EndsWith(s, "z") || EndsWith(s, "ch") ||
      EndsWith(s, "sh") || (EndsWith(s, "o") && s.size() > 1 && !IsVowel(s[s.size() - 2]))) {
    return s + "es";
  }
  if (EndsWith(s, "y") && s.size() > 1 && !IsVowel(s[s.size() - 2])) {
    return s.substr(0, s.size() - 1) + "ies";
  }
  return s + "s";
}

bool IsPreferenceVerb(std::string_view lemma) {
  static const Set s = {"love", "like", "enjoy", "adore", "prefer", "hate", "dislike", "detest",
                        "avoid", "loathe", "crave", "fancy", "despise"};
  return s.count(lemma) > 0;
}

bool IsOpinionVerb(std::string_view lemma) {
  static const Set s = {"think", "know", "guess", "mean", "feel", "agree", "see", "understand",
                        "bet", "wonder", "believe", "suppose", "say", "tell", "ask", "hear",
                        "wish", "appreciate", "thank", "apologize", "apologise", "promise",
                        "recommend", "suggest", "remember", "forget", "imagine", "doubt", "admit",
                        "care", "mind", "reckon", "notice", "realize", "realise", "hope", "bet",
                        "assume", "figure", "love", "miss", "get", "can", "be", "do", "let",
                        "want", "need", "look", "sound", "seem", "glad", "am", "was"};
  // Preference verbs are listed ("love") only so the caller's *fallback* path never treats
  // "I love it!" as a fact; the preference path checks IsPreferenceVerb first.
  return s.count(lemma) > 0;
}

bool IsRoleWord(std::string_view w) {
  static const Set s = {
      "engineer", "developer", "programmer", "scientist", "designer", "manager", "founder",
      "cofounder", "co-founder", "ceo", "cto", "cfo", "coo", "cmo", "vp", "director", "nurse",
      "doctor", "physician", "surgeon", "teacher", "professor", "student", "lawyer", "attorney",
      "accountant", "consultant", "analyst", "architect", "artist", "writer", "author",
      "journalist", "photographer", "musician", "chef", "cook", "baker", "pharmacist", "dentist",
      "therapist", "counselor", "researcher", "recruiter", "salesperson", "marketer",
      "entrepreneur", "freelancer", "contractor", "electrician", "plumber", "carpenter",
      "mechanic", "pilot", "firefighter", "officer", "soldier", "veteran", "librarian", "worker",
      "paramedic", "intern", "barista", "waiter", "waitress", "cashier", "realtor", "banker",
      "investor", "editor", "producer", "actor", "actress", "dancer", "singer", "coach",
      "trainer", "homemaker", "pastor", "veterinarian", "vet", "economist", "statistician",
      "mathematician", "physicist", "chemist", "biologist", "lecturer", "tutor", "secretary",
      "administrator", "sysadmin", "lead", "pm", "specialist", "technician", "scrum",
      "programmer", "owner", "partner", "advisor", "adviser", "strategist", "copywriter",
      "illustrator", "animator", "translator", "interpreter", "nanny", "caregiver", "driver",
      "farmer", "psychologist", "psychiatrist", "paralegal", "clerk", "receptionist",
      "executive", "president", "principal", "supervisor", "coordinator", "associate",
      "instructor", "counsellor", "midwife", "optometrist", "surveyor", "auditor", "broker"};
  return s.count(w) > 0;
}

namespace {
bool InWithPlural(const Map& singular_of, std::string_view w, bool* plural) {
  auto it = singular_of.find(w);
  if (it == singular_of.end()) return false;
  if (plural) *plural = it->second != w;
  return true;
}
}  // namespace

bool IsFamilyWord(std::string_view w, bool* plural) {
  static const Map m = {
      {"wife", "wife"}, {"husband", "husband"}, {"partner", "partner"}, {"spouse", "spouse"},
      {"son", "son"}, {"sons", "son"}, {"daughter", "daughter"}, {"daughters", "daughter"},
      {"kid", "kid"}, {"kids", "kid"}, {"child", "child"}, {"children", "child"}, {"mom", "mom"},
      {"mother", "mother"}, {"mum", "mum"}, {"dad", "dad"}, {"father", "father"},
      {"sister", "sister"}, {"sisters", "sister"}, {"brother", "brother"}, {"brothers", "brother"},
      {"sibling", "sibling"}, {"siblings", "sibling"}, {"parents", "parent"},
      {"grandma", "grandma"}, {"grandmother", "grandmother"}, {"grandpa", "grandpa"},
      {"grandfather", "grandfather"}, {"aunt", "aunt"}, {"uncle", "uncle"}, {"cousin", "cousin"},
      {"cousins", "cousin"}, {"niece", "niece"}, {"nephew", "nephew"}, {"fiance", "fiance"},
      {"fiancee", "fiancee"}, {"boyfriend", "boyfriend"}, {"girlfriend", "girlfriend"},
      {"grandson", "grandson"}, {"granddaughter", "granddaughter"}, {"stepson", "stepson"},
      {"stepdaughter", "stepdaughter"}, {"twins", "twin"}, {"grandkids", "grandkid"},
      {"grandchildren", "grandchild"}};
  return InWithPlural(m, w, plural);
}

bool IsChildWord(std::string_view w) {
  static const Set s = {"son", "sons", "daughter", "daughters", "kid", "kids", "child",
                        "children", "twins", "boys", "girls", "boy", "girl"};
  return s.count(w) > 0;
}

bool IsPartnerWord(std::string_view w) {
  static const Set s = {"wife", "husband", "partner", "spouse", "fiance", "fiancee", "boyfriend",
                        "girlfriend"};
  return s.count(w) > 0;
}

bool IsRelationshipWord(std::string_view w, bool* plural) {
  static const Map m = {
      {"manager", "manager"}, {"boss", "boss"}, {"coworker", "coworker"},
      {"coworkers", "coworker"}, {"colleague", "colleague"}, {"colleagues", "colleague"},
      {"friend", "friend"}, {"friends", "friend"}, {"mentor", "mentor"},
      {"cofounder", "cofounder"}, {"co-founder", "co-founder"}, {"teammate", "teammate"},
      {"roommate", "roommate"}, {"neighbor", "neighbor"}, {"neighbour", "neighbour"},
      {"client", "client"}, {"doctor", "doctor"}, {"therapist", "therapist"}, {"coach", "coach"},
      {"assistant", "assistant"}, {"recruiter", "recruiter"}, {"landlord", "landlord"},
      {"teacher", "teacher"}, {"classmate", "classmate"}, {"bff", "bff"}, {"buddy", "buddy"},
      {"report", "report"}, {"lead", "lead"}, {"ceo", "ceo"}, {"cto", "cto"}};
  return InWithPlural(m, w, plural);
}

bool IsPetWord(std::string_view w, bool* plural) {
  static const Map m = {{"dog", "dog"}, {"dogs", "dog"}, {"cat", "cat"}, {"cats", "cat"},
                        {"puppy", "puppy"}, {"kitten", "kitten"}, {"horse", "horse"},
                        {"bird", "bird"}, {"parrot", "parrot"}, {"rabbit", "rabbit"},
                        {"bunny", "bunny"}, {"hamster", "hamster"}, {"turtle", "turtle"},
                        {"snake", "snake"}, {"lizard", "lizard"}, {"pup", "pup"},
                        {"guinea", "guinea"}, {"goldfish", "goldfish"}, {"ferret", "ferret"}};
  return InWithPlural(m, w, plural);
}

bool IsPossessionWord(std::string_view w) {
  static const Set s = {"car", "house", "home", "apartment", "condo", "bike", "bicycle",
                        "motorcycle", "boat", "guitar", "piano", "laptop", "phone", "camera",
                        "truck", "van", "cabin", "tesla", "kayak", "drone", "telescope", "watch",
                        "ukulele", "violin", "drum", "drums", "console", "ps5", "iphone", "macbook"};
  return s.count(w) > 0;
}

bool IsCommonCapitalized(std::string_view w) {
  static const Set s = {
      "i", "january", "february", "march", "april", "may", "june", "july", "august", "september",
      "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
      "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday",
      "saturday", "sunday", "pt", "pst", "pdt", "et", "est", "edt", "ct", "cst", "cdt", "mt",
      "mst", "mdt", "utc", "gmt", "bst", "cet", "cest", "ist", "jst", "am", "pm", "a.m.", "p.m.",
      "american", "british", "canadian", "german", "french", "italian", "spanish", "chinese",
      "japanese", "indian", "mexican", "catholic", "christian", "jewish", "muslim", "buddhist",
      "hindu", "irish", "australian", "korean", "brazilian", "russian", "dutch", "swedish",
      "english", "hi", "hey", "hello", "thanks", "ok", "okay", "yes", "no", "oh", "wow", "lol",
      "omg", "god", "mom", "dad", "q1", "q2", "q3", "q4", "ok", "sure", "yeah"};
  return s.count(w) > 0;
}

bool IsHeadingWord(std::string_view w) {
  static const Set s = {"goals", "goal", "note", "notes", "update", "updates", "summary", "todo",
                        "reminder", "re", "subject", "fyi", "ps", "tldr", "agenda", "action",
                        "actions", "items", "question", "answer", "edit", "important", "warning",
                        "tip", "example", "user", "assistant", "system", "objective", "objectives",
                        "priorities", "priority", "plan", "plans", "schedule", "status", "date",
                        "time", "location", "title", "name", "okrs", "targets", "preferences",
                        "bio", "about", "role", "company", "email", "phone", "address", "update",
                        "context", "background", "details", "description", "meeting", "q", "a",
                        "step", "result", "results", "outcome", "decision", "decisions", "next"};
  return s.count(w) > 0;
}

int SmallNumber(std::string_view w) {
  static const std::unordered_map<std::string_view, int> m = {
      {"one", 1},  {"two", 2},   {"three", 3}, {"four", 4},   {"five", 5},   {"six", 6},
      {"seven", 7}, {"eight", 8}, {"nine", 9},  {"ten", 10},  {"eleven", 11}, {"twelve", 12},
      {"a", 1},    {"an", 1}};
  if (auto it = m.find(w); it != m.end()) return it->second;
  if (w.empty() || w.size() > 3) return -1;
  int n = 0;
  for (char c : w) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::string_view ScheduleSlug(std::string_view w) {
  static const Map m = {
      {"meeting", "meetings"}, {"meetings", "meetings"}, {"standup", "stand-up"},
      {"standups", "stand-up"}, {"stand-up", "stand-up"}, {"stand-ups", "stand-up"},
      {"focus", "focus_blocks"}, {"1:1", "one-on-ones"}, {"1:1s", "one-on-ones"},
      {"one-on-one", "one-on-ones"}, {"one-on-ones", "one-on-ones"}, {"lunch", "lunch"},
      {"lunches", "lunch"}, {"dinner", "dinner"}, {"dinners", "dinner"}, {"breakfast", "breakfast"},
      {"workout", "workout"}, {"workouts", "workout"}, {"gym", "workout"}, {"calls", "calls"},
      {"call", "calls"}, {"sync", "sync"}, {"syncs", "sync"}, {"retro", "retro"},
      {"retros", "retro"}, {"all-hands", "all-hands"}, {"commute", "commute"},
      {"bedtime", "bedtime"}, {"office", "office_hours"}, {"working", "working_hours"},
      {"work", "working_hours"}, {"deep", "focus_blocks"}, {"review", "review"},
      {"reviews", "review"}, {"class", "class"}, {"classes", "class"}, {"practice", "practice"}};
  if (auto it = m.find(w); it != m.end()) return it->second;
  return {};
}

std::string_view ZoneToIana(std::string_view zone) {
  static const Map m = {
      {"pt", "America/Los_Angeles"}, {"pst", "America/Los_Angeles"},
      {"pdt", "America/Los_Angeles"}, {"pacific", "America/Los_Angeles"},
      {"et", "America/New_York"},    {"est", "America/New_York"},
      {"edt", "America/New_York"},   {"eastern", "America/New_York"},
      {"ct", "America/Chicago"},     {"cst", "America/Chicago"},
      {"cdt", "America/Chicago"},    {"central", "America/Chicago"},
      {"mt", "America/Denver"},      {"mst", "America/Denver"},
      {"mdt", "America/Denver"},     {"mountain", "America/Denver"},
      {"gmt", "Europe/London"},      {"bst", "Europe/London"},
      {"cet", "Europe/Berlin"},      {"cest", "Europe/Berlin"},
      {"ist", "Asia/Kolkata"},       {"jst", "Asia/Tokyo"},
      {"aest", "Australia/Sydney"},  {"utc", "UTC"}};
  if (auto it = m.find(zone); it != m.end()) return it->second;
  return {};
}

}  // namespace engram::memory::internal
