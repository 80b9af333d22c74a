// The subcommands of the gatehouse binary. Each Register* adds one subcommand (and its flags) to
// the CLI11 app; the callback runs the command and stores its exit code in *exit_code.
#pragma once

#include <CLI/CLI.hpp>

namespace gatehouse::app {

void RegisterServeCommand(CLI::App& app, int* exit_code);
void RegisterCredentialCommand(CLI::App& app, int* exit_code);
// `eval` and `bench`: the Rego engine on policy and data files.
void RegisterEvalCommands(CLI::App& app, int* exit_code);
// `registry`: projects, members, robots, pull secrets and signing certificates (registry_cmd.cc).
void RegisterRegistryCommand(CLI::App& app, int* exit_code);
// `verify`: Gatekeeper Suite files as `gator verify` runs them, Rego unit tests as `opa test`.
void RegisterVerifyCommand(CLI::App& app, int* exit_code);
// `audit`: Gatekeeper's audit once, on files (audit.cc).
void RegisterAuditCommand(CLI::App& app, int* exit_code);
// `test`: configuration files against Rego policies, as `conftest test` (test_command.cc).
void RegisterTestCommand(CLI::App& app, int* exit_code);
// `build-templates`: a policy bundle as Gatekeeper ConstraintTemplates and Constraints
// (build_templates_command.cc).
void RegisterBuildTemplatesCommand(CLI::App& app, int* exit_code);

}  // namespace gatehouse::app
