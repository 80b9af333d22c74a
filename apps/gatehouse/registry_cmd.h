// Shared plumbing of the `gatehouse registry ...` subcommands, split over registry_cmd*.cc:
// the one flags struct every subcommand fills (CLI11 binds into a shared_ptr that lives as long
// as the app), the store opener, error printing and the Register* hooks of each command group.
//
// Commands print results on stdout (text, or JSON with -o json) and diagnostics on stderr,
// prefixed "gatehouse registry: ". A command's exit code is 0 on success, 2 for a usage error
// (bad name, bad flag value) and 1 for anything else (not found, conflict, store failure).
// Secrets are printed once, on stdout, by the command that creates them; never on stderr, never
// in an error message. Single-threaded: a CLI run does one command.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "registry/names.h"
#include "registry/store.h"

namespace gatehouse::app::registry_cli {

// The audit log's actor for every change made from the command line.
inline constexpr char kActor[] = "cli";

struct RegistryFlags {
  std::string data_dir;
  std::string database;
  std::string service = "registry";
  std::string issuer = "gatehouse";
  std::string robot_prefix = std::string(registry::kDefaultRobotPrefix);
  std::string signing_alg = "ES256";
  // Subcommand arguments.
  std::string project, name, group, user, role, access, output,
      robot = "pull", server, ns, secret_name = "registry-pull", description;
  bool is_public = false;
  bool with_robots = false;  // project create/delete: the default robot pair
  std::int64_t expires_days = -1;
  std::int64_t activate_in_seconds = 0;
  // system-robot create: "PROJECT=pull|push|admin", repeated.
  std::vector<std::string> grants;
  // user create / relink: the identity provider's issuer and subject of the person.
  std::string user_issuer, user_subject, email;
  // token create: the person's groups recorded with the token.
  std::vector<std::string> groups;
  // audit: resource prefix and the most events to print (0 = all).
  std::string resource;
  std::int64_t limit = 0;
};

// --data-dir, else /var/lib/gatehouse as root, else ~/.local/share/gatehouse.
std::string DataDir(const RegistryFlags& flags);

// Prints "gatehouse registry: <message>" on stderr and returns `code`.
int Fail(const std::string& message, int code = 1);
// Fail() with the exit code for `error`: 2 for the codes that mean a malformed request.
int FailWith(const Error& error);

std::int64_t NowUnix();
// "never" or RFC 3339 UTC.
std::string ExpiryText(std::int64_t expires_at);
// `text` with control characters and backslashes escaped (\n, \t, \xHH), so a name that came
// from an identity provider cannot forge table rows or send terminal escapes.
std::string Printable(std::string_view text);
// Usage error unless `text` is 1..max_bytes bytes without control characters.
Status CheckPlainText(std::string_view what, std::string_view text, std::size_t max_bytes);

// A command may take the narrowest store interface it needs (registry::UserStore&, ...): the
// opened RegistryStore converts to any of them.
using StoreCommand = std::function<int(registry::RegistryStore&, const RegistryFlags&)>;
// A CLI11 callback: checks the shared flags, opens the store and runs `command`.
std::function<void()> RunWithStore(std::shared_ptr<RegistryFlags> flags, int* exit_code,
                                   StoreCommand command);
// A subcommand that passes unknown options (the shared --data-dir, ...) up to `parent`.
CLI::App* Sub(CLI::App* parent, const std::string& name, const std::string& help);
void AddOutput(CLI::App* cmd, RegistryFlags& flags);

// The command groups, each adding its subcommands under `registry`.
void RegisterSystemRobotCommands(CLI::App* registry, const std::shared_ptr<RegistryFlags>& flags,
                                 int* exit_code);  // registry_cmd_system_robots.cc
void RegisterUserCommands(CLI::App* registry, const std::shared_ptr<RegistryFlags>& flags,
                          int* exit_code);  // registry_cmd_users.cc
void RegisterTokenCommands(CLI::App* registry, const std::shared_ptr<RegistryFlags>& flags,
                           int* exit_code);  // registry_cmd_tokens.cc
void RegisterAuditCommand(CLI::App* registry, const std::shared_ptr<RegistryFlags>& flags,
                          int* exit_code);  // registry_cmd_audit.cc

}  // namespace gatehouse::app::registry_cli
