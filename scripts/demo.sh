#!/usr/bin/env bash
# The README's main command: install what is missing, build, and run the demo in a
# throwaway network namespace. Nothing on the machine's real network is touched.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
make -s -j"$(nproc)" >/dev/null
exec tests/lib/sandbox.sh scripts/demo-run.sh
