// `gatehouse credential keystone`: a kubectl exec credential plugin, drop-in for OpenStack's
// client-keystone-auth (cmd/client-keystone-auth in kubernetes/cloud-provider-openstack): same
// flags and OS_* defaults, same prompts, same output and exit codes. Unlike the reference it keeps
// issued tokens in an on-disk cache (0700 dir, 0600 files, keyed by identity, never by secret) so
// each kubectl run does not cost a new Keystone token. `credential` is the parent of every plugin;
// `oidc` will be a sibling.
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "adapters/credential_cache/token_file_cache.h"
#include "adapters/http/http_client.h"
#include "authn/keystone/credential_request.h"
#include "authn/keystone/keystone_errors.h"
#include "common/clock.h"
#include "common/duration.h"
#include "gatehouse/app_errors.h"
#include "gatehouse/commands.h"
#include "gatehouse/credential_oidc.h"
#include "k8s/exec_credential.h"
#include "value/json.h"

namespace gatehouse::app {
namespace {

constexpr char kUserAgent[] = "gatehouse-credential-keystone/0.1.0";

// Flags as typed; a flag given on the command line wins over every environment variable.
struct KeystoneFlags {
  std::string keystone_url, domain_name, user_domain_name, project_domain_name, user_name,
      project_name, project_id, password, cert, key, cacert, ac_id, ac_name, ac_secret;
  std::string cache_dir;
  bool no_cache = false;
  bool refresh = false;
  std::string cache_refresh_before = "5m";
  std::string timeout = "10s";
};

struct KeystoneOptionHandles {
  CLI::Option *keystone_url, *domain_name, *user_domain_name, *project_domain_name, *user_name,
      *project_name, *project_id, *password, *cert, *key, *cacert, *ac_id, *ac_name, *ac_secret;
};

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// The first of: the flag when given, then each environment variable that is set and non-empty.
std::string Resolve(const CLI::Option* option, const std::string& flag_value,
                    std::initializer_list<const char*> env_names) {
  if (option->count() > 0) return flag_value;
  for (const char* name : env_names) {
    std::string v = Env(name);
    if (!v.empty()) return v;
  }
  return {};
}

authn::KeystoneCredentials ResolveCredentials(const KeystoneFlags& f,
                                              const KeystoneOptionHandles& o) {
  authn::KeystoneCredentials c;
  c.auth_url = Resolve(o.keystone_url, f.keystone_url, {"OS_AUTH_URL"});
  c.user_name = Resolve(o.user_name, f.user_name, {"OS_USERNAME"});
  // --domain-name is the reference's single domain for user and project; the OS_USER_/
  // OS_PROJECT_DOMAIN_NAME variables (and our flags of the same name) refine it.
  if (o.user_domain_name->count() > 0) {
    c.user_domain_name = f.user_domain_name;
  } else {
    c.user_domain_name =
        Resolve(o.domain_name, f.domain_name, {"OS_USER_DOMAIN_NAME", "OS_DOMAIN_NAME"});
  }
  if (o.project_domain_name->count() > 0) {
    c.project_domain_name = f.project_domain_name;
  } else {
    c.project_domain_name =
        Resolve(o.domain_name, f.domain_name, {"OS_PROJECT_DOMAIN_NAME", "OS_DOMAIN_NAME"});
  }
  c.project_name = Resolve(o.project_name, f.project_name, {"OS_PROJECT_NAME", "OS_TENANT_NAME"});
  // A project name typed on the command line must not lose to an OS_PROJECT_ID left in the
  // environment by another openrc.
  if (o.project_id->count() > 0 || o.project_name->count() == 0) {
    c.project_id = Resolve(o.project_id, f.project_id, {"OS_PROJECT_ID", "OS_TENANT_ID"});
  }
  c.password = Resolve(o.password, f.password, {"OS_PASSWORD"});
  c.application_credential_id = Resolve(o.ac_id, f.ac_id, {"OS_APPLICATION_CREDENTIAL_ID"});
  c.application_credential_name = Resolve(o.ac_name, f.ac_name, {"OS_APPLICATION_CREDENTIAL_NAME"});
  c.application_credential_secret =
      Resolve(o.ac_secret, f.ac_secret, {"OS_APPLICATION_CREDENTIAL_SECRET"});
  return c;
}

// Reads one line from stdin after printing the reference's prompt on stderr (stdout belongs
// to kubectl). Secrets are read with echo off and the terminal restored afterwards.
Result<std::string> Prompt(const std::string& field, bool secret) {
  // Echo goes off before the prompt appears, and without flushing pending input (TCSANOW, not
  // TCSAFLUSH): whatever is typed or pasted as soon as the prompt shows is kept, never lost.
  termios saved{};
  bool restore = false;
  if (secret && tcgetattr(STDIN_FILENO, &saved) == 0) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    restore = tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
  }
  std::cerr << "Please enter " << field << ": " << std::flush;
  std::string line;
  bool ok = static_cast<bool>(std::getline(std::cin, line));
  if (restore) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!ok) return MakeError(AppError::kConsole, "Failed to read data from console: EOF");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// Prompts for the missing non-secret fields, in the reference's order.
Status PromptIdentity(authn::KeystoneCredentials& c) {
  bool by_id = !c.application_credential_id.empty();
  bool app_cred = by_id || !c.application_credential_name.empty();
  struct Field {
    std::string* value;
    const char* label;
    bool wanted;
  };
  Field fields[] = {
      {&c.auth_url, "Keystone Auth URL", true},
      {&c.user_domain_name, "domain name", !by_id},
      {&c.user_name, "user name", !by_id},
      {&c.project_name, "project name", !app_cred && c.project_id.empty()},
  };
  for (Field& field : fields) {
    if (!field.wanted || !field.value->empty()) continue;
    Result<std::string> answer = Prompt(field.label, false);
    if (!answer) return answer.error();
    *field.value = std::move(answer).value();
  }
  return Ok();
}

Status PromptSecret(authn::KeystoneCredentials& c) {
  bool app_cred = !c.application_credential_id.empty() || !c.application_credential_name.empty();
  std::string* target = app_cred ? &c.application_credential_secret : &c.password;
  if (!target->empty()) return Ok();
  Result<std::string> answer =
      Prompt(app_cred ? "application credential secret" : "password", true);
  if (!answer) return answer.error();
  *target = std::move(answer).value();
  return Ok();
}

// The reference prints `"status": {}` for rejected credentials and exits 0: kubectl then shows
// its own "Unauthorized" instead of a plugin failure.
std::string EncodeEmptyExecCredential(const std::string& api_version) {
  std::string out = "{\"apiVersion\":";
  value::AppendJsonString(out, api_version);
  out += ",\"kind\":\"ExecCredential\",\"status\":{}}";
  return out;
}

int Fail(const std::string& reason) {
  std::cerr << "An error occurred: " << reason << "\n";
  return 1;
}

std::optional<adapters::TokenFileCache> OpenCache(const KeystoneFlags& f) {
  if (f.no_cache) return std::nullopt;
  if (!f.cache_dir.empty()) return adapters::TokenFileCache(f.cache_dir);
  Result<std::string> dir = adapters::DefaultTokenCacheDir("keystone");
  if (!dir) {
    std::cerr << "warning: token cache disabled: " << dir.error().message << "\n";
    return std::nullopt;
  }
  return adapters::TokenFileCache(*dir);
}

int RunKeystoneCredential(const KeystoneFlags& flags, const KeystoneOptionHandles& handles) {
  const Clock& clock = SystemClock::Instance();
  Result<k8s::ExecInfo> exec_info = k8s::ParseExecInfo(Env("KUBERNETES_EXEC_INFO"));
  if (!exec_info) return Fail("KUBERNETES_EXEC_INFO: " + exec_info.error().message);
  Result<std::chrono::nanoseconds> refresh_before = ParseDuration(flags.cache_refresh_before);
  if (!refresh_before) return Fail("--cache-refresh-before: " + refresh_before.error().message);
  Result<std::chrono::nanoseconds> timeout = ParseDuration(flags.timeout);
  if (!timeout || *timeout <= std::chrono::nanoseconds(0)) {
    return Fail("--timeout must be a positive duration such as 10s");
  }
  authn::KeystoneCredentials credentials = ResolveCredentials(flags, handles);
  adapters::HttpClientOptions http_options;
  http_options.ca_file = Resolve(handles.cacert, flags.cacert, {"OS_CACERT"});
  http_options.client_cert_file = Resolve(handles.cert, flags.cert, {"OS_CERT"});
  http_options.client_key_file = Resolve(handles.key, flags.key, {"OS_KEY"});
  http_options.user_agent = kUserAgent;
  if (http_options.client_cert_file.empty() != http_options.client_key_file.empty()) {
    return Fail("--cert and --key must be given together");
  }

  // kubectl tells us whether the user can answer (spec.interactive); older kubectl sends
  // nothing, and then a terminal on stdin decides, as in the reference.
  const bool interactive =
      isatty(STDIN_FILENO) == 1 && (Env("KUBERNETES_EXEC_INFO").empty() || exec_info->interactive);
  if (interactive) {
    Status prompted = PromptIdentity(credentials);
    if (!prompted) return Fail(prompted.error().message);
  }
  // Identity first, secret later: a cached token must not cost a password prompt.
  authn::KeystoneCredentials with_placeholder = credentials;
  with_placeholder.password = with_placeholder.application_credential_secret = "-";
  if (Result<authn::KeystoneAuthMethod> m = authn::SelectKeystoneAuthMethod(with_placeholder); !m) {
    return Fail(m.error().message + " (flags or OS_* environment variables)");
  }
  Result<std::string> token_url = authn::BuildKeystoneTokenUrl(credentials.auth_url);
  if (!token_url) return Fail(token_url.error().message);

  std::optional<adapters::TokenFileCache> cache = OpenCache(flags);
  const std::string cache_key = authn::KeystoneCredentialCacheKey(credentials);
  const auto min_remaining = std::chrono::duration_cast<std::chrono::seconds>(*refresh_before);
  // --refresh is the way out when a cached token was revoked before it expired: kubectl would
  // otherwise be handed the same rejected token until its expiry.
  if (cache && !flags.refresh) {
    if (std::optional<adapters::CachedToken> hit = cache->Find(cache_key);
        hit && authn::IsCachedTokenUsable(hit->expires_at, clock.Now(), min_remaining)) {
      std::cout << k8s::EncodeExecCredential(exec_info->api_version, hit->token, hit->expires_at)
                << std::endl;
      return 0;
    }
  }

  if (interactive) {
    Status prompted = PromptSecret(credentials);
    if (!prompted) return Fail(prompted.error().message);
  }
  Result<authn::KeystoneTokenRequest> request = authn::BuildKeystoneTokenRequest(credentials);
  if (!request) {
    return Fail(request.error().message + " (flags or OS_* environment variables)");
  }
  Result<std::shared_ptr<adapters::HttpClient>> client = adapters::MakeHttpClient(http_options);
  if (!client) return Fail(client.error().message);

  adapters::HttpRequest http_request;
  http_request.method = "POST";
  http_request.url = request->url;
  http_request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  http_request.body = std::move(request->body);
  http_request.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*timeout);
  Result<adapters::HttpResponse> response = (*client)->Send(http_request);
  if (!response) {
    return Fail("cannot get a token from Keystone at " + request->url + ": " +
                response.error().message);
  }
  Result<authn::IssuedKeystoneToken> issued = authn::ParseKeystoneTokenResponse(
      response->status, response->FindHeader("X-Subject-Token"), response->body);
  if (!issued) {
    if (issued.error().code == authn::KeystoneError::kUnauthorized) {
      std::cout << EncodeEmptyExecCredential(exec_info->api_version) << std::endl;
      std::cerr << issued.error().message << "\n";
      return 0;
    }
    return Fail(issued.error().message);
  }
  if (cache) {
    Status stored = cache->Store(cache_key, {issued->token, issued->expires_at});
    if (!stored) std::cerr << "warning: token not cached: " << stored.error().message << "\n";
  }
  std::cout << k8s::EncodeExecCredential(exec_info->api_version, issued->token, issued->expires_at)
            << std::endl;
  return 0;
}

void RegisterKeystoneCredential(CLI::App& credential, int* exit_code) {
  CLI::App* cmd = credential.add_subcommand(
      "keystone",
      "Get a Keystone token for kubectl (drop-in for client-keystone-auth). Flags default to "
      "the OS_* environment variables; missing values are prompted for on a terminal.");
  auto flags = std::make_shared<KeystoneFlags>();
  auto handles = std::make_shared<KeystoneOptionHandles>();
  KeystoneOptionHandles& h = *handles;
  h.keystone_url = cmd->add_option("--keystone-url", flags->keystone_url,
                                   "Keystone URL, with or without /v3 [OS_AUTH_URL]");
  h.domain_name = cmd->add_option("--domain-name", flags->domain_name,
                                  "domain of the user and the project [OS_DOMAIN_NAME]");
  h.user_domain_name =
      cmd->add_option("--user-domain-name", flags->user_domain_name,
                      "domain of the user, if not --domain-name [OS_USER_DOMAIN_NAME]");
  h.project_domain_name =
      cmd->add_option("--project-domain-name", flags->project_domain_name,
                      "domain of the project, if not --domain-name [OS_PROJECT_DOMAIN_NAME]");
  h.user_name = cmd->add_option("--user-name", flags->user_name, "user name [OS_USERNAME]");
  h.project_name = cmd->add_option("--project-name", flags->project_name,
                                   "project to scope the token to [OS_PROJECT_NAME]");
  h.project_id = cmd->add_option("--project-id", flags->project_id,
                                 "project id, instead of a name [OS_PROJECT_ID]");
  h.password = cmd->add_option("--password", flags->password, "password [OS_PASSWORD]");
  h.cert = cmd->add_option("--cert", flags->cert, "client certificate for mTLS [OS_CERT]");
  h.key = cmd->add_option("--key", flags->key, "client key for mTLS [OS_KEY]");
  h.cacert = cmd->add_option("--cacert", flags->cacert, "CA bundle for Keystone [OS_CACERT]");
  h.ac_id = cmd->add_option("--application-credential-id", flags->ac_id,
                            "application credential id [OS_APPLICATION_CREDENTIAL_ID]");
  h.ac_name = cmd->add_option("--application-credential-name", flags->ac_name,
                              "application credential name [OS_APPLICATION_CREDENTIAL_NAME]");
  h.ac_secret = cmd->add_option("--application-credential-secret", flags->ac_secret,
                                "application credential secret [OS_APPLICATION_CREDENTIAL_SECRET]");
  cmd->add_option("--cache-dir", flags->cache_dir,
                  "token cache directory (default $XDG_CACHE_HOME/gatehouse/keystone or "
                  "~/.cache/gatehouse/keystone)");
  cmd->add_flag("--no-cache", flags->no_cache, "neither read nor write the token cache");
  cmd->add_flag("--refresh", flags->refresh,
                "ignore the cached token and get a new one (which replaces it)");
  cmd->add_option("--cache-refresh-before", flags->cache_refresh_before,
                  "get a new token when the cached one expires within this duration")
      ->capture_default_str();
  cmd->add_option("--timeout", flags->timeout, "Keystone request timeout")->capture_default_str();
  cmd->callback(
      [flags, handles, exit_code] { *exit_code = RunKeystoneCredential(*flags, *handles); });
}

}  // namespace

void RegisterCredentialCommand(CLI::App& app, int* exit_code) {
  CLI::App* credential =
      app.add_subcommand("credential", "kubectl exec credential plugins (client-go exec API)");
  credential->require_subcommand(1);
  RegisterKeystoneCredential(*credential, exit_code);
  RegisterOidcCredential(*credential, exit_code);
}

}  // namespace gatehouse::app
