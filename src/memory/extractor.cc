#include "memory/extractor.h"

namespace engram::memory {

// Out of line so the vtable has one home.
Extractor::~Extractor() = default;

}  // namespace engram::memory
