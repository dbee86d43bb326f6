#!/usr/bin/env bash
# bridge options as the reference has them: hairpinMode, promiscMode, portIsolation,
# forceAddress, disableContainerInterface, layer 2 only (no ipam), enabledad, the
# config's dns, and every CNI version's result.
. "$(dirname "$0")/../lib/common.sh"
BR=/sbin/bridge
conf() { # conf BRIDGE SUBNET EXTRA
	printf '{"cniVersion":"1.0.0","name":"opt-%s","type":"bridge","bridge":"%s","isGateway":true%s,"ipam":{"type":"host-local","subnet":"%s"}}' \
		"$1" "$1" "${3:-}" "$2"
}
hv() { jq -r '.interfaces[1].name' <<<"$1"; }
n=0
nx() { n=$((n + 1)); mkns o$n; }	# a fresh netns o$n (in this shell, not in $(...))
add() { plugin bridge ADD "id$n" "/run/netns/o$n" eth0 <<<"$1"; }

nx; r=$(add "$(conf brh 10.110.0.0/24 ',"hairpinMode":true')")
check_eq "hairpinMode: the port has hairpin on" 1 "$($BR -d link show dev "$(hv "$r")" | grep -c 'hairpin on')"
nx; r=$(add "$(conf brp 10.111.0.0/24 ',"promiscMode":true')")
check_eq "promiscMode: the bridge is promiscuous" 1 "$(ip -o link show brp | grep -c PROMISC)"
nx; r=$(add "$(conf bri 10.112.0.0/24 ',"portIsolation":true')")
check_eq "portIsolation: the port is isolated" 1 "$($BR -d link show dev "$(hv "$r")" | grep -c 'isolated on')"
nx; out=$(add "$(conf brx 10.113.0.0/24 ',"hairpinMode":true,"promiscMode":true')")
check_eq "hairpinMode with promiscMode is refused (code 7)" 7 "$(jq -r .code <<<"$out")"

# forceAddress: a bridge that already has another v4 address
ip link add brf type bridge && ip addr add 10.114.9.1/24 dev brf && ip link set brf up
nx; out=$(add "$(conf brf 10.114.0.0/24)")
check_eq "a foreign address on the bridge is an error without forceAddress" 1 \
	"$(jq -r .details <<<"$out" | grep -c 'already has an IP address different from 10.114.0.1/24')"
check_eq "... and that failed ADD left no veth" "" "$(ip -o link show master brf)"
nx; r=$(add "$(conf brf 10.114.0.0/24 ',"forceAddress":true')")
check_eq "forceAddress replaces it" "10.114.0.1/24" "$(ip -4 -o addr show dev brf | awk '{print $4}' | xargs)"

# layer 2 only, and disableContainerInterface
l2='{"cniVersion":"1.0.0","name":"l2","type":"bridge","bridge":"brl"}'
nx; r=$(add "$l2")
check_eq "no ipam: no ips in the result" 0 "$(jq '.ips // [] | length' <<<"$r")"
check_eq "no ipam: the container interface is up" 1 "$(ip -n o$n -o link show eth0 | grep -c ',UP')"
nx; r=$(add "$(jq -c '. + {"disableContainerInterface":true}' <<<"$l2")")
check_eq "disableContainerInterface: left down" 0 "$(ip -n o$n -o link show eth0 | grep -c ',UP')"
nx; out=$(add "$(conf brd 10.115.0.0/24 ',"disableContainerInterface":true')")
check_eq "disableContainerInterface with ipam is refused (code 7)" 7 "$(jq -r .code <<<"$out")"

# enabledad and the default (off)
nx; r=$(add "$(conf br6 fd00:116::/64)")
check_eq "DAD off by default in the container" 0 "$(ip netns exec o$n cat /proc/sys/net/ipv6/conf/eth0/accept_dad)"
nx; r=$(add "$(conf br6 fd00:116::/64 ',"enabledad":true')")
check_eq "enabledad turns it on" 1 "$(ip netns exec o$n cat /proc/sys/net/ipv6/conf/eth0/accept_dad)"

# the config's dns wins over IPAM's
nx; r=$(add "$(conf brn 10.117.0.0/24 ',"dns":{"nameservers":["10.117.0.53"],"search":["example.test"]}')")
check_eq "dns from the config" "10.117.0.53 example.test" \
	"$(jq -r '"\(.dns.nameservers[0]) \(.dns.search[0])"' <<<"$r")"

# every version
for v in 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0; do
	nx; r=$(add "$(conf brv 10.118.0.0/24 | jq -c --arg v $v '.cniVersion = $v')")
	check_eq "ADD in $v: version, 3 interfaces, ip on the container" "$v 3 2" \
		"$(jq -r '"\(.cniVersion) \(.interfaces|length) \(.ips[0].interface)"' <<<"$r")"
done
for v in 0.3.0 0.3.1; do
	nx; r=$(add "$(conf brw 10.119.0.0/24 | jq -c --arg v $v '.cniVersion = $v')")
	check_eq "$v result has ips[].version" 4 "$(jq -r '.ips[0].version' <<<"$r")"
done
done_testing
