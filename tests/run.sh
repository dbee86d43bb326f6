#!/usr/bin/env bash
# tests/run.sh [--unit-only|--integration-only] [--with-san DIR] [FILE...]
#              --san-integration DIR: only the integration subset under ASan+UBSan
# Runs cmocka unit tests, then each integration test in its own sandbox, and ends
# with one line "N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export BUILD=${BUILD:-build}
TIMEOUT=${TEST_TIMEOUT:-600}
unit=1 integ=1 san_only=0
san_build=
files=()
while [ $# -gt 0 ]; do
	a=$1
	shift
	case $a in
	--with-san) san_build=$1; shift ;;
	--san-integration) san_build=$1; shift; unit=0; integ=0; san_only=1 ;;
	--unit-only) integ=0 ;;
	--integration-only) unit=0 ;;
	*) files+=("$a") ;;
	esac
done

passed=0 failed=0
failed_names=()

# count OUTPUT_FILE NAME STATUS : tally TAP lines; a crash or a missing "# done" fails.
count() {
	local out=$1 name=$2 status=$3 p f
	p=$(grep -cE '^ok( [0-9]+)? ' "$out")
	f=$(grep -cE '^not ok( [0-9]+)? ' "$out")
	if [ "$status" != 0 ] && [ "$f" = 0 ]; then
		f=1
		echo "not ok - $name exited with status $status"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" = 0 ] || failed_names+=("$name")
	printf '== %s: %d passed, %d failed (%d s)\n' "$name" "$p" "$f" $((SECONDS - started))
}

run_unit() {
	local t out status dir=${1:-$BUILD}
	for t in "$dir"/tests/test_*; do
		[ -x "$t" ] || continue
		out=$(mktemp)
		started=$SECONDS
		CMOCKA_MESSAGE_OUTPUT=TAP timeout "$TIMEOUT" "$t" >"$out" 2>&1
		status=$?
		grep -vE '^ok ' "$out" | grep -v '^1\.\.' | grep -v '^# ' || true
		count "$out" "unit/$(basename "$t")${2:-}" "$status"
		rm -f "$out"
	done
}

# Fuzz corpora replayed under ASan+UBSan: one result per target.
run_fuzz_replay() {
	local t name out status dir=$1
	for t in "$dir"/fuzz/fuzz_*; do
		[ -x "$t" ] || continue
		name=${t##*/fuzz_}
		out=$(mktemp)
		started=$SECONDS
		if [ -d "tests/fuzz/corpus/$name" ]; then
			timeout "$TIMEOUT" "$t" "tests/fuzz/corpus/$name" >"$out" 2>&1
			status=$?
		else
			echo "no corpus at tests/fuzz/corpus/$name" >"$out"
			status=1
		fi
		if [ $status = 0 ]; then
			echo "ok - fuzz corpus $name: $(tail -n 1 "$out")" >>"$out"
		else
			echo "not ok - fuzz corpus $name" >>"$out"
		fi
		grep -vE '^ok ' "$out" | tail -n 30 || true
		count "$out" "fuzz/$name (ASan+UBSan)" 0
		rm -f "$out"
	done
}

run_integration() {
	local t out status list=("$@")
	[ ${#list[@]} -gt 0 ] || list=(tests/integration/*.sh)
	for t in "${list[@]}"; do
		[ -f "$t" ] || continue
		out=$(mktemp)
		started=$SECONDS
		timeout --kill-after=10 "$TIMEOUT" tests/lib/sandbox.sh bash "$t" >"$out" 2>&1
		status=$?
		if ! grep -q '^# done$' "$out" && [ "$status" = 0 ]; then
			status=97
			echo "# $t did not reach done_testing" >>"$out"
		fi
		if [ -n "${SAN_LOGS:-}" ] && [ -n "$(ls -A "$SAN_LOGS")" ]; then
			echo "not ok - sanitizer reports" >>"$out"
			head -n 30 "$SAN_LOGS"/* >>"$out"
			rm -f "$SAN_LOGS"/*
		fi
		grep -vE '^ok ' "$out" || true
		count "$out" "$t${NAME_SUFFIX:-}" "$status"
		rm -f "$out"
	done
}

# A short integration subset with the ASan+UBSan plugins and netctl: any report, even
# from a process whose exit status nobody reads, lands in $SAN_LOGS and fails the test.
SAN_INTEGRATION=(real-cnitool.sh fault-env.sh fault-kill.sh load-chain.sh cli-attach.sh cli-net.sh
	bandwidth-cni.sh dns-names.sh dns-run.sh)
run_san_integration() {
	local t list=()
	for t in "${SAN_INTEGRATION[@]}"; do list+=("tests/integration/$t"); done
	SAN_LOGS=$(mktemp -d)
	BUILD=$1 NAME_SUFFIX=" (ASan+UBSan)" FAULT_TRIALS=40 LOAD_N=30 SAN_LOGS=$SAN_LOGS \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path=$SAN_LOGS/asan \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$SAN_LOGS/ubsan \
		run_integration "${list[@]}"
	rm -rf "$SAN_LOGS"
}

if [ ${#files[@]} -gt 0 ]; then
	run_integration "${files[@]}"
else
	[ $unit = 1 ] && run_unit
	# Under ASan+UBSan: the unit tests (and, as they come, fuzz corpora replays).
	[ $unit = 1 ] && [ -n "$san_build" ] && ASAN_OPTIONS=detect_leaks=1 run_unit "$san_build" " (ASan+UBSan)"
	[ $unit = 1 ] && [ -n "$san_build" ] && run_fuzz_replay "$san_build"
	[ $integ = 1 ] && run_integration
	[ $integ = 1 ] || [ $san_only = 1 ] && [ -n "$san_build" ] && run_san_integration "$san_build"
fi

if [ ${#failed_names[@]} -gt 0 ]; then
	echo "failing: ${failed_names[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
