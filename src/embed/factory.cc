#include "embed/factory.h"

#include "embed/hash_embedder.h"
#include "embed/none_embedder.h"

namespace engram::embed {

Result<std::unique_ptr<Embedder>> MakeEmbedder(const EmbedderConfig& config) {
  if (config.kind == "none" || config.kind.empty()) return std::unique_ptr<Embedder>(new NoneEmbedder());
  if (config.kind == "hash") {
    if (config.hash_dim < 1 || config.hash_dim > 65536) {
      return Status::InvalidArgument("embedder: hash_dim must be between 1 and 65536");
    }
    return std::unique_ptr<Embedder>(new HashEmbedder(HashEmbedderOptions{.dim = config.hash_dim}));
  }
  if (config.kind == "remote") {
    ENGRAM_ASSIGN_OR_RETURN(auto remote, RemoteEmbedder::Create(config.remote));
    return std::unique_ptr<Embedder>(std::move(remote));
  }
  return Status::InvalidArgument("embedder: unknown kind '" + config.kind + "' (expected none, hash or remote)");
}

}  // namespace engram::embed
