#!/usr/bin/env bash
# bench/firewall-dataplane.sh [SECONDS] : TCP throughput between two containers on one
# bridge (iperf3), three ways: no firewall (plain L2 bridging), our firewall with icc on,
# and icc=false with a 1000-entry policy (routed through the forward hook, the allowed
# port matched by the last entry). br_netfilter off, as on most hosts.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
if [ -z "${NETCTL_SANDBOX:-}" ]; then
	exec "$ROOT/tests/lib/sandbox.sh" bash "$0" "$@"
fi
. "$ROOT/tests/lib/common.sh"
. "$ROOT/tests/integration/fwlib/fw.bash"
S=${1:-5}
[ -x "$BIN/firewall" ] || { echo "bench: $BIN/firewall missing" >&2; exit 1; }
echo 0 >/proc/sys/net/bridge/bridge-nf-call-iptables

rate() { # CLIENT_NS SERVER_ADDR : Gbit/s received
	ip netns exec "$1" iperf3 -c "$2" -t "$S" -J 2>/dev/null |
		jq -r '.end.sum_received.bits_per_second / 1e9'
}
setup() { # BRIDGE NET3 (e.g. 10.70.0)
	net_up "$1" "$2.1/24"
	ctr "$1-a" "$1" "$2.2/24" "$2.1"
	ctr "$1-b" "$1" "$2.3/24" "$2.1"
	ip netns exec "$1-b" iperf3 -s -D --pidfile "$T/iperf-$1.pid"
	sleep 0.3
}

setup bp 10.70.0
plain=$(rate bp-a 10.70.0.3)

setup bf 10.71.0
fw ADD fon bf bf-a 10.71.0.2/24 >/dev/null
fw ADD fon bf bf-b 10.71.0.3/24 >/dev/null
iccon=$(rate bf-a 10.71.0.3)

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
policy=$(rate bq-a 10.72.0.3)

printf '%-44s %8s Gbit/s\n' "no firewall (L2 bridge)" "$plain"
printf '%-44s %8s Gbit/s\n' "firewall, icc on" "$iccon"
printf '%-44s %8s Gbit/s\n' "icc=false, $rules policy rules (routed)" "$policy"
echo "policy vs no firewall: $(echo "scale=1; (1 - $policy / $plain) * 100" | bc -l)% lower"
for f in "$T"/iperf-*.pid; do kill "$(cat "$f")"; done
