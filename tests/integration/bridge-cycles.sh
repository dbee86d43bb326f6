#!/usr/bin/env bash
# 1000 ADD/DEL cycles of the chain bridge + host-local + firewall (the bridge's
# result as the firewall's prevResult, DEL in reverse) leave nothing behind: no veth,
# no address in the container, no reservation file, no nft element; checked after
# every hundred cycles and at the end. Bounded at 150 s.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/leaks.sh"
N=${BRIDGE_CYCLES:-1000}
conf='{"cniVersion":"1.0.0","name":"cyc","type":"bridge","bridge":"bry","isGateway":true,"isDefaultGateway":true,"ipam":{"type":"host-local","subnet":"10.96.0.0/16"}}'
fw() { printf '{"cniVersion":"1.0.0","name":"cyc","type":"firewall","prevResult":%s}' "$1"; }
mkns c
start=$(date +%s%N)
bad=0 leaked=
for ((i = 0; i < N; i++)); do
	res=$(plugin bridge ADD "cyc-$i" /run/netns/c eth0 <<<"$conf") || bad=$((bad + 1))
	plugin firewall ADD "cyc-$i" /run/netns/c eth0 <<<"$(fw "$res")" >/dev/null || bad=$((bad + 1))
	plugin firewall DEL "cyc-$i" /run/netns/c eth0 <<<"$(fw "$res")" >/dev/null || bad=$((bad + 1))
	plugin bridge DEL "cyc-$i" /run/netns/c eth0 <<<"$conf" >/dev/null || bad=$((bad + 1))
	if (( (i + 1) % 100 == 0 )); then
		l=$(leaks /var/lib/cni/networks/cyc c)
		[ -z "$l" ] || leaked+="after $((i + 1)) cycles: $l"$'\n'
		(( ($(date +%s%N) - start) / 1000000000 > 150 )) && { i=$((i + 1)); break; }
	fi
done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check_eq "$N ADD/DEL cycles all succeed" "$N 0" "$i $bad"
echo "# $i cycles in $ms ms ($(( ms * 1000 / (i > 0 ? i : 1) )) us per chain ADD+DEL)"
check_eq "nothing left after each hundred cycles" "" "$leaked"
check_eq "only the bridge and lo remain on the host" "bry lo" \
	"$(ip -o link show | awk -F': ' '{print $2}' | sort | xargs)"
check_eq "no interface left in the container" "lo" "$(ip -n c -o link show | awk -F': ' '{print $2}' | xargs)"
check_eq "no address left in the container" "" "$(ip -n c -o addr show scope global)"
check_eq "nothing left at the end (store, lock, nft elements)" "" "$(leaks /var/lib/cni/networks/cyc c)"
check_eq "under 90 s" 1 "$([ "$ms" -lt 90000 ] && echo 1)"
done_testing
