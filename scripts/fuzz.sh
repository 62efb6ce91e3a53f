#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the libFuzzer targets (the asan preset: clang, ASan + UBSan; the same tree as the
# sanitizer tests, so CI builds it once) and runs each for N seconds (default 30), as many at a
# time as there are cores (FE95_FUZZ_JOBS). Each run starts from the seed corpora and the committed
# regressions, plus the scratch corpus kept in build-asan/corpus/ from earlier runs.
# Exit 1 when a target finds a crash, a sanitizer report or a hang; its input is left in
# build-asan/artifacts/<target>/ -- commit it to tests/fuzz/regressions/<target>/ once fixed.
#   bash scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs=${1:-30}
jobs=${FE95_FUZZ_JOBS:-$(nproc)}
bash scripts/setup.sh --fuzz --no-build
cmake --preset asan >/dev/null
targets=(capture pipeline hci session stdauth mibeacon keys rfcomm miwear pklg snooz compressed zip keyfiles)
cmake --build build-asan -j"$(nproc)" --target "${targets[@]/#/fuzz_}"
declare -A seeds=([capture]=captures [pipeline]=captures [hci]=tests/fuzz/corpus/hci [session]=tests/fuzz/corpus/session
                  [stdauth]=tests/fuzz/corpus/stdauth [mibeacon]=tests/fuzz/corpus/mibeacon [keys]=tests/fuzz/corpus/keys
                  [rfcomm]=tests/fuzz/corpus/rfcomm [miwear]=tests/fuzz/corpus/miwear
                  [pklg]=captures/phone [snooz]=captures/phone [compressed]=captures/phone [zip]=captures/phone
                  [keyfiles]=tests/fuzz/corpus/keyfiles)

fuzz_one() {
  local t=$1 work=build-asan/corpus/$1 art=build-asan/artifacts/$1 regressions=()
  mkdir -p "$work" "$art"
  [ -d "tests/fuzz/regressions/$t" ] && regressions=("tests/fuzz/regressions/$t")
  # Scratch corpus first: libFuzzer writes new inputs there, never into the repository.
  build-asan/tests/fuzz/fuzz_"$t" "$work" "${seeds[$t]}" "${regressions[@]}" -max_total_time="$secs" \
    -max_len=16384 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$art/" -print_final_stats=1 \
    > "build-asan/fuzz_$t.log" 2>&1
}

status=0
declare -A pids=()
report() {  # waits for target $1 and reports it
  local t=$1
  if wait "${pids[$t]}"; then
    echo "fuzz $t: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "build-asan/fuzz_$t.log"), no finding"
  else
    echo "fuzz $t: FINDING (see build-asan/fuzz_$t.log, input in build-asan/artifacts/$t)"
    tail -30 "build-asan/fuzz_$t.log"
    status=1
  fi
}
running=()
for t in "${targets[@]}"; do
  fuzz_one "$t" &
  pids[$t]=$!
  running+=("$t")
  if ((${#running[@]} >= jobs)); then
    report "${running[0]}"
    running=("${running[@]:1}")
  fi
done
for t in "${running[@]}"; do report "$t"; done
exit $status
