#include "memory/deterministic_extractor.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "memory/lexicon.h"
#include "memory/patterns.h"
#include "memory/rewrite.h"
#include "memory/sentence.h"
#include "memory/speaker.h"
#include "text/normalize.h"
#include "text/sentences.h"

namespace engram::memory {
namespace {

using internal::Draft;
using internal::DraftForm;
using internal::Drafts;

bool SameName(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return false;
  const std::string na = text::Normalize(a);
  const std::string nb = text::Normalize(b);
  if (na == nb) return true;
  // "Ash" speaking, "Ash Lewis" registered.
  const size_t space = nb.find(' ');
  return space != std::string::npos && na == nb.substr(0, space);
}

// "Caroline: I went..." -> "Caroline" when the prefix names a speaker (see the header's rules).
std::string SpeakerPrefix(std::string_view sentence, bool chat_message, const ExtractionContext& ctx,
                          size_t* prefix_len) {
  const size_t colon = sentence.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 40) return {};
  if (colon + 1 < sentence.size() && sentence[colon + 1] != ' ') return {};  // "10:30", URLs
  const std::string_view name = sentence.substr(0, colon);
  int words = 0;
  bool word_start = true;
  for (char c : name) {
    if (c == ' ') {
      word_start = true;
      continue;
    }
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' || c == '-' ||
                        c == '\'' || static_cast<unsigned char>(c) >= 0x80;
    if (!letter) return {};
    if (word_start) {
      if (!(c >= 'A' && c <= 'Z')) return {};
      ++words;
      word_start = false;
    }
  }
  if (words == 0 || words > 3) return {};
  bool known = false;
  for (const std::string& p : ctx.participants) known = known || SameName(name, p) || SameName(p, name);
  if (!known) {
    if (!chat_message || words > 2) return {};
    const std::string first = text::Normalize(name.substr(0, name.find(' ')));
    if (internal::IsHeadingWord(first) || internal::IsCommonCapitalized(first)) return {};
  }
  *prefix_len = colon + 1;
  return std::string(name);
}

bool AtLineStart(std::string_view content, size_t pos) {
  while (pos > 0 && (content[pos - 1] == ' ' || content[pos - 1] == '\t')) --pos;
  return pos == 0 || content[pos - 1] == '\n';
}

std::string Attribute(const Draft& d, const std::string& subject) {
  switch (d.form) {
    case DraftForm::kPredicate:
      return subject.empty() ? internal::CapitalizeFirst(d.text) : subject + " " + d.text;
    case DraftForm::kPossessive:
      return subject.empty() ? internal::CapitalizeFirst(d.text) : subject + "'s " + d.text;
    case DraftForm::kStandalone: return internal::CapitalizeFirst(d.text);
  }
  return d.text;
}

void AddSource(std::vector<std::string>* ids, const std::string& id) {
  if (std::find(ids->begin(), ids->end(), id) == ids->end()) ids->push_back(id);
}

// Accumulates the batch, merging exact repeats so a statement said twice is one memory with two
// sources.
class Collector {
 public:
  void AddMemory(ExtractedMemory m) {
    std::string key = m.subject + '\x1f' + m.text;
    auto [it, inserted] = memory_index_.try_emplace(std::move(key), out_.memories.size());
    if (inserted) {
      out_.memories.push_back(std::move(m));
      return;
    }
    ExtractedMemory& e = out_.memories[it->second];
    for (const std::string& id : m.source_ids) AddSource(&e.source_ids, id);
    e.confidence = std::max(e.confidence, m.confidence);
    for (std::string& ent : m.entities) {
      if (std::find(e.entities.begin(), e.entities.end(), ent) == e.entities.end()) {
        e.entities.push_back(std::move(ent));
      }
    }
  }

  // One value per trait name: the later statement wins unless it is less certain.
  void AddTrait(ExtractedTrait t) {
    auto [it, inserted] = trait_index_.try_emplace(t.name, out_.traits.size());
    if (inserted) {
      out_.traits.push_back(std::move(t));
      return;
    }
    ExtractedTrait& e = out_.traits[it->second];
    if (text::Normalize(e.value) == text::Normalize(t.value)) {
      for (const std::string& id : t.source_ids) AddSource(&e.source_ids, id);
      e.confidence = std::max(e.confidence, t.confidence);
    } else if (t.confidence >= e.confidence) {
      e = std::move(t);
    }
  }

  Extraction Take() { return std::move(out_); }

 private:
  Extraction out_;
  std::unordered_map<std::string, size_t> memory_index_;
  std::unordered_map<std::string, size_t> trait_index_;
};

}  // namespace

DeterministicExtractor::DeterministicExtractor(DeterministicExtractorOptions options)
    : options_(options) {}

Result<Extraction> DeterministicExtractor::Extract(std::span<const domain::Record> records,
                                                   const ExtractionContext& ctx) {
  Collector collector;
  internal::SentenceScratch scratch;
  internal::Sentence sentence;
  Drafts drafts;
  for (const domain::Record& record : records) {
    const std::string role = text::Normalize(record.speaker);
    if (IsAssistantRole(role)) continue;
    // The speaker of the record; a "Name: " line prefix changes it for the lines that follow.
    std::string speaker = IsUserRole(role) ? std::string() : record.speaker;
    const bool chat_message = record.kind == domain::RecordKind::kMessage;
    std::string_view content = record.content;
    if (content.size() > options_.max_record_bytes) content = content.substr(0, options_.max_record_bytes);
    for (const text::SentenceSpan& span : text::SplitSentences(content)) {
      std::string_view text = content.substr(span.begin, span.end - span.begin);
      if (AtLineStart(content, span.begin)) {
        size_t prefix_len = 0;
        std::string name = SpeakerPrefix(text, chat_message, ctx, &prefix_len);
        if (!name.empty()) {
          speaker = std::move(name);
          text.remove_prefix(prefix_len);
          while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
        }
      }
      if (text.empty()) continue;
      const bool user = speaker.empty() || SameName(speaker, ctx.user_name);
      const std::string subject = user ? std::string() : speaker;

      drafts.memories.clear();
      drafts.traits.clear();
      internal::BuildSentence(text, record.timestamp, &scratch, &sentence);
      if (!internal::MatchGoalList(sentence, &drafts)) {
        internal::MatchMentions(sentence, &drafts);
        if (user) internal::MatchUserTraits(sentence, &drafts);
        for (const internal::Clause& clause : internal::SplitClauses(sentence)) {
          if (internal::MatchScheduleClause(sentence, clause, user, &drafts)) continue;
          if (internal::MatchFragment(sentence, clause, user, &drafts)) continue;
          internal::MatchPersonalClause(sentence, clause, user, &drafts);
        }
      }
      if (options_.memories) {
        for (const Draft& d : drafts.memories) {
          ExtractedMemory m;
          m.text = Attribute(d, subject);
          if (m.text.size() < 4) continue;
          m.category = d.category;
          m.confidence = d.confidence;
          m.entities = d.entities;
          m.subject = subject;
          m.key = d.key;
          m.valid_from = d.valid_from != 0 ? d.valid_from : record.timestamp;
          m.source_ids = {record.id};
          collector.AddMemory(std::move(m));
        }
      }
      if (options_.traits && user) {
        for (const internal::TraitDraft& t : drafts.traits) {
          collector.AddTrait(ExtractedTrait{t.name, t.value, t.confidence, {record.id}});
        }
      }
    }
  }
  return collector.Take();
}

}  // namespace engram::memory
