#!/usr/bin/env bash
# bench/policy-v2.sh [SECONDS] [ROUNDS] : policy version 2 at scale, on a real network
# (netctl create, icc off, dual stack) and the outside world of the policy tests
# (fwlib/v2net.bash: a LAN neighbour and an "internet" netns behind it).
#  1. Apply: a policy of 1000 allow entries and 10,000 CIDRs (10 address groups of
#     1000) compiled and applied in one nftables transaction, first apply, then forced
#     re-applies (everything rewritten), median of 5; and "already applied" (read back).
#  2. Throughput: iperf3 TCP, container -> container and container -> internet (egress,
#     masqueraded), the v2 policy (egress deny; the flow's entry last; the destination
#     in the last of the 10,000 CIDRs) side by side with no policy (a version 1 file
#     that allows everything: the same routed path). ROUNDS rounds of SECONDS each,
#     alternating, medians; the rate of the v2 run against the plain one.
. "$(dirname "$0")/sandboxed.sh"
. "$ROOT/tests/integration/fwlib/fw.bash"
. "$ROOT/tests/integration/fwlib/v2net.bash" >/dev/null
S=${1:-4}
R=${2:-5}
echo 0 >/proc/sys/net/bridge/bridge-nf-call-iptables

# 10 groups x 1000 CIDRs in 198.18.0.0/15 (benchmarking addresses), a /28 every 32
# addresses (none adjacent, so none merge); the internet netns's 203.0.113.0/24 is
# the very last CIDR of the last group.
big() {
	local g i
	echo '{ "version": 2, "network": "shop", "egress": "deny",'
	echo '  "groups": { "web": ["web-*"], "db": ["pg"],'
	for g in $(seq 0 9); do
		printf '    "out%d": { "cidrs": [' "$g"
		for i in $(seq 0 999); do
			n=$((g * 1000 + i))
			if [ "$g" = 9 ] && [ "$i" = 999 ]; then printf '"203.0.113.0/24"'
			else printf '"198.%d.%d.%d/28"' $((18 + n / 2048)) $((n / 8 % 256)) $((n % 8 * 32)); fi
			[ "$i" = 999 ] || printf ','
		done
		printf '] }%s\n' "$([ "$g" = 9 ] || echo ,)"
	done
	echo '  },'
	echo '  "allow": ['
	# a third with several ranges (an interval set each), the rest one port and one range
	for i in $(seq 1 989); do
		if [ $((i % 3)) = 0 ]; then
			echo "    { \"from\": \"web\", \"to\": \"db\", \"ports\": [\"$((10000 + i))/tcp\", \"$((30000 + i * 20))-$((30010 + i * 20))/tcp\", \"$((20000 + i))-$((20010 + i))/udp\", \"icmp\"] },"
		else
			echo "    { \"from\": \"web\", \"to\": \"db\", \"ports\": [\"$((10000 + i))/tcp\", \"$((20000 + i))-$((20010 + i))/udp\"] },"
		fi
	done
	for g in $(seq 0 8); do
		echo "    { \"from\": \"web\", \"to\": \"out$g\", \"ports\": [\"443/tcp\", \"8000-8100/tcp\"] },"
	done
	echo '    { "from": "web", "to": "db", "ports": ["5201/tcp"] },'
	echo '    { "from": "web", "to": "out9", "ports": ["5201/tcp"] }'
	echo '  ] }'
}
big >"$T/big.json"
echo '{ "version": 1, "network": "shop", "allow": [ { "from": "*", "to": "*" } ] }' >"$T/open.json"
"$NETCTL" policy check "$T/big.json" >/dev/null || { echo "bench: big.json invalid" >&2; exit 1; }
entries=$(jq '.allow | length' "$T/big.json")
cidrs=$(jq '[.groups[] | objects | .cidrs | length] | add' "$T/big.json")

ms() { local a b; a=$(date +%s%N); "$@" >/dev/null; b=$(date +%s%N); echo $(((b - a) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
"$NETCTL" policy apply shop "$T/open.json" >/dev/null
first=$(ms "$NETCTL" policy apply shop "$T/big.json")
for i in 1 2 3 4 5; do ms "$NETCTL" policy apply shop "$T/big.json" --force; done >"$T/force"
for i in 1 2 3 4 5; do ms "$NETCTL" policy apply shop "$T/big.json"; done >"$T/same"
# a change: one entry's port, then back (the address sets stay as they are)
sed 's|"10001/tcp"|"10001-10002/tcp"|' "$T/big.json" >"$T/big2.json"
for i in 1 2 3; do
	ms "$NETCTL" policy apply shop "$T/big2.json"
	ms "$NETCTL" policy apply shop "$T/big.json"
done >"$T/change"
# from nothing: the network's policy chains as a new network has them
echo '{ "version": 1, "network": "shop" }' >"$T/empty.json"
for i in 1 2 3; do
	"$NETCTL" policy apply shop "$T/empty.json" >/dev/null
	ms "$NETCTL" policy apply shop "$T/big.json"
done >"$T/fresh"
parse=$( (for i in 1 2 3; do ms "$NETCTL" policy check "$T/big.json"; done) | median)
krules=$(nft -a list table inet netctl | grep -cE 'comment "(allow|pub-only|final|egress)')
kelems=$(nft -j list set inet netctl addr-shop-out0 | jq '[.nftables[].set.elem? // empty | .[]] | length')
printf 'policy: %s entries, %s CIDRs -> %s kernel rules, %s ranges per address set\n' \
	"$entries" "$cidrs" "$krules" "$kelems"
printf '%-52s %6s ms\n' "netctl policy check (parse and validate only)" "$parse"
printf '%-52s %6s ms\n' "first apply (from an allow-all v1 policy)" "$first"
printf '%-52s %6s ms\n' "apply from an empty policy, median of 3" "$(median <"$T/fresh")"
printf '%-52s %6s ms\n' "apply with one entry changed, median of 6" "$(median <"$T/change")"
printf '%-52s %6s ms\n' "re-apply --force (everything rewritten), median of 5" "$(median <"$T/force")"
printf '%-52s %6s ms\n' "apply again: already applied (read back), median" "$(median <"$T/same")"

rate() { # CLIENT_NS SERVER_ADDR : Gbit/s received
	ip netns exec "$1" iperf3 -c "$2" -t "$S" -J 2>/dev/null |
		jq -r '.end.sum_received.bits_per_second / 1e7 | floor / 100'
}
ip netns exec pg iperf3 -s -D --pidfile "$T/iperf-pg.pid"
ip netns exec inet iperf3 -s -D --pidfile "$T/iperf-inet.pid"
sleep 0.3
for r in $(seq 1 "$R"); do
	"$NETCTL" policy apply shop "$T/open.json" >/dev/null
	echo "open-c2c $(rate web-1 "${IP4[pg]}")"
	echo "open-egress $(rate web-1 203.0.113.9)"
	"$NETCTL" policy apply shop "$T/big.json" >/dev/null
	echo "v2-c2c $(rate web-1 "${IP4[pg]}")"
	echo "v2-egress $(rate web-1 203.0.113.9)"
done >"$T/rates"
pick() { awk -v k="$1" '$1 == k {print $2}' "$T/rates" | median; }
change() { printf '%+.1f%%' "$(echo "($1 / $2 - 1) * 100" | bc -l)"; }
echo "all runs (Gbit/s): $(sort "$T/rates" | awk '{a[$1]=a[$1] " " $2} END {for (k in a) printf "%s:%s; ", k, a[k]}')"
for k in c2c egress; do
	o=$(pick "open-$k") v=$(pick "v2-$k")
	printf '%-8s no policy %6s Gbit/s   v2 policy %6s Gbit/s   %s\n' "$k" "$o" "$v" "$(change "$v" "$o")"
done
for f in "$T"/iperf-*.pid; do kill "$(cat "$f")"; done
