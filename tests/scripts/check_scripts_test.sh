#!/usr/bin/env bash
# Tests scripts/check-layering.sh and scripts/check-format.sh on small fake trees built in a
# temporary directory: each fails (exit 1, naming the file) when the tree is broken on purpose
# and passes (exit 0) on a clean one. The layering check also runs on the real tree.
#
# Usage: tests/scripts/check_scripts_test.sh [SOURCE_DIR]   (default: the repository root)
# Ends with "N passed, N failed"; exit 1 if any case failed.
set -uo pipefail
src=${1:-"$(cd "$(dirname "$0")/../.." && pwd)"}
layering="$src/scripts/check-layering.sh"
format="$src/scripts/check-format.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; printf '%s\n' "$2" | sed 's/^/     | /'; }

# expect NAME WANT_EXIT NEEDLE... -- COMMAND...: the command exits WANT_EXIT and its output
# contains each NEEDLE (fixed strings).
expect() {
  local name=$1 want=$2 needles=() out rc n
  shift 2
  while [ "$1" != "--" ]; do needles+=("$1"); shift; done
  shift
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "$name (exit $rc, want $want)" "$out"
    return
  fi
  for n in "${needles[@]}"; do
    if ! grep -qF -- "$n" <<<"$out"; then
      fail "$name (output lacks '$n')" "$out"
      return
    fi
  done
  ok "$name"
}

# A clean tree: formatted files in core and adapter folders; the adapter may use Boost and a
# core folder may include another core folder.
make_clean_tree() {
  local t=$1
  mkdir -p "$t"/src/{common,value,authn,rego,adapters/http} "$t"/apps/gatehouse "$t"/tests/unit
  cp "$src/.clang-format" "$t/"
  cat >"$t/src/common/result.h" <<'EOF'
#pragma once

namespace gatehouse {

inline int Answer() { return 42; }

}  // namespace gatehouse
EOF
  cat >"$t/src/rego/engine.cc" <<'EOF'
#include <string>

#include "authn/token.h"
#include "common/result.h"

namespace gatehouse::rego {

int Eval() { return Answer(); }

}  // namespace gatehouse::rego
EOF
  cat >"$t/src/adapters/http/http_server.h" <<'EOF'
#pragma once

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>

#include "common/result.h"
EOF
  cat >"$t/apps/gatehouse/main.cc" <<'EOF'
#include "adapters/http/http_server.h"

int main() { return 0; }
EOF
  cp "$t/src/common/result.h" "$t/tests/unit/fixture.h"
}

# 1. Clean fake tree: both checks pass.
clean="$work/clean"
make_clean_tree "$clean"
expect "layering passes on a clean tree" 0 "check-layering: OK" -- bash "$layering" "$clean"
expect "format passes on a clean tree" 0 "check-format: OK" -- bash "$format" "$clean"

# 2. A core file including an adapter header: named with its line.
t="$work/adapter_include"
make_clean_tree "$t"
printf '#pragma once\n\n#include "adapters/http/http_server.h"\n' >"$t/src/authn/token_cache.h"
expect "layering fails on a core file including an adapter" 1 \
  'src/authn/token_cache.h:3: #include "adapters/http/http_server.h"' -- bash "$layering" "$t"

# 3. Boost in src/value.
t="$work/boost_include"
make_clean_tree "$t"
printf '#include <string>\n  #  include <boost/asio.hpp>\n' >"$t/src/value/json.cc"
expect "layering fails on <boost/...> in src/value" 1 \
  'src/value/json.cc:2: #  include <boost/asio.hpp>' -- bash "$layering" "$t"

# 4. Every other forbidden header, each named; an app header too.
t="$work/all_forbidden"
make_clean_tree "$t"
mkdir -p "$t/src/registry" "$t/src/k8s" "$t/src/authz"
printf '#include <sqlite3.h>\n#include <libpq-fe.h>\n#include <postgresql/libpq-fe.h>\n' \
  >"$t/src/registry/store.cc"
printf '#include <spdlog/spdlog.h>\n#include <fmt/format.h>\n' >"$t/src/k8s/review.cc"
printf '#include "gatehouse/serve.h"\n#include "apps/gatehouse/serve.h"\n' >"$t/src/authz/x.h"
expect "layering names every forbidden include" 1 \
  'src/registry/store.cc:1: #include <sqlite3.h>' \
  'src/registry/store.cc:2: #include <libpq-fe.h>' \
  'src/registry/store.cc:3: #include <postgresql/libpq-fe.h>' \
  'src/k8s/review.cc:1: #include <spdlog/spdlog.h>' \
  'src/k8s/review.cc:2: #include <fmt/format.h>' \
  'src/authz/x.h:1: #include "gatehouse/serve.h"' \
  'src/authz/x.h:2: #include "apps/gatehouse/serve.h"' \
  '7 violation(s)' -- bash "$layering" "$t"

# 5. A badly formatted .cc (no git): named, and the clean files are not.
t="$work/bad_format"
make_clean_tree "$t"
printf 'int   F( int a ){return a;}\n' >"$t/src/value/ugly.cc"
expect "format fails on a badly formatted .cc" 1 "src/value/ugly.cc" "1 of" -- \
  bash "$format" "$t"

# 6. In a git work tree: tracked and untracked files are checked, ignored ones and the oidc
#    provider's node_modules are not.
t="$work/git_tree"
make_clean_tree "$t"
mkdir -p "$t/tests/integration/harness/oidc_provider/node_modules/x" "$t/build"
printf 'int   F( int a ){return a;}\n' >"$t/tests/integration/harness/oidc_provider/node_modules/x/a.cc"
printf 'int   F( int a ){return a;}\n' >"$t/src/ignored_ugly.cc"
printf '/build/\nsrc/ignored_ugly.cc\n' >"$t/.gitignore"
if git -C "$t" init -q && git -C "$t" add -A >/dev/null 2>&1; then
  expect "format passes in git, skipping ignored files and node_modules" 0 "check-format: OK" -- \
    bash "$format" "$t"
  printf 'int   G( int a ){return a;}\n' >"$t/apps/gatehouse/untracked.cc"
  expect "format fails on an untracked badly formatted file in git" 1 \
    "apps/gatehouse/untracked.cc" -- bash "$format" "$t"
else
  fail "git init in $t" ""
fi

# 7. The real tree keeps the layering rule.
expect "layering passes on the source tree" 0 "check-layering: OK" -- bash "$layering" "$src"

echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
