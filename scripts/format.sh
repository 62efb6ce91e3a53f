#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The C++ layout of .clang-format, over the sources of analyzer/, plugin/ and tests/ (the fuzz
# corpora and regressions are inputs, not code, and are left alone).
#
#   bash scripts/format.sh           formats every file in place
#   bash scripts/format.sh --check   changes nothing; lists the files that differ and exits 1 if any
#
# FE95_CLANG_FORMAT names another binary (default: clang-format). Versions may lay out a few
# constructs differently: CI checks with Debian 12's (clang-format 14, installed by scripts/setup.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

check=0
for a in "$@"; do
  case "$a" in
    --check) check=1 ;;
    *) echo "fe95 format: unknown option '$a' (known: --check)" >&2; exit 2 ;;
  esac
done

cf=${FE95_CLANG_FORMAT:-clang-format}
command -v "$cf" >/dev/null || { echo "fe95 format: '$cf' not found (bash scripts/setup.sh --no-build installs it)" >&2; exit 2; }

# The files, in a fixed order (so two runs list differences alike).
mapfile -d '' files < <(find analyzer plugin tests -type f \( -name '*.cc' -o -name '*.h' -o -name '*.cpp' -o -name '*.hpp' \) \
  -not -path 'tests/fuzz/corpus/*' -not -path 'tests/fuzz/regressions/*' -print0 | LC_ALL=C sort -z)
((${#files[@]})) || { echo "fe95 format: no C++ files found under analyzer/ plugin/ tests/" >&2; exit 2; }

if ((!check)); then
  printf '%s\0' "${files[@]}" | xargs -0 -n 16 -P "$(nproc)" "$cf" -i --style=file
  echo "fe95 format: ${#files[@]} files formatted with $("$cf" --version | head -1)" >&2
  exit 0
fi

# A file differs when clang-format's output for it is not the file itself (checked on every core,
# then sorted); a file clang-format cannot read stops the check (exit 2) rather than count as a
# difference.
export cf
# shellcheck disable=SC2016
if ! out=$(printf '%s\0' "${files[@]}" | xargs -0 -n 8 -P "$(nproc)" bash -c '
  tmp=$(mktemp)
  trap "rm -f \"$tmp\"" EXIT
  for f; do
    "$cf" --style=file "$f" >"$tmp" || { echo "fe95 format: $cf failed on $f" >&2; exit 255; }
    cmp -s "$tmp" "$f" || echo "$f"
  done' _); then
  exit 2
fi
mapfile -t differ < <(printf '%s' "$out" | LC_ALL=C sort)
if ((${#differ[@]})); then
  printf '%s\n' "${differ[@]}"
  echo "fe95 format: ${#differ[@]} of ${#files[@]} files differ from .clang-format ($("$cf" --version | head -1)); run bash scripts/format.sh" >&2
  exit 1
fi
echo "fe95 format: ${#files[@]} files follow .clang-format" >&2
