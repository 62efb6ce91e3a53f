#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs a built fe95 .deb into a clean Debian chroot (made with mmdebstrap, tshark included)
# with apt, which pulls its dependencies from Debian's archive, then checks as an unprivileged user
# that the CLI analyzes a shipped capture, that tshark lists the plugin from the global plugin
# folder, and that a plugin filter finds the handshake. Run as root (CI does). The clean chroot
# (the suite with tshark, before fe95) is cached as a tarball between runs on one machine, as the
# chroots of scripts/chroot-test.sh are (FE95_CHROOT_CACHE, default /var/cache/fe95); apt
# installs the package into a fresh copy of it each run.
#
#   bash scripts/deb-test.sh build/fe95_0.1.0_amd64.deb [SUITE]     (SUITE default: bookworm)
set -euo pipefail
deb=$(realpath "${1:?usage: deb-test.sh PACKAGE.deb [SUITE]}")
suite=${2:-bookworm}
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${FE95_CHROOT_CACHE:-/var/cache/fe95}
tarball=$cache/deb-$suite-tshark.tar
command -v mmdebstrap >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q mmdebstrap; }
mkdir -p "$cache"
if [ ! -s "$tarball" ]; then
  echo "deb-test: building a clean $suite with tshark (cached as $tarball)"
  # --aptopt persists in the chroot's /etc/apt: apt-get update works there against a frozen copy
  # of the archive whose Release files have expired.
  mmdebstrap --variant=apt --format=tar --aptopt='Acquire::Check-Valid-Until "false"' --include=tshark \
    "$suite" "$tarball.tmp"
  mv "$tarball.tmp" "$tarball"
else
  echo "deb-test: reusing $tarball"
fi

dir=$(mktemp -d "/tmp/fe95-deb-$suite.XXXXXX")
cleanup() {
  for m in dev/pts dev proc; do
    mountpoint -q "$dir/$m" 2>/dev/null && umount -l "$dir/$m"
  done
  rm -rf "$dir"
}
trap cleanup EXIT
tar -C "$dir" -xf "$tarball"
mount -t proc proc "$dir/proc"
mount --bind /dev "$dir/dev"
mount --bind /dev/pts "$dir/dev/pts"
cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
echo "deb-test: apt-get install $(basename "$deb") into the clean $suite"
install -m 644 "$deb" "$dir/tmp/$(basename "$deb")"
chroot "$dir" apt-get update -q
chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "/tmp/$(basename "$deb")"
install -m 644 "$root/captures/register-kettle.btsnoop" "$dir/tmp/register-kettle.btsnoop"

as_nobody() { chroot "$dir" setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp "$@"; }
echo "deb-test: dpkg -L fe95"
chroot "$dir" dpkg -L fe95 | grep -E 'bin/fe95|miauth.so|README'
echo "deb-test: fe95 --version"
as_nobody fe95 --version
echo "deb-test: fe95 analyze (as nobody)"
out=$(as_nobody fe95 analyze /tmp/register-kettle.btsnoop)
echo "$out"
grep -q 'token        015ccba8800abdc12eb8ed82' <<<"$out" || { echo "deb-test: no token in the report" >&2; exit 1; }
echo "deb-test: tshark -G plugins (as nobody)"
plugins=$(as_nobody tshark -G plugins)
grep miauth <<<"$plugins" || { echo "deb-test: tshark does not list the plugin" >&2; exit 1; }
echo "deb-test: tshark -Y 'miauth.status == \"verified\"' (as nobody)"
frames=$(as_nobody tshark -r /tmp/register-kettle.btsnoop -Y 'miauth.status == "verified"' -T fields -e frame.number -e miauth.token)
echo "$frames"
[ -n "$frames" ] || { echo "deb-test: the plugin filter found nothing" >&2; exit 1; }
echo "deb-test: passed"
