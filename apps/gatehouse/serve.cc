#include "gatehouse/commands.h"

namespace gatehouse::app {
void RegisterServeCommand(CLI::App& app, int* exit_code) {
  app.add_subcommand("serve", "run the webhook server")->callback([exit_code] { *exit_code = 1; });
}
}  // namespace gatehouse::app
