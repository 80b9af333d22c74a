// RegistryApi: the projects, members, robots, users and access-token endpoints under `/api/v2.0/`,
// shaped like Harbor's REST API v2.0 (api/v2.0/swagger.yaml in goharbor/harbor) so its tools and
// habits carry over.
//
//   GET|HEAD|POST          /projects                      (?name= ?public= ?page= ?page_size=)
//   GET|PUT|DELETE         /projects/{name_or_id}         (X-Is-Resource-Name: true = by name)
//   GET|POST               /projects/{p}/members          (?entityname=)
//   GET|PUT|DELETE         /projects/{p}/members/{mid}
//   GET|POST               /robots                        (?q=Level=project,ProjectID=<id>)
//   GET|PUT|PATCH|DELETE   /robots/{id}                   (PATCH: new secret, shown once)
//   GET                    /users/current
//   GET|POST               /users/current/tokens          personal access tokens (ours)
//   DELETE                 /users/current/tokens/{id}
//   GET                    /users                         (?page= ?page_size=)
//   PUT                    /users/{id}/relink             {"issuer","subject"}
// Errors are {"errors":[{"code","message"}]}: 400 BAD_REQUEST (malformed JSON, invalid names:
// nothing is stored), 401 UNAUTHORIZED (with a Basic challenge), 403 FORBIDDEN, 404 NOT_FOUND,
// 405 METHOD_NOT_ALLOWED, 409 CONFLICT (duplicates), 412 PRECONDITION (a project that still has
// robots), 500/503. Lists carry X-Total-Count. Robot and member bodies are decoded strictly: a
// field Harbor's body does not define, or a field of the wrong type ("role_id": "1"), is a 400
// naming it, never a 200 that changes nothing. PUT /robots/{id} changes only the fields it
// names, merged with the stored robot inside the store's transaction.
//
// Who may call (people; roles come from direct user membership and group membership):
//   system administrator   everything (a person whose identity-provider groups include the
//                          administrator group, by OIDC token or personal access token)
//   anyone signed in       GET /projects lists public projects and the caller's own;
//                          GET/HEAD of a project that is public or where the caller is a member
//   project member         GET of the project's members
//   projectAdmin           PUT of the project; its members; its project robots (list with
//                          ?q=ProjectID=<id>, create, read, update, rotate, delete); never a
//                          permission naming another project, "*" or a system robot
//   system administrator   POST /projects, DELETE /projects/{p}, system robots, /users
// A project the caller may not see answers 404 exactly as a missing one (status, headers and
// body byte for byte), so private project names do not leak; a visible one with too small a
// role answers 403 FORBIDDEN. Likewise a robot id answers a non-administrator exactly as a
// missing id when it is a system robot or a robot of a project the caller is no member of; a
// member id of another project, or another person's token id, as a missing one. Robots get 403
// everywhere but GET /users/current. Personal access tokens are minted only by a person signed
// in with an identity token (not by another access token: a leaked one must not breed).
// Bootstrap with the `gatehouse registry` CLI, which works on the store directly.
// Thread-safe; Handle() never throws.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "adapters/http/http_server.h"
#include "adapters/registry/caller_authenticator.h"
#include "common/clock.h"
#include "registry/project_permissions.h"
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
  ServerResponse AccessTokens(Call& call);
  ServerResponse AccessToken(Call& call, const std::string& id);
  ServerResponse Users(Call& call);
  // /users/{id} (GET, DELETE) and /users/{id}/tokens/{token_id} (DELETE): administrators.
  ServerResponse User(Call& call, const std::string& id, const std::string* token_id);
  ServerResponse UserTokens(Call& call, const std::string& id);  // GET /users/{id}/tokens
  ServerResponse TokensOf(std::int64_t user_id);
  ServerResponse RevokeTokenOf(Call& call, std::int64_t user_id, const std::string& username,
                               const std::string& token_id);
  ServerResponse RelinkUser(Call& call, const std::string& id);

  // nullopt when registry::DecideProjectAction (project_permissions.h) allows `action` on
  // `project`. Otherwise the answer: 404 with `hidden_message` when the project must look
  // missing, else 403 worded by the refusal's reason; or the store's failure loading the
  // caller's roles. `hidden_message` must be what a missing object answers, byte for byte.
  std::optional<ServerResponse> Refusal(const Call& call, const registry::Project& project,
                                        registry::ProjectAction action,
                                        std::string_view hidden_message);
  // The project `ref` names (an id, or a name with X-Is-Resource-Name: true) when the caller
  // may do `action` to it; otherwise the answer to send (the store's error or the Refusal).
  std::variant<registry::Project, ServerResponse> ProjectFor(Call& call, const std::string& ref,
                                                             registry::ProjectAction action);

  RegistryApiOptions options_;
  registry::RegistryStore& store_;
  CallerAuthenticator& authenticator_;
  registry::VerifiedSecretCache& cache_;
  const Clock& clock_;
};

}  // namespace gatehouse::adapters::registry_service
