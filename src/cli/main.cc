// engram: administration tool.
//   engram keys create --scope read|write|admin [--workspace W] [--name N] [--test]
//   engram keys list [--workspace W]
//   engram keys revoke KEY_ID [--workspace W]
// Target: --data-dir DIR (default ./data, the embedded store) or --server URL --api-key K.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "cli/admin_client.h"

int main(int argc, char** argv) {
  using namespace engram;
  CLI::App app{"engram: administration of an Engram data directory or server"};
  app.require_subcommand(1);
  std::string data_dir = "./data", server, api_key, create_ws, list_ws, revoke_ws, scope, name, key_id;
  bool test = false;
  app.add_option("--data-dir", data_dir, "Data directory of the embedded store")->envname("ENGRAM_DATA_DIR")
      ->capture_default_str();
  app.add_option("--server", server, "URL of a running engramd (instead of --data-dir)")->envname("ENGRAM_SERVER");
  app.add_option("--api-key", api_key, "Admin API key for --server")->envname("ENGRAM_API_KEY");

  auto* keys = app.add_subcommand("keys", "Manage API keys");
  keys->require_subcommand(1);
  auto* create = keys->add_subcommand("create", "Create a key and print its secret once");
  create->add_option("--workspace", create_ws,
                     "Workspace of the key (default: the default workspace; with --server, the admin key's)");
  create->add_option("--scope", scope, "read | write | admin")->required()
      ->check(CLI::IsMember({"read", "write", "admin"}));
  create->add_option("--name", name, "A label");
  create->add_flag("--test", test, "An sk_test_ key (test rate limit)");
  auto* list = keys->add_subcommand("list", "List keys (all workspaces unless --workspace)");
  list->add_option("--workspace", list_ws, "Only this workspace");
  auto* revoke = keys->add_subcommand("revoke", "Revoke a key by id");
  revoke->add_option("key_id", key_id, "The key id (key_...)")->required();
  revoke->add_option("--workspace", revoke_ws, "Only within this workspace");

  CLI11_PARSE(app, argc, argv);

  auto target = server.empty() ? cli::OpenDataDir(data_dir) : cli::ConnectServer(server, api_key);
  if (!target.ok()) {
    std::fprintf(stderr, "engram: %s\n", target.status().ToString().c_str());
    return 1;
  }
  Result<std::string> out = Status::InvalidArgument("unknown command");
  if (*create) out = (*target)->CreateKey(create_ws, scope, name, test);
  else if (*list) out = (*target)->ListKeys(list_ws);
  else if (*revoke) out = (*target)->RevokeKey(revoke_ws, key_id);
  if (!out.ok()) {
    std::fprintf(stderr, "engram: %s\n", out.status().ToString().c_str());
    return 1;
  }
  std::cout << *out << "\n";
  return 0;
}
