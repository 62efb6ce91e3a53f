#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs a built fe95 .deb into a clean Debian chroot (made with mmdebstrap, tshark included)
# with apt, which pulls its dependencies from Debian's archive, then checks as an unprivileged user
# that the CLI analyzes a shipped capture, that tshark lists the plugin from the global plugin
# folder, and that a plugin filter finds the handshake. Run as root (CI does).
#
#   bash scripts/deb-test.sh build/fe95_0.1.0_amd64.deb [SUITE]     (SUITE default: bookworm)
set -euo pipefail
deb=$(realpath "${1:?usage: deb-test.sh PACKAGE.deb [SUITE]}")
suite=${2:-bookworm}
root=$(cd "$(dirname "$0")/.." && pwd)
command -v mmdebstrap >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q mmdebstrap; }

dir=$(mktemp -d "/tmp/fe95-deb-$suite.XXXXXX")
trap 'mountpoint -q "$dir/proc" && umount -l "$dir/proc"; rm -rf "$dir"' EXIT
echo "deb-test: a clean $suite with tshark, then apt-get install $(basename "$deb")"
mmdebstrap --variant=apt --aptopt='Acquire::Check-Valid-Until "false"' --include=tshark \
  --customize-hook="copy-in '$deb' /tmp" \
  --customize-hook="chroot \"\$1\" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/$(basename "$deb")" \
  "$suite" "$dir"
mount -t proc proc "$dir/proc"
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
