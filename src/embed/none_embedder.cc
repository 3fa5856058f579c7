#include "embed/none_embedder.h"

namespace engram::embed {

Result<std::vector<Vector>> NoneEmbedder::Embed(const std::vector<std::string>& texts) {
  return Status::Unavailable("no embedder configured");
}

}  // namespace engram::embed
