#!/usr/bin/env bash
# Installs, builds and starts `gatehouse serve` on its embedded default configuration:
# self-signed TLS generated into the data folder (the CA path is printed), the example
# keystone-auth policy, listening on 127.0.0.1:8443. Extra arguments go to `gatehouse serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target gatehouse
exec build/release/gatehouse serve --listen 127.0.0.1:8443 --data-dir ./data \
  --keystone-policy-file deploy/examples/policy.json "$@"
