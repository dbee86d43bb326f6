#!/usr/bin/env bash
# bench/firewall-dataplane.sh [SECONDS] [ROUNDS] : TCP throughput between two
# containers on one bridge (iperf3), four ways: no firewall (plain L2 bridging), our
# firewall with icc on, icc=false with a 1-entry policy, icc=false with a 1000-entry
# policy (both routed through the forward hook; the allowed port is the last entry).
# br_netfilter off, as on most hosts. The four run in turn ROUNDS times (single TCP
# streams on 2 vCPUs are noisy); medians are printed.
. "$(dirname "$0")/sandboxed.sh"
. "$ROOT/tests/integration/fwlib/fw.bash"
S=${1:-4}
R=${2:-5}
[ -x "$BIN/firewall" ] || { echo "bench: $BIN/firewall missing" >&2; exit 1; }
echo 0 >/proc/sys/net/bridge/bridge-nf-call-iptables

rate() { # CLIENT_NS SERVER_ADDR : Gbit/s received
	ip netns exec "$1" iperf3 -c "$2" -t "$S" -J 2>/dev/null |
		jq -r '.end.sum_received.bits_per_second / 1e7 | floor / 100'
}
setup() { # BRIDGE NET3 (e.g. 10.70.0)
	net_up "$1" "$2.1/24"
	ctr "$1-a" "$1" "$2.2/24" "$2.1"
	ctr "$1-b" "$1" "$2.3/24" "$2.1"
	ip netns exec "$1-b" iperf3 -s -D --pidfile "$T/iperf-$1.pid"
	sleep 0.3
}

setup bp 10.70.0

setup bf 10.71.0
fw ADD fon bf bf-a 10.71.0.2/24 >/dev/null
fw ADD fon bf bf-b 10.71.0.3/24 >/dev/null

mkdir -p /etc/netctl/policy.d
{
	echo '{"version":1,"icc":false,"groups":{"c":["bq-a"],"s":["bq-b"]},"allow":['
	for i in $(seq 1 999); do echo "{\"from\":\"c\",\"to\":\"s\",\"ports\":[\"$((10000 + i))/tcp\"]},"; done
	echo '{"from":"c","to":"s","ports":["5201/tcp"]}]}'
} >/etc/netctl/policy.d/pol.json
setup bq 10.72.0
fw ADD pol bq bq-a 10.72.0.2/24 >/dev/null
fw ADD pol bq bq-b 10.72.0.3/24 >/dev/null
rules=$(nft list chain inet netctl net-pol-policy | grep -c accept)
# The same routed path with a one-entry policy: separates routing from rule cost.
echo '{"version":1,"icc":false,"allow":[{"from":"*","to":"*"}]}' >/etc/netctl/policy.d/one.json
setup br1 10.73.0
fw ADD one br1 br1-a 10.73.0.2/24 >/dev/null
fw ADD one br1 br1-b 10.73.0.3/24 >/dev/null
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for r in $(seq 1 "$R"); do
	echo "plain $(rate bp-a 10.70.0.3)"
	echo "iccon $(rate bf-a 10.71.0.3)"
	echo "policy $(rate bq-a 10.72.0.3)"
	echo "one $(rate br1-a 10.73.0.3)"
done >"$T/rates"
pick() { awk -v k="$1" '$1 == k {print $2}' "$T/rates" | median; }
plain=$(pick plain) iccon=$(pick iccon) policy=$(pick policy) one=$(pick one)
echo "all runs (Gbit/s): $(sort "$T/rates" | awk '{a[$1]=a[$1] " " $2} END {for (k in a) printf "%s:%s; ", k, a[k]}')"

printf '%-44s %8s Gbit/s\n' "no firewall (L2 bridge)" "$plain"
printf '%-44s %8s Gbit/s\n' "firewall, icc on" "$iccon"
printf '%-44s %8s Gbit/s\n' "icc=false, 1-entry policy (routed)" "$one"
printf '%-44s %8s Gbit/s\n' "icc=false, $rules policy rules (routed)" "$policy"
# change A B : A against B in percent, signed (negative: A is slower)
change() { printf '%+.1f%%' "$(echo "($1 / $2 - 1) * 100" | bc -l)"; }
echo "policy vs the same routed path with 1 rule: $(change "$policy" "$one")"
echo "policy vs no firewall: $(change "$policy" "$plain") (run-to-run spread: see all runs)"
for f in "$T"/iperf-*.pid; do kill "$(cat "$f")"; done
