// TokenAuthenticator: one identity source's answer to "whose bearer token is this?".
//
// Authenticate() returns the user, or an Error whose code says why not ("token_invalid",
// "token_expired", "keystone_unavailable", ...); codes reach TokenReview status.error and the
// metrics, messages never contain the token. Implementations are thread-safe and bound their own
// time by their configured timeout.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "authn/token_digest.h"
#include "common/result.h"
#include "k8s/user_info.h"

namespace gatehouse::authn {

class TokenAuthenticator {
 public:
  virtual ~TokenAuthenticator() = default;
  virtual Result<k8s::UserInfo> Authenticate(std::string_view token) = 0;
  // The same, answering by `deadline` (the API server's ?timeout=) when that is sooner than the
  // source's own timeout. Sources that cannot shorten their wait keep their own timeout.
  virtual Result<k8s::UserInfo> AuthenticateWithin(std::string_view token,
                                                   std::chrono::steady_clock::time_point deadline) {
    (void)deadline;
    return Authenticate(token);
  }
  // A cached outcome for the token with this key, without any other work; nullopt when the
  // source has none (or keeps no cache, or keys its tokens another way). Lets a router answer
  // repeated tokens before parsing them.
  virtual std::optional<Result<k8s::UserInfo>> FindCached(const TokenKey& key) {
    (void)key;
    return std::nullopt;
  }
};

}  // namespace gatehouse::authn
