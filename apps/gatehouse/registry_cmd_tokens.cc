// `gatehouse registry token ...`: a person's personal access tokens, the registry password that
// outlives the identity provider's session (Basic USERNAME:SECRET at /service/token). The secret
// is printed once by `create`; `list` never shows it.
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "adapters/registry/access_tokens.h"
#include "common/codec/rfc3339.h"
#include "gatehouse/registry_cmd.h"
#include "registry/token_response.h"
#include "value/json.h"
#include "value/value.h"

namespace gatehouse::app::registry_cli {
namespace {

namespace rs = adapters::registry_service;
using value::Value;

constexpr std::size_t kMaxUsernameBytes = 255;
constexpr std::size_t kMaxGroupBytes = 255;

Result<registry::User> LoadNamedUser(registry::UserStore& store, const std::string& username) {
  if (Status plain = CheckPlainText("the username", username, kMaxUsernameBytes); !plain) {
    return plain.error();
  }
  return store.LoadUser(username);
}

Value StringArray(const std::vector<std::string>& items) {
  Value out = Value::MakeArray();
  for (const std::string& item : items) out.Append(Value(item));
  return out;
}

std::string JoinedPrintable(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + Printable(item);
  return out.empty() ? "-" : out;
}

Value TokenJson(const registry::PersonalAccessToken& token, const std::string& username) {
  Value out = Value::MakeObject();
  out.Set("id", Value(token.id));
  out.Set("user", Value(username));
  out.Set("name", Value(token.name));
  out.Set("groups", StringArray(token.groups));
  out.Set("expires_at", Value(token.expires_at));
  out.Set("creation_time", Value(codec::FormatRfc3339Utc(token.creation_time)));
  out.Set("last_used",
          token.last_used == 0 ? Value() : Value(codec::FormatRfc3339Utc(token.last_used)));
  return out;
}

int Create(registry::RegistryStore& store, const RegistryFlags& f) {
  if (Status valid = rs::ValidateAccessTokenName(f.name); !valid) return FailWith(valid.error());
  for (const std::string& group : f.groups) {
    if (Status valid = CheckPlainText("--group", group, kMaxGroupBytes); !valid) {
      return FailWith(valid.error());
    }
  }
  Result<registry::User> user = LoadNamedUser(store, f.user);
  if (!user) return FailWith(user.error());
  rs::AccessTokenRequest request;
  request.user_id = user->id;
  request.name = f.name;
  request.expires_days = f.expires_days;
  request.groups = f.groups;
  Result<rs::IssuedAccessToken> issued = rs::IssueAccessToken(store, kActor, request, NowUnix());
  if (!issued) return FailWith(issued.error());
  if (f.output == "json") {
    Value out = TokenJson(issued->token, user->username);
    out.Set("secret", Value(issued->secret));
    std::cout << value::ToJson(out) << "\n";
  } else {
    std::cout << "user: " << user->username << "\nname: " << issued->token.name
              << "\nsecret: " << issued->secret
              << "\nexpires: " << ExpiryText(issued->token.expires_at) << "\n";
  }
  std::cerr << "gatehouse registry: the secret is shown only now; it is the registry password of "
            << user->username << ".\n";
  return 0;
}

int List(registry::RegistryStore& store, const RegistryFlags& f) {
  Result<registry::User> user = LoadNamedUser(store, f.user);
  if (!user) return FailWith(user.error());
  Result<std::vector<registry::PersonalAccessToken>> tokens = store.ListAccessTokens(user->id);
  if (!tokens) return FailWith(tokens.error());
  if (f.output == "json") {
    Value items = Value::MakeArray();
    for (const registry::PersonalAccessToken& token : *tokens) {
      items.Append(TokenJson(token, user->username));
    }
    std::cout << value::ToJson(items) << "\n";
    return 0;
  }
  std::cout << "NAME\tGROUPS\tEXPIRES\tLAST_USED\tCREATED\n";
  for (const registry::PersonalAccessToken& token : *tokens) {
    std::cout << token.name << "\t" << JoinedPrintable(token.groups) << "\t"
              << ExpiryText(token.expires_at) << "\t"
              << (token.last_used == 0 ? "never" : codec::FormatRfc3339Utc(token.last_used)) << "\t"
              << codec::FormatRfc3339Utc(token.creation_time) << "\n";
  }
  return 0;
}

int Revoke(registry::RegistryStore& store, const RegistryFlags& f) {
  if (Status valid = rs::ValidateAccessTokenName(f.name); !valid) return FailWith(valid.error());
  Result<registry::User> user = LoadNamedUser(store, f.user);
  if (!user) return FailWith(user.error());
  Result<registry::PersonalAccessToken> token = store.LoadAccessToken(user->id, f.name);
  if (!token) return FailWith(token.error());
  if (Status revoked = store.RevokeAccessToken(kActor, token->id); !revoked) {
    return FailWith(revoked.error());
  }
  std::cout << "revoked access token " << token->name << " of user " << user->username << "\n";
  return 0;
}

}  // namespace

void RegisterTokenCommands(CLI::App* registry, const std::shared_ptr<RegistryFlags>& flags,
                           int* exit_code) {
  RegistryFlags& f = *flags;
  CLI::App* group = Sub(registry, "token",
                        "personal access tokens: a person's registry password (Basic "
                        "USERNAME:SECRET), independent of the identity provider's session");
  group->require_subcommand(1);
  CLI::App* cmd = Sub(group, "create", "issue an access token; prints its secret (shown only now)");
  cmd->add_option("USERNAME", f.user, "user name (see user list / user create)")->required();
  cmd->add_option("NAME", f.name, "token name, unique per user ([a-z0-9._-], up to 64)")
      ->required();
  cmd->add_option("--expires-days", f.expires_days, "days until it expires (-1: never)")
      ->default_str("-1");
  cmd->add_option("--group", f.groups,
                  "a group of the person (as the identity provider names it) the token carries "
                  "until it is used with a fresh ID token; repeatable")
      ->allow_extra_args(false);
  AddOutput(cmd, f);
  cmd->callback(RunWithStore(flags, exit_code, Create));
  cmd = Sub(group, "list", "list a user's access tokens (never their secrets)");
  cmd->add_option("USERNAME", f.user, "user name")->required();
  AddOutput(cmd, f);
  cmd->callback(RunWithStore(flags, exit_code, List));
  cmd = Sub(group, "revoke", "revoke (delete) an access token; it stops working at once");
  cmd->add_option("USERNAME", f.user, "user name")->required();
  cmd->add_option("NAME", f.name, "token name")->required();
  cmd->callback(RunWithStore(flags, exit_code, Revoke));
}

}  // namespace gatehouse::app::registry_cli
