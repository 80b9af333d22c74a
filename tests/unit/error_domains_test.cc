// Every error domain of the project at once: a wire string names one failure across the whole
// project (so logs, metrics and API answers are unambiguous), and every domain header is here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/config/config_errors.h"
#include "adapters/credential_cache/credential_cache_errors.h"
#include "adapters/http/http_errors.h"
#include "adapters/identity/identity_errors.h"
#include "adapters/keystone/keystone_auth_errors.h"
#include "adapters/kubernetes/kubernetes_errors.h"
#include "adapters/oidc/oidc_provider_errors.h"
#include "adapters/registry/registry_service_errors.h"
#include "adapters/reload/reload_errors.h"
#include "adapters/tls/tls_errors.h"
#include "adapters/webhook/webhook_errors.h"
#include "admission/admission_errors.h"
#include "authn/jwt/jwt_errors.h"
#include "authn/keystone/keystone_errors.h"
#include "authn/oidc/oauth_errors.h"
#include "authn/oidc/oidc_errors.h"
#include "authz/keystone/policy_errors.h"
#include "common/codec/codec_errors.h"
#include "common/common_errors.h"
#include "gatehouse/app_errors.h"
#include "k8s/k8s_errors.h"
#include "registry/registry_errors.h"
#include "registry/store_errors.h"
#include "rego/builtins/builtin_failure.h"
#include "rego/builtins/graphql/graphql_errors.h"
#include "rego/rego_errors.h"
#include "value/value_errors.h"

namespace gatehouse {
namespace {

struct Domain {
  std::string name;
  std::vector<std::string_view> wires;
};

template <typename E, std::size_t N>
std::vector<std::string_view> Wires(const E (&all)[N]) {
  std::vector<std::string_view> out;
  for (E e : all) out.push_back(WireName(e));
  return out;
}

std::vector<Domain> AllDomains() {
  return {
      Domain{"CommonError", Wires(kAllCommonErrors)},
      Domain{"CodecError", Wires(codec::kAllCodecErrors)},
      Domain{"ValueError", Wires(value::kAllValueErrors)},
      Domain{"K8sError", Wires(k8s::kAllK8sErrors)},
      Domain{"JwtError", Wires(authn::jwt::kAllJwtErrors)},
      Domain{"KeystoneError", Wires(authn::kAllKeystoneErrors)},
      Domain{"OidcError", Wires(authn::oidc::kAllOidcErrors)},
      Domain{"OAuthError", Wires(authn::oidc::kAllOAuthErrors)},
      Domain{"PolicyError", Wires(authz::keystone::kAllPolicyErrors)},
      Domain{"RegoError", Wires(rego::kAllRegoErrors)},
      Domain{"AdmissionError", Wires(admission::kAllAdmissionErrors)},
      Domain{"BuiltinFailure", Wires(rego::kAllBuiltinFailures)},
      Domain{"GraphqlError", Wires(rego::graphql::kAllGraphqlErrors)},
      Domain{"RegistryError", Wires(registry::kAllRegistryErrors)},
      Domain{"StoreError", Wires(registry::kAllStoreErrors)},
      Domain{"HttpError", Wires(adapters::kAllHttpErrors)},
      Domain{"TlsError", Wires(adapters::kAllTlsErrors)},
      Domain{"ConfigError", Wires(adapters::kAllConfigErrors)},
      Domain{"CredentialCacheError", Wires(adapters::kAllCredentialCacheErrors)},
      Domain{"IdentityError", Wires(adapters::kAllIdentityErrors)},
      Domain{"KeystoneAuthError", Wires(adapters::kAllKeystoneAuthErrors)},
      Domain{"KubernetesError", Wires(adapters::kAllKubernetesErrors)},
      Domain{"OidcProviderError", Wires(adapters::kAllOidcProviderErrors)},
      Domain{"RegistryServiceError", Wires(adapters::registry_service::kAllRegistryServiceErrors)},
      Domain{"ReloadError", Wires(adapters::kAllReloadErrors)},
      Domain{"WebhookError", Wires(adapters::kAllWebhookErrors)},
      Domain{"AppError", Wires(app::kAllAppErrors)},
  };
}

TEST(ErrorDomainsTest, EachWireStringNamesOneFailureOfTheProject) {
  // RFC 6749 names an OAuth error invalid_scope and the registry names a Docker scope it cannot
  // parse invalid_scope: both are the peers' own words, and no code compares the two.
  const std::set<std::string_view> shared = {"invalid_scope"};
  std::map<std::string_view, std::vector<std::string>> owners;
  for (const Domain& d : AllDomains()) {
    for (std::string_view wire : d.wires) owners[wire].push_back(d.name);
  }
  for (const auto& [wire, names] : owners) {
    if (shared.contains(wire)) {
      EXPECT_EQ(names.size(), 2u) << wire;
      continue;
    }
    EXPECT_EQ(names.size(), 1u) << wire << " is in " << ::testing::PrintToString(names);
  }
  EXPECT_GT(owners.size(), 100u);
}

TEST(ErrorDomainsTest, EveryDomainHeaderOfTheSourceTreeIsListedHere) {
  std::set<std::string> declared;
  for (const char* top : {"src", "apps"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(
             std::filesystem::path(GATEHOUSE_SOURCE_DIR) / top)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".h") continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      const std::string body = text.str();
      const std::string marker = "static_assert(ValidErrorEnum(kAll";
      for (std::size_t at = body.find(marker); at != std::string::npos;
           at = body.find(marker, at + 1)) {
        std::size_t start = at + marker.size();
        std::size_t end = body.find("s))", start);
        declared.insert(body.substr(start, end - start));
      }
    }
  }
  std::set<std::string> listed;
  for (const Domain& d : AllDomains()) listed.insert(d.name);
  EXPECT_EQ(declared, listed);
}

}  // namespace
}  // namespace gatehouse
