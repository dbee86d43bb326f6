#!/usr/bin/env bash
# bridge: 30 ADDs at once on a bridge that does not exist yet (they race to create
# it), then 30 DELs at once; every container gets its own address and reaches the
# gateway; nothing is left.
. "$(dirname "$0")/../lib/common.sh"
N=30
conf='{"cniVersion":"1.0.0","name":"race","type":"bridge","bridge":"brr","isGateway":true,"ipam":{"type":"host-local","subnet":"10.99.0.0/24"}}'
for ((i = 1; i <= N; i++)); do mkns r$i; done
for ((i = 1; i <= N; i++)); do
	plugin bridge ADD "r$i" "/run/netns/r$i" eth0 <<<"$conf" >"$T/add.$i" 2>&1 &
done
wait
okc=0
for ((i = 1; i <= N; i++)); do jq -e '.ips[0].address' "$T/add.$i" >/dev/null 2>&1 && okc=$((okc + 1)); done
check_eq "$N concurrent ADDs on a new bridge all succeed" "$N" "$okc"
check_eq "one bridge" 1 "$(ip -o link show type bridge | wc -l)"
check_eq "$N distinct addresses" "$N" "$(cat "$T"/add.* | jq -r '.ips[0].address' | sort -u | wc -l)"
check_eq "$N ports on the bridge" "$N" "$(ip -o link show master brr | wc -l)"
reach=0
for ((i = 1; i <= N; i++)); do ip netns exec r$i ping -c 1 -W 2 10.99.0.1 >/dev/null && reach=$((reach + 1)); done
check_eq "every container reaches the gateway" "$N" "$reach"
for ((i = 1; i <= N; i++)); do
	plugin bridge DEL "r$i" "/run/netns/r$i" eth0 <<<"$conf" >"$T/del.$i" 2>&1 &
done
wait
check_eq "$N concurrent DELs leave no veth" "" "$(ip -o link show type veth)"
check_eq "... and no reservation" "" "$(ls /var/lib/cni/networks/race | grep -v -e '^lock$' -e '^last_reserved')"
done_testing
