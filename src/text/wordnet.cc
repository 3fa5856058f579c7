#include "text/wordnet.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "common/crypto.h"
#include "text/normalize.h"

namespace engram::text {
namespace {

constexpr const char* kPosNames[] = {"noun", "verb", "adj", "adv"};
constexpr int kPosCount = 4;

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = std::move(ss).str();
  return true;
}

// Splits a line into space-separated fields without allocating.
class Fields {
 public:
  explicit Fields(std::string_view line) : line_(line) {}
  std::string_view Next() {
    while (pos_ < line_.size() && line_[pos_] == ' ') ++pos_;
    const size_t b = pos_;
    while (pos_ < line_.size() && line_[pos_] != ' ') ++pos_;
    return line_.substr(b, pos_ - b);
  }

 private:
  std::string_view line_;
  size_t pos_ = 0;
};

uint32_t ParseUint(std::string_view s, int base = 10) {
  uint32_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      break;
    }
    v = v * base + d;
  }
  return v;
}

// Detachment rules of WordNet's morphology: (suffix, replacement) per part of speech.
struct Rule {
  std::string_view suffix;
  std::string_view ending;
};
constexpr Rule kNounRules[] = {{"s", ""},    {"ses", "s"}, {"xes", "x"},  {"zes", "z"},
                               {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}};
constexpr Rule kVerbRules[] = {{"s", ""},  {"ies", "y"}, {"es", "e"}, {"es", ""},
                               {"ed", "e"}, {"ed", ""},  {"ing", "e"}, {"ing", ""}};
constexpr Rule kAdjRules[] = {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}};

}  // namespace

struct WordNet::Data {
  // Interned lower-case lemmas: arena + open-addressing hash table of ids.
  std::string arena;
  std::vector<uint32_t> lemma_offset;  // id -> [offset, next offset) in arena
  std::vector<uint32_t> slots;         // id + 1, 0 = empty; size is a power of two

  struct Sense {
    uint32_t lemma;
    uint32_t synset;  // index into synset_begin
    uint16_t tagged;  // tagsense_cnt of (lemma, pos): how often the word was seen in this POS
    uint8_t pos;
    uint8_t rank;     // 0 = most frequent sense
  };
  std::vector<Sense> senses;           // sorted by (lemma, pos, rank)
  std::vector<uint32_t> synset_begin;  // synset -> [begin, next begin) in synset_words; + sentinel
  std::vector<uint32_t> synset_words;  // lemma ids
  std::unordered_map<std::string, std::vector<std::string>> exceptions[kPosCount];

  std::string_view Lemma(uint32_t id) const {
    return std::string_view(arena).substr(lemma_offset[id], lemma_offset[id + 1] - lemma_offset[id]);
  }

  int64_t Find(std::string_view w) const {
    if (slots.empty()) return -1;
    const size_t mask = slots.size() - 1;
    for (size_t h = Fnv1a64(w) & mask;; h = (h + 1) & mask) {
      if (slots[h] == 0) return -1;
      if (Lemma(slots[h] - 1) == w) return slots[h] - 1;
    }
  }

  uint32_t Intern(std::string_view w) {
    if (lemma_offset.empty()) lemma_offset.push_back(0);
    if ((lemma_offset.size()) * 2 >= slots.size()) Grow();
    const size_t mask = slots.size() - 1;
    size_t h = Fnv1a64(w) & mask;
    for (; slots[h] != 0; h = (h + 1) & mask) {
      if (Lemma(slots[h] - 1) == w) return slots[h] - 1;
    }
    const auto id = static_cast<uint32_t>(lemma_offset.size() - 1);
    arena.append(w);
    lemma_offset.push_back(static_cast<uint32_t>(arena.size()));
    slots[h] = id + 1;
    return id;
  }

  void Grow() {
    std::vector<uint32_t> old = std::move(slots);
    slots.assign(std::max<size_t>(1024, old.size() * 2), 0);
    const size_t mask = slots.size() - 1;
    for (uint32_t s : old) {
      if (s == 0) continue;
      size_t h = Fnv1a64(Lemma(s - 1)) & mask;
      while (slots[h] != 0) h = (h + 1) & mask;
      slots[h] = s;
    }
  }

  // Senses of `lemma` in `pos` (contiguous after sorting).
  std::pair<size_t, size_t> SenseRange(uint32_t lemma, int pos) const {
    auto key = [](const Sense& s) { return std::pair<uint32_t, int>(s.lemma, s.pos); };
    auto lo = std::lower_bound(senses.begin(), senses.end(), std::pair<uint32_t, int>(lemma, pos),
                               [&](const Sense& s, const auto& k) { return key(s) < k; });
    auto hi = lo;
    while (hi != senses.end() && hi->lemma == lemma && hi->pos == pos) ++hi;
    return {static_cast<size_t>(lo - senses.begin()), static_cast<size_t>(hi - senses.begin())};
  }

  bool InPos(std::string_view w, int pos) const {
    const int64_t id = Find(w);
    if (id < 0) return false;
    auto [b, e] = SenseRange(static_cast<uint32_t>(id), pos);
    return e > b;
  }
};

WordNet::WordNet(WordNetOptions options) : options_(std::move(options)) {}
WordNet::~WordNet() = default;

bool WordNet::Load() const { return EnsureLoaded() != nullptr; }

size_t WordNet::MemoryBytes() const {
  const Data* d = EnsureLoaded();
  if (d == nullptr) return 0;
  size_t bytes = d->arena.capacity() + d->lemma_offset.capacity() * 4 + d->slots.capacity() * 4 +
                 d->senses.capacity() * sizeof(Data::Sense) + d->synset_begin.capacity() * 4 +
                 d->synset_words.capacity() * 4;
  for (const auto& m : d->exceptions) {
    for (const auto& [k, v] : m) bytes += 64 + k.size() + v.size() * 40;
  }
  return bytes;
}

const WordNet::Data* WordNet::EnsureLoaded() const {
  std::call_once(once_, [this] {
    auto data = std::make_unique<Data>();
    size_t loaded_pos = 0;
    std::string index, synsets;
    for (int pos = 0; pos < kPosCount; ++pos) {
      const std::string name = kPosNames[pos];
      if (!ReadFile(options_.dir + "/index." + name, &index) ||
          !ReadFile(options_.dir + "/data." + name, &synsets)) {
        continue;
      }
      ++loaded_pos;
      // Synset byte offset in data.<pos> -> our synset index, for the senses we keep.
      std::unordered_map<uint32_t, uint32_t> synset_of;
      std::string_view rest(index);
      while (!rest.empty()) {
        const size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        if (line.empty() || line[0] == ' ') continue;  // license header
        Fields f(line);
        const std::string_view lemma = f.Next();
        f.Next();  // pos
        const uint32_t synset_cnt = ParseUint(f.Next());
        const uint32_t p_cnt = ParseUint(f.Next());
        for (uint32_t k = 0; k < p_cnt; ++k) f.Next();
        f.Next();  // sense_cnt
        const auto tagged = static_cast<uint16_t>(std::min<uint32_t>(ParseUint(f.Next()), 65535));
        const uint32_t lemma_id = data->Intern(lemma);
        const uint32_t keep = std::min<uint32_t>(synset_cnt, static_cast<uint32_t>(options_.senses_per_lemma));
        for (uint32_t k = 0; k < keep; ++k) {
          const uint32_t offset = ParseUint(f.Next());
          auto [it, fresh] = synset_of.emplace(offset, static_cast<uint32_t>(data->synset_begin.size()));
          if (fresh) data->synset_begin.push_back(0);  // filled below
          data->senses.push_back({lemma_id, it->second, tagged, static_cast<uint8_t>(pos), static_cast<uint8_t>(k)});
        }
      }
      // Read the words of each kept synset straight at its byte offset.
      std::vector<std::pair<uint32_t, uint32_t>> order(synset_of.begin(), synset_of.end());
      std::sort(order.begin(), order.end(), [](auto& a, auto& b) { return a.second < b.second; });
      std::string lower;
      for (const auto& [offset, idx] : order) {
        data->synset_begin[idx] = static_cast<uint32_t>(data->synset_words.size());
        if (offset >= synsets.size()) continue;
        const size_t nl = synsets.find('\n', offset);
        Fields f(std::string_view(synsets).substr(offset, nl == std::string::npos ? std::string::npos : nl - offset));
        f.Next(), f.Next(), f.Next();  // offset, lex_filenum, ss_type
        const uint32_t w_cnt = ParseUint(f.Next(), 16);
        for (uint32_t k = 0; k < w_cnt; ++k) {
          std::string_view word = f.Next();
          f.Next();  // lex_id
          if (const size_t paren = word.find('('); paren != std::string_view::npos) word = word.substr(0, paren);
          NormalizeInto(word, NormalizeOptions{.strip_accents = false}, &lower);
          data->synset_words.push_back(data->Intern(lower));
        }
      }
    }
    if (loaded_pos == 0) return;  // no WordNet here: stay empty
    // Synset indices were handed out in order and their words appended in that same order, so
    // synset k owns synset_words[synset_begin[k], synset_begin[k + 1]).
    data->synset_begin.push_back(static_cast<uint32_t>(data->synset_words.size()));
    data->synset_begin.shrink_to_fit();
    data->synset_words.shrink_to_fit();
    data->arena.shrink_to_fit();
    std::sort(data->senses.begin(), data->senses.end(), [](const Data::Sense& a, const Data::Sense& b) {
      return std::tie(a.lemma, a.pos, a.rank) < std::tie(b.lemma, b.pos, b.rank);
    });
    data->senses.shrink_to_fit();
    std::string exc;
    for (int pos = 0; pos < kPosCount; ++pos) {
      if (!ReadFile(options_.dir + "/" + kPosNames[pos] + ".exc", &exc)) continue;
      std::istringstream in(exc);
      std::string line;
      while (std::getline(in, line)) {
        Fields f(line);
        const std::string inflected(f.Next());
        if (inflected.empty()) continue;
        for (std::string_view base = f.Next(); !base.empty(); base = f.Next()) {
          data->exceptions[pos][inflected].emplace_back(base);
        }
      }
    }
    data_ = std::move(data);
  });
  return data_.get();
}

std::vector<std::string> WordNet::BaseForms(std::string_view word) const {
  std::vector<std::string> out;
  const Data* d = EnsureLoaded();
  if (d == nullptr || word.empty()) return out;
  std::string w = Normalize(word, NormalizeOptions{.strip_accents = false});
  std::replace(w.begin(), w.end(), ' ', '_');
  auto add = [&](std::string s) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  };
  for (int pos = 0; pos < kPosCount; ++pos) {
    if (d->InPos(w, pos)) add(w);
    if (auto it = d->exceptions[pos].find(w); it != d->exceptions[pos].end()) {
      for (const std::string& b : it->second) {
        if (d->InPos(b, pos)) add(b);
      }
    }
    const Rule* rules = nullptr;
    size_t n = 0;
    if (pos == 0) rules = kNounRules, n = std::size(kNounRules);
    if (pos == 1) rules = kVerbRules, n = std::size(kVerbRules);
    if (pos == 2) rules = kAdjRules, n = std::size(kAdjRules);
    for (size_t r = 0; r < n; ++r) {
      if (w.size() <= rules[r].suffix.size() + 1 || !std::string_view(w).ends_with(rules[r].suffix)) continue;
      std::string cand = w.substr(0, w.size() - rules[r].suffix.size());
      cand += rules[r].ending;
      if (d->InPos(cand, pos)) {
        add(cand);
      } else if (rules[r].ending.empty() && cand.size() >= 3 && cand.back() == cand[cand.size() - 2] &&
                 std::string_view("aeiou").find(cand.back()) == std::string_view::npos) {
        cand.pop_back();  // "running" -> "runn" -> "run", "bigger" -> "big"
        if (d->InPos(cand, pos)) add(cand);
      }
    }
  }
  return out;
}

std::vector<std::string> WordNet::Synonyms(std::string_view word, size_t max) const {
  std::vector<std::string> out;
  const Data* d = EnsureLoaded();
  if (d == nullptr || max == 0) return out;
  const std::vector<std::string> bases = BaseForms(word);
  // (lemma, pos) candidates, most frequently tagged first; ties keep noun, verb, adj, adv order.
  struct Candidate {
    uint32_t lemma;
    int pos;
    uint16_t tagged;
  };
  std::vector<Candidate> cands;
  for (const std::string& b : bases) {
    const int64_t id = d->Find(b);
    if (id < 0) continue;
    for (int pos = 0; pos < kPosCount; ++pos) {
      auto [lo, hi] = d->SenseRange(static_cast<uint32_t>(id), pos);
      if (hi > lo) cands.push_back({static_cast<uint32_t>(id), pos, d->senses[lo].tagged});
    }
  }
  std::stable_sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) { return a.tagged > b.tagged; });
  for (const Candidate& c : cands) {
    auto [lo, hi] = d->SenseRange(c.lemma, c.pos);
    for (size_t s = lo; s < hi; ++s) {
      const uint32_t syn = d->senses[s].synset;
      for (uint32_t k = d->synset_begin[syn]; k < d->synset_begin[syn + 1]; ++k) {
        const std::string_view w = d->Lemma(d->synset_words[k]);
        if (w.find('_') != std::string_view::npos) continue;  // multi-word lemma
        if (std::find(bases.begin(), bases.end(), w) != bases.end()) continue;
        if (std::find(out.begin(), out.end(), w) != out.end()) continue;
        out.emplace_back(w);
        if (out.size() >= max) return out;
      }
    }
  }
  return out;
}

}  // namespace engram::text
