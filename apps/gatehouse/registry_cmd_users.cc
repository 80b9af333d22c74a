// `gatehouse registry user ...`: the people the registry knows, keyed by the identity provider's
// issuer + subject. `create` pre-provisions a person before their first login (so members and
// access tokens can be set up ahead); `relink` points a username at a new issuer + subject when
// the identity provider changes, instead of Harbor's "already onboarded" dead end.
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "common/codec/rfc3339.h"
#include "common/common_errors.h"
#include "gatehouse/registry_cmd.h"
#include "registry/names.h"
#include "registry/token_response.h"
#include "value/json.h"
#include "value/value.h"

namespace gatehouse::app::registry_cli {
namespace {

using value::Value;

constexpr std::size_t kMaxUsernameBytes = 255;
constexpr std::size_t kMaxIssuerBytes = 2048;
constexpr std::size_t kMaxSubjectBytes = 255;

// A username is what a person types as the Basic user name with an access token: it cannot hold
// ':' (Basic splits on it) nor start with the robot prefix (such logins are robots only).
Status CheckUsername(const std::string& username, const RegistryFlags& f) {
  if (Status plain = CheckPlainText("the username", username, kMaxUsernameBytes); !plain) {
    return plain;
  }
  if (username.find(':') != std::string::npos) {
    return MakeError(CommonError::kInvalidArgument, "the username must not contain ':'");
  }
  if (registry::HasRobotPrefix(username, f.robot_prefix)) {
    return MakeError(CommonError::kInvalidArgument,
                     "the username must not start with the robot prefix " + f.robot_prefix);
  }
  return Ok();
}

Status CheckIdentity(const RegistryFlags& f) {
  if (Status valid = CheckPlainText("--issuer", f.user_issuer, kMaxIssuerBytes); !valid) {
    return valid;
  }
  return CheckPlainText("--subject", f.user_subject, kMaxSubjectBytes);
}

Value UserJson(const registry::User& user) {
  Value out = Value::MakeObject();
  out.Set("id", Value(user.id));
  out.Set("username", Value(user.username));
  out.Set("issuer", Value(user.issuer));
  out.Set("subject", Value(user.subject));
  out.Set("email", Value(user.email));
  out.Set("sysadmin", Value(user.sysadmin));
  out.Set("creation_time", Value(codec::FormatRfc3339Utc(user.creation_time)));
  return out;
}

std::string IdentityText(const std::string& issuer, const std::string& subject) {
  return "issuer " + Printable(issuer) + " subject " + Printable(subject);
}

int List(registry::UserStore& store, const RegistryFlags& f) {
  registry::PageRequest page;
  page.page_size = registry::kMaxPageSize;
  Value items = Value::MakeArray();
  if (f.output != "json") std::cout << "USERNAME\tISSUER\tSUBJECT\tEMAIL\tSYSADMIN\n";
  for (;; ++page.page) {
    Result<registry::Listing<registry::User>> listing = store.ListUsers(page);
    if (!listing) return FailWith(listing.error());
    for (const registry::User& user : listing->items) {
      if (f.output == "json") {
        items.Append(UserJson(user));
      } else {
        std::cout << Printable(user.username) << "\t" << Printable(user.issuer) << "\t"
                  << Printable(user.subject) << "\t" << Printable(user.email) << "\t"
                  << (user.sysadmin ? "true" : "false") << "\n";
      }
    }
    if (page.page * page.page_size >= listing->total) break;
  }
  if (f.output == "json") std::cout << value::ToJson(items) << "\n";
  return 0;
}

int Create(registry::UserStore& store, const RegistryFlags& f) {
  if (Status valid = CheckUsername(f.user, f); !valid) return FailWith(valid.error());
  if (Status valid = CheckIdentity(f); !valid) return FailWith(valid.error());
  if (!f.email.empty()) {
    if (Status valid = CheckPlainText("--email", f.email, kMaxUsernameBytes); !valid) {
      return FailWith(valid.error());
    }
    if (f.email.find('@') == std::string::npos) return Fail("--email must hold an '@'", 2);
  }
  // UpsertUserAtLogin would quietly rename a person already known by this identity; creating
  // is explicit, so an existing identity or username is a conflict.
  if (Result<registry::User> known = store.LoadUserBySubject(f.user_issuer, f.user_subject)) {
    return Fail("that issuer and subject already belong to user " + Printable(known->username));
  } else if (known.error().code != CommonError::kNotFound) {
    return FailWith(known.error());
  }
  if (Result<registry::User> taken = store.LoadUser(f.user); taken) {
    return Fail("user " + f.user + " already exists (user relink changes its identity)");
  } else if (taken.error().code != CommonError::kNotFound) {
    return FailWith(taken.error());
  }
  registry::UserLogin login;
  login.issuer = f.user_issuer;
  login.subject = f.user_subject;
  login.username = f.user;
  login.email = f.email;
  Result<registry::User> created = store.UpsertUserAtLogin(login);
  if (!created) return FailWith(created.error());
  if (f.output == "json") {
    std::cout << value::ToJson(UserJson(*created)) << "\n";
  } else {
    std::cout << "created user " << created->username << " ("
              << IdentityText(created->issuer, created->subject) << ")\n";
  }
  return 0;
}

int Relink(registry::UserStore& store, const RegistryFlags& f) {
  if (Status valid = CheckPlainText("the username", f.user, kMaxUsernameBytes); !valid) {
    return FailWith(valid.error());
  }
  if (Status valid = CheckIdentity(f); !valid) return FailWith(valid.error());
  Result<registry::User> before = store.LoadUser(f.user);
  if (!before) return FailWith(before.error());
  if (before->issuer == f.user_issuer && before->subject == f.user_subject) {
    std::cout << "user " << before->username << " is already linked to "
              << IdentityText(before->issuer, before->subject) << "\n";
    return 0;
  }
  Result<registry::User> after = store.RelinkUser(kActor, f.user, f.user_issuer, f.user_subject);
  if (!after) return FailWith(after.error());
  // The log line an administrator keeps: who now logs in as this person (also audited).
  std::cerr << "gatehouse registry: relinked user " << after->username << " from "
            << IdentityText(before->issuer, before->subject) << " to "
            << IdentityText(after->issuer, after->subject) << "\n";
  std::cout << "relinked user " << after->username << "\n";
  return 0;
}

int Delete(registry::UserStore& store, const RegistryFlags& f) {
  if (Status valid = CheckPlainText("the username", f.user, kMaxUsernameBytes); !valid) {
    return FailWith(valid.error());
  }
  Result<registry::User> user = store.LoadUser(f.user);
  if (!user) return FailWith(user.error());
  if (Status deleted = store.DeleteUser(kActor, user->id); !deleted) {
    return FailWith(deleted.error());
  }
  std::cout << "deleted user " << user->username << " and its access tokens\n";
  // Memberships are by name: a later person of the same name would inherit them.
  std::cerr << "gatehouse registry: project memberships naming user " << user->username
            << " stay until removed.\n";
  return 0;
}

void AddIdentity(CLI::App* cmd, RegistryFlags& f) {
  cmd->add_option("--issuer", f.user_issuer, "the identity provider's issuer URL (iss)")
      ->required();
  cmd->add_option("--subject", f.user_subject, "the person's subject at that issuer (sub)")
      ->required();
}

}  // namespace

void RegisterUserCommands(CLI::App* registry, const std::shared_ptr<RegistryFlags>& flags,
                          int* exit_code) {
  RegistryFlags& f = *flags;
  CLI::App* group =
      Sub(registry, "user", "people, keyed by the identity provider's issuer and subject");
  group->require_subcommand(1);
  CLI::App* cmd = Sub(group, "list", "list the people the registry knows");
  AddOutput(cmd, f);
  cmd->callback(RunWithStore(flags, exit_code, List));
  cmd = Sub(group, "create", "pre-provision a person before their first login");
  cmd->add_option("USERNAME", f.user, "user name (as the username claim will say)")->required();
  AddIdentity(cmd, f);
  cmd->add_option("--email", f.email, "e-mail address (optional)");
  AddOutput(cmd, f);
  cmd->callback(RunWithStore(flags, exit_code, Create));
  cmd = Sub(group, "relink",
            "point a user at a new issuer and subject (the identity provider changed), keeping "
            "its memberships and access tokens");
  cmd->add_option("USERNAME", f.user, "user name")->required();
  AddIdentity(cmd, f);
  cmd->callback(RunWithStore(flags, exit_code, Relink));
  cmd = Sub(group, "delete", "delete a user and its access tokens");
  cmd->add_option("USERNAME", f.user, "user name")->required();
  cmd->callback(RunWithStore(flags, exit_code, Delete));
}

}  // namespace gatehouse::app::registry_cli
