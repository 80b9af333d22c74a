// `gatehouse credential oidc`: a kubectl exec credential plugin for OpenID Connect providers
// (device authorization grant, RFC 8628, and refresh tokens, with an on-disk token cache).
// Registered under the `credential` parent by RegisterCredentialCommand; the callback runs the
// plugin and stores its exit code (0 or 1) in *exit_code. Not thread-safe (start-up only).
#pragma once

#include <CLI/CLI.hpp>

namespace gatehouse::app {

void RegisterOidcCredential(CLI::App& credential, int* exit_code);

}  // namespace gatehouse::app
