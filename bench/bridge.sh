#!/usr/bin/env bash
# bench/bridge.sh [N...] : the bridge + host-local chain, ours ($BUILD/bin) against
# Debian's /usr/lib/cni, in one run, interleaved so both see the same machine noise.
#   - "at 1": 20 rounds of ADD then DEL of a single container on an empty bridge;
#   - for each N (default 200 1000): N containers ADDed (each in its own netns), then
#     all DELed; medians, p90, ratio, and the first-10 vs last-10 ADD medians.
# Times are the plugin chain as a runtime sees it: the wall time of the bridge exec,
# which includes its host-local exec. Runs itself in a throwaway sandbox
# (tests/lib/sandbox.sh: unshare --net --mount, tmpfs state dirs) and refuses to run
# in the host's network namespace.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
if [ -z "${NETCTL_SANDBOX:-}" ]; then
	exec "$ROOT/tests/lib/sandbox.sh" bash "$0" "$@"
fi
. "$ROOT/tests/lib/common.sh"

SIZES=${*:-200 1000}
for b in "$BIN/bridge" "$BIN/host-local" "$REF/bridge" "$REF/host-local"; do
	[ -x "$b" ] || { echo "bench: $b is missing (build first: make BUILD=...)" >&2; exit 1; }
done
mountpoint -q /var/lib/cni || { echo "bench: /var/lib/cni is not a tmpfs here" >&2; exit 1; }
for who in ours ref; do
	sub=$([ $who = ours ] && echo 10.100 || echo 10.101)
	printf '{"cniVersion":"1.0.0","name":"b%s","type":"bridge","bridge":"br%s","isGateway":true,"isDefaultGateway":true,"ipam":{"type":"host-local","subnet":"%s.0.0/16"}}' \
		"$who" "$who" "$sub" >"$T/$who.json"
done
declare -A EXE=([ours]=$BIN/bridge [ref]=$REF/bridge) CP=([ours]=$BIN [ref]=$REF)
export CNI_IFNAME=eth0

# one WHO CMD ID TAG : exec the chain once; append its wall time (us) to $T/TAG.
one() {
	local t0 t1 s
	t0=${EPOCHREALTIME/./}
	CNI_COMMAND=$2 CNI_CONTAINERID=$3 CNI_NETNS=/run/netns/$3 CNI_PATH=${CP[$1]} \
		"${EXE[$1]}" <"$T/$1.json" >/dev/null 2>>"$T/$1.err"
	s=$?
	t1=${EPOCHREALTIME/./}
	if [ $s != 0 ]; then
		echo "bench: $1 $2 $3 failed (exit $s)" >&2
		cat "$T/$1.err" >&2
		exit 1
	fi
	printf '%d\n' $((t1 - t0)) >>"$T/$4"
}
pct() {
	sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END {
		r = int((p / 100) * NR + 0.999); if (r < 1) r = 1; printf "%.2f", v[r] / 1000 }'
}
ratio() { awk -v o="$1" -v r="$2" 'BEGIN { printf "%.2fx", o / r }'; }
row() { # row LABEL OURSFILE REFFILE
	local o r
	o=$(pct "$2" 50); r=$(pct "$3" 50)
	printf '%-12s %9s %9s %9s %9s %7s\n' "$1" "$o" "$r" "$(pct "$2" 90)" "$(pct "$3" 90)" \
		"$(ratio "$o" "$r")"
}
cleanup_all() {
	ip -all netns delete 2>/dev/null
	ip link del brours 2>/dev/null; ip link del brref 2>/dev/null
}

# warm the page cache
for who in ours ref; do ip netns add w$who; one $who ADD w$who warm; one $who DEL w$who warm; done
cleanup_all; rm -f "$T/warm"

printf 'bridge + host-local: ours (%s) vs reference (%s), ms (p50 p50 p90 p90 ratio)\n' \
	"$BIN" "$REF"
printf '%-12s %9s %9s %9s %9s %7s\n' "" "ours p50" "ref p50" "ours p90" "ref p90" ratio

# ---- at 1 container ----
for ((i = 1; i <= 20; i++)); do
	for who in ours ref; do
		ip netns add s$who$i
		one $who ADD s$who$i "1.$who.ADD"
		one $who DEL s$who$i "1.$who.DEL"
	done
done
row "ADD at 1" "$T/1.ours.ADD" "$T/1.ref.ADD"
row "DEL at 1" "$T/1.ours.DEL" "$T/1.ref.DEL"
cleanup_all

# ---- at N containers ----
for N in $SIZES; do
	for ((i = 1; i <= N; i++)); do ip netns add o$i; ip netns add r$i; done
	t0=$SECONDS
	for ((i = 1; i <= N; i++)); do
		one ours ADD o$i "$N.ours.ADD"
		one ref ADD r$i "$N.ref.ADD"
	done
	for ((i = 1; i <= N; i++)); do
		one ours DEL o$i "$N.ours.DEL"
		one ref DEL r$i "$N.ref.DEL"
	done
	row "ADD to $N" "$T/$N.ours.ADD" "$T/$N.ref.ADD"
	row "DEL of $N" "$T/$N.ours.DEL" "$T/$N.ref.DEL"
	for who in ours ref; do
		head -n 10 "$T/$N.$who.ADD" >"$T/f.$who"; tail -n 10 "$T/$N.$who.ADD" >"$T/l.$who"
	done
	printf '  ADD first-10 -> last-10 medians at N=%d: ours %s -> %s, reference %s -> %s (%ds)\n' \
		"$N" "$(pct "$T/f.ours" 50)" "$(pct "$T/l.ours" 50)" "$(pct "$T/f.ref" 50)" \
		"$(pct "$T/l.ref" 50)" $((SECONDS - t0))
	left=$(ip -o link show type veth | wc -l)
	[ "$left" = 0 ] || echo "  bench: $left veths left after the DELs" >&2
	cleanup_all
done
echo "(ratio = ours / reference median; below 1 is faster)"
