// `gatehouse serve`: flags and configuration file → the webhook server, its identity source,
// its watched policy and sync config. Thin wiring; the behaviour lives in src/.
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "adapters/admission/admission_service.h"
#include "adapters/admission/gatekeeper_controller.h"
#include "adapters/admission/gatekeeper_directory.h"
#include "adapters/admission/policy_bundle_source.h"
#include "adapters/config/serve_config.h"
#include "adapters/http/http_client.h"
#include "adapters/http/http_server.h"
#include "adapters/http/http_stream.h"
#include "adapters/identity/identity_chain.h"
#include "adapters/kubernetes/configmap_watch.h"
#include "adapters/kubernetes/kube_client.h"
#include "adapters/kubernetes/leader_elector.h"
#include "adapters/log/log.h"
#include "adapters/registry/registry_service.h"
#include "adapters/registry_store/open_store.h"
#include "adapters/reload/watched_source.h"
#include "adapters/tls/self_signed.h"
#include "adapters/webhook/route_classes.h"
#include "adapters/webhook/webhook_service.h"
#include "authz/keystone/policy.h"
#include "gatehouse/commands.h"
#include "gatehouse/keystone_wiring.h"
#include "gatehouse/oidc_wiring.h"
#include "registry/names.h"

namespace gatehouse::app {
namespace {

using adapters::LogError;
using adapters::LogInfo;
using adapters::LogWarn;

struct ServeFlags {
  std::string config_file;
  std::vector<std::string> values;
  std::vector<std::vector<std::string>> lists;
  std::vector<CLI::Option*> options;
  int klog_verbosity = 0;
};

std::string DefaultDataDir() {
  if (::geteuid() == 0) return "/var/lib/gatehouse";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.local/share/gatehouse";
}

// Counts and logs what one watched source reports: versions loaded, and failures (a version
// refused, the source missing or unreadable).
adapters::WatchedSource::Observer ReloadObserver(std::shared_ptr<MetricsRegistry> metrics,
                                                 const std::string& source) {
  Counter* reloads =
      &metrics->AddCounter("gatehouse_config_reloads_total",
                           "Configuration versions loaded, by source.", {{"source", source}});
  Counter* failures = &metrics->AddCounter(
      "gatehouse_config_reload_failures_total",
      "Configuration versions refused (the last good one keeps serving), by source.",
      {{"source", source}});
  auto has_good = std::make_shared<std::atomic<bool>>(false);
  return [=](const Status& outcome) {
    if (outcome) {
      has_good->store(true);
      reloads->Inc();
      LogInfo("configuration loaded", {{"source", source}});
    } else {
      failures->Inc();
      LogError(has_good->load() ? "configuration refused; the last good version keeps serving"
                                : "configuration refused",
               {{"source", source}, {"error", outcome.error().ToString()}});
    }
  };
}

sigset_t BlockTerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

struct Sources {
  std::vector<std::unique_ptr<adapters::WatchedSource>> watched;
  std::vector<std::string> what;  // for each watched source: "policy", "sync"
  std::shared_ptr<adapters::KubeClient> kube;
  // Declared after `watched`: destroyed (stopped) first, as they push into those sources.
  std::vector<std::unique_ptr<adapters::ConfigMapWatch>> watches;
};

adapters::AdmissionServiceOptions AdmissionOptions(const adapters::ServeConfig& config,
                                                   const adapters::WebhookOptions& webhook) {
  adapters::AdmissionServiceOptions options;
  options.limits = webhook.limits;
  options.own_namespace = config.admission_namespace;
  options.max_steps = static_cast<std::uint64_t>(config.admission_max_steps);
  return options;
}

// The name status byPod entries and the Lease carry: the Pod's (POD_NAME, from the downward
// API), else the host's.
std::string PodIdentity() {
  if (const char* pod = std::getenv("POD_NAME"); pod != nullptr && *pod != '\0') return pod;
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) == 0 && host[0] != '\0') return host;
  return "gatehouse";
}

Result<std::shared_ptr<adapters::KubeClient>> ConnectKubernetes(
    const adapters::ServeConfig& c, const std::string& data_dir,
    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  Result<adapters::KubeConnection> connection =
      adapters::LoadKubeConnection(c.kubeconfig, data_dir + "/kube");
  if (!connection) return connection.error();
  Result<std::shared_ptr<adapters::HttpClient>> http = adapters::MakeHttpClient(connection->tls);
  if (!http) return http.error();
  return std::make_shared<adapters::KubeClient>(*connection, *http, timeout);
}

// Adds a watched source for a file and/or a ConfigMap key. When both are given the ConfigMap is
// in force, which is what k8s-keystone-auth ends up doing once its informer starts. The first
// version must load: a source missing, unreadable or refused at start-up is fatal (the error
// names the file or ConfigMap), rather than a server running without its policy.
Status Watch(Sources& sources, const adapters::ServeConfig& c, const std::string& file,
             const std::string& config_map, const std::string& key, const std::string& what,
             std::shared_ptr<MetricsRegistry> metrics, adapters::WatchedSource::Loader load,
             const std::string& data_dir) {
  std::unique_ptr<adapters::WatchedSource> source;
  if (!config_map.empty()) {
    if (!file.empty()) {
      LogWarn("both a file and a ConfigMap are configured; the ConfigMap is in force",
              {{"what", what}});
    }
    if (!sources.kube) {
      Result<std::shared_ptr<adapters::KubeClient>> kube = ConnectKubernetes(c, data_dir);
      if (!kube) return kube.error();
      sources.kube = *kube;
    }
    const std::string name = "configmap/" + c.policy_configmap_namespace + "/" + config_map;
    // Pushed to by a Kubernetes watch (list, then watch from its resourceVersion), not polled.
    source = std::make_unique<adapters::WatchedSource>(
        "ConfigMap " + c.policy_configmap_namespace + "/" + config_map + " key \"" + key + "\"",
        adapters::WatchedSource::Fetcher(), std::move(load),
        ReloadObserver(metrics, what + ":" + name));
    Result<std::unique_ptr<adapters::HttpStream>> stream =
        adapters::MakeHttpStream(sources.kube->connection().tls);
    if (!stream) return stream.error();
    auto watch = std::make_unique<adapters::ConfigMapWatch>(
        sources.kube->connection(), std::move(stream).value(), c.policy_configmap_namespace,
        config_map, key, *source);
    if (Status first = watch->List(); !first) return first;
    watch->Start();
    sources.watches.push_back(std::move(watch));
  } else {
    source = std::make_unique<adapters::WatchedSource>("file " + file, adapters::FileFetcher(file),
                                                       std::move(load),
                                                       ReloadObserver(metrics, what + ":file"));
    if (Status first = source->Poll(); !first) return first;
    source->Start(c.reload_interval);
  }
  sources.watched.push_back(std::move(source));
  sources.what.push_back(what);
  return Ok();
}

int RunServe(const ServeFlags& flags) {
  adapters::ServeConfig config;
  if (!flags.config_file.empty()) {
    if (Status loaded = adapters::LoadConfigFile(flags.config_file, config); !loaded) {
      std::cerr << "gatehouse serve: " << loaded.error().message << "\n";
      return 2;
    }
  }
  const auto& table = adapters::ServeOptions();
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (flags.options[i]->count() == 0 &&
        (table[i].env.empty() || !std::getenv(table[i].env.c_str()))) {
      continue;
    }
    std::vector<std::string> items =
        table[i].is_list ? flags.lists[i] : std::vector<std::string>{flags.values[i]};
    for (const std::string& item : items) {
      if (Status set = table[i].set(config, item); !set) {
        std::cerr << "gatehouse serve: invalid value for --" << table[i].flag << ": "
                  << set.error().message << "\n";
        return 2;
      }
    }
  }
  if (Status valid = adapters::ValidateServeConfig(config); !valid) {
    std::cerr << "gatehouse serve: " << valid.error().message << "\n";
    return 2;
  }
  adapters::LogLevel level = adapters::LogLevel::kInfo;
  adapters::ParseLogLevel(config.log_level, level);
  adapters::SetLogLevel(level);

  const sigset_t signals = BlockTerminationSignals();
  const std::string data_dir = config.data_dir.empty() ? DefaultDataDir() : config.data_dir;
  auto metrics = std::make_shared<MetricsRegistry>();
  {
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    if (ec) {
      std::cerr << "gatehouse serve: cannot create data dir " << data_dir << ": " << ec.message()
                << "\n";
      return 1;
    }
  }

  // TLS: the operator's files, or a self-signed pair kept in the data folder.
  if (!config.insecure_plain_http && config.tls_cert_file.empty()) {
    Result<adapters::TlsFiles> generated =
        adapters::EnsureSelfSignedCertificate(data_dir + "/tls", {});
    if (!generated) {
      std::cerr << "gatehouse serve: " << generated.error().ToString() << "\n";
      return 1;
    }
    config.tls_cert_file = generated->cert_file;
    config.tls_key_file = generated->key_file;
    std::cout << "gatehouse: no --tls-cert-file given; serving a self-signed certificate.\n"
              << "gatehouse: CA certificate for clients: " << generated->ca_file << "\n"
              << std::flush;
  }

  // Authorization policy and sync config, watched.
  Sources sources;
  auto policy = std::make_shared<Snapshot<authz::keystone::Policy>>();
  bool policy_configured =
      !config.keystone_policy_file.empty() || !config.policy_configmap_name.empty();
  if (policy_configured) {
    authz::keystone::PolicyParseOptions policy_options;
    policy_options.lenient = config.keystone_policy_lenient;
    // Only ever text: a missing source is a failed reload in WatchedSource, never "no rules".
    auto load = [policy, policy_options](const std::string& text) -> Status {
      Result<authz::keystone::Policy> parsed =
          authz::keystone::ParseKeystonePolicy(text, policy_options);
      if (!parsed) return parsed.error();
      for (const std::string& warning : parsed->warnings) {
        LogWarn("policy warning", {{"warning", warning}});
      }
      policy->Publish(std::make_shared<const authz::keystone::Policy>(std::move(parsed).value()));
      return Ok();
    };
    if (Status watched =
            Watch(sources, config, config.keystone_policy_file, config.policy_configmap_name,
                  "policies", "policy", metrics, load, data_dir);
        !watched) {
      std::cerr << "gatehouse serve: policy: " << watched.error().ToString() << "\n";
      return 1;
    }
  } else {
    LogWarn("no policy configured: only authentication will work; use RBAC for authorization");
  }

  Result<KeystoneWiring> keystone = WireKeystone(config, data_dir, metrics);
  if (!keystone) {
    std::cerr << "gatehouse serve: keystone: " << keystone.error().ToString() << "\n";
    return 1;
  }
  const bool sync_configured =
      !config.sync_config_file.empty() || !config.sync_configmap_name.empty();
  if (sync_configured) {
    if (Status watched = Watch(sources, config, config.sync_config_file, config.sync_configmap_name,
                               "syncConfig", "sync", metrics, keystone->sync_loader, data_dir);
        !watched) {
      std::cerr << "gatehouse serve: sync config: " << watched.error().ToString() << "\n";
      return 1;
    }
  }

  Result<OidcWiring> oidc = WireOidc(config, metrics);
  if (!oidc) {
    std::cerr << "gatehouse serve: oidc: " << oidc.error().ToString() << "\n";
    return 1;
  }
  // Without OIDC issuers Keystone answers alone, exactly as before.
  std::shared_ptr<authn::TokenAuthenticator> authenticator = keystone->authenticator;
  if (!oidc->issuers.empty()) {
    authenticator =
        std::make_shared<adapters::IdentityChain>(oidc->issuers, keystone->authenticator);
  }

  adapters::WebhookOptions webhook_options;
  webhook_options.limits.max_body_bytes = config.max_body_bytes;
  webhook_options.limits.max_depth = config.max_json_depth;
  webhook_options.authentication_failure_status = config.authentication_failure_status;
  webhook_options.authorize.deny_on_no_match = config.authorization_no_match == "deny";
  auto service =
      std::make_shared<adapters::WebhookService>(webhook_options, authenticator, policy, metrics);
  // Registry token service and API, on by default (the realm is whatever URL clients reach).
  std::shared_ptr<adapters::registry_service::RegistryService> registry_svc;
  if (config.registry_enabled) {
    if (Status prefix = registry::ValidateRobotPrefix(config.robot_prefix); !prefix) {
      std::cerr << "gatehouse serve: invalid value for --robot-prefix: " << prefix.error().message
                << "\n";
      return 2;
    }
    adapters::registry_service::RegistryServiceOptions registry_options;
    registry_options.data_dir = data_dir;
    registry_options.database_url = config.registry_database;
    registry_options.service = config.registry_service;
    registry_options.issuer = config.registry_issuer;
    registry_options.admin_group = config.registry_admin_group;
    registry_options.token_ttl =
        std::chrono::duration_cast<std::chrono::seconds>(config.registry_token_ttl);
    registry_options.robot_prefix = config.robot_prefix;
    registry_options.signing_alg = registry::FindSigningAlg(config.registry_signing_alg)
                                       .value_or(registry::SigningAlg::kES256);
    registry_options.throttle.source_burst = config.registry_login_source_failures;
    registry_options.throttle.account_burst = config.registry_login_account_failures;
    registry_options.throttle.period = config.registry_login_throttle_period;
    // Bearer tokens (and JWT passwords) are verified by the same OIDC issuers as the webhook.
    std::shared_ptr<authn::TokenAuthenticator> registry_identity;
    if (!oidc->issuers.empty()) {
      registry_identity = std::make_shared<adapters::IdentityChain>(oidc->issuers, nullptr);
    }
    Result<std::unique_ptr<adapters::registry_service::RegistryService>> opened =
        adapters::registry_service::RegistryService::Open(registry_options, registry_identity,
                                                          metrics);
    if (!opened) {
      std::cerr << "gatehouse serve: registry: " << opened.error().ToString() << "\n";
      return 1;
    }
    registry_svc = std::move(opened).value();
    service->AddExtraRoutes(
        &adapters::registry_service::RegistryService::Handles,
        [registry_svc](const adapters::ServerRequest& r) { return registry_svc->Handle(r); });
    LogInfo("registry token service on",
            {{"path", adapters::registry_service::kTokenPath},
             {"service", config.registry_service},
             {"issuer", config.registry_issuer},
             {"database", adapters::RedactDatabaseUrl(config.registry_database)}});
  }
  // Admission: Gatekeeper's webhook on /v1/admit, its resources from the cluster (as
  // Gatekeeper's controller) or from a directory.
  std::shared_ptr<adapters::AdmissionService> admission_svc;
  std::shared_ptr<adapters::GatekeeperController> controller;
  std::shared_ptr<adapters::KubeClient> lease_kube;  // outlives the elector
  std::unique_ptr<adapters::LeaderElector> elector;
  if (config.gatekeeper_source == "kubernetes") {
    auto policies = std::make_shared<Snapshot<admission::PolicySet>>();
    auto inventory = std::make_shared<Snapshot<admission::Inventory>>();
    admission_svc = std::make_shared<adapters::AdmissionService>(
        AdmissionOptions(config, webhook_options), policies, inventory, metrics);
    if (!sources.kube) {
      Result<std::shared_ptr<adapters::KubeClient>> kube = ConnectKubernetes(config, data_dir);
      if (!kube) {
        std::cerr << "gatehouse serve: gatekeeper source: " << kube.error().ToString() << "\n";
        return 1;
      }
      sources.kube = *kube;
    }
    adapters::GatekeeperControllerOptions controller_options;
    controller_options.config_namespace = config.admission_namespace;
    controller_options.pod_id = PodIdentity();
    controller_options.audit_interval = config.audit_interval;
    controller_options.violations_limit =
        static_cast<std::size_t>(config.constraint_violations_limit);
    controller_options.max_steps = static_cast<std::uint64_t>(config.admission_max_steps);
    controller_options.max_audited_objects = static_cast<std::size_t>(config.audit_max_objects);
    controller = std::make_shared<adapters::GatekeeperController>(
        sources.kube, controller_options, policies, inventory,
        [admission_svc](const admission::PolicySet& set) { admission_svc->ObservePolicySet(set); });
    if (Status started = controller->Start(); !started) {
      std::cerr << "gatehouse serve: gatekeeper source: " << started.error().ToString() << "\n";
      return 1;
    }
    if (config.leader_elect) {
      adapters::LeaderElectorOptions lease;
      lease.namespace_name = config.admission_namespace;
      lease.name = config.leader_election_lease;
      lease.identity = controller_options.pod_id;
      if (Status valid = adapters::ValidateLeaderElectorOptions(lease); !valid) {
        std::cerr << "gatehouse serve: leader election: " << valid.error().ToString() << "\n";
        return 1;
      }
      // Lease requests end well within the renew deadline, so a round never overruns it.
      Result<std::shared_ptr<adapters::KubeClient>> lease_client =
          ConnectKubernetes(config, data_dir, std::chrono::seconds(4));
      if (!lease_client) {
        std::cerr << "gatehouse serve: leader election: " << lease_client.error().ToString()
                  << "\n";
        return 1;
      }
      lease_kube = *lease_client;
      adapters::LeaderCallbacks callbacks;
      callbacks.on_started_leading = [controller] { controller->SetLeading(true); };
      callbacks.on_stopped_leading = [controller] { controller->SetLeading(false); };
      elector = std::make_unique<adapters::LeaderElector>(*lease_kube, lease, callbacks);
      if (Status started = elector->Start(); !started) {
        std::cerr << "gatehouse serve: leader election: " << started.error().ToString() << "\n";
        return 1;
      }
    } else {
      controller->SetLeading(true);
    }
    service->AddExtraRoutes(
        &adapters::AdmissionService::Handles,
        [admission_svc](const adapters::ServerRequest& r) { return admission_svc->Handle(r); });
    LogInfo("admission webhook on", {{"path", "/v1/admit"},
                                     {"source", "kubernetes"},
                                     {"pod", controller_options.pod_id},
                                     {"leader_election", config.leader_elect ? "lease" : "off"}});
  } else if (!config.gatekeeper_source.empty()) {
    auto policies = std::make_shared<Snapshot<admission::PolicySet>>();
    admission_svc = std::make_shared<adapters::AdmissionService>(
        AdmissionOptions(config, webhook_options), policies,
        std::make_shared<Snapshot<admission::Inventory>>(), metrics);
    auto load = [policies, admission_svc](const std::string& text) -> Status {
      std::shared_ptr<const admission::PolicySet> previous = policies->Load();
      auto set = adapters::LoadGatekeeperDirectory(text, previous.get());
      if (!set) return set.error();
      for (const admission::PolicyProblem& p : (*set)->problems()) {
        LogError("Gatekeeper resource refused", {{"source", p.source},
                                                 {"kind", p.kind},
                                                 {"name", p.name},
                                                 {"error", p.error.ToString()}});
      }
      policies->Publish(*set);
      admission_svc->ObservePolicySet(**set);
      LogInfo("Gatekeeper resources in force",
              {{"templates", std::to_string((*set)->templates().size())},
               {"constraints", std::to_string((*set)->constraints().size())},
               {"refused", std::to_string((*set)->problems().size())}});
      return Ok();
    };
    auto source = std::make_unique<adapters::WatchedSource>(
        "directory " + config.gatekeeper_source,
        adapters::GatekeeperDirectoryFetcher(config.gatekeeper_source), load,
        ReloadObserver(metrics, "gatekeeper:directory"));
    if (Status first = source->Poll(); !first) {
      std::cerr << "gatehouse serve: gatekeeper source: " << first.error().ToString() << "\n";
      return 1;
    }
    source->Start(config.reload_interval);
    sources.watched.push_back(std::move(source));
    sources.what.push_back("gatekeeper");
    service->AddExtraRoutes(
        &adapters::AdmissionService::Handles,
        [admission_svc](const adapters::ServerRequest& r) { return admission_svc->Handle(r); });
    LogInfo("admission webhook on", {{"path", "/v1/admit"}, {"source", config.gatekeeper_source}});
  }
  // A Conftest-style policy bundle on the same route, beside or instead of Gatekeeper's.
  if (!config.policy_bundle.empty()) {
    const bool route_added = admission_svc != nullptr;
    if (!admission_svc) {
      admission_svc = std::make_shared<adapters::AdmissionService>(
          AdmissionOptions(config, webhook_options), nullptr, nullptr, metrics);
    }
    adapters::PolicyBundleSettings bundle_settings;
    bundle_settings.dir = config.policy_bundle;
    bundle_settings.data = config.policy_data;
    if (!config.policy_namespaces.empty()) bundle_settings.namespaces = config.policy_namespaces;
    bundle_settings.all_namespaces = config.policy_all_namespaces;
    bundle_settings.version =
        config.rego_version == "v0" ? rego::RegoVersion::kV0 : rego::RegoVersion::kV1;
    bundle_settings.annotation_domain = config.policy_annotation_domain;
    auto bundles = std::make_shared<Snapshot<admission::bundle::ServedBundle>>();
    admission_svc->SetPolicyBundle(bundles);
    auto load = [bundles, bundle_settings](const std::string& text) -> Status {
      auto served = adapters::LoadPolicyBundle(text, bundle_settings);
      if (!served) return served.error();
      bundles->Publish(*served);
      std::string namespaces;
      for (const std::string& ns : (*served)->checker->namespaces()) {
        namespaces += (namespaces.empty() ? "" : ",") + ns;
      }
      LogInfo("policy bundle in force", {{"dir", bundle_settings.dir}, {"namespaces", namespaces}});
      return Ok();
    };
    auto source = std::make_unique<adapters::WatchedSource>(
        "policy bundle " + config.policy_bundle, adapters::PolicyBundleFetcher(bundle_settings),
        load, ReloadObserver(metrics, "admission:policy-bundle"));
    if (Status first = source->Poll(); !first) {
      std::cerr << "gatehouse serve: policy bundle: " << first.error().ToString() << "\n";
      return 1;
    }
    source->Start(config.reload_interval);
    sources.watched.push_back(std::move(source));
    sources.what.push_back("policy-bundle");
    if (!route_added) {
      service->AddExtraRoutes(
          &adapters::AdmissionService::Handles,
          [admission_svc](const adapters::ServerRequest& r) { return admission_svc->Handle(r); });
    }
    LogInfo("admission webhook on",
            {{"path", "/v1/admit"}, {"policy_bundle", config.policy_bundle}});
  }
  std::vector<std::pair<std::string, const adapters::WatchedSource*>> watched;
  for (std::size_t i = 0; i < sources.watched.size(); ++i) {
    watched.emplace_back(sources.what[i], sources.watched[i].get());
  }
  service->SetReadinessProbe(
      [watched, ready = keystone->ready, oidc_ready = oidc->ready, controller]() {
        std::vector<adapters::ReadinessCheck> checks;
        for (const auto& [what, source] : watched) {
          checks.push_back(adapters::WatchedSourceCheck(what, *source));
        }
        if (controller) {
          std::string why = controller->NotReadyReason();
          checks.push_back(adapters::ReadinessCheck{"gatekeeper", why.empty(), why});
        }
        for (const auto& [name, probe] :
             {std::pair{"keystone", ready}, std::pair{"oidc", oidc_ready}}) {
          if (!probe) continue;
          std::string why = probe();
          checks.push_back(adapters::ReadinessCheck{name, why.empty(), why});
        }
        return adapters::ReadinessFromChecks(std::move(checks));
      });
  service->SetMetricsRefresher([keystone_metrics = keystone->refresh_metrics,
                                oidc_metrics = oidc->refresh_metrics, registry_svc] {
    if (keystone_metrics) keystone_metrics();
    if (oidc_metrics) oidc_metrics();
    if (registry_svc) registry_svc->RefreshMetrics();
  });

  adapters::ServerOptions server_options;
  server_options.listen = config.listen;
  server_options.tls = !config.insecure_plain_http;
  server_options.cert_file = config.tls_cert_file;
  server_options.key_file = config.tls_key_file;
  server_options.client_ca_file = config.client_ca_file;
  server_options.require_client_cert = config.require_client_cert;
  server_options.max_body_bytes = config.max_body_bytes;
  // Handlers run on the I/O threads and a cold token waits for Keystone there; keep enough
  // threads that a slow identity provider does not stall health checks and cached requests.
  server_options.threads =
      config.threads > 0 ? config.threads
                         : static_cast<int>(std::max(4u, 2 * std::thread::hardware_concurrency()));
  server_options.max_deadline = config.max_request_timeout;
  server_options.max_connections = config.max_connections;
  server_options.metrics = metrics.get();
  adapters::RouteLimits route_limits;
  route_limits.review_max_in_flight = config.review_max_in_flight;
  route_limits.registry_workers = config.registry_workers;
  route_limits.registry_max_in_flight = config.registry_max_in_flight;
  adapters::ConfigureRouteClasses(route_limits, registry_svc != nullptr, server_options);
  auto server = adapters::HttpServer::Start(
      server_options, [service](const adapters::ServerRequest& r) { return service->Handle(r); });
  if (!server) {
    std::cerr << "gatehouse serve: " << server.error().ToString() << "\n";
    return 1;
  }
  LogInfo("serving", {{"listen", config.listen},
                      {"port", std::to_string((*server)->port())},
                      {"tls", server_options.tls ? "true" : "false"},
                      {"keystone", config.keystone_url.empty() ? "off" : config.keystone_url},
                      {"oidc_issuers", std::to_string(oidc->issuers.size())}});
  std::cout << "gatehouse: listening on port " << (*server)->port() << "\n" << std::flush;

  int received = 0;
  sigwait(&signals, &received);
  LogInfo("stopping", {{"signal", std::to_string(received)}});
  (*server)->Stop();
  if (elector) elector->Stop();  // releases the Lease so another replica takes over at once
  if (controller) controller->Stop();
  for (auto& watch : sources.watches) watch->Stop();
  for (auto& source : sources.watched) source->Stop();
  if (oidc->refresher) oidc->refresher->Stop();
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, int* exit_code) {
  CLI::App* serve = app.add_subcommand(
      "serve",
      "Run the webhook server: /webhook, /authenticate, /authorize, /healthz, /readyz, /metrics.\n"
      "Every option may also be set in the YAML file given by --config under the key shown;\n"
      "flags win over environment variables, which win over the file.\n"
      "Several OpenID Connect issuers: the file key oidc.issuers, a list of mappings with the\n"
      "keys of the --oidc-* flags below (issuerURL, clientID, usernameClaim, ...).");
  auto flags = std::make_shared<ServeFlags>();
  serve->add_option("--config", flags->config_file, "YAML configuration file")
      ->envname("GATEHOUSE_CONFIG");
  const auto& table = adapters::ServeOptions();
  adapters::ServeConfig defaults;
  flags->values.resize(table.size());
  flags->lists.resize(table.size());
  for (std::size_t i = 0; i < table.size(); ++i) {
    const adapters::ServeOption& option = table[i];
    std::string help = option.help;
    if (option.is_bool && !option.get(defaults).empty()) {
      help += " (default: " + option.get(defaults) + ")";
    }
    help += "  [file key: " + option.key + "]";
    CLI::Option* added = nullptr;
    if (option.is_list) {
      added = serve->add_option("--" + option.flag, flags->lists[i], help);
    } else {
      added = serve->add_option("--" + option.flag, flags->values[i], help);
      if (option.is_bool) added->expected(0, 1);
      const std::string shown = option.get(defaults);
      // CLI11 gives a bare flag its default string as value, so a bare `--insecure-plain-http`
      // would read "false"; a bool flag gets no default string and reads "" (true).
      if (!shown.empty() && !option.is_bool) added->default_str(shown);
      if (!option.env.empty()) added->envname(option.env);
    }
    flags->options.push_back(added);
  }
  // klog's verbosity flag, accepted so k8s-keystone-auth Deployments start unchanged.
  serve->add_option("-v,--v", flags->klog_verbosity, "accepted for compatibility (klog)");
  serve->callback([flags, exit_code] { *exit_code = RunServe(*flags); });
}

}  // namespace gatehouse::app
