// gatehouse: one binary, several subcommands. Each subcommand lives in its own file
// (serve.cc, credential_keystone.cc, ...) and registers itself here.
#include <CLI/CLI.hpp>
#include <iostream>

#include "gatehouse/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"gatehouse: the security gate of a multi-tenant Kubernetes platform"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "gatehouse 0.1.0");
  int exit_code = 0;
  gatehouse::app::RegisterServeCommand(app, &exit_code);
  gatehouse::app::RegisterCredentialCommand(app, &exit_code);
  gatehouse::app::RegisterEvalCommands(app, &exit_code);
  gatehouse::app::RegisterRegistryCommand(app, &exit_code);
  gatehouse::app::RegisterVerifyCommand(app, &exit_code);
  gatehouse::app::RegisterAuditCommand(app, &exit_code);
  gatehouse::app::RegisterTestCommand(app, &exit_code);
  gatehouse::app::RegisterBuildTemplatesCommand(app, &exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
