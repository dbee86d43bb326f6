#!/usr/bin/env bash
# bench/chain-firewall.sh [N...] : the chain bridge(ipMasq) + host-local + firewall, ours
# ($BUILD/bin) against Debian's /usr/lib/cni, interleaved in one run. The chain is run
# as libcni runs it: bridge ADD, its result as firewall's prevResult; DEL in reverse
# with the ADD result as prevResult. Times are the sum of the plugin execs.
#   - "at 1": 20 rounds of ADD then DEL of one container;
#   - for each N (default 200 1000): N containers ADDed, then all DELed; medians, p90,
#     ratio, first-10 vs last-10 ADD medians.
# Set MASQ=0 to leave ipMasq out. Runs itself in a throwaway sandbox.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
if [ -z "${NETCTL_SANDBOX:-}" ]; then
	exec "$ROOT/tests/lib/sandbox.sh" bash "$0" "$@"
fi
. "$ROOT/tests/lib/common.sh"

SIZES=${*:-200 1000}
MASQ=${MASQ:-1}
masq=$([ "$MASQ" = 1 ] && echo true || echo false)
for b in bridge host-local firewall; do
	for d in "$BIN" "$REF"; do
		[ -x "$d/$b" ] || { echo "bench: $d/$b is missing" >&2; exit 1; }
	done
done
for who in ours ref; do
	sub=$([ $who = ours ] && echo 10.100 || echo 10.101)
	printf '{"cniVersion":"1.0.0","name":"c%s","type":"bridge","bridge":"br%s","isGateway":true,"isDefaultGateway":true,"ipMasq":%s,"ipam":{"type":"host-local","subnet":"%s.0.0/16"}}' \
		"$who" "$who" "$masq" "$sub" >"$T/$who.br.json"
done
declare -A CP=([ours]=$BIN [ref]=$REF)
export CNI_IFNAME=eth0

# fwconf WHO RESULTFILE : the firewall's config with the bridge result as prevResult.
fwconf() {
	printf '{"cniVersion":"1.0.0","name":"c%s","type":"firewall","backend":"iptables","prevResult":%s}' \
		"$1" "$(cat "$2")"
}
# run WHO CMD ID TYPE STDIN OUT : one exec; its wall time (us) added to $ACC.
run() {
	local t0 t1 s
	t0=${EPOCHREALTIME/./}
	CNI_COMMAND=$2 CNI_CONTAINERID=$3 CNI_NETNS=/run/netns/$3 CNI_PATH=${CP[$1]} \
		"${CP[$1]}/$4" <"$5" >"$6" 2>>"$T/$1.err"
	s=$?
	t1=${EPOCHREALTIME/./}
	if [ $s != 0 ]; then
		echo "bench: $1 $4 $2 $3 failed (exit $s): $(cat "$6")" >&2
		exit 1
	fi
	ACC=$((ACC + t1 - t0))
}
# chain WHO CMD ID TAG : the whole chain once; its time appended to $T/TAG.
chain() {
	local who=$1 cmd=$2 id=$3
	ACC=0
	if [ "$cmd" = ADD ]; then
		run "$who" ADD "$id" bridge "$T/$who.br.json" "$T/res.$who.$id"
		fwconf "$who" "$T/res.$who.$id" >"$T/fw.$who.json"
		run "$who" ADD "$id" firewall "$T/fw.$who.json" /dev/null
	else
		fwconf "$who" "$T/res.$who.$id" >"$T/fw.$who.json"
		run "$who" DEL "$id" firewall "$T/fw.$who.json" /dev/null
		run "$who" DEL "$id" bridge "$T/$who.br.json" /dev/null
		rm -f "$T/res.$who.$id"
	fi
	printf '%d\n' "$ACC" >>"$T/$4"
}
pct() {
	sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END {
		r = int((p / 100) * NR + 0.999); if (r < 1) r = 1; printf "%.2f", v[r] / 1000 }'
}
ratio() { awk -v o="$1" -v r="$2" 'BEGIN { printf "%.2fx", o / r }'; }
row() {
	local o r
	o=$(pct "$2" 50); r=$(pct "$3" 50)
	printf '%-12s %9s %9s %9s %9s %7s\n' "$1" "$o" "$r" "$(pct "$2" 90)" "$(pct "$3" 90)" \
		"$(ratio "$o" "$r")"
}
cleanup_all() {
	ip -all netns delete 2>/dev/null
	ip link del brours 2>/dev/null; ip link del brref 2>/dev/null
}

for who in ours ref; do ip netns add w$who; chain $who ADD w$who warm; chain $who DEL w$who warm; done
cleanup_all; rm -f "$T/warm"

printf 'bridge(ipMasq=%s) + host-local + firewall: ours vs reference, ms\n' "$masq"
printf '%-12s %9s %9s %9s %9s %7s\n' "" "ours p50" "ref p50" "ours p90" "ref p90" ratio
for ((i = 1; i <= 20; i++)); do
	for who in ours ref; do
		ip netns add s$who$i
		chain $who ADD s$who$i "1.$who.ADD"
		chain $who DEL s$who$i "1.$who.DEL"
	done
done
row "ADD at 1" "$T/1.ours.ADD" "$T/1.ref.ADD"
row "DEL at 1" "$T/1.ours.DEL" "$T/1.ref.DEL"
cleanup_all

for N in $SIZES; do
	for ((i = 1; i <= N; i++)); do ip netns add o$i; ip netns add r$i; done
	t0=$SECONDS
	for ((i = 1; i <= N; i++)); do
		chain ours ADD o$i "$N.ours.ADD"
		chain ref ADD r$i "$N.ref.ADD"
	done
	for ((i = 1; i <= N; i++)); do
		chain ours DEL o$i "$N.ours.DEL"
		chain ref DEL r$i "$N.ref.DEL"
	done
	row "ADD to $N" "$T/$N.ours.ADD" "$T/$N.ref.ADD"
	row "DEL of $N" "$T/$N.ours.DEL" "$T/$N.ref.DEL"
	for who in ours ref; do
		head -n 10 "$T/$N.$who.ADD" >"$T/f.$who"; tail -n 10 "$T/$N.$who.ADD" >"$T/l.$who"
	done
	printf '  ADD first-10 -> last-10 medians at N=%d: ours %s -> %s, reference %s -> %s (%ds)\n' \
		"$N" "$(pct "$T/f.ours" 50)" "$(pct "$T/l.ours" 50)" "$(pct "$T/f.ref" 50)" \
		"$(pct "$T/l.ref" 50)" $((SECONDS - t0))
	left=$(nft -j list set inet netctl members-cours 2>/dev/null | jq '[.nftables[].set.elem? // empty | .[]] | length')
	echo "  elements left in members-cours after the DELs: ${left:-0}"
	cleanup_all
done
echo "(ratio = ours / reference median; below 1 is faster)"
