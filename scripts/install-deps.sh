#!/usr/bin/env bash
# Installs what building, running and testing gatehouse needs on Debian 12 (run as root).
# Idempotent: packages already present are skipped by apt-get.
set -euo pipefail

BUILD_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config clang-14 libclang-rt-14-dev clang-format
  libssl-dev libboost1.81-dev libsimdjson-dev libyaml-dev libre2-dev libgmp-dev libtomlplusplus-dev
  libcli11-dev libspdlog-dev libfmt-dev libsqlite3-dev libpq-dev tzdata
  libgtest-dev libgmock-dev libbenchmark-dev
)
# Real servers and clients the integration tests and benchmarks start on 127.0.0.1.
TEST_PACKAGES=(
  python3 curl openssl sqlite3
  python3-keystone uwsgi-core uwsgi-plugin-python3
  nginx-light wrk postgresql
  docker-registry skopeo
)

wanted=("${BUILD_PACKAGES[@]}")
if [ "${1:-}" = "--with-test-servers" ]; then
  wanted+=("${TEST_PACKAGES[@]}")
fi

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # Keystone must not be set up as a system service: the tests run their own instance.
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Node.js and npm run the OpenID Connect provider of the tests (npm `oidc-provider`). A machine
# may already have them from elsewhere (e.g. NodeSource, whose nodejs conflicts with Debian's npm).
if [ "${1:-}" = "--with-test-servers" ] && ! command -v npm >/dev/null 2>&1; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm
fi
# nginx-light's postinst may start a system nginx on port 80; the tests run their own.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now nginx >/dev/null 2>&1 || true; fi
if [ -f /run/nginx.pid ]; then kill "$(cat /run/nginx.pid)" 2>/dev/null || true; fi
