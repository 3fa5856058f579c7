#include "memory/profile_lead.h"

#include <map>
#include <set>

#include "memory/prose.h"
#include "text/sentences.h"

namespace engram::memory::profile_detail {
namespace {

using prose::Clean;
using prose::Lower;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string KeyOf(std::string_view name) {
  std::string k = Lower(Clean(name));
  for (char& c : k) {
    if (c == ' ' || c == '-') c = '_';
  }
  return k;
}

bool BetterTrait(const domain::Trait& a, const domain::Trait& b) {
  const bool ra = a.source == "register", rb = b.source == "register";
  if (ra != rb) return ra;
  if (a.confidence != b.confidence) return a.confidence > b.confidence;
  if (a.updated_at != b.updated_at) return a.updated_at > b.updated_at;
  return a.value < b.value;
}

// The best trait per normalized name, with the names already used by the lead.
class TraitTable {
 public:
  explicit TraitTable(const std::vector<domain::Trait>& traits) {
    for (const domain::Trait& t : traits) {
      if (Clean(t.value).empty()) continue;
      auto [it, inserted] = best_.emplace(KeyOf(t.name), &t);
      if (!inserted && BetterTrait(t, *it->second)) it->second = &t;
    }
  }
  // The value of the first of `keys` present (cleaned); every one of `keys` is marked used.
  std::string Take(std::initializer_list<std::string_view> keys) {
    std::string out;
    for (std::string_view k : keys) {
      auto it = best_.find(std::string(k));
      if (it == best_.end()) continue;
      if (out.empty()) out = Clean(it->second->value);
      used_.insert(std::string(k));
    }
    return out;
  }
  const domain::Trait* Find(std::string_view key) const {
    auto it = best_.find(std::string(key));
    return it == best_.end() ? nullptr : it->second;
  }
  const std::map<std::string, const domain::Trait*>& all() const { return best_; }
  bool used(const std::string& k) const { return used_.count(k) != 0; }

 private:
  std::map<std::string, const domain::Trait*> best_;  // ordered: deterministic iteration
  std::set<std::string> used_;
};

constexpr std::string_view kNoteKeys[] = {"notes", "note", "bio", "about", "description", "headline"};

bool NeverRendered(const std::string& k) {
  static const std::set<std::string, std::less<>> skip = {
      "locale", "email", "phone", "phone_number", "url", "website", "avatar", "id", "purpose",
      "created_at", "updated_at", "username", "handle", "linkedin", "twitter", "github", "instagram",
      "facebook", "gender", "ethnicity", "religion", "ssn", "password", "dob", "date_of_birth",
      "birthday", "address", "ip"};
  return skip.count(k) != 0 || EndsWith(k, "_url") || EndsWith(k, "_id");
}

bool RenderableValue(const std::string& v) {
  const std::string l = Lower(v);
  return !v.empty() && v.size() <= 200 && v[0] != '{' && v[0] != '[' && l.find("://") == std::string::npos &&
         l.rfind("www.", 0) != 0 && v.find('@') == std::string::npos && l != "true" && l != "false" &&
         l != "null";
}

const std::set<std::string, std::less<>>& RoleNouns() {
  static const std::set<std::string, std::less<>> s = {
      "founder", "cofounder", "co-founder", "engineer", "developer", "programmer", "designer", "manager",
      "ceo", "cto", "cfo", "coo", "cpo", "vp", "director", "head", "lead", "scientist", "researcher",
      "student", "teacher", "professor", "nurse", "doctor", "physician", "lawyer", "attorney",
      "consultant", "analyst", "writer", "author", "editor", "marketer", "recruiter", "owner",
      "entrepreneur", "investor", "architect", "president", "accountant", "officer", "executive",
      "partner", "advisor", "adviser", "artist", "photographer", "journalist", "therapist",
      "counselor", "chef", "pilot", "intern", "freelancer", "creator", "operator", "strategist", "pm"};
  return s;
}

std::vector<std::string> SplitWords(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ') {
      if (!cur.empty()) out.push_back(std::move(cur)), cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

bool IsAcronym(std::string_view w) {
  size_t letters = 0;
  for (char c : w) {
    if (c >= 'a' && c <= 'z') return false;
    letters += (c >= 'A' && c <= 'Z');
  }
  return letters >= 2;
}

// "Founder/engineer; prefers concise communications" -> both clauses.
std::vector<std::string> Clauses(std::string_view notes) {
  std::vector<std::string> out;
  for (const text::SentenceSpan& span : text::SplitSentences(notes)) {
    std::string_view s = notes.substr(span.begin, span.end - span.begin);
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
      if (i == s.size() || s[i] == ';') {
        std::string c = Clean(s.substr(start, i - start));
        while (!c.empty() && c.back() == '.') c.pop_back();
        if (!c.empty()) out.push_back(std::move(c));
        start = i + 1;
      }
    }
  }
  return out;
}

std::string Humanize(const std::string& key) {
  std::string out = key;
  for (char& c : out) {
    if (c == '_') c = ' ';
  }
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

}  // namespace

std::string RoleFromClause(std::string_view clause) {
  const std::string c = Clean(clause);
  std::vector<std::string> parts;
  std::string cur;
  for (size_t i = 0; i <= c.size(); ++i) {
    const bool end = i == c.size();
    const bool sep = !end && (c[i] == '/' || c[i] == '&' || c[i] == ',' || c[i] == '+');
    const bool and_word = !end && c.compare(i, 5, " and ") == 0;
    if (end || sep || and_word) {
      parts.push_back(Clean(cur)), cur.clear();
      if (and_word) i += 4;
    } else {
      cur.push_back(c[i]);
    }
  }
  std::vector<std::string> rendered;
  for (const std::string& p : parts) {
    const std::vector<std::string> words = SplitWords(p);
    if (words.empty() || words.size() > 4) return "";
    const std::string last = Lower(words.back());
    const bool plural = EndsWith(last, "s") && RoleNouns().count(last.substr(0, last.size() - 1));
    if (!RoleNouns().count(last) && !plural) return "";
    std::string r;
    for (const std::string& w : words) r += (r.empty() ? "" : " ") + (IsAcronym(w) ? w : Lower(w));
    rendered.push_back(std::move(r));
  }
  std::string out;
  for (size_t i = 0; i < rendered.size(); ++i) {
    if (i > 0) out += i + 1 == rendered.size() ? " and " : ", ";
    out += rendered[i];
  }
  return out;
}

std::string WithArticle(const std::string& role) {
  const std::vector<std::string> words = SplitWords(role);
  if (words.empty()) return role;
  const std::string first = Lower(words[0]);
  if (first == "a" || first == "an" || first == "the" || IsAcronym(words[0])) return role;
  bool vowel = std::string_view("aeiou").find(first[0]) != std::string_view::npos;
  for (std::string_view p : {"uni", "use", "usu", "ure", "one", "eu"}) {
    if (first.rfind(p, 0) == 0) vowel = false;  // "a user researcher"
  }
  for (std::string_view p : {"hour", "hon"}) {
    if (first.rfind(p, 0) == 0) vowel = true;  // "an honorary..."
  }
  return (vowel ? "an " : "a ") + role;
}

TraitReading ReadTraits(const std::vector<domain::Trait>& traits, bool scheduling_lead) {
  TraitTable table(traits);
  TraitReading out;

  std::string role = table.Take({"role", "title", "job_title", "occupation", "position", "profession"});
  if (!role.empty() && role.find('/') != std::string::npos) {
    const std::string r = RoleFromClause(role);
    if (!r.empty()) role = r;
  }
  for (std::string_view key : kNoteKeys) {
    const domain::Trait* t = table.Find(key);
    if (t == nullptr) continue;
    table.Take({key});
    int n = 0;
    for (const std::string& clause : Clauses(t->value)) {
      const std::string r = RoleFromClause(clause);
      if (!r.empty()) {
        if (role.empty()) role = r;  // a role trait, when present, says it better
        continue;
      }
      out.statements.push_back({clause, "trait:" + std::string(key) + "#" + std::to_string(n++), t});
    }
  }

  std::string name = table.Take({"name", "full_name", "display_name"});
  const std::string given = table.Take({"first_name", "given_name"});
  const std::string family = table.Take({"last_name", "family_name", "surname"});
  if (name.empty()) name = Clean(given + " " + family);
  out.full_name = name;
  const std::vector<std::string> words = SplitWords(name);
  out.first_name = words.empty() ? "" : words[0];

  const std::string employer = table.Take({"employer", "company", "organization", "organisation", "workplace"});
  const std::string location = table.Take({"location", "city", "based_in", "home_city", "region", "country"});
  const std::string tz = table.Take({"timezone", "time_zone", "tz"});

  std::string work;  // "is a founder at Acme" / "works at Acme"
  if (!role.empty()) {
    work = "is " + WithArticle(role) + (employer.empty() ? "" : " at " + employer);
  } else if (!employer.empty()) {
    work = "works at " + employer;
  }
  const std::string subject = name.empty() ? "The user" : name;
  if (scheduling_lead && !tz.empty()) {
    out.lead.push_back(subject + (location.empty() ? " is in the " + tz + " timezone."
                                                   : " is based in " + location + " (" + tz + " timezone)."));
    if (!work.empty()) out.role_sentence = (out.first_name.empty() ? "The user" : out.first_name) + " " + work + ".";
  } else {
    std::string pred = work;
    if (!location.empty()) {
      pred += (pred.empty() ? "is based in " : role.empty() ? ", based in " : " based in ") + location;
    }
    if (!tz.empty()) pred += pred.empty() ? "is in the " + tz + " timezone" : " (" + tz + " timezone)";
    if (!pred.empty()) {
      out.lead.push_back(subject + " " + pred + ".");
    } else if (!name.empty()) {
      out.lead.push_back("The user is " + name + ".");
    }
  }

  // Whatever else is short and not contact data reads as a fact ("Dietary restrictions: vegetarian").
  for (const auto& [key, t] : table.all()) {
    if (table.used(key) || NeverRendered(key)) continue;
    const std::string value = Clean(t->value);
    if (!RenderableValue(value)) continue;
    out.statements.push_back({Humanize(key) + ": " + value, "trait:" + key, t});
  }
  return out;
}

}  // namespace engram::memory::profile_detail
