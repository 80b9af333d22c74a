// The image pull secret of a project: a Kubernetes Secret of type kubernetes.io/dockerconfigjson
// whose `.dockerconfigjson` is {"auths":{"<host[:port]>":{"username","password","auth"}}}
// (auth = base64 of "username:password", as docker and the kubelet read it).
//
// Every field is validated before anything is rendered, so the output is always a well-formed
// manifest: name a DNS-1123 subdomain, namespace a DNS-1123 label, server a host name or IPv4
// address with an optional port (no scheme, no path), username printable without ':' (Basic auth
// splits on the first one), secret printable ASCII. Errors: "invalid_pull_secret" (the message
// names the field, never the secret). The result contains the secret: print it, never log it.
// Pure functions, thread-safe.
#pragma once

#include <string>

#include "common/result.h"

namespace gatehouse::registry {

struct PullSecretSpec {
  std::string name;        // Secret name, e.g. "registry-pull"
  std::string namespace_;  // Kubernetes namespace
  std::string server;      // registry host[:port], as image references name it
  std::string username;    // robot login name
  std::string secret;      // robot secret (plain text, shown once)
};

// The `.dockerconfigjson` document (not base64-encoded). Errors: "invalid_pull_secret".
Result<std::string> BuildDockerConfigJson(const PullSecretSpec& spec);

// The Secret manifest as YAML. Errors: "invalid_pull_secret".
Result<std::string> BuildPullSecretYaml(const PullSecretSpec& spec);

}  // namespace gatehouse::registry
