#include "cli/admin_client.h"

#include <curl/curl.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/time.h"
#include "service/key_service.h"
#include "api/dto/keys_dto.h"
#include "store/sqlite/sqlite_store.h"

namespace engram::cli {

namespace {

using Json = nlohmann::json;

constexpr std::string_view kDefaultWorkspace = "default";  // engramd's --default-workspace default

// The API's own key rendering, indented for a terminal.
std::string Pretty(const std::string& json) { return Json::parse(json).dump(2); }

class DataDirTarget final : public AdminTarget {
 public:
  explicit DataDirTarget(std::unique_ptr<store::Store> store)
      : store_(std::move(store)), keys_(service::ServiceContext{store_.get(), SystemClock::Default(), nullptr}) {}
  ~DataDirTarget() override { (void)store_->Close(); }

  Result<std::string> CreateKey(const std::string& workspace, const std::string& scope, const std::string& name,
                                bool test) override {
    auto parsed = domain::ParseKeyScope(scope);
    if (!parsed) return Status::InvalidArgument("scope must be read, write or admin");
    // Without --workspace, the server's default workspace (a server target lets the server decide).
    ENGRAM_ASSIGN_OR_RETURN(auto created,
                            keys_.Create(workspace.empty() ? std::string(kDefaultWorkspace) : workspace, *parsed, name,
                                         test ? service::KeyService::kTestPrefix : service::KeyService::kLivePrefix));
    return Pretty(api::dto::CreatedKeyJson(created));
  }

  Result<std::string> ListKeys(const std::string& workspace) override {
    ENGRAM_ASSIGN_OR_RETURN(auto keys, keys_.List(workspace));
    return Pretty(api::dto::KeyListJson(keys));
  }

  Result<std::string> RevokeKey(const std::string& workspace, const std::string& key_id) override {
    ENGRAM_RETURN_IF_ERROR(keys_.Revoke(workspace, key_id));
    return Json{{"revoked", true}, {"id", key_id}}.dump(2);
  }

 private:
  std::unique_ptr<store::Store> store_;
  service::KeyService keys_;
};

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

class ServerTarget final : public AdminTarget {
 public:
  ServerTarget(std::string url, std::string key) : url_(std::move(url)), key_(std::move(key)) {
    while (!url_.empty() && url_.back() == '/') url_.pop_back();
  }

  Result<std::string> CreateKey(const std::string& workspace, const std::string& scope, const std::string& name,
                                bool test) override {
    Json body = {{"scope", scope}, {"name", name}, {"test", test}};
    if (!workspace.empty()) body["workspace"] = workspace;
    return Call("POST", "/admin/keys", body.dump());
  }
  Result<std::string> ListKeys(const std::string& workspace) override {
    std::string target = "/admin/keys";
    if (!workspace.empty()) target += "?workspace=" + Escape(workspace);
    return Call("GET", target, "");
  }
  Result<std::string> RevokeKey(const std::string&, const std::string& key_id) override {
    return Call("DELETE", "/admin/keys/" + Escape(key_id), "");
  }

 private:
  static std::string Escape(const std::string& s) {
    char* e = curl_easy_escape(nullptr, s.c_str(), static_cast<int>(s.size()));
    std::string out = e ? e : "";
    curl_free(e);
    return out;
  }

  Result<std::string> Call(const std::string& method, const std::string& target, const std::string& body) {
    CURL* curl = curl_easy_init();
    if (!curl) return Status::Internal("curl init failed");
    std::string response;
    const std::string url = url_ + target;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, ("x-api-key: " + key_).c_str());
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (!body.empty()) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    const CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) return Status::Unavailable(std::string("cannot reach server: ") + curl_easy_strerror(rc));
    if (status >= 400) {
      Json j = Json::parse(response, nullptr, false);
      std::string msg = response;
      if (j.is_object() && j.contains("error")) msg = j["error"].value("message", response);
      return Status(status == 401 ? StatusCode::kUnauthenticated
                    : status == 403 ? StatusCode::kPermissionDenied
                    : status == 404 ? StatusCode::kNotFound
                                    : StatusCode::kInvalidArgument,
                    "server answered " + std::to_string(status) + ": " + msg);
    }
    Json j = Json::parse(response, nullptr, false);
    return j.is_discarded() ? response : j.dump(2);
  }

  std::string url_;
  std::string key_;
};

}  // namespace

Result<std::unique_ptr<AdminTarget>> OpenDataDir(const std::string& data_dir) {
  const auto path = std::filesystem::path(data_dir) / "engram.db";
  store::SqliteOptions options;
  options.path = path.string();
  options.read_connections = 1;
  ENGRAM_ASSIGN_OR_RETURN(auto store, store::OpenSqliteStore(options));
  return std::unique_ptr<AdminTarget>(new DataDirTarget(std::move(store)));
}

Result<std::unique_ptr<AdminTarget>> ConnectServer(const std::string& url, const std::string& api_key) {
  if (api_key.empty()) return Status::InvalidArgument("--api-key (or ENGRAM_API_KEY) is required with --server");
  return std::unique_ptr<AdminTarget>(new ServerTarget(url, api_key));
}

}  // namespace engram::cli
