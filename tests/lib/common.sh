# shellcheck shell=bash
# Sourced by every integration test. Tests run inside the sandbox that
# tests/lib/sandbox.sh makes; this file refuses to run anywhere else.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
BIN=$BUILD/bin
REF=/usr/lib/cni
export PATH=$BIN:$PATH

# The host's network is never touched: we must be in a network namespace of our own,
# made by tests/lib/sandbox.sh (which records the netns it started from), and fresh.
sandbox_refuse() {
	echo "not ok - sandbox: refusing to run: $1 (run tests through tests/run.sh)"
	exit 1
}
[ -n "${NETCTL_SANDBOX:-}" ] || sandbox_refuse "not started by tests/lib/sandbox.sh"
[ "$(readlink /proc/self/ns/net)" != "${NETCTL_HOST_NETNS:-}" ] ||
	sandbox_refuse "this is the network namespace the run started from"
[ "$(readlink /proc/self/ns/net)" != "$(readlink /proc/1/ns/net 2>/dev/null)" ] ||
	sandbox_refuse "this is pid 1's network namespace"
[ "$(ip -o link show | grep -cv ': lo:')" = 0 ] ||
	sandbox_refuse "this network namespace already has interfaces besides lo"

mkdir -p /tmp/netctl-test
T=$(mktemp -d /tmp/netctl-test/t.XXXXXX)

ok() { echo "ok - $1"; }
fail() {
	echo "not ok - $1"
	shift
	local line
	for line in "$@"; do printf '%s\n' "$line" | sed 's/^/#   /'; done
}

# check DESC cmd... : passes when cmd exits 0; shows the tail of its output if not.
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$desc"; else fail "$desc" "command: $*" "$(printf '%s\n' "$out" | tail -n 8)"; fi
}

# check_fails DESC cmd... : passes when cmd exits non-zero.
check_fails() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then fail "$desc" "command unexpectedly succeeded: $*" "$(printf '%s\n' "$out" | tail -n 8)"; else ok "$desc"; fi
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "expected: $2" "actual:   $3"; fi
}

# plugin TYPE CMD ID NETNS IFNAME <conf : exec one of our plugins like a runtime would.
plugin() {
	local type=$1 cmd=$2 id=$3 ns=$4 ifn=$5
	CNI_COMMAND=$cmd CNI_CONTAINERID=$id CNI_NETNS=$ns CNI_IFNAME=$ifn \
		CNI_ARGS=${CNI_ARGS-} CNI_PATH=${CNI_PATH_OVERRIDE:-$BIN} "$BIN/$type"
}

# ref_plugin TYPE CMD ID NETNS IFNAME <conf : the same with Debian's reference plugins.
ref_plugin() {
	local type=$1 cmd=$2 id=$3 ns=$4 ifn=$5
	CNI_COMMAND=$cmd CNI_CONTAINERID=$id CNI_NETNS=$ns CNI_IFNAME=$ifn \
		CNI_ARGS=${CNI_ARGS-} CNI_PATH=${CNI_PATH_OVERRIDE:-$REF} "$REF/$type"
}

# mkns NAME : a "container" network namespace at /run/netns/NAME with lo up.
mkns() {
	ip netns add "$1" && ip -n "$1" link set lo up
}

# json_get EXPR : jq on stdin, raw output (tests only; jq is slow to start).
json_get() { jq -r "$1"; }

done_testing() { echo "# done"; }
