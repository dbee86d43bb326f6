#!/usr/bin/env bash
# 1000 ADD/DEL cycles of bridge + host-local leave nothing behind: no veth, no
# address in the container, no reservation file. Bounded at 90 s.
. "$(dirname "$0")/../lib/common.sh"
N=${BRIDGE_CYCLES:-1000}
conf='{"cniVersion":"1.0.0","name":"cyc","type":"bridge","bridge":"bry","isGateway":true,"isDefaultGateway":true,"ipam":{"type":"host-local","subnet":"10.96.0.0/16"}}'
mkns c
start=$(date +%s%N)
bad=0
for ((i = 0; i < N; i++)); do
	plugin bridge ADD "cyc-$i" /run/netns/c eth0 <<<"$conf" >/dev/null || { bad=$((bad + 1)); }
	plugin bridge DEL "cyc-$i" /run/netns/c eth0 <<<"$conf" >/dev/null || { bad=$((bad + 1)); }
	(( i % 100 == 0 )) && (( ($(date +%s%N) - start) / 1000000000 > 90 )) && break
done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check_eq "$N ADD/DEL cycles all succeed" "$N 0" "$i $bad"
echo "# $i cycles in $ms ms ($(( ms * 1000 / (i > 0 ? i : 1) )) us per ADD+DEL pair)"
check_eq "no veth left" "" "$(ip -o link show type veth)"
check_eq "only the bridge and lo remain on the host" "bry lo" \
	"$(ip -o link show | awk -F': ' '{print $2}' | sort | xargs)"
check_eq "no interface left in the container" "lo" "$(ip -n c -o link show | awk -F': ' '{print $2}' | xargs)"
check_eq "no address left in the container" "" "$(ip -n c -o addr show scope global)"
check_eq "no reservation file left" "" \
	"$(ls /var/lib/cni/networks/cyc | grep -v -e '^lock$' -e '^last_reserved_ip')"
check_eq "under 60 s" 1 "$([ "$ms" -lt 60000 ] && echo 1)"
done_testing
