#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Quick start 2: set up, build, and run the whole test suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
cd build
ctest --output-on-failure -j"$(nproc)" "$@"
