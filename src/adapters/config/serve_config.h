// ServeConfig: every setting of `gatehouse serve`, and the one table that says how each is named
// in the YAML configuration file, on the command line and in the environment.
//
// Precedence: command-line flag > environment variable > configuration file > default. Every
// option has a dotted file key (`keystone.url`), a flag (`--keystone-url`) and, where
// k8s-keystone-auth had one, its environment variable (`OS_AUTH_URL`), so an existing
// Deployment's args and env carry over. Unknown file keys and invalid values are start-up errors
// that name the key. Plain data; loaded once at start-up on one thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "value/value.h"

namespace gatehouse::adapters {

// One OpenID Connect issuer: kube-apiserver's --oidc-* flags, or one item of `oidc.issuers`.
struct OidcIssuerSettings {
  std::string issuer_url;               // must equal the tokens' `iss` exactly
  std::vector<std::string> client_ids;  // allowed audiences
  std::string username_claim = "sub";
  std::optional<std::string> username_prefix;  // unset: "<issuer>#" ("" for email); "-": none
  std::string groups_claim;
  std::string groups_prefix;
  std::vector<std::pair<std::string, std::string>> required_claims;
  std::string ca_file;
  std::vector<std::string> signing_algs;  // empty: RS256
  std::string jwks_file;                  // static key set instead of discovery
  std::string group_path_rule = "keep";   // keep | strip-leading-slash | last-segment
  bool realm_roles = false;
  std::string realm_roles_prefix;
  std::vector<std::string> client_roles;
  std::string client_roles_prefix;
  std::chrono::milliseconds clock_skew{60000};
};

struct ServeConfig {
  // Server
  std::string listen = "0.0.0.0:8443";
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string client_ca_file;
  bool require_client_cert = false;
  bool insecure_plain_http = false;
  int threads = 0;
  std::string data_dir;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_json_depth = 64;
  std::chrono::milliseconds max_request_timeout{60000};
  std::size_t max_connections = 10000;      // open at once; beyond, new ones are closed
  std::size_t review_max_in_flight = 0;     // reviews handled at once; 0: no cap (beyond: 503)
  int registry_workers = 0;                 // password-check threads; 0: half the cores, at least 1
  std::size_t registry_max_in_flight = 64;  // registry requests handled or queued (beyond: 429)
  std::string log_level = "info";
  std::vector<std::string> user_agents;

  // Keystone identity source
  std::string keystone_url;
  std::string keystone_ca_file;
  std::chrono::milliseconds keystone_timeout{2000};
  std::string keystone_validation = "self";  // self | service
  std::string keystone_service_username;
  std::string keystone_service_password;
  std::string keystone_service_user_domain = "Default";
  std::string keystone_service_project;
  std::string keystone_service_project_domain = "Default";
  std::string keystone_service_app_cred_id;
  std::string keystone_service_app_cred_secret;

  // OpenID Connect identity sources
  OidcIssuerSettings oidc;                       // the --oidc-* flags (one issuer)
  std::vector<OidcIssuerSettings> oidc_issuers;  // oidc.issuers in the file
  std::chrono::milliseconds oidc_timeout{3000};
  std::chrono::milliseconds oidc_jwks_refresh_interval{600000};
  std::chrono::milliseconds oidc_jwks_min_refresh_interval{10000};

  // Authentication results cache
  std::chrono::milliseconds token_cache_ttl{120000};
  std::chrono::milliseconds token_cache_negative_ttl{5000};
  std::size_t token_cache_max_entries = 10000;
  int authentication_failure_status = 200;  // 200, or 401 like k8s-keystone-auth

  // Authorization policy
  std::string keystone_policy_file;
  std::string policy_configmap_name;
  std::string policy_configmap_namespace = "kube-system";
  std::string sync_config_file;
  std::string sync_configmap_name;
  std::string kubeconfig;
  std::chrono::milliseconds reload_interval{2000};
  std::string authorization_no_match = "no-opinion";  // no-opinion | deny
  bool keystone_policy_lenient = false;  // unknown policy / sync config keys: warn, not refuse

  // Admission (Gatekeeper's validating webhook on /v1/admit and /validate)
  std::string gatekeeper_source;    // "" (off), "kubernetes", or a directory of YAML files
  std::string admission_namespace;  // the server's own namespace, never judged
  long long admission_max_steps = 5'000'000;  // evaluation steps per constraint and review
  // With gatekeeper_source "kubernetes": the controller's audit and leader election.
  std::chrono::milliseconds audit_interval{60000};  // 0: no periodic audit
  long long constraint_violations_limit = 20;       // status.violations per constraint
  long long audit_max_objects = 200000;             // objects one audit may list
  bool leader_elect = true;  // a Lease picks the one replica that writes status and audits
  std::string leader_election_lease = "gatehouse-admission-controller";
  // A Conftest-style policy bundle on the same webhook (issue 14; docs/policy-bundles.md).
  std::string policy_bundle;                   // "" (off) or a directory of .rego files
  std::vector<std::string> policy_data;        // data files or directories
  std::vector<std::string> policy_namespaces;  // Conftest --namespace patterns; empty: main
  bool policy_all_namespaces = false;
  std::string rego_version = "v1";  // of the bundle's policies: v0 | v1
  std::string policy_annotation_domain = "policy.gatehouse.dev";

  // Registry token service and Harbor-shaped API (/service/token, /api/v2.0/)
  bool registry_enabled = true;
  std::string registry_database;  // "" = SQLite in the data dir
  std::string registry_service = "registry";
  std::string registry_issuer = "gatehouse";
  std::string registry_admin_group;
  std::chrono::milliseconds registry_token_ttl{300000};
  std::string robot_prefix = "robot+";
  std::string registry_signing_alg = "ES256";  // ES256 | RS256
  int registry_login_source_failures = 30;     // per source before throttling; 0: no limit
  int registry_login_account_failures = 10;    // per account name; 0: no limit
  std::chrono::milliseconds registry_login_throttle_period{60000};  // full refill time
};

// One configurable setting.
struct ServeOption {
  std::string key;   // dotted key in the YAML file
  std::string flag;  // long flag without dashes
  std::string env;   // environment variable, or empty
  std::string help;
  bool is_list = false;  // repeatable flag / YAML sequence
  bool is_bool = false;  // a flag that may be given without a value (meaning true)
  bool is_secret = false;
  // Parses and stores one textual value (called once per list item); the error names nothing:
  // the caller prefixes the key.
  std::function<Status(ServeConfig&, const std::string&)> set;
  std::function<std::string(const ServeConfig&)> get;  // default shown in --help
};

const std::vector<ServeOption>& ServeOptions();

// One setting of an OIDC issuer: `oidc.<key>` / `--oidc-<flag>` for the single issuer, `<key>`
// inside an item of `oidc.issuers`.
struct OidcIssuerOption {
  std::string key;   // e.g. "issuerURL"
  std::string flag;  // e.g. "issuer-url"
  std::string help;
  bool is_list = false;
  bool is_bool = false;
  std::function<Status(OidcIssuerSettings&, const std::string&)> set;
};

const std::vector<OidcIssuerOption>& OidcIssuerOptions();

// The issuers in force: the --oidc-* one (when it has an issuer URL) first, then oidc.issuers.
std::vector<OidcIssuerSettings> EffectiveOidcIssuers(const ServeConfig& config);

// Applies a parsed YAML configuration document (nested maps; `keystone: {url: ...}` and
// `keystone.url: ...` are both accepted; `oidc.issuers` is a list of mappings whose keys are
// those of OidcIssuerOptions()). Errors name the offending key (`oidc.issuers[1].foo`):
// "config_unknown_key", "config_invalid_value".
Status ApplyConfigDocument(const value::Value& document, ServeConfig& config);

// Reads and applies a YAML configuration file. Errors: "config_unreadable" and the above.
Status LoadConfigFile(const std::string& path, ServeConfig& config);

// Cross-field validation after everything is applied (e.g. service credentials complete).
Status ValidateServeConfig(const ServeConfig& config);

}  // namespace gatehouse::adapters
