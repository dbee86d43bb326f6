#!/usr/bin/env bash
# bridge plugin: real packets between containers on one bridge (v4, v6, dual stack),
# routed between two bridges, MTU and MAC as configured, the result's shape, DEL.
. "$(dirname "$0")/../lib/common.sh"

# brconf NAME BRIDGE RANGES [EXTRA]: a bridge+host-local config
brconf() {
	printf '{"cniVersion":"1.0.0","name":"%s","type":"bridge","bridge":"%s","isGateway":true,"isDefaultGateway":true%s,"ipam":{"type":"host-local","ranges":%s}}' \
		"$1" "$2" "${4:-}" "$3"
}
add() { # add CONF ID NS -> result on stdout
	plugin bridge ADD "$2" "/run/netns/$3" eth0 <<<"$1"
}
ip_of() { jq -r --arg f "$2" '[.ips[] | select(.address | test($f))][0].address | sub("/.*";"")' <<<"$1"; }

# ---- IPv4, two containers on br4 ----
c4=$(brconf net4 br4 '[[{"subnet":"10.88.0.0/24"}]]')
mkns a4 && mkns b4
ra=$(add "$c4" ida a4) && rb=$(add "$c4" idb b4)
check_eq "v4 ADD a and b get addresses" "10.88.0.2 10.88.0.3" "$(ip_of "$ra" '\.') $(ip_of "$rb" '\.')"
check "v4: a pings b" ip netns exec a4 ping -c 1 -W 2 10.88.0.3
check "v4: b pings a" ip netns exec b4 ping -c 1 -W 2 10.88.0.2
check "v4: a pings the gateway" ip netns exec a4 ping -c 1 -W 2 10.88.0.1
check_eq "result: bridge, host veth, container in sandbox" \
	"br4 $(ip -o link show br4 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)|veth|eth0 /run/netns/a4|2|10.88.0.1" \
	"$(jq -r '"\(.interfaces[0].name) \(.interfaces[0].mac)|\(.interfaces[1].name[0:4])|\(.interfaces[2].name) \(.interfaces[2].sandbox)|\(.ips[0].interface)|\(.ips[0].gateway)"' <<<"$ra")"
check_eq "container has the default route via the gateway" "default via 10.88.0.1 dev eth0" \
	"$(ip -n a4 -4 route show default | awk '{print $1,$2,$3,$4,$5}')"
hv=$(jq -r '.interfaces[1].name' <<<"$ra")
check_eq "host veth name is veth + 8 hex" 1 "$([[ $hv =~ ^veth[0-9a-f]{8}$ ]] && echo 1)"
check_eq "host veth is a port of br4" br4 "$(basename "$(readlink /sys/class/net/$hv/master)")"
check_eq "ip_forward is on" 1 "$(cat /proc/sys/net/ipv4/ip_forward)"

# ---- IPv6 ----
c6=$(brconf net6 br6 '[[{"subnet":"fd00:88::/64"}]]')
mkns a6 && mkns b6
ra6=$(add "$c6" ida6 a6) && rb6=$(add "$c6" idb6 b6)
check_eq "v6 ADD a and b" "fd00:88::2 fd00:88::3" "$(ip_of "$ra6" ':') $(ip_of "$rb6" ':')"
check "v6: a pings b" ip netns exec a6 ping -6 -c 1 -W 2 fd00:88::3
check "v6: b pings the gateway" ip netns exec b6 ping -6 -c 1 -W 2 fd00:88::1
check_eq "v6 address is not tentative (DAD off)" "" \
	"$(ip -n a6 -6 addr show dev eth0 | grep tentative)"

# ---- dual stack ----
cd_=$(brconf netd brd '[[{"subnet":"10.89.0.0/24"}],[{"subnet":"fd00:89::/64"}]]')
mkns ad && mkns bd
rad=$(add "$cd_" idad ad) && rbd=$(add "$cd_" idbd bd)
check_eq "dual stack: two ips each" "2 2" "$(jq '.ips|length' <<<"$rad") $(jq '.ips|length' <<<"$rbd")"
check "dual: a pings b over v4" ip netns exec ad ping -c 1 -W 2 "$(ip_of "$rbd" '\.')"
check "dual: a pings b over v6" ip netns exec ad ping -6 -c 1 -W 2 "$(ip_of "$rbd" ':')"
check_eq "dual: bridge has one gateway per family" "10.89.0.1/24 fd00:89::1/64" \
	"$(ip -o addr show dev brd scope global | awk '{print $4}' | xargs)"

# ---- two bridges: routed by the host, TTL drops by one ----
ttl=$(ip netns exec a4 ping -c 1 -W 2 "$(ip_of "$rbd" '\.')" | grep -o 'ttl=[0-9]*')
check_eq "br4 -> brd is routed through the host (ttl 63)" "ttl=63" "$ttl"
ttl=$(ip netns exec a4 ping -c 1 -W 2 10.88.0.3 | grep -o 'ttl=[0-9]*')
check_eq "same bridge is switched (ttl 64)" "ttl=64" "$ttl"

# ---- MTU and MAC from the config ----
cm=$(brconf netm brm '[[{"subnet":"10.90.0.0/24"}]]' ',"mtu":1400,"runtimeConfig":{"mac":"0a:58:0a:5a:00:42"}')
mkns m
rm_=$(add "$cm" idm m)
check_eq "container MTU is 1400" 1400 "$(ip netns exec m cat /sys/class/net/eth0/mtu)"
check_eq "container MAC from runtimeConfig" "0a:58:0a:5a:00:42" \
	"$(ip -n m -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)"
check_eq "result shows that MAC" "0a:58:0a:5a:00:42" "$(jq -r '.interfaces[2].mac' <<<"$rm_")"
check_eq "host veth MTU is 1400" 1400 "$(cat /sys/class/net/$(jq -r '.interfaces[1].name' <<<"$rm_")/mtu)"
check_eq "bridge MTU is 1400" 1400 "$(cat /sys/class/net/brm/mtu)"
mkns m2
cm2=$(brconf netm brm '[[{"subnet":"10.90.0.0/24"}]]' ',"mtu":1400')
CNI_ARGS="IgnoreUnknown=1;MAC=0a:58:0a:5a:00:43" add "$cm2" idm3 m2 >/dev/null
check_eq "MAC from CNI_ARGS" "0a:58:0a:5a:00:43" \
	"$(ip -n m2 -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)"
CNI_ARGS="IgnoreUnknown=1;MAC=0a:58:0a:5a:00:43" plugin bridge DEL idm3 /run/netns/m2 eth0 <<<"$cm2" >/dev/null

# ---- DEL: everything goes, twice is fine, without a netns is fine ----
for x in "ida a4 c4" "idb b4 c4" "ida6 a6 c6" "idb6 b6 c6" "idad ad cd_" "idbd bd cd_" "idm m cm"; do
	set -- $x
	plugin bridge DEL "$1" "/run/netns/$2" eth0 <<<"${!3}" >/dev/null || fail "DEL $1"
done
check_eq "no veth left after DEL" "" "$(ip -o link show type veth)"
check_eq "no reservation left" "" "$(find /var/lib/cni/networks -type f ! -name lock ! -name 'last_reserved*' 2>/dev/null)"
check "DEL again succeeds" plugin bridge DEL ida /run/netns/a4 eth0 <<<"$c4"
ip netns del a4
check "DEL with the netns gone succeeds" plugin bridge DEL ida /run/netns/a4 eth0 <<<"$c4"
done_testing
