#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs what a fresh Debian machine lacks (Debian 12 bookworm, 13 trixie or unstable), then
# configures and builds fe95 in build/. Run by scripts/demo.sh and scripts/test.sh; safe to run
# again (installs only what is missing, and says so).
#
#   bash scripts/setup.sh              packages for building and testing, then the build
#   bash scripts/setup.sh --fuzz       also clang and its libFuzzer runtime (scripts/fuzz.sh)
#   bash scripts/setup.sh --no-build   packages only
#   bash scripts/setup.sh --packages   print the package list of this release (one per line), no change
#
# FE95_CMAKE_ARGS adds options to the configure step (for example -DFE95_BUILD_PLUGIN=OFF);
# FE95_TARGETS builds only the targets it names.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fuzz=0 build=1 list=0
for a in "$@"; do
  case "$a" in
    --fuzz) fuzz=1 ;;
    --no-build) build=0 ;;
    --packages) list=1 ;;
    *) echo "fe95 setup: unknown option '$a' (known: --fuzz, --no-build, --packages)" >&2; exit 2 ;;
  esac
done

# The packages fe95 builds and tests with. Their names are the same on Debian 12, 13 and
# unstable; only the compiler-rt package of the fuzzers differs (it carries clang's major
# version on Debian 12: libclang-rt-14-dev; on 13 and unstable: libclang-rt-19-dev, ...), so it
# is derived from the clang that is installed (below), never written down per release.
packages=(
  build-essential cmake ninja-build pkg-config git dpkg-dev   # dpkg-dev: cpack's dpkg-shlibdeps
  libpcap-dev libssl-dev nlohmann-json3-dev libcli11-dev
  libarchive-dev libyaml-cpp-dev libprotobuf-dev             # compressed/zip inputs, YAML keys, protobuf wire format
  nettle-dev liblzma-dev libzstd-dev liblz4-dev libbz2-dev libxml2-dev libacl1-dev  # libarchive.a's own libraries (start-up: CMakeLists.txt)
  zlib1g-dev                                                  # a bugreport's BTSNOOZ section (zlib stream)
  libgtest-dev libgmock-dev libbenchmark-dev
  tshark libwireshark-dev wireshark-dev libglib2.0-dev        # the plugin and the differential tests
  util-linux bsdutils                                         # setpriv (plugin tests as nobody), script (pty tests)
  clang-format                                                # scripts/format.sh --check (a CI stage)
  gnuplot-nox fonts-dejavu-core                               # the README's readings plot, remade by a test
)

# Which release is this? /etc/debian_version says "…/sid" on unstable (whatever its codename).
release=unknown
if [ -r /etc/os-release ]; then
  # shellcheck disable=SC1091
  . /etc/os-release
  if [ "${ID:-}" = debian ]; then
    case "$(cat /etc/debian_version 2>/dev/null)" in
      */sid) release="Debian unstable (sid)" ;;
      12*) release="Debian 12 (bookworm)" ;;
      13*) release="Debian 13 (trixie)" ;;
    esac
  fi
fi

if ((list)); then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
install_missing() {
  local missing=() p sudo=""
  for p in "$@"; do installed "$p" || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  if [ "$release" = unknown ]; then
    # Not a release fe95 is tested on: say what it needs rather than let apt-get fail.
    echo "fe95 setup: this is not Debian 12, 13 or unstable (${PRETTY_NAME:-no /etc/os-release})." >&2
    echo "fe95 setup: install these (Debian names) or their equivalents, then run this again:" >&2
    printf '  %s\n' "${missing[@]}" >&2
    exit 2
  fi
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "fe95 setup: $release: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  # --no-install-recommends: without it tshark pulls in ~90 desktop packages (docs/WIRESHARK.md).
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

command -v dpkg-query >/dev/null || release=unknown
install_missing "${packages[@]}"
if ((fuzz)); then
  install_missing clang
  major=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
  [ -n "$major" ] || { echo "fe95 setup: cannot tell clang's version from 'clang --version'" >&2; exit 2; }
  install_missing "libclang-rt-$major-dev"
fi
echo "fe95 setup: $release: packages present" >&2

if ((build)); then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${FE95_CMAKE_ARGS:-} >/dev/null
  # FE95_TARGETS: build only these targets (the chroot stages of CI: the CLI, the plugin and the
  # Wireshark tests); all of them by default.
  # shellcheck disable=SC2086
  cmake --build build -j"$(nproc)" ${FE95_TARGETS:+--target $FE95_TARGETS}
fi
