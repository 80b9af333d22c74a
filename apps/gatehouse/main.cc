// gatehouse: one binary, several subcommands (serve, credential, ...). Each subcommand lives in
// its own file and registers itself here.
#include <CLI/CLI.hpp>
#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"gatehouse: the security gate of a multi-tenant Kubernetes platform"};
  app.require_subcommand(1);
  app.add_subcommand("version", "print the version")->callback([] {
    std::cout << "gatehouse 0.1.0\n";
  });
  CLI11_PARSE(app, argc, argv);
  return 0;
}
