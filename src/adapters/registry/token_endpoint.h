// TokenEndpoint: the Docker Registry v2 token service (`/service/token`), as distribution's
// docs/spec/auth/token.md describes it.
//
//   GET  ?service=<svc>&scope=<s>[&scope=<s>...][&account=<user>]   credentials in Authorization
//   POST (OAuth2 form: grant_type=password, username, password, service, scope, client_id)
//
// 200 {token, access_token, expires_in, issued_at}: the access granted is requested ∩ allowed
// (a partial or empty grant is not an error); anonymous callers get what public projects allow.
// 400 for an unknown service, malformed scopes or a malformed request; 414 for a query beyond
// the size limit; 401 with a Basic challenge and {"errors":[{code,message}]} for wrong,
// disabled or expired credentials, also when no scope is asked (`docker login`); 429
// TOOMANYREQUESTS with Retry-After when the caller's source or account has failed too often
// (CallerAuthenticator's throttle); 405 for other methods; 503/500 when the store or the signer
// fails. Never logs or echoes a secret.
//
// Thread-safe; Handle() never throws.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "adapters/http/http_server.h"
#include "adapters/registry/caller_authenticator.h"
#include "adapters/registry/signing_key_files.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "registry/member_store.h"
#include "registry/scope.h"

namespace gatehouse::adapters::registry_service {

inline constexpr char kTokenPath[] = "/service/token";

struct TokenEndpointOptions {
  std::string service = "registry";  // the registry's auth.token.service
  std::string issuer = "gatehouse";  // the registry's auth.token.issuer
  std::chrono::seconds ttl{300};
  std::string challenge_realm = "gatehouse registry";  // realm of the Basic challenge
  std::size_t max_query_bytes = 16384;  // all query names and values together (beyond: 414)
  std::size_t max_query_params = 64;
  registry::ScopeLimits scope_limits;
};

class TokenEndpoint {
 public:
  // `metrics` may be null. Everything referenced must outlive the endpoint.
  TokenEndpoint(TokenEndpointOptions options, registry::MemberStore& store,
                CallerAuthenticator& authenticator, SigningKeySource& keys, const Clock& clock,
                MetricsRegistry* metrics);

  ServerResponse Handle(const ServerRequest& request);

 private:
  ServerResponse Issue(const Caller& caller, const std::string* service,
                       const std::vector<std::string>& scope_params);
  ServerResponse HandlePost(const ServerRequest& request);
  ServerResponse Fail(int status, std::string_view code, std::string_view message,
                      Counter* outcome);
  ServerResponse FailWith(const Error& error);

  TokenEndpointOptions options_;
  registry::MemberStore& store_;
  CallerAuthenticator& authenticator_;
  SigningKeySource& keys_;
  const Clock& clock_;
  // Looked up once: the token path never takes the registry's lock.
  Counter* issued_ = nullptr;
  Counter* unauthorized_ = nullptr;
  Counter* bad_request_ = nullptr;
  Counter* failed_ = nullptr;
  Counter* throttled_ = nullptr;
};

}  // namespace gatehouse::adapters::registry_service
