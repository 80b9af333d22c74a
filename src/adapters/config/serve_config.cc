#include "adapters/config/serve_config.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "common/duration.h"
#include "value/yaml.h"

namespace gatehouse::adapters {
namespace {

Status InvalidValue(const std::string& why) { return MakeError("config_invalid_value", why); }

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
  o.push_back(StringOption("kubeconfig", "kubeconfig", "KEYSTONE_KUBECONFIG_FILE",
                           "kubeconfig for reading ConfigMaps (default: in-cluster)",
                           &ServeConfig::kubeconfig));
  o.push_back(DurationOption("authorization.reloadInterval", "reload-interval",
                             "how often policy and sync sources are checked for changes",
                             &ServeConfig::reload_interval));
  o.push_back(ChoiceOption("authorization.noMatch", "authorization-no-match",
                           "answer when no policy matches: no-opinion (RBAC decides) or deny",
                           &ServeConfig::authorization_no_match, {"no-opinion", "deny"}));
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
      return MakeError("config_invalid_value", "a fractional number is not accepted here");
    default:
      return MakeError("config_invalid_value", std::string("expected a scalar, got ") +
                                                   std::string(value::KindName(v.kind())));
  }
}

Status ApplyAt(const std::string& prefix, const value::Value& node, ServeConfig& config) {
  const value::Object* object = node.AsObject();
  if (object == nullptr) {
    return MakeError(
        "config_invalid_value",
        (prefix.empty() ? std::string("configuration") : prefix) + ": expected a mapping");
  }
  for (const value::Member& member : *object) {
    const std::string key = prefix.empty() ? member.key : prefix + "." + member.key;
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
      return MakeError("config_unknown_key", "unknown configuration key \"" + key + "\"");
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
        return MakeError("config_invalid_value",
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

Status ApplyConfigDocument(const value::Value& document, ServeConfig& config) {
  if (document.is_null()) return Ok();  // an empty file
  return ApplyAt("", document, config);
}

Status LoadConfigFile(const std::string& path, ServeConfig& config) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError("config_unreadable", "cannot read configuration file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  Result<value::Value> document = value::ParseYaml(text.str());
  if (!document) {
    return MakeError(document.error().code, path + ": " + document.error().message);
  }
  return ApplyConfigDocument(*document, config);
}

Status ValidateServeConfig(const ServeConfig& config) {
  if (config.tls_cert_file.empty() != config.tls_key_file.empty()) {
    return MakeError("config_invalid_value",
                     "tls.certFile and tls.privateKeyFile must be given together");
  }
  if (config.require_client_cert && config.client_ca_file.empty()) {
    return MakeError("config_invalid_value", "tls.requireClientCert needs tls.clientCAFile");
  }
  if (config.authentication_failure_status != 200 && config.authentication_failure_status != 401) {
    return MakeError("config_invalid_value",
                     "invalid value for \"authentication.failureStatus\": must be 200 or 401");
  }
  if (config.keystone_validation == "service") {
    const bool password =
        !config.keystone_service_username.empty() && !config.keystone_service_password.empty();
    const bool app_cred = !config.keystone_service_app_cred_id.empty() &&
                          !config.keystone_service_app_cred_secret.empty();
    if (!password && !app_cred) {
      return MakeError("config_invalid_value",
                       "keystone.validation=service needs keystone.service.username and "
                       "password, or an application credential id and secret");
    }
    if (config.keystone_url.empty()) {
      return MakeError("config_invalid_value", "keystone.validation=service needs keystone.url");
    }
  }
  return Ok();
}

}  // namespace gatehouse::adapters
