# shellcheck shell=bash
# Helpers for the firewall/nft integration tests (sourced after common.sh). Networks
# and containers are made by hand (bridge, veth, addresses) so the firewall plugin is
# tested on its own; prevResult is what the bridge plugin would print.
PROBE=$ROOT/tests/integration/fwlib/probe.py
SERVERS=()

probe() { /usr/bin/python3 "$PROBE" "$@"; }

# serve NS PROTO PORT : an echo server in netns NS ("-" = the sandbox itself).
serve() {
	if [ "$1" = - ]; then
		/usr/bin/python3 "$PROBE" serve "$2" "$3" &
	else
		ip netns exec "$1" /usr/bin/python3 "$PROBE" serve "$2" "$3" &
	fi
	SERVERS+=($!)
}

# reach NS PROTO ADDR PORT : one exchange from NS.
reach() { ip netns exec "$1" timeout 3 /usr/bin/python3 "$PROBE" connect "$2" "$3" "$4"; }

stop_servers() {
	local p
	for p in "${SERVERS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	SERVERS=()
}

# net_up BRIDGE GW/LEN : a bridge with the gateway address, forwarding on. Its MAC is
# set explicitly: a bridge left to follow its lowest port MAC changes it when a port
# joins, and every container's ARP entry for the gateway goes stale (icc=false traffic
# is routed through the gateway, so it would stall).
net_up() {
	local mac
	mac=$(printf '02:00:%02x:%02x:%02x:01' $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)))
	ip link add "$1" address "$mac" type bridge && ip addr add "$2" dev "$1" &&
	ip link set "$1" up
	echo 1 >/proc/sys/net/ipv4/ip_forward
}

# ctr NAME BRIDGE ADDR/LEN GW : netns NAME, veth vh-NAME on BRIDGE, eth0 inside.
ctr() {
	mkns "$1" &&
	ip link add "vh-$1" type veth peer name eth0 netns "$1" &&
	ip link set "vh-$1" master "$2" up &&
	ip -n "$1" addr add "$3" dev eth0 && ip -n "$1" link set eth0 up &&
	ip -n "$1" route add default via "$4"
}

# outside_up : netns "out" at 192.168.50.2 behind a veth, route back to 10/8 unless
# $1 = noroute (then only masquerade brings replies home).
outside_up() {
	mkns out
	ip link add vo-host type veth peer name eth0 netns out
	ip addr add 192.168.50.1/24 dev vo-host
	ip link set vo-host up
	ip -n out addr add 192.168.50.2/24 dev eth0
	ip -n out link set eth0 up
	[ "${1:-}" = noroute ] || ip -n out route add 10.0.0.0/8 via 192.168.50.1
}

# fw_conf NET BRIDGE NAME ADDR/LEN [EXTRA_JSON_MEMBERS] : firewall config with prevResult.
fw_conf() {
	local extra=${5:+,$5}
	cat <<JSON
{"cniVersion":"1.0.0","name":"$1","type":"firewall"$extra,
 "prevResult":{"cniVersion":"1.0.0",
  "interfaces":[{"name":"$2"},{"name":"vh-$3"},{"name":"eth0","sandbox":"/run/netns/$3"}],
  "ips":[{"address":"$4","interface":2}]}}
JSON
}

# fw CMD NET BRIDGE NAME ADDR/LEN [EXTRA] : run our firewall plugin for container NAME
# (container ID "id-NAME", K8S_POD_NAME=NAME).
fw() {
	local cmd=$1
	shift
	fw_conf "$@" | CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=$3" \
		plugin firewall "$cmd" "id-$3" "/run/netns/$3" eth0
}

# set_elems SET : the elements of inet netctl SET, one a line ("" when none/absent).
set_elems() {
	nft -j list set inet netctl "$1" 2>/dev/null |
		jq -r '.nftables[].set.elem? // empty | .[] | (.elem.val // .)' 2>/dev/null
}
