#!/usr/bin/env bash
# The demo, run by scripts/demo.sh inside a throwaway network namespace: two
# "containers" (network namespaces) join one bridge network through our plugins,
# driven by `netctl cni` exactly as a CNI runtime (libcni) drives them, ping each
# other, are checked, and are removed without leaving anything behind.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
export CNI_PATH=$BUILD/bin NETCTL_STATEDIR=/var/lib/netctl
NETCTL=$BUILD/bin/netctl
[ -n "${NETCTL_SANDBOX:-}" ] || { echo "demo: run me through scripts/demo.sh (sandbox)" >&2; exit 1; }

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

conf=$ROOT/conf/examples/demo.conflist
say "== The network: $(jq -r .name "$conf"), a bridge with host-local addresses, firewalled"
jq -c '.plugins[] | {type} + (if .ipam then {subnet: .ipam.ranges[0][0].subnet} else {} end)' "$conf"

for c in alpha beta; do
	ip netns add "$c"
	say "== ADD $c (netctl cni add runs loopback, then bridge -> host-local -> firewall)"
	"$NETCTL" cni add "$ROOT/conf/examples/loopback.conflist" "/run/netns/$c" --id "$c" --ifname lo >/dev/null
	"$NETCTL" cni add "$conf" "/run/netns/$c" --id "$c" --ifname eth0 >"/tmp/netctl-test/$c.json"
	jq -c '{ips: [.ips[].address], interfaces: [.interfaces[] | .name + (if .sandbox then " (in " + .sandbox + ")" else "" end)]}' \
		"/tmp/netctl-test/$c.json"
done
a=$(jq -r '.ips[0].address | split("/")[0]' /tmp/netctl-test/alpha.json)
b=$(jq -r '.ips[0].address | split("/")[0]' /tmp/netctl-test/beta.json)

say "== alpha ($a) pings beta ($b)"
run ip netns exec alpha ping -c 3 -i 0.2 -W 1 "$b"

say "== CHECK both (the plugins verify interfaces, addresses, routes, reservations, rules)"
for c in alpha beta; do
	"$NETCTL" cni check "$conf" "/run/netns/$c" --id "$c" --ifname eth0 && echo "$c: ok"
done

say "== What the host sees"
run ip -br addr show type bridge
run ip -br link show type veth
run ls /var/lib/cni/networks/demo
run nft list set inet netctl members-demo

say "== DEL both, then look for leftovers"
for c in alpha beta; do
	"$NETCTL" cni del "$conf" "/run/netns/$c" --id "$c" --ifname eth0
	"$NETCTL" cni del "$ROOT/conf/examples/loopback.conflist" "/run/netns/$c" --id "$c" --ifname lo
	ip netns del "$c"
done
left=$( { ip -o link show type veth; ls /var/lib/cni/networks/demo | grep -v -e '^lock$' -e '^last_reserved_ip'; ls /var/lib/netctl/results 2>/dev/null; nft list set inet netctl members-demo 2>/dev/null | grep -E '[0-9]+\.[0-9]+\.' ; } | wc -l)
if [ "$left" = 0 ]; then
	echo "nothing left: no veth, no reservation, no cached result, no set element"
else
	echo "demo: $left leftovers" >&2
	exit 1
fi
