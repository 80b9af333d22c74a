// UserStore: the people who signed in through an identity provider, linked by issuer+subject.
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

// What an identity provider login says about a person (UpsertUserAtLogin).
struct UserLogin {
  std::string issuer;
  std::string subject;
  std::string username;
  std::string email;
  bool sysadmin = false;
};

class UserStore {
 public:
  virtual ~UserStore() = default;

  // Finds the user by issuer+subject and refreshes username, email and sysadmin, or creates
  // it ("user.create" audited; changes audited as "user.update"). A new username takes the
  // user's memberships along (one the new name already has in a project is kept), so whoever
  // later gets the old name inherits nothing. "conflict" when another
  // user (another issuer+subject) holds the username: the administrator re-links explicitly
  // (RelinkUser) instead of the login silently taking over an account.
  virtual Result<User> UpsertUserAtLogin(const UserLogin& login) = 0;
  virtual Result<User> LoadUser(std::string_view username) = 0;
  virtual Result<User> LoadUserById(std::int64_t id) = 0;
  virtual Result<User> LoadUserBySubject(std::string_view issuer, std::string_view subject) = 0;
  virtual Result<Listing<User>> ListUsers(const PageRequest& page) = 0;  // ordered by username
  // Points the existing user `username` at a new issuer+subject (the identity provider
  // changed), keeping its memberships and tokens; audited as "user.relink" with the old and
  // new identity. "conflict" if the new issuer+subject already belongs to another user.
  virtual Result<User> RelinkUser(std::string_view actor, std::string_view username,
                                  std::string_view issuer, std::string_view subject) = 0;
  // Deletes the user, its access tokens and its user memberships (a later account with the
  // same username must not inherit them). Memberships given to a name no user holds yet
  // (prepared before a first login) are not touched by anything else.
  virtual Status DeleteUser(std::string_view actor, std::int64_t id) = 0;
};

}  // namespace gatehouse::registry
