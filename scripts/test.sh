#!/usr/bin/env bash
# The README's test command: install what is missing, build (plain and with
# ASan+UBSan), run every test. Ends with one line "N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build-cnitool.sh   # the real libcni client for tests/integration/real-*.sh
make -s -j"$(nproc)" DEVELOPER=1 >/dev/null
make -s -j"$(nproc)" DEVELOPER=1 SAN=1 >/dev/null
exec tests/run.sh --with-san build/san
