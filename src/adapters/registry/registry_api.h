// RegistryApi: the projects, members, robots and current-user endpoints under `/api/v2.0/`,
// shaped like Harbor's REST API v2.0 (FACTS.md §2.6) so its tools and habits carry over.
//
//   GET|HEAD|POST          /projects                      (?name= ?public= ?page= ?page_size=)
//   GET|PUT|DELETE         /projects/{name_or_id}         (X-Is-Resource-Name: true = by name)
//   GET|POST               /projects/{p}/members          (?entityname=)
//   GET|PUT|DELETE         /projects/{p}/members/{mid}
//   GET|POST               /robots                        (?q=Level=project,ProjectID=<id>)
//   GET|PUT|PATCH|DELETE   /robots/{id}                   (PATCH: new secret, shown once)
//   GET                    /users/current
// Errors are {"errors":[{"code","message"}]}: 400 BAD_REQUEST (malformed JSON, invalid names:
// nothing is stored), 401 UNAUTHORIZED (with a Basic challenge), 403 FORBIDDEN, 404 NOT_FOUND,
// 405 METHOD_NOT_ALLOWED, 409 CONFLICT (duplicates), 412 PRECONDITION (a project that still has
// robots), 500/503. Lists carry X-Total-Count.
//
// Who may call: every endpoint but /users/current needs a system administrator (a person whose
// identity-provider groups include the administrator group, by OIDC token or personal access
// token); robots and other people get 403. Bootstrap with the `gatehouse registry` CLI, which
// works on the store directly. Thread-safe; Handle() never throws.
#pragma once

#include <cstddef>
#include <string>

#include "adapters/http/http_server.h"
#include "adapters/registry/caller_authenticator.h"
#include "common/clock.h"
#include "registry/secret.h"
#include "registry/store.h"
#include "registry/verified_secret_cache.h"

namespace gatehouse::adapters::registry_service {

inline constexpr char kApiPrefix[] = "/api/v2.0";

struct RegistryApiOptions {
  std::string robot_prefix = "robot+";
  std::string challenge_realm = "gatehouse registry";
  std::size_t max_body_bytes = 64 << 10;
  registry::SecretHashOptions hashing;
};

class RegistryApi {
 public:
  // Everything referenced must outlive the API object.
  RegistryApi(RegistryApiOptions options, registry::RegistryStore& store,
              CallerAuthenticator& authenticator, registry::VerifiedSecretCache& cache,
              const Clock& clock);

  ServerResponse Handle(const ServerRequest& request);

 private:
  struct Call;
  ServerResponse Route(Call& call);
  ServerResponse Projects(Call& call);
  ServerResponse Project(Call& call, const std::string& ref);
  ServerResponse Members(Call& call, const std::string& ref);
  ServerResponse Member(Call& call, const std::string& ref, const std::string& member);
  ServerResponse Robots(Call& call);
  ServerResponse Robot(Call& call, const std::string& id);
  ServerResponse CurrentUser(Call& call);

  RegistryApiOptions options_;
  registry::RegistryStore& store_;
  CallerAuthenticator& authenticator_;
  registry::VerifiedSecretCache& cache_;
  const Clock& clock_;
};

}  // namespace gatehouse::adapters::registry_service
