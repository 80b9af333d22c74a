#include "adapters/config/serve_config.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "adapters/config/config_errors.h"
#include "common/duration.h"
#include "value/yaml.h"

namespace gatehouse::adapters {
namespace {

Status InvalidValue(const std::string& why) { return MakeError(ConfigError::kInvalidValue, why); }

using StringField = std::string ServeConfig::*;

ServeOption MakeOption(std::string key, std::string flag, std::string env, std::string help) {
  ServeOption o;
  o.key = std::move(key);
  o.flag = std::move(flag);
  o.env = std::move(env);
  o.help = std::move(help);
  return o;
}
using DurationField = std::chrono::milliseconds ServeConfig::*;

ServeOption StringOption(std::string key, std::string flag, std::string env, std::string help,
                         StringField field, bool secret = false) {
  ServeOption o = MakeOption(std::move(key), std::move(flag), std::move(env), std::move(help));
  o.is_secret = secret;
  o.set = [field](ServeConfig& c, const std::string& v) {
    c.*field = v;
    return Ok();
  };
  o.get = [field, secret](const ServeConfig& c) { return secret ? std::string() : c.*field; };
  return o;
}

ServeOption ChoiceOption(std::string key, std::string flag, std::string help, StringField field,
                         std::vector<std::string> choices) {
  ServeOption o = MakeOption(std::move(key), std::move(flag), "", std::move(help));
  o.set = [field, choices](ServeConfig& c, const std::string& v) -> Status {
    for (const std::string& choice : choices) {
      if (v == choice) {
        c.*field = v;
        return Ok();
      }
    }
    std::string list;
    for (const std::string& choice : choices) list += (list.empty() ? "" : ", ") + choice;
    return InvalidValue("\"" + v + "\" is not one of: " + list);
  };
  o.get = [field](const ServeConfig& c) { return c.*field; };
  return o;
}

ServeOption DurationOption(std::string key, std::string flag, std::string help,
                           DurationField field) {
  ServeOption o = MakeOption(std::move(key), std::move(flag), "", std::move(help));
  o.set = [field](ServeConfig& c, const std::string& v) -> Status {
    Result<std::chrono::nanoseconds> d = ParseDuration(v);
    if (!d) return InvalidValue(d.error().message);
    c.*field = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
    return Ok();
  };
  o.get = [field](const ServeConfig& c) { return FormatDuration(c.*field); };
  return o;
}

template <typename Int>
ServeOption IntOption(std::string key, std::string flag, std::string help, Int ServeConfig::*field,
                      long long min, long long max) {
  ServeOption o = MakeOption(std::move(key), std::move(flag), "", std::move(help));
  o.set = [field, min, max](ServeConfig& c, const std::string& v) -> Status {
    long long n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || n < min || n > max) {
      return InvalidValue("\"" + v + "\" is not an integer between " + std::to_string(min) +
                          " and " + std::to_string(max));
    }
    c.*field = static_cast<Int>(n);
    return Ok();
  };
  o.get = [field](const ServeConfig& c) { return std::to_string(c.*field); };
  return o;
}

ServeOption BoolOption(std::string key, std::string flag, std::string help,
                       bool ServeConfig::*field) {
  ServeOption o = MakeOption(std::move(key), std::move(flag), "", std::move(help));
  o.is_bool = true;
  o.set = [field](ServeConfig& c, const std::string& v) -> Status {
    if (v.empty() || v == "true" || v == "1") {
      c.*field = true;
    } else if (v == "false" || v == "0") {
      c.*field = false;
    } else {
      return InvalidValue("\"" + v + "\" is not true or false");
    }
    return Ok();
  };
  o.get = [field](const ServeConfig& c) { return c.*field ? "true" : "false"; };
  return o;
}

std::vector<std::string> SplitCommas(const std::string& v) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= v.size()) {
    std::size_t comma = v.find(',', start);
    if (comma == std::string::npos) comma = v.size();
    std::string item = v.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

using IssuerString = std::string OidcIssuerSettings::*;

OidcIssuerOption IssuerOption(std::string key, std::string flag, std::string help) {
  OidcIssuerOption o;
  o.key = std::move(key);
  o.flag = std::move(flag);
  o.help = std::move(help);
  return o;
}

OidcIssuerOption IssuerStringOption(std::string key, std::string flag, std::string help,
                                    IssuerString field) {
  OidcIssuerOption o = IssuerOption(std::move(key), std::move(flag), std::move(help));
  o.set = [field](OidcIssuerSettings& s, const std::string& v) {
    s.*field = v;
    return Ok();
  };
  return o;
}

// Comma-separated on the command line (kube-apiserver), a list or commas in the file.
OidcIssuerOption IssuerListOption(std::string key, std::string flag, std::string help,
                                  std::vector<std::string> OidcIssuerSettings::*field) {
  OidcIssuerOption o = IssuerOption(std::move(key), std::move(flag), std::move(help));
  o.is_list = true;
  o.set = [field](OidcIssuerSettings& s, const std::string& v) {
    for (std::string& item : SplitCommas(v)) (s.*field).push_back(std::move(item));
    return Ok();
  };
  return o;
}

std::vector<OidcIssuerOption> BuildOidcIssuerOptions() {
  std::vector<OidcIssuerOption> o;
  o.push_back(IssuerStringOption("issuerURL", "issuer-url",
                                 "OpenID Connect issuer URL; must equal the tokens' iss exactly",
                                 &OidcIssuerSettings::issuer_url));
  o.push_back(IssuerListOption("clientID", "client-id",
                               "allowed audiences (client ids), comma-separated",
                               &OidcIssuerSettings::client_ids));
  o.push_back(IssuerStringOption("usernameClaim", "username-claim",
                                 "claim holding the username (default sub)",
                                 &OidcIssuerSettings::username_claim));
  {
    OidcIssuerOption prefix = IssuerOption(
        "usernamePrefix", "username-prefix",
        "prefix of usernames (default \"<issuer>#\", none for email; \"-\": no prefix)");
    prefix.set = [](OidcIssuerSettings& s, const std::string& v) {
      s.username_prefix = v;
      return Ok();
    };
    o.push_back(std::move(prefix));
  }
  o.push_back(IssuerStringOption("groupsClaim", "groups-claim",
                                 "claim holding the groups (an array or a string)",
                                 &OidcIssuerSettings::groups_claim));
  o.push_back(IssuerStringOption("groupsPrefix", "groups-prefix", "prefix of group names",
                                 &OidcIssuerSettings::groups_prefix));
  {
    OidcIssuerOption required = IssuerOption("requiredClaims", "required-claim",
                                             "claim=value the token must carry (repeatable)");
    required.is_list = true;
    required.set = [](OidcIssuerSettings& s, const std::string& v) -> Status {
      const std::size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) {
        return InvalidValue("\"" + v + "\" is not claim=value");
      }
      s.required_claims.emplace_back(v.substr(0, eq), v.substr(eq + 1));
      return Ok();
    };
    o.push_back(std::move(required));
  }
  o.push_back(IssuerStringOption("caFile", "ca-file",
                                 "CA bundle to verify the issuer's certificate (default: system)",
                                 &OidcIssuerSettings::ca_file));
  o.push_back(IssuerListOption("signingAlgs", "signing-algs",
                               "allowed signing algorithms, comma-separated (default RS256)",
                               &OidcIssuerSettings::signing_algs));
  o.push_back(IssuerStringOption("jwksFile", "jwks-file",
                                 "static JWKS file instead of discovery (re-read on refresh)",
                                 &OidcIssuerSettings::jwks_file));
  {
    OidcIssuerOption rule =
        IssuerOption("groupPathRule", "group-path-rule",
                     "Keycloak group paths: keep, strip-leading-slash or last-segment");
    rule.set = [](OidcIssuerSettings& s, const std::string& v) -> Status {
      if (v != "keep" && v != "strip-leading-slash" && v != "last-segment") {
        return InvalidValue("\"" + v + "\" is not one of: keep, strip-leading-slash, last-segment");
      }
      s.group_path_rule = v;
      return Ok();
    };
    o.push_back(std::move(rule));
  }
  {
    OidcIssuerOption realm = IssuerOption(
        "realmRoles", "realm-roles", "map Keycloak realm roles (realm_access.roles) to groups");
    realm.is_bool = true;
    realm.set = [](OidcIssuerSettings& s, const std::string& v) -> Status {
      if (v.empty() || v == "true" || v == "1") {
        s.realm_roles = true;
      } else if (v == "false" || v == "0") {
        s.realm_roles = false;
      } else {
        return InvalidValue("\"" + v + "\" is not true or false");
      }
      return Ok();
    };
    o.push_back(std::move(realm));
  }
  o.push_back(IssuerStringOption("realmRolesPrefix", "realm-roles-prefix",
                                 "prefix of groups made from realm roles",
                                 &OidcIssuerSettings::realm_roles_prefix));
  o.push_back(IssuerListOption("clientRoles", "client-roles",
                               "clients whose roles (resource_access.<client>.roles) become "
                               "groups \"<prefix><client>:<role>\", comma-separated",
                               &OidcIssuerSettings::client_roles));
  o.push_back(IssuerStringOption("clientRolesPrefix", "client-roles-prefix",
                                 "prefix of groups made from client roles",
                                 &OidcIssuerSettings::client_roles_prefix));
  {
    OidcIssuerOption skew =
        IssuerOption("clockSkew", "clock-skew", "tolerance for exp, nbf and iat (default 1m)");
    skew.set = [](OidcIssuerSettings& s, const std::string& v) -> Status {
      Result<std::chrono::nanoseconds> d = ParseDuration(v);
      if (!d) return InvalidValue(d.error().message);
      s.clock_skew = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
      return Ok();
    };
    o.push_back(std::move(skew));
  }
  return o;
}

std::vector<ServeOption> BuildOptions() {
  std::vector<ServeOption> o;
  // Server
  o.push_back(StringOption("listen", "listen", "",
                           "address and port to serve HTTPS on (host:port, :port)",
                           &ServeConfig::listen));
  o.push_back(StringOption("tls.certFile", "tls-cert-file", "TLS_CERT_FILE",
                           "PEM certificate chain; reloaded when it changes (default: a "
                           "self-signed certificate generated in the data dir)",
                           &ServeConfig::tls_cert_file));
  o.push_back(StringOption("tls.privateKeyFile", "tls-private-key-file", "TLS_PRIVATE_KEY_FILE",
                           "PEM private key of the certificate", &ServeConfig::tls_key_file));
  o.push_back(StringOption("tls.clientCAFile", "client-ca-file", "",
                           "verify client certificates (the kube-apiserver's) against this CA",
                           &ServeConfig::client_ca_file));
  o.push_back(BoolOption("tls.requireClientCert", "require-client-cert",
                         "refuse connections without a client certificate signed by the client CA",
                         &ServeConfig::require_client_cert));
  o.push_back(BoolOption("insecurePlainHTTP", "insecure-plain-http",
                         "serve plain HTTP instead of HTTPS (only behind a TLS-terminating proxy)",
                         &ServeConfig::insecure_plain_http));
  o.push_back(IntOption("threads", "threads", "server threads (0: twice the cores, at least 4)",
                        &ServeConfig::threads, 0, 256));
  o.push_back(StringOption("dataDir", "data-dir", "GATEHOUSE_DATA_DIR",
                           "folder for generated state (self-signed TLS)", &ServeConfig::data_dir));
  o.push_back(IntOption("limits.maxBodyBytes", "max-body-bytes",
                        "largest request body accepted (larger: HTTP 413)",
                        &ServeConfig::max_body_bytes, 1024, 64 << 20));
  o.push_back(IntOption("limits.maxJSONDepth", "max-json-depth",
                        "deepest JSON nesting accepted (deeper: HTTP 400)",
                        &ServeConfig::max_json_depth, 4, 1024));
  o.push_back(DurationOption("limits.maxRequestTimeout", "max-request-timeout",
                             "upper bound on the ?timeout= a caller may ask for",
                             &ServeConfig::max_request_timeout));
  o.push_back(IntOption("limits.maxConnections", "max-connections",
                        "client connections open at once (beyond: new ones are closed; 0: no cap)",
                        &ServeConfig::max_connections, 0, 1000000));
  o.push_back(IntOption("limits.reviewMaxInFlight", "review-max-in-flight",
                        "reviews (/webhook, /authenticate, /authorize) handled at once "
                        "(beyond: HTTP 503; 0: no cap)",
                        &ServeConfig::review_max_in_flight, 0, 1000000));
  o.push_back(IntOption("limits.registryWorkers", "registry-workers",
                        "threads that run registry requests and their password checks, apart "
                        "from the webhooks' threads (0: half the cores, at least 1)",
                        &ServeConfig::registry_workers, 0, 256));
  o.push_back(IntOption("limits.registryMaxInFlight", "registry-max-in-flight",
                        "registry requests handled or waiting for a worker at once "
                        "(beyond: HTTP 429 with Retry-After)",
                        &ServeConfig::registry_max_in_flight, 1, 100000));
  o.push_back(ChoiceOption("logLevel", "log-level", "log level", &ServeConfig::log_level,
                           {"debug", "info", "warn", "error"}));
  {
    ServeOption ua = MakeOption("userAgents", "user-agent", "",
                                "prepended to the User-Agent sent to Keystone (repeatable)");
    ua.is_list = true;
    ua.set = [](ServeConfig& c, const std::string& v) {
      c.user_agents.push_back(v);
      return Ok();
    };
    ua.get = [](const ServeConfig&) { return std::string(); };
    o.push_back(std::move(ua));
  }
  // Keystone
  o.push_back(StringOption("keystone.url", "keystone-url", "OS_AUTH_URL",
                           "Keystone identity API v3 URL, e.g. https://keystone:5000/v3",
                           &ServeConfig::keystone_url));
  o.push_back(StringOption("keystone.caFile", "keystone-ca-file", "KEYSTONE_CA_FILE",
                           "CA bundle to verify Keystone's certificate",
                           &ServeConfig::keystone_ca_file));
  o.push_back(DurationOption("keystone.timeout", "keystone-timeout",
                             "deadline of one Keystone exchange; slower means not authenticated",
                             &ServeConfig::keystone_timeout));
  o.push_back(ChoiceOption("keystone.validation", "keystone-validation",
                           "self: the token validates itself (k8s-keystone-auth); service: "
                           "validate with the service credentials below",
                           &ServeConfig::keystone_validation, {"self", "service"}));
  o.push_back(StringOption("keystone.service.username", "keystone-service-username", "",
                           "service user for --keystone-validation=service",
                           &ServeConfig::keystone_service_username));
  o.push_back(StringOption("keystone.service.password", "keystone-service-password",
                           "GATEHOUSE_KEYSTONE_SERVICE_PASSWORD", "service user's password",
                           &ServeConfig::keystone_service_password, true));
  o.push_back(StringOption("keystone.service.userDomain", "keystone-service-user-domain", "",
                           "service user's domain name",
                           &ServeConfig::keystone_service_user_domain));
  o.push_back(StringOption("keystone.service.project", "keystone-service-project", "",
                           "project the service token is scoped to",
                           &ServeConfig::keystone_service_project));
  o.push_back(StringOption("keystone.service.projectDomain", "keystone-service-project-domain", "",
                           "domain of that project",
                           &ServeConfig::keystone_service_project_domain));
  o.push_back(StringOption("keystone.service.applicationCredentialID",
                           "keystone-service-application-credential-id", "",
                           "application credential id (instead of user and password)",
                           &ServeConfig::keystone_service_app_cred_id));
  o.push_back(StringOption("keystone.service.applicationCredentialSecret",
                           "keystone-service-application-credential-secret",
                           "GATEHOUSE_KEYSTONE_SERVICE_APP_CRED_SECRET",
                           "application credential secret",
                           &ServeConfig::keystone_service_app_cred_secret, true));
  // OpenID Connect: kube-apiserver's flags for one issuer; more in the file's oidc.issuers.
  for (const OidcIssuerOption& item : OidcIssuerOptions()) {
    ServeOption option = MakeOption("oidc." + item.key, "oidc-" + item.flag, "", item.help);
    option.is_list = item.is_list;
    option.is_bool = item.is_bool;
    option.set = [set = item.set](ServeConfig& c, const std::string& v) { return set(c.oidc, v); };
    option.get = [](const ServeConfig&) { return std::string(); };
    o.push_back(std::move(option));
  }
  o.push_back(DurationOption("oidc.timeout", "oidc-timeout",
                             "deadline of one discovery or JWKS request",
                             &ServeConfig::oidc_timeout));
  o.push_back(DurationOption("oidc.jwksRefreshInterval", "oidc-jwks-refresh-interval",
                             "how often OIDC key sets are fetched again",
                             &ServeConfig::oidc_jwks_refresh_interval));
  o.push_back(DurationOption("oidc.jwksMinRefreshInterval", "oidc-jwks-min-refresh-interval",
                             "least time between two refreshes caused by tokens naming an "
                             "unknown key id",
                             &ServeConfig::oidc_jwks_min_refresh_interval));
  // Cache and answers
  o.push_back(DurationOption("authentication.cacheTTL", "token-cache-ttl",
                             "how long a successful authentication is reused (never past the "
                             "token's expiry; 0 disables)",
                             &ServeConfig::token_cache_ttl));
  o.push_back(DurationOption("authentication.negativeCacheTTL", "token-cache-negative-ttl",
                             "how long a rejected token is remembered",
                             &ServeConfig::token_cache_negative_ttl));
  o.push_back(IntOption("authentication.cacheMaxEntries", "token-cache-max-entries",
                        "bound on cached authentication results",
                        &ServeConfig::token_cache_max_entries, 0, 10000000));
  o.push_back(IntOption("authentication.failureStatus", "authentication-failure-status",
                        "HTTP status of an authenticated:false answer (401 as k8s-keystone-auth, "
                        "or 200)",
                        &ServeConfig::authentication_failure_status, 200, 401));
  // Policy
  o.push_back(StringOption("authorization.keystonePolicyFile", "keystone-policy-file",
                           "KEYSTONE_POLICY_FILE",
                           "keystone-auth policy (JSON list); watched and reloaded",
                           &ServeConfig::keystone_policy_file));
  o.push_back(StringOption("authorization.policyConfigMapName", "policy-configmap-name",
                           "KEYSTONE_POLICY_CONFIGMAP_NAME",
                           "ConfigMap (key `policies`) holding the policy; watched",
                           &ServeConfig::policy_configmap_name));
  o.push_back(StringOption("authorization.configMapNamespace", "configmap-namespace", "",
                           "namespace of the policy and sync ConfigMaps",
                           &ServeConfig::policy_configmap_namespace));
  o.push_back(StringOption("authentication.syncConfigFile", "sync-config-file",
                           "KEYSTONE_SYNC_CONFIG_FILE", "sync config YAML (role-mappings)",
                           &ServeConfig::sync_config_file));
  o.push_back(StringOption("authentication.syncConfigMapName", "sync-configmap-name", "",
                           "ConfigMap (key `syncConfig`) holding the sync config",
                           &ServeConfig::sync_configmap_name));
  o.push_back(
      StringOption("kubeconfig", "kubeconfig", "KEYSTONE_KUBECONFIG_FILE",
                   "kubeconfig for reading ConfigMaps and, with --gatekeeper-source kubernetes, "
                   "Gatekeeper's resources (default: in-cluster)",
                   &ServeConfig::kubeconfig));
  o.push_back(DurationOption("authorization.reloadInterval", "reload-interval",
                             "how often policy and sync sources are checked for changes",
                             &ServeConfig::reload_interval));
  o.push_back(ChoiceOption("authorization.noMatch", "authorization-no-match",
                           "answer when no policy matches: no-opinion (RBAC decides) or deny",
                           &ServeConfig::authorization_no_match, {"no-opinion", "deny"}));
  o.push_back(BoolOption("authorization.keystonePolicyLenient", "keystone-policy-lenient",
                         "read the keystone-auth policy and sync config as k8s-keystone-auth "
                         "does: unknown keys are ignored with a warning instead of refusing "
                         "the whole version (a misspelt \"users\" then matches every user)",
                         &ServeConfig::keystone_policy_lenient));
  // Admission
  o.push_back(StringOption(
      "admission.gatekeeperSource", "gatekeeper-source", "GATEHOUSE_GATEKEEPER_SOURCE",
      "Gatekeeper ConstraintTemplates, constraints and Config for the admission webhook "
      "(/v1/admit): \"kubernetes\" to watch them in the cluster as Gatekeeper's controller "
      "(through --kubeconfig or in-cluster credentials), or a directory of YAML files, "
      "reloaded when it changes; empty: off",
      &ServeConfig::gatekeeper_source));
  o.push_back(DurationOption("admission.auditInterval", "audit-interval",
                             "with --gatekeeper-source kubernetes: how often the leader audits "
                             "the cluster into the constraints' status (0s: never)",
                             &ServeConfig::audit_interval));
  o.push_back(IntOption("admission.constraintViolationsLimit", "constraint-violations-limit",
                        "violations the audit writes into one constraint's status.violations",
                        &ServeConfig::constraint_violations_limit, 0, 10000));
  o.push_back(IntOption("admission.auditMaxObjects", "audit-max-objects",
                        "objects one audit may list (beyond: that audit fails, saying so)",
                        &ServeConfig::audit_max_objects, 1, 100'000'000));
  o.push_back(BoolOption("admission.leaderElect", "leader-elect",
                         "with --gatekeeper-source kubernetes: elect one replica through a "
                         "Lease to write status and audit (false: this one always does)",
                         &ServeConfig::leader_elect));
  o.push_back(StringOption("admission.leaderElectionLease", "leader-election-lease", "",
                           "the Lease (in --admission-namespace) replicas elect the leader by",
                           &ServeConfig::leader_election_lease));
  o.push_back(StringOption(
      "admission.policyBundle", "policy-bundle", "GATEHOUSE_POLICY_BUNDLE",
      "a directory of Conftest-style Rego policies (deny/violation/warn rules) judged on "
      "/v1/admit with input = the object under review, as `gatehouse test` judges manifests; "
      "reloaded when it changes; empty: off",
      &ServeConfig::policy_bundle));
  {
    ServeOption data = MakeOption("admission.policyData", "policy-data", "",
                                  "data file or directory for the policy bundle, placed as "
                                  "`gatehouse test -d` places it (repeatable)");
    data.is_list = true;
    data.set = [](ServeConfig& c, const std::string& v) {
      c.policy_data.push_back(v);
      return Ok();
    };
    data.get = [](const ServeConfig&) { return std::string(); };
    o.push_back(std::move(data));
    ServeOption ns = MakeOption("admission.policyNamespaces", "policy-namespace", "",
                                "package of the bundle to query, Conftest's --namespace; globs "
                                "allowed (repeatable; default main)");
    ns.is_list = true;
    ns.set = [](ServeConfig& c, const std::string& v) {
      c.policy_namespaces.push_back(v);
      return Ok();
    };
    ns.get = [](const ServeConfig&) { return std::string(); };
    o.push_back(std::move(ns));
  }
  o.push_back(BoolOption("admission.policyAllNamespaces", "policy-all-namespaces",
                         "query every package of the policy bundle",
                         &ServeConfig::policy_all_namespaces));
  o.push_back(ChoiceOption("admission.regoVersion", "rego-version",
                           "Rego syntax of the policy bundle", &ServeConfig::rego_version,
                           {"v0", "v1"}));
  o.push_back(StringOption("admission.policyAnnotationDomain", "policy-annotation-domain", "",
                           "data.gatehouse.annotation_domain for the bundle: the domain of the "
                           "<domain>/ignore and <domain>/parameters.<id> annotations",
                           &ServeConfig::policy_annotation_domain));
  o.push_back(StringOption("admission.namespace", "admission-namespace", "POD_NAMESPACE",
                           "the server's own namespace, which admission never judges",
                           &ServeConfig::admission_namespace));
  o.push_back(IntOption("admission.maxSteps", "admission-max-steps",
                        "evaluation steps one constraint may take on one review; beyond, the "
                        "constraint reports the limit as its violation",
                        &ServeConfig::admission_max_steps, 1000, 1'000'000'000));
  // Registry token service and API
  o.push_back(BoolOption("registry.enabled", "registry-enabled",
                         "serve the registry token service (/service/token) and API (/api/v2.0/)",
                         &ServeConfig::registry_enabled));
  o.push_back(StringOption("registry.database", "registry-database", "GATEHOUSE_REGISTRY_DATABASE",
                           "registry database URL: empty = SQLite in the data dir, "
                           "sqlite:///path.db, postgresql://...",
                           &ServeConfig::registry_database, true));
  o.push_back(StringOption("registry.service", "registry-service", "",
                           "the registry's auth.token.service (tokens' aud)",
                           &ServeConfig::registry_service));
  o.push_back(StringOption("registry.issuer", "registry-issuer", "",
                           "the registry's auth.token.issuer (tokens' iss)",
                           &ServeConfig::registry_issuer));
  o.push_back(StringOption("registry.adminGroup", "registry-admin-group", "",
                           "identity-provider group whose members are registry administrators",
                           &ServeConfig::registry_admin_group));
  o.push_back(DurationOption("registry.tokenTTL", "registry-token-ttl",
                             "lifetime of registry tokens (at least 60s)",
                             &ServeConfig::registry_token_ttl));
  o.push_back(StringOption("registry.robotPrefix", "robot-prefix", "",
                           "prefix of robot login names", &ServeConfig::robot_prefix));
  o.push_back(ChoiceOption("registry.signingAlg", "registry-signing-alg",
                           "algorithm of new token signing keys",
                           &ServeConfig::registry_signing_alg, {"ES256", "RS256"}));
  o.push_back(IntOption("registry.loginThrottle.sourceFailures", "registry-login-source-failures",
                        "failed registry logins from one address (an IPv6 /64) before its "
                        "password checks wait (HTTP 429; 0: no limit)",
                        &ServeConfig::registry_login_source_failures, 0, 100000));
  o.push_back(IntOption("registry.loginThrottle.accountFailures", "registry-login-account-failures",
                        "failed registry logins for one account name before its uncached "
                        "password checks wait (HTTP 429; 0: no limit)",
                        &ServeConfig::registry_login_account_failures, 0, 100000));
  o.push_back(DurationOption("registry.loginThrottle.period", "registry-login-throttle-period",
                             "time in which the failed-login allowance refills completely",
                             &ServeConfig::registry_login_throttle_period));
  // Reject these duplicates of the naming scheme early in development: every key unique.
  return o;
}

// Renders a YAML scalar back to the text a flag would carry.
Result<std::string> ScalarText(const value::Value& v) {
  switch (v.kind()) {
    case value::Kind::kString:
      return *v.AsString();
    case value::Kind::kBool:
      return std::string(*v.AsBool() ? "true" : "false");
    case value::Kind::kInt:
      return std::to_string(*v.AsInt());
    case value::Kind::kDouble:
      return MakeError(ConfigError::kInvalidValue, "a fractional number is not accepted here");
    case value::Kind::kBigNumber:
      return MakeError(ConfigError::kInvalidValue, "a number out of range is not accepted here");
    default:
      return MakeError(ConfigError::kInvalidValue, std::string("expected a scalar, got ") +
                                                       std::string(value::KindName(v.kind())));
  }
}

constexpr char kOidcIssuersKey[] = "oidc.issuers";

Status ApplyIssuerItem(const std::string& where, const value::Value& item,
                       OidcIssuerSettings& settings) {
  const value::Object* object = item.AsObject();
  if (object == nullptr) {
    return MakeError(ConfigError::kInvalidValue, where + ": expected a mapping");
  }
  for (const value::Member& member : *object) {
    const std::string key = where + "." + member.key;
    const OidcIssuerOption* option = nullptr;
    for (const OidcIssuerOption& candidate : OidcIssuerOptions()) {
      if (candidate.key == member.key) option = &candidate;
    }
    if (option == nullptr) {
      return MakeError(ConfigError::kUnknownKey, "unknown configuration key \"" + key + "\"");
    }
    std::vector<std::string> texts;
    if (option->is_list && member.value.is_array()) {
      for (const value::Value& v : *member.value.AsArray()) {
        Result<std::string> text = ScalarText(v);
        if (!text) {
          return MakeError(ConfigError::kInvalidValue,
                           "invalid value for \"" + key + "\": " + text.error().message);
        }
        texts.push_back(*text);
      }
    } else if (member.key == "requiredClaims" && member.value.is_object()) {
      for (const value::Member& claim : *member.value.AsObject()) {
        Result<std::string> text = ScalarText(claim.value);
        if (!text) {
          return MakeError(ConfigError::kInvalidValue,
                           "invalid value for \"" + key + "\": " + text.error().message);
        }
        texts.push_back(claim.key + "=" + *text);
      }
    } else {
      Result<std::string> text = ScalarText(member.value);
      if (!text) {
        return MakeError(ConfigError::kInvalidValue,
                         "invalid value for \"" + key + "\": " + text.error().message);
      }
      texts.push_back(*text);
    }
    for (const std::string& text : texts) {
      if (Status set = option->set(settings, text); !set) {
        return MakeError(ConfigError::kInvalidValue,
                         "invalid value for \"" + key + "\": " + set.error().message);
      }
    }
  }
  return Ok();
}

Status ApplyIssuers(const value::Value& node, ServeConfig& config) {
  const value::Array* items = node.AsArray();
  if (items == nullptr) {
    return MakeError(ConfigError::kInvalidValue,
                     std::string(kOidcIssuersKey) + ": expected a list of mappings");
  }
  for (std::size_t i = 0; i < items->size(); ++i) {
    OidcIssuerSettings settings;
    const std::string where = std::string(kOidcIssuersKey) + "[" + std::to_string(i) + "]";
    if (Status s = ApplyIssuerItem(where, (*items)[i], settings); !s) return s;
    config.oidc_issuers.push_back(std::move(settings));
  }
  return Ok();
}

Status ApplyAt(const std::string& prefix, const value::Value& node, ServeConfig& config) {
  const value::Object* object = node.AsObject();
  if (object == nullptr) {
    return MakeError(
        ConfigError::kInvalidValue,
        (prefix.empty() ? std::string("configuration") : prefix) + ": expected a mapping");
  }
  for (const value::Member& member : *object) {
    const std::string key = prefix.empty() ? member.key : prefix + "." + member.key;
    if (key == kOidcIssuersKey) {
      if (Status s = ApplyIssuers(member.value, config); !s) return s;
      continue;
    }
    const ServeOption* option = nullptr;
    bool is_prefix = false;
    for (const ServeOption& candidate : ServeOptions()) {
      if (candidate.key == key) option = &candidate;
      if (candidate.key.rfind(key + ".", 0) == 0) is_prefix = true;
    }
    if (option == nullptr) {
      if (is_prefix && member.value.is_object()) {
        if (Status s = ApplyAt(key, member.value, config); !s) return s;
        continue;
      }
      return MakeError(ConfigError::kUnknownKey, "unknown configuration key \"" + key + "\"");
    }
    std::vector<const value::Value*> items;
    if (option->is_list && member.value.is_array()) {
      for (const value::Value& item : *member.value.AsArray()) items.push_back(&item);
    } else {
      items.push_back(&member.value);
    }
    for (const value::Value* item : items) {
      Result<std::string> text = ScalarText(*item);
      Status applied = text ? option->set(config, *text) : Status(text.error());
      if (!applied) {
        return MakeError(ConfigError::kInvalidValue,
                         "invalid value for \"" + key + "\": " + applied.error().message);
      }
    }
  }
  return Ok();
}

}  // namespace

const std::vector<ServeOption>& ServeOptions() {
  static const std::vector<ServeOption> options = BuildOptions();
  return options;
}

const std::vector<OidcIssuerOption>& OidcIssuerOptions() {
  static const std::vector<OidcIssuerOption> options = BuildOidcIssuerOptions();
  return options;
}

std::vector<OidcIssuerSettings> EffectiveOidcIssuers(const ServeConfig& config) {
  std::vector<OidcIssuerSettings> issuers;
  if (!config.oidc.issuer_url.empty()) issuers.push_back(config.oidc);
  issuers.insert(issuers.end(), config.oidc_issuers.begin(), config.oidc_issuers.end());
  return issuers;
}

Status ApplyConfigDocument(const value::Value& document, ServeConfig& config) {
  if (document.is_null()) return Ok();  // an empty file
  return ApplyAt("", document, config);
}

Status LoadConfigFile(const std::string& path, ServeConfig& config) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ConfigError::kUnreadable, "cannot read configuration file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  Result<value::Value> document = value::ParseYaml(text.str());
  if (!document) {
    return MakeError(document.error().code, path + ": " + document.error().message);
  }
  return ApplyConfigDocument(*document, config);
}

namespace {

// https, or plain http to this machine only (a test provider): keys fetched over the network in
// clear could be replaced on the way.
bool IsAcceptableIssuerUrl(const std::string& url) {
  if (url.rfind("https://", 0) == 0) return url.size() > 8;
  for (const char* loopback : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
    const std::string prefix = loopback;
    if (url.rfind(prefix, 0) == 0 &&
        (url.size() == prefix.size() || url[prefix.size()] == ':' || url[prefix.size()] == '/')) {
      return true;
    }
  }
  return false;
}

Status ValidateOidc(const ServeConfig& config) {
  const OidcIssuerSettings& flags = config.oidc;
  if (flags.issuer_url.empty() &&
      (!flags.client_ids.empty() || !flags.required_claims.empty() || !flags.groups_claim.empty() ||
       !flags.jwks_file.empty() || !flags.ca_file.empty())) {
    return MakeError(ConfigError::kInvalidValue, "oidc.* settings need oidc.issuerURL");
  }
  std::vector<std::string> seen;
  const std::vector<OidcIssuerSettings> issuers = EffectiveOidcIssuers(config);
  for (std::size_t i = 0; i < issuers.size(); ++i) {
    const OidcIssuerSettings& issuer = issuers[i];
    const std::string name = "OIDC issuer " + std::to_string(i + 1) + " (" +
                             (issuer.issuer_url.empty() ? "no URL" : issuer.issuer_url) + ")";
    if (!IsAcceptableIssuerUrl(issuer.issuer_url)) {
      return MakeError(ConfigError::kInvalidValue,
                       name + ": issuerURL must be https:// (http:// only for a loopback host)");
    }
    if (issuer.client_ids.empty()) {
      return MakeError(ConfigError::kInvalidValue,
                       name + ": clientID (allowed audiences) is required");
    }
    if (issuer.username_claim.empty()) {
      return MakeError(ConfigError::kInvalidValue, name + ": usernameClaim is empty");
    }
    for (const std::string& other : seen) {
      if (other == issuer.issuer_url) {
        return MakeError(ConfigError::kInvalidValue, name + ": configured twice");
      }
    }
    seen.push_back(issuer.issuer_url);
  }
  return Ok();
}

}  // namespace

Status ValidateServeConfig(const ServeConfig& config) {
  if (config.gatekeeper_source == "kubernetes" && config.admission_namespace.empty()) {
    return MakeError(ConfigError::kInvalidValue,
                     "admission.gatekeeperSource \"kubernetes\" needs admission.namespace "
                     "(--admission-namespace or POD_NAMESPACE): the Config resource and the "
                     "leader election Lease live there");
  }
  if (config.gatekeeper_source == "kubernetes" && config.leader_election_lease.empty() &&
      config.leader_elect) {
    return MakeError(ConfigError::kInvalidValue, "admission.leaderElectionLease is empty");
  }
  if (config.tls_cert_file.empty() != config.tls_key_file.empty()) {
    return MakeError(ConfigError::kInvalidValue,
                     "tls.certFile and tls.privateKeyFile must be given together");
  }
  if (config.require_client_cert && config.client_ca_file.empty()) {
    return MakeError(ConfigError::kInvalidValue, "tls.requireClientCert needs tls.clientCAFile");
  }
  if (config.authentication_failure_status != 200 && config.authentication_failure_status != 401) {
    return MakeError(ConfigError::kInvalidValue,
                     "invalid value for \"authentication.failureStatus\": must be 200 or 401");
  }
  if (Status oidc = ValidateOidc(config); !oidc) return oidc;
  if (config.registry_token_ttl < std::chrono::seconds(60)) {
    return MakeError(ConfigError::kInvalidValue,
                     "invalid value for \"registry.tokenTTL\": must be at least 60s");
  }
  if (config.registry_token_ttl > std::chrono::hours(24)) {
    return MakeError(ConfigError::kInvalidValue,
                     "invalid value for \"registry.tokenTTL\": must be at most 24h");
  }
  if (config.registry_service.empty() || config.registry_issuer.empty()) {
    return MakeError(ConfigError::kInvalidValue,
                     "registry.service and registry.issuer must not be empty");
  }
  if (config.keystone_validation == "service") {
    const bool password =
        !config.keystone_service_username.empty() && !config.keystone_service_password.empty();
    const bool app_cred = !config.keystone_service_app_cred_id.empty() &&
                          !config.keystone_service_app_cred_secret.empty();
    if (!password && !app_cred) {
      return MakeError(ConfigError::kInvalidValue,
                       "keystone.validation=service needs keystone.service.username and "
                       "password, or an application credential id and secret");
    }
    if (config.keystone_url.empty()) {
      return MakeError(ConfigError::kInvalidValue,
                       "keystone.validation=service needs keystone.url");
    }
  }
  return Ok();
}

}  // namespace gatehouse::adapters
