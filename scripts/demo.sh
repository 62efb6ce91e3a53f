#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Quick start 1: set up, build, and analyze a shipped sample capture.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
capture=${1:-captures/register-kettle.btsnoop}
echo "== fe95 analyze $capture" >&2
build/analyzer/fe95 analyze "$capture"
