#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Takes the README's Wireshark screenshot with the real Wireshark GUI under Xvfb: the shipped
# register capture, a miauth filter in the filter bar, the firmware read selected, the MiAuth tree
# expanded and its decrypted value clicked (the "Decrypted MiAuth" bytes tab shows the plaintext).
# Not run by CI. Needs the packages below (installed when missing) and a built plugin.
#
#   bash scripts/screenshot.sh [OUT.png]          (default docs/images/wireshark-register.png)
#   PLUGIN=path/to/miauth.so bash scripts/screenshot.sh OUT.png   (another build of the plugin)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/images/wireshark-register.png}
plugin=${PLUGIN:-$(ls build/plugin/plugins/*/epan/miauth.so 2>/dev/null | head -1)}
[ -n "$plugin" ] && [ -f "$plugin" ] || { echo "screenshot.sh: no plugin at $plugin (build first: bash scripts/setup.sh)" >&2; exit 2; }
# The Wireshark version folder the plugin was built for (plugins/<major.minor>/epan/miauth.so).
version=$(basename "$(dirname "$(dirname "$plugin")")")

need=()
for p in wireshark-qt:wireshark xvfb:Xvfb xdotool:xdotool x11-apps:xwd imagemagick:convert; do
  command -v "${p#*:}" >/dev/null || need+=("${p%%:*}")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi

work=$(mktemp -d)
mkdir -p "$work/plugins/$version/epan" "$work/home/.config/wireshark"
cp "$plugin" "$work/plugins/$version/epan/miauth.so"
cp captures/register-kettle.btsnoop "$work/"
# Wireshark ignores personal plugin folders when run as root: run it as nobody, as the tests do.
as_user=()
if [ "$(id -u)" = 0 ]; then
  chown -R 65534:65534 "$work"
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi

display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1600x1000x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $wireshark $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
sleep 1
export DISPLAY=$display
"${as_user[@]}" env HOME="$work/home" WIRESHARK_PLUGIN_DIR="$work/plugins" DISPLAY="$display" QT_QPA_PLATFORM=xcb \
  wireshark -r "$work/register-kettle.btsnoop" -Y 'miauth.status == "verified"' -g 42 >/dev/null 2>&1 &
wireshark=$!

# The main window is named after the capture file.
win=""
for _ in $(seq 1 60); do
  win=$(xdotool search --name '^register-kettle.btsnoop$' 2>/dev/null | head -1 || true)
  [ -n "$win" ] && break
  sleep 0.5
done
[ -n "$win" ] || { echo "screenshot.sh: the Wireshark window did not appear" >&2; exit 1; }
xdotool windowmove "$win" 0 0 windowsize "$win" 1600 1000
sleep 2
# Frame 42 (the firmware read) is selected: open its MiAuth subtree, then click the decrypted
# value, which highlights its bytes in the "Decrypted MiAuth" tab. Coordinates are those of the
# default layout at 1600x1000.
xdotool mousemove 230 647 click 1
sleep 0.5
xdotool key Right
sleep 1
xdotool mousemove 230 766 click 1
sleep 1
mkdir -p "$(dirname "$out")"
xwd -root -silent -display "$display" | convert xwd:- "$out"
echo "screenshot.sh: wrote $out"
