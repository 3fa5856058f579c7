#include "domain/types.h"

namespace engram::domain {

std::string_view KeyScopeName(KeyScope s) {
  switch (s) {
    case KeyScope::kRead: return "read";
    case KeyScope::kWrite: return "write";
    case KeyScope::kAdmin: return "admin";
  }
  return "read";
}

std::optional<KeyScope> ParseKeyScope(std::string_view s) {
  if (s == "read") return KeyScope::kRead;
  if (s == "write") return KeyScope::kWrite;
  if (s == "admin") return KeyScope::kAdmin;
  return std::nullopt;
}

std::string_view RecordKindName(RecordKind k) {
  switch (k) {
    case RecordKind::kEvent: return "event";
    case RecordKind::kDocument: return "document";
    case RecordKind::kMessage: return "message";
    case RecordKind::kMemory: return "memory";
    case RecordKind::kStage3: return "stage3";
  }
  return "event";
}

std::string_view ScopeKindName(ScopeKind k) {
  switch (k) {
    case ScopeKind::kActor: return "actor";
    case ScopeKind::kRole: return "role";
    case ScopeKind::kTeam: return "team";
    case ScopeKind::kOrg: return "org";
  }
  return "actor";
}

std::optional<ScopeKind> ParseScopeKind(std::string_view s) {
  if (s == "actor") return ScopeKind::kActor;
  if (s == "role") return ScopeKind::kRole;
  if (s == "team") return ScopeKind::kTeam;
  if (s == "org") return ScopeKind::kOrg;
  return std::nullopt;
}

}  // namespace engram::domain
