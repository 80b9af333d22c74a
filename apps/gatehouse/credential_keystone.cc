#include "gatehouse/commands.h"

namespace gatehouse::app {
void RegisterCredentialCommand(CLI::App& app, int* exit_code) {
  app.add_subcommand("credential", "kubectl exec credential plugins")->callback([exit_code] {
    *exit_code = 1;
  });
}
}  // namespace gatehouse::app
