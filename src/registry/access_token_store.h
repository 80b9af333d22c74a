// AccessTokenStore: personal access tokens (a person's registry passwords; hashes only).
//
// Part of RegistryStore (store.h), whose contract holds here: implementations are thread-safe,
// every method is one transaction in which a change and its audit event are committed together,
// timestamps come from the store's Clock. Errors (Error::code): "not_found", "conflict",
// "invalid_argument", "store_unavailable", "store_error"; messages name the object and never
// contain a secret, a secret hash or SQL text. `actor` is recorded in the audit log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "registry/listing.h"
#include "registry/model.h"

namespace gatehouse::registry {

struct NewAccessToken {
  std::int64_t user_id = 0;
  std::string name;  // unique per user
  std::string secret_hash;
  std::vector<std::string> groups;
  std::int64_t expires_at = kNever;
};

class AccessTokenStore {
 public:
  virtual ~AccessTokenStore() = default;

  // "not_found" if the user does not exist; "conflict" if the user has a token of that name.
  virtual Result<PersonalAccessToken> CreateAccessToken(std::string_view actor,
                                                        const NewAccessToken& token) = 0;
  virtual Result<PersonalAccessToken> LoadAccessTokenById(std::int64_t id) = 0;
  virtual Result<PersonalAccessToken> LoadAccessToken(std::int64_t user_id,
                                                      std::string_view name) = 0;
  virtual Result<std::vector<PersonalAccessToken>> ListAccessTokens(std::int64_t user_id) = 0;
  // Records a use (not audited: it is not a change anyone made). `groups`, when given,
  // replaces the stored groups (the user's groups from a fresh ID token).
  virtual Status RecordAccessTokenUse(std::int64_t id, std::int64_t when,
                                      const std::optional<std::vector<std::string>>& groups) = 0;
  virtual Status RevokeAccessToken(std::string_view actor, std::int64_t id) = 0;  // deletes
};

}  // namespace gatehouse::registry
