#!/usr/bin/env bash
# Checks the layering rule of DESIGN.md section 2: the core folders (src/common, src/value,
# src/k8s, src/authn, src/authz, src/rego, src/registry; src/admission and src/tenants once they
# exist) never include an adapter or app header, nor a header of a library that only the
# adapters may use (Boost, SQLite, libpq, spdlog/fmt).
# Core-to-core includes (e.g. rego -> authn) are allowed here.
#
# Usage: scripts/check-layering.sh [ROOT]   (ROOT defaults to the repository root)
# Exit 0 with a one-line summary when the rule holds; exit 1 listing every offending
# file:line and include; exit 2 when ROOT has no src/ folder.
set -uo pipefail
root=${1:-"$(cd "$(dirname "$0")/.." && pwd)"}
cd "$root" || exit 2
if [ ! -d src ]; then
  echo "check-layering: no src/ folder under $root" >&2
  exit 2
fi

# src/admission and src/tenants are core in DESIGN.md too; checked once they exist.
core_dirs=(src/common src/value src/k8s src/authn src/authz src/rego src/registry src/admission
           src/tenants)
existing=()
for d in "${core_dirs[@]}"; do
  [ -d "$d" ] && existing+=("$d")
done

# An #include line (leading spaces and spaces after '#' allowed) naming a forbidden header:
#   "adapters/..." or <adapters/...>, "gatehouse/..." (app headers), anything under apps/,
#   <boost/...>, <sqlite3.h>, <libpq-fe.h>, <postgresql/...>, <spdlog/...>, <fmt/...>.
forbidden='^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]((\.\./)*(adapters|gatehouse|apps)/|boost/|sqlite3\.h[>"]|libpq-fe\.h[>"]|postgresql/|spdlog/|fmt/)'

files=0
violations=()
if [ ${#existing[@]} -gt 0 ]; then
  while IFS= read -r -d '' f; do
    files=$((files + 1))
    while IFS= read -r hit; do
      [ -n "$hit" ] || continue
      line=${hit%%:*}
      text=${hit#*:}
      text=$(echo "$text" | sed -E 's/^[[:space:]]+//; s/[[:space:]]+$//')
      violations+=("$f:$line: $text")
    done < <(grep -nE "$forbidden" "$f")
  done < <(find "${existing[@]}" -type f \( -name '*.h' -o -name '*.hpp' -o -name '*.cc' \
                                            -o -name '*.cpp' -o -name '*.inc' \) -print0 | sort -z)
fi

if [ ${#violations[@]} -gt 0 ]; then
  echo "check-layering: FAILED: core code includes adapter/app or I/O-library headers" \
       "(DESIGN.md section 2):"
  printf '  %s\n' "${violations[@]}"
  echo "check-layering: ${#violations[@]} violation(s) in ${files} core file(s)"
  exit 1
fi
echo "check-layering: OK: ${files} files in ${#existing[@]} core folders include no adapter," \
     "app, Boost, SQLite, libpq or spdlog/fmt header"
exit 0
