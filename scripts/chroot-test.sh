#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds fe95 and runs its whole test suite (CLI and plugin) inside a Debian chroot, against that
# release's Wireshark: trixie (Debian 13) has Wireshark 4.4, sid (unstable) 4.6. The chroot comes
# from Debian's archive with mmdebstrap and is cached as a tarball between runs on one machine
# (FE95_CHROOT_CACHE, default /var/cache/fe95). Run as root (CI does).
#
#   bash scripts/chroot-test.sh trixie
#   bash scripts/chroot-test.sh sid
set -euo pipefail
suite=${1:?usage: chroot-test.sh SUITE (trixie, sid)}
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${FE95_CHROOT_CACHE:-/var/cache/fe95}
jobs=$(nproc)

# What fe95 builds and tests with (README, Install from source), plus tshark/editcap and the
# tools the tests call (setpriv and script come with util-linux and bsdutils).
packages=build-essential,cmake,ninja-build,pkg-config,wireshark-dev,libwireshark-dev,tshark,libpcap-dev,libssl-dev,libglib2.0-dev,nlohmann-json3-dev,libcli11-dev,libgtest-dev,libgmock-dev,libbenchmark-dev
tarball=$cache/$suite-$(echo "$packages" | sha256sum | cut -c1-12).tar

command -v mmdebstrap >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q mmdebstrap; }
mkdir -p "$cache"
if [ ! -s "$tarball" ]; then
  echo "chroot-test: building the $suite chroot (cached as $tarball)"
  # The archive reachable from CI machines may be a frozen copy whose Release files have expired.
  mmdebstrap --variant=apt --format=tar --aptopt='Acquire::Check-Valid-Until "false"' --include="$packages" \
    "$suite" "$tarball.tmp"
  mv "$tarball.tmp" "$tarball"
else
  echo "chroot-test: reusing $tarball"
fi

dir=$(mktemp -d "/tmp/fe95-chroot-$suite.XXXXXX")
cleanup() {
  for m in src/shared dev/pts dev proc; do
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
if [ -d "$root/../shared" ]; then
  mkdir -p "$dir/src/shared"
  mount --bind -o ro "$root/../shared" "$dir/src/shared"
fi
mount -t proc proc "$dir/proc"
mount --bind /dev "$dir/dev"
mount --bind /dev/pts "$dir/dev/pts"

chroot "$dir" /bin/bash -euo pipefail -c "
  . /etc/os-release
  echo \"chroot-test: \$PRETTY_NAME, \$(tshark --version | head -1), \$(g++ --version | head -1)\"
  cmake -S /src/fe95 -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo | grep -E '^-- fe95' || true
  cmake --build /build -j$jobs
  /build/analyzer/fe95 --version
  echo 'chroot-test: tshark -G plugins (as nobody, with the plugin of this build):'
  setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp WIRESHARK_PLUGIN_DIR=/build/plugin/plugins \
    tshark -G plugins | grep -E 'miauth' || { echo 'chroot-test: the plugin was not built or not loaded' >&2; exit 1; }
  cd /build && ctest -j$jobs --output-on-failure
"
echo "chroot-test: $suite passed"
