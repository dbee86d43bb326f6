#!/usr/bin/env bash
# bench/chain.sh NAME [N...] : the chain bench/conf/NAME.conflist with our plugins
# ($BUILD/bin) and with Debian's /usr/lib/cni, interleaved in one run so both see the
# same machine noise. Both run through `netctl cni` (libcni's rules: prevResult,
# capabilities, cache); the time of one operation is the sum of its plugin execs
# (NETCTL_BENCH_TIMES), which is what a runtime spends in the plugins.
#   - N=1: 20 rounds of ADD, CHECK, DEL of one container on an empty network;
#   - N>1: N containers ADDed (one netns each), CHECKed (every $CHECK_EVERY-th), DELed.
# Prints medians, p90, ratios, first-10 vs last-10 ADD; writes every sample to
# $BENCH_OUT/NAME.tsv (NAME N who op index us) for bench/report.sh.
# NAME.cap, if present, is the capability args (@PORT@: a host port per container).
# Runs itself in a throwaway sandbox (tests/lib/sandbox.sh).
. "$(dirname "$0")/sandboxed.sh"

NAME=${1:?usage: bench/chain.sh NAME [N...]}
shift
SIZES=${*:-1 200}
CHECK_EVERY=${CHECK_EVERY:-1}
REF_DEL_EVERY=${REF_DEL_EVERY:-5}
OUT=${BENCH_OUT:-$ROOT/bench/out}
mkdir -p "$OUT"
TSV=$OUT/$NAME.tsv
: >"$TSV"
CAPT=$(cat "$HERE/conf/$NAME.cap" 2>/dev/null || true)
declare -A CP=([ours]=$BIN [ref]=$REF) PORT0=([ours]=10000 [ref]=30000)
declare -A SUB=([ours]=10.100 [ref]=10.101)
for who in ours ref; do
	sed -e "s/@NAME@/b$who/g; s/@BR@/br$who/g; s/@SUB@/${SUB[$who]}/g" \
		"$HERE/conf/$NAME.conflist" >"$T/$who.conflist"
	for p in $(grep -o '"type":"[a-z-]*"' "$T/$who.conflist" | cut -d'"' -f4); do
		[ -x "${CP[$who]}/$p" ] || { echo "bench: ${CP[$who]}/$p is missing" >&2; exit 1; }
	done
done
export NETCTL_STATEDIR=$T/state

# op WHO CMD I TAG : one chain operation on container I; its plugin time to $T/TAG.
op() {
	local who=$1 cmd=$2 i=$3 caps=() s=0 c t us
	[ -n "$CAPT" ] && caps=(--cap-args "${CAPT//@PORT@/$((PORT0[$who] + i))}")
	: >"$T/times"
	if ! NETCTL_BENCH_TIMES=$T/times CNI_PATH=${CP[$who]} "$BIN/netctl" cni "$cmd" \
		"$T/$who.conflist" "/run/netns/$who$i" --id "c$i" "${caps[@]}" \
		>"$T/out" 2>&1; then
		# The reference's CHECK is known to fail (portmap on IPv4-only containers, its
		# bug #819): counted and reported, its time kept; any other failure stops.
		if [ "$who/$cmd" != ref/check ]; then
			echo "bench: $who $cmd c$i failed:" >&2
			cat "$T/out" >&2
			exit 1
		fi
		echo "$(head -c 160 "$T/out" | tr '\n' ' ')" >>"$T/ref.checkfail"
	fi
	while read -r c t us; do s=$((s + us)); done <"$T/times"
	echo "$s" >>"$T/$4"
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$NAME" "$N" "$who" "$cmd" "$i" "$s" >>"$TSV"
}
leftovers() {
	local v
	v=$(ip -o link show master brours type veth 2>/dev/null | wc -l)
	[ "$v" = 0 ] || echo "  bench: $v of our veths left after the DELs" >&2
}
# floor_del TAG : the kernel's own cost of what a DEL must do at this size: delete a
# veth pair whose peer is in a container netns and whose host end is a bridge port,
# timed around `ip link del` (10 samples; `ip link show lo` gives the exec overhead).
floor_del() {
	local k a b
	for ((k = 0; k < 10; k++)); do
		ip link add flr$k type veth peer name eth9 netns ours1 2>/dev/null ||
			ip link add flr$k type veth peer name eth9
		ip link set flr$k master brours up 2>/dev/null
		a=$(date +%s%N); ip link del flr$k; b=$(date +%s%N)
		echo $(((b - a) / 1000)) >>"$T/$1.floor"
		a=$(date +%s%N); ip link show lo >/dev/null; b=$(date +%s%N)
		echo $(((b - a) / 1000)) >>"$T/$1.exec"
	done
}
cleanup_all() {
	ip -all netns delete 2>/dev/null
	ip link del brours 2>/dev/null; ip link del brref 2>/dev/null
	rm -f "$T"/[0-9]*.*
}

# warm the page cache for both sets of binaries
N=0
for who in ours ref; do
	ip netns add ${who}0
	op $who add 0 warm; op $who del 0 warm
done
cleanup_all
sed -i '/\t0\t/d' "$TSV"

echo "$NAME: $(grep -o '"type":"[a-z-]*"' "$T/ours.conflist" | cut -d'"' -f4 | paste -sd+),"\
	"ours vs reference, plugin time in ms"
row_header
for N in $SIZES; do
	t0=$SECONDS
	if [ "$N" = 1 ]; then
		for ((i = 1; i <= 20; i++)); do
			for who in ours ref; do
				ip netns add $who$i
				op $who add "$i" "1.$who.add"
				op $who check "$i" "1.$who.check"
				op $who del "$i" "1.$who.del"
			done
		done
		ip netns add ours1 2>/dev/null
		[ "$NAME" != bridge ] || floor_del 1
	else
		for ((i = 1; i <= N; i++)); do ip netns add ours$i; ip netns add ref$i; done
		for ((i = 1; i <= N; i++)); do op ours add "$i" "$N.ours.add"; op ref add "$i" "$N.ref.add"; done
		for ((i = 1; i <= N; i += CHECK_EVERY)); do
			op ours check "$i" "$N.ours.check"; op ref check "$i" "$N.ref.check"
		done
		[ "$NAME" != bridge ] || floor_del "$N"
		# From 1000 on, the reference's DEL is timed on every REF_DEL_EVERY-th
		# container only (its DEL there is ~0.3 s each; the sandbox's teardown
		# removes the rest): `make bench` stays under 20 minutes. Ours: every one.
		for ((i = 1; i <= N; i++)); do
			op ours del "$i" "$N.ours.del"
			((N < 1000 || (i - 1) % REF_DEL_EVERY == 0)) && op ref del "$i" "$N.ref.del"
		done
	fi
	for o in add check del; do
		row "$(echo $o | tr a-z A-Z) at $N" "$T/$N.ours.$o" "$T/$N.ref.$o"
	done
	if [ "$NAME" = bridge ] && [ -s "$T/$N.floor" ]; then
		printf '  kernel floor for DEL at N=%d: `ip link del` of a bridged veth pair %s ms p50 (of which exec of ip %s ms)\n' \
			"$N" "$(pct "$T/$N.floor" 50)" "$(pct "$T/$N.exec" 50)"
	fi
	if [ "$N" != 1 ]; then
		for who in ours ref; do
			head -n 10 "$T/$N.$who.add" >"$T/f.$who"; tail -n 10 "$T/$N.$who.add" >"$T/l.$who"
		done
		printf '  ADD first-10 -> last-10 at N=%d: ours %s -> %s, reference %s -> %s\n' \
			"$N" "$(pct "$T/f.ours" 50)" "$(pct "$T/l.ours" 50)" "$(pct "$T/f.ref" 50)" \
			"$(pct "$T/l.ref" 50)"
	fi
	if [ -s "$T/ref.checkfail" ]; then
		printf '  reference CHECK failed %d times at N=%d: %s\n' "$(wc -l <"$T/ref.checkfail")" \
			"$N" "$(head -n 1 "$T/ref.checkfail" | cut -c1-150)"
		rm -f "$T/ref.checkfail"
	fi
	printf '  (%d s)\n' $((SECONDS - t0))
	leftovers
	cleanup_all
done
echo "(ratio = ours / reference p50; below 1 is faster)"
