#!/usr/bin/env bash
# loopback plugin: lo up/down in the container netns, the reference's result, all versions.
. "$(dirname "$0")/../lib/common.sh"

conf() { printf '{"cniVersion":"%s","name":"lo-net","type":"loopback"}' "$1"; }

mkns c1
ip -n c1 link set lo down
out=$(conf 1.0.0 | plugin loopback ADD c1id /run/netns/c1 eth0)
check "ADD succeeds" test $? = 0
check "lo is up after ADD" sh -c 'ip -n c1 -o link show lo | grep -q "[<,]UP[,>]"'
check "ping 127.0.0.1 inside the netns" ip netns exec c1 ping -c 1 -W 1 127.0.0.1
check_eq "result interfaces" 'lo 00:00:00:00:00:00 /run/netns/c1' \
	"$(echo "$out" | json_get '.interfaces[0] | "\(.name) \(.mac) \(.sandbox)"')"
check_eq "result ips (127.0.0.1/8, ::1/128)" '127.0.0.1/8 0 ::1/128 0' \
	"$(echo "$out" | json_get '[.ips[] | .address, (.interface|tostring)] | join(" ")')"

# the reference, on a second netns, answers the same (apart from the sandbox path)
mkns c2
ref=$(conf 1.0.0 | ref_plugin loopback ADD c2id /run/netns/c2 eth0)
check_eq "same result as the reference" \
	"$(echo "$ref" | jq -S 'del(.interfaces[0].sandbox)')" \
	"$(echo "$out" | jq -S 'del(.interfaces[0].sandbox)')"

conf 1.0.0 | plugin loopback CHECK c1id /run/netns/c1 eth0
check_eq "CHECK passes while lo is up" 0 $?
ip -n c1 link set lo down
err=$(conf 1.0.0 | plugin loopback CHECK c1id /run/netns/c1 eth0)
check_eq "CHECK fails once lo is down" 1 "$([ $? != 0 ] && echo 1)"
check_eq "CHECK error names the problem" "the loopback interface is down" "$(echo "$err" | json_get .msg)"
ip -n c1 link set lo up

conf 1.0.0 | plugin loopback DEL c1id /run/netns/c1 eth0
check_eq "DEL succeeds" 0 $?
check "lo is down after DEL" sh -c '! ip -n c1 -o link show lo | grep -q "[<,]UP[,>]"'
conf 1.0.0 | plugin loopback DEL c1id /run/netns/c1 eth0 >/dev/null
check_eq "DEL again succeeds" 0 $?
ip netns del c1
conf 1.0.0 | plugin loopback DEL c1id /run/netns/c1 eth0 >/dev/null
check_eq "DEL after the netns is gone succeeds" 0 $?
conf 1.0.0 | CNI_COMMAND=DEL CNI_CONTAINERID=x CNI_IFNAME=eth0 CNI_PATH=$BIN \
	"$BIN/loopback" >/dev/null
check_eq "DEL without CNI_NETNS succeeds" 0 $?

for v in 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0; do
	mkns v
	out=$(conf $v | plugin loopback ADD vid /run/netns/v eth0)
	check_eq "ADD in $v: cniVersion and lo's addresses" "$v 127.0.0.1/8 ::1/128" \
		"$(echo "$out" | json_get '"\(.cniVersion) \(.ips[0].address) \(.ips[1].address)"')"
	ip netns del v
done

# a prevResult is handed on unchanged, as the reference does
mkns p
prev='{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/run/netns/p"}],"ips":[{"address":"10.1.0.2/24","interface":0}]}'
out=$(printf '{"cniVersion":"1.0.0","name":"n","type":"loopback","prevResult":%s}' "$prev" |
	plugin loopback ADD pid /run/netns/p eth0)
check_eq "prevResult passes through" "eth0 10.1.0.2/24" \
	"$(echo "$out" | json_get '"\(.interfaces[0].name) \(.ips[0].address)"')"

out=$(conf 1.0.0 | plugin loopback ADD nid /run/netns/nope eth0)
# Every plugin refuses it before doing anything (cni/env.c, fault-netns.sh): code 4.
check_eq "ADD with a missing netns fails with code 4 (invalid environment)" 4 \
	"$(echo "$out" | json_get .code)"
done_testing
