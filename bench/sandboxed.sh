# bench/sandboxed.sh: sourced first by each benchmark. Sets HERE and ROOT, re-runs the
# calling script inside a throwaway sandbox (tests/lib/sandbox.sh: its own network and
# mount namespaces) unless already in one, then loads the test helpers
# (tests/lib/common.sh: $BIN, $REF, $T, mkns...) and bench/lib.sh.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
if [ -z "${NETCTL_SANDBOX:-}" ]; then
	exec "$ROOT/tests/lib/sandbox.sh" bash "$0" "$@"
fi
. "$ROOT/tests/lib/common.sh"
. "$HERE/lib.sh"
