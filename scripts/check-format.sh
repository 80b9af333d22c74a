#!/usr/bin/env bash
# Checks that every C++ file (*.cc, *.h) under src/ apps/ tests/ bench/ fuzz/ is formatted as
# .clang-format says: `clang-format --dry-run --Werror` on each file git tracks or would track
# (untracked but not ignored), so work not yet committed is checked too.
#
# Usage: scripts/check-format.sh [ROOT]   (ROOT defaults to the repository root; when ROOT is not
# a git work tree, every matching file below those folders is checked)
# Environment: CLANG_FORMAT (default clang-format).
# Exit 0 with a one-line summary when no file would change; exit 1 listing the files that would;
# exit 2 when clang-format cannot be run.
set -uo pipefail
root=${1:-"$(cd "$(dirname "$0")/.." && pwd)"}
cd "$root" || exit 2
clang_format=${CLANG_FORMAT:-clang-format}
if ! command -v "$clang_format" >/dev/null 2>&1; then
  echo "check-format: $clang_format not found" >&2
  exit 2
fi

dirs=(src apps tests bench fuzz)
skip='^tests/integration/harness/oidc_provider/node_modules/'
list_files() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    {
      git ls-files -- "${dirs[@]}"
      git ls-files --others --exclude-standard -- "${dirs[@]}"
    } | grep -E '\.(cc|h)$'
  else
    local existing=() d
    for d in "${dirs[@]}"; do [ -d "$d" ] && existing+=("$d"); done
    [ ${#existing[@]} -eq 0 ] || find "${existing[@]}" -type f \( -name '*.cc' -o -name '*.h' \)
  fi
}

files=()
while IFS= read -r f; do
  [ -f "$f" ] && files+=("$f")  # a tracked file deleted in the work tree is not checked
done < <(list_files | grep -vE "$skip" | sort -u)

# One clang-format process per 100 files; each finding starts "FILE:LINE:COL: error:".
bad=()
status=0
if [ ${#files[@]} -gt 0 ]; then
  out=$(printf '%s\0' "${files[@]}" |
        xargs -0 -n 100 "$clang_format" --style=file --dry-run --Werror 2>&1) || status=$?
  while IFS= read -r f; do
    [ -n "$f" ] && bad+=("$f")
  done < <(printf '%s\n' "$out" | sed -nE 's/^(.+):[0-9]+:[0-9]+: error: .*/\1/p' | sort -u)
  if [ "$status" -ne 0 ] && [ ${#bad[@]} -eq 0 ]; then  # failed without naming a file
    printf '%s\n' "$out" >&2
    echo "check-format: $clang_format failed (exit $status)" >&2
    exit 2
  fi
fi

if [ ${#bad[@]} -gt 0 ]; then
  echo "check-format: FAILED: ${#bad[@]} of ${#files[@]} files would be changed by" \
       "$("$clang_format" --version | sed -E 's/.*version ([0-9.]+).*/clang-format \1/'):"
  printf '  %s\n' "${bad[@]}"
  echo "check-format: fix with: $clang_format -i FILE..."
  exit 1
fi
echo "check-format: OK: ${#files[@]} files under ${dirs[*]} are formatted"
exit 0
