#!/usr/bin/env bash
# An IPv4-only container interface has IPv6 off (as Docker does), so it sends no
# router solicitations or MLD reports that the bridge would flood to every other
# container; "ipv6LinkLocal": true keeps it; a dual-stack interface keeps IPv6.
. "$(dirname "$0")/../lib/common.sh"

conf() { # conf NAME BRIDGE EXTRA RANGES
	printf '{"cniVersion":"1.0.0","name":"%s","type":"bridge","bridge":"%s","isGateway":true%s,"ipam":{"type":"host-local","ranges":%s,"dataDir":"%s/ipam"}}' \
		"$1" "$2" "$3" "$4" "$T"
}
add() { # add NS CONF
	mkns "$1"
	plugin bridge ADD "cid-$1" "/run/netns/$1" eth0 <<<"$2" >"$T/$1.json"
}
v6state() { echo "$(ip netns exec "$1" cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6) $(ip -n "$1" -6 -o addr show dev eth0 scope link | wc -l)"; }

v4='[[{"subnet":"10.64.0.0/24"}]]'
for i in $(seq 1 30); do add "a$i" "$(conf v4net br-v4 '' "$v4")"; done
check_eq "IPv4-only: eth0 has IPv6 off and no link-local address" "1 0" "$(v6state a1)"
check "... IPv4 works: a1 pings a30" ip netns exec a1 ping -c 1 -W 1 10.64.0.31
# At rest, no IPv6 of the 29 other containers reaches a1 (what still arrives is the
# bridge's own and a1's host veth's, which do not grow with the number of containers).
brmac=$(cat /sys/class/net/br-v4/address)
hv=$(jq -r '.interfaces[] | select(.sandbox == null or .sandbox == "") | .name' "$T/a1.json" | grep veth)
sleep 1
n=$(ip netns exec a1 timeout 3 tcpdump -c 100 -ni eth0 \
	"ip6 and not ether src $brmac and not ether src $(cat "/sys/class/net/$hv/address")" 2>/dev/null | grep -c .)
check_eq "no IPv6 multicast from the 29 others arrives at a1 in 3 s" 0 "$n"

add k1 "$(conf keep br-keep ',"ipv6LinkLocal":true' '[[{"subnet":"10.65.0.0/24"}]]')"
check_eq "\"ipv6LinkLocal\": true keeps IPv6 and its link-local address" "0 1" "$(v6state k1)"
add d1 "$(conf dual br-dual '' '[[{"subnet":"10.66.0.0/24"}],[{"subnet":"fd66::/64"}]]')"
add d2 "$(conf dual br-dual '' '[[{"subnet":"10.66.0.0/24"}],[{"subnet":"fd66::/64"}]]')"
check_eq "dual stack keeps IPv6" "0 1" "$(v6state d1)"
check "... and d1 pings d2 over IPv6" ip netns exec d1 ping -6 -c 1 -W 2 fd66::3
chk() { jq -c --slurpfile p "$T/a1.json" '. + {prevResult: $p[0]}' <<<"$(conf v4net br-v4 '' "$v4")" |
	plugin bridge CHECK cid-a1 /run/netns/a1 eth0; }
check "CHECK of an IPv4-only container passes" chk
done_testing
