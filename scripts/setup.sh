#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs what a fresh Debian 12 machine lacks, then configures and builds fe95 in build/.
# Sourced by scripts/demo.sh and scripts/test.sh; safe to run again (installs only what is missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

packages=(
  build-essential cmake ninja-build pkg-config git dpkg-dev   # dpkg-dev: cpack's dpkg-shlibdeps
  libpcap-dev libssl-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  tshark libwireshark-dev wireshark-dev libglib2.0-dev   # the plugin and the differential tests
  clang libclang-rt-14-dev                               # libFuzzer targets (scripts/fuzz.sh)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "fe95 setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  # --no-install-recommends: without it tshark pulls in ~90 desktop packages (docs/WIRESHARK facts).
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${FE95_CMAKE_ARGS:-} >/dev/null
cmake --build build -j"$(nproc)"
