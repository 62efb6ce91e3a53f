#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for N seconds (default 60).
# Exit 1 when a target finds a crash, a sanitizer report or a hang; its input is left in
# build-fuzz/artifacts/<target>/ -- commit it to tests/fuzz/regressions/<target>/ once fixed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs=${1:-60}
cmake --preset fuzz >/dev/null
cmake --build build-fuzz -j"$(nproc)"
declare -A seeds=([capture]=captures [pipeline]=captures [hci]=tests/fuzz/corpus/hci [session]=tests/fuzz/corpus/session [stdauth]=tests/fuzz/corpus/stdauth
                  [mibeacon]=tests/fuzz/corpus/mibeacon [keys]=tests/fuzz/corpus/keys)
status=0
for t in capture pipeline hci session stdauth mibeacon keys; do
  work=build-fuzz/corpus/$t art=build-fuzz/artifacts/$t
  mkdir -p "$work" "$art"
  regressions=()
  [ -d tests/fuzz/regressions/$t ] && regressions=(tests/fuzz/regressions/$t)
  # Scratch corpus first: libFuzzer writes new inputs there, never into the repository.
  if build-fuzz/tests/fuzz/fuzz_$t "$work" "${seeds[$t]}" "${regressions[@]}" -max_total_time="$secs" \
       -max_len=16384 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$art/" -print_final_stats=1 \
       > "build-fuzz/fuzz_$t.log" 2>&1; then
    echo "fuzz $t: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "build-fuzz/fuzz_$t.log"), no finding"
  else
    echo "fuzz $t: FINDING (see build-fuzz/fuzz_$t.log, input in $art)"
    tail -30 "build-fuzz/fuzz_$t.log"
    status=1
  fi
done
exit $status
