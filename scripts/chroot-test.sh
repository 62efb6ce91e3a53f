#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the README's two quick-start commands inside a Debian chroot: trixie (Debian 13, Wireshark
# 4.4) or sid (unstable, Wireshark 4.6). The chroot comes from Debian's archive with mmdebstrap,
# holding the packages `scripts/setup.sh --packages` names (so setup.sh finds them installed, and
# the list is written once); it is cached as a tarball between runs on one machine
# (FE95_CHROOT_CACHE, default /var/cache/fe95). Run as root (CI does).
#
#   bash scripts/chroot-test.sh trixie                 demo.sh, then test.sh (the whole suite)
#   bash scripts/chroot-test.sh sid -L wireshark       demo.sh, then test.sh -L wireshark
#   bash scripts/chroot-test.sh --prepare trixie       only build the cached tarball (ahead of a run)
#
# Arguments after the suite go to test.sh (that is, to ctest). CI passes `-L wireshark`: the core
# and the CLI do not depend on the Wireshark version, so the chroots build only the CLI, the
# plugin and the Wireshark test binary (FE95_TARGETS) and run the tests labelled `wireshark`
# (README, "CI time budget").
set -euo pipefail
prepare=0
if [ "${1:-}" = --prepare ]; then
  prepare=1
  shift
fi
suite=${1:?usage: chroot-test.sh [--prepare] SUITE (trixie, sid) [ctest arguments]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${FE95_CHROOT_CACHE:-/var/cache/fe95}
targets=${FE95_TARGETS:-}

packages=$(bash "$root/scripts/setup.sh" --packages | paste -sd, -)
tarball=$cache/$suite-$(echo "$packages" | sha256sum | cut -c1-12).tar

command -v mmdebstrap >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q mmdebstrap; }
mkdir -p "$cache"
if [ ! -s "$tarball" ]; then
  echo "chroot-test: building the $suite chroot (cached as $tarball)"
  # The archive reachable from CI machines may be a frozen copy whose Release files have expired.
  # --aptopt persists in the chroot's /etc/apt, so setup.sh's apt-get update works inside too.
  mmdebstrap --variant=apt --format=tar --aptopt='Acquire::Check-Valid-Until "false"' --include="$packages" \
    "$suite" "$tarball.tmp"
  mv "$tarball.tmp" "$tarball"
else
  echo "chroot-test: reusing $tarball"
fi
if ((prepare)); then
  echo "chroot-test: $suite prepared"
  exit 0
fi

dir=$(mktemp -d "/tmp/fe95-chroot-$suite.XXXXXX")
cleanup() {
  for m in src/shared/captures/public dev/pts dev proc; do
    mountpoint -q "$dir/$m" 2>/dev/null && umount -l "$dir/$m"
  done
  rm -rf "$dir"
}
trap cleanup EXIT
tar -C "$dir" -xf "$tarball"

# The source tree (without build trees), and the public captures beside it as the tests expect
# them (../shared/captures/public), read-only.
mkdir -p "$dir/src/fe95"
tar -C "$root" --exclude='./build*' --exclude='./.git' -cf - . | tar -C "$dir/src/fe95" -xf -
# Only the captures: nothing else beside the project is the tests' business.
pub="$root/../shared/captures/public"
if [ -d "$pub" ]; then
  mkdir -p "$dir/src/shared/captures/public"
  mount --bind -o ro "$pub" "$dir/src/shared/captures/public"
fi
mount -t proc proc "$dir/proc"
mount --bind /dev "$dir/dev"
mount --bind /dev/pts "$dir/dev/pts"
cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true

# The README's commands, as a user types them, in the source tree.
chroot "$dir" /usr/bin/env FE95_TARGETS="$targets" /bin/bash -euo pipefail -c "
  cd /src/fe95
  . /etc/os-release
  echo \"chroot-test: \$PRETTY_NAME, \$(tshark --version | head -1), \$(g++ --version | head -1)\"
  # demo.sh's output is kept to look for the token; printed whole either way, so that a build
  # error inside the chroot shows in the log.
  out=\$(bash scripts/demo.sh) || { echo \"\$out\"; echo 'chroot-test: demo.sh failed' >&2; exit 1; }
  echo \"\$out\"
  grep -q 'token        015ccba8800abdc12eb8ed82' <<<\"\$out\" || { echo 'chroot-test: demo.sh printed no token' >&2; exit 1; }
  build/analyzer/fe95 --version
  echo 'chroot-test: tshark -G plugins (as nobody, with the plugin of this build):'
  setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp WIRESHARK_PLUGIN_DIR=/src/fe95/build/plugin/plugins \
    tshark -G plugins | grep -E 'miauth' || { echo 'chroot-test: the plugin was not built or not loaded' >&2; exit 1; }
  bash scripts/test.sh $*
  # Each test's share of its timeout in this stage (README, \"CI time budget\").
  cmake -DBUILD=build -P scripts/test_times.cmake
"
echo "chroot-test: $suite passed"
