#!/usr/bin/env bash
# bridge interop with Debian's reference plugins: our bridge with the reference
# host-local, the reference bridge with our host-local, and containers of both
# bridges on one bridge talking to each other; our DEL cleans the reference's veth.
. "$(dirname "$0")/../lib/common.sh"
for p in bridge host-local; do
	[ -x "$REF/$p" ] || fail "reference $p is installed" "$REF/$p missing"
done
conf='{"cniVersion":"1.0.0","name":"iop","type":"bridge","bridge":"bri","isGateway":true,"isDefaultGateway":true,"ipam":{"type":"host-local","ranges":[[{"subnet":"10.95.0.0/24"}],[{"subnet":"fd00:95::/64"}]]}}'
mkns ours && mkns theirs && mkns mixed

# our bridge, the reference host-local
r1=$(CNI_PATH_OVERRIDE=$REF plugin bridge ADD id1 /run/netns/ours eth0 <<<"$conf")
check_eq "our bridge + reference host-local: ADD" "10.95.0.2/24 fd00:95::2/64" \
	"$(jq -r '[.ips[].address] | join(" ")' <<<"$r1")"
check_eq "the reservation is the reference's (mode 644)" 644 \
	"$(stat -c %a /var/lib/cni/networks/iop/10.95.0.2)"
# the reference bridge, our host-local, on the same bridge
r2=$(CNI_PATH_OVERRIDE=$BIN:$REF ref_plugin bridge ADD id2 /run/netns/theirs eth0 <<<"$conf")
check_eq "reference bridge + our host-local: ADD" "10.95.0.3/24" "$(jq -r '.ips[0].address' <<<"$r2")"
check_eq "the reservation is ours (mode 600)" 600 "$(stat -c %a /var/lib/cni/networks/iop/10.95.0.3)"
# the reference bridge and its own host-local
r3=$(ref_plugin bridge ADD id3 /run/netns/mixed eth0 <<<"$conf")
check "ours pings theirs (v4)" ip netns exec ours ping -c 1 -W 2 10.95.0.3
check "theirs pings ours (v6)" ip netns exec theirs ping -6 -c 1 -W 2 fd00:95::2
check "ours pings the reference-only container" ip netns exec ours ping -c 1 -W 2 \
	"$(jq -r '.ips[0].address | sub("/.*";"")' <<<"$r3")"
check "the gateway answers ours" ip netns exec ours ping -c 1 -W 2 10.95.0.1
c1=$(jq -c --argjson p "$r1" '. + {prevResult: $p}' <<<"$conf")
CNI_PATH_OVERRIDE=$REF plugin bridge CHECK id1 /run/netns/ours eth0 <<<"$c1" >/dev/null
check_eq "our CHECK passes, delegating to the reference host-local" 0 $?
c2=$(jq -c --argjson p "$r2" '. + {prevResult: $p}' <<<"$conf")
CNI_PATH_OVERRIDE=$BIN:$REF ref_plugin bridge CHECK id2 /run/netns/theirs eth0 <<<"$c2" >/dev/null
check_eq "the reference CHECK passes with our host-local" 0 $?
c3=$(jq -c --argjson p "$r3" '. + {prevResult: $p}' <<<"$conf")
plugin bridge CHECK id3 /run/netns/mixed eth0 <<<"$c3" >/dev/null
check_eq "our CHECK passes on the reference bridge's container" 0 $?

CNI_PATH_OVERRIDE=$REF plugin bridge DEL id1 /run/netns/ours eth0 <<<"$conf" >/dev/null
check_eq "our DEL (reference host-local) frees the address" "" \
	"$(ls /var/lib/cni/networks/iop | grep -x 10.95.0.2)"
# our DEL of the reference bridge's container: the host end has a random name
plugin bridge DEL id3 /run/netns/mixed eth0 <<<"$conf" >/dev/null
check_eq "our DEL removes a veth the reference bridge made" "" "$(ip -n mixed -o link show eth0 2>/dev/null)"
CNI_PATH_OVERRIDE=$BIN:$REF ref_plugin bridge DEL id2 /run/netns/theirs eth0 <<<"$conf" >/dev/null
check_eq "nothing left" "" "$(ip -o link show type veth)"
done_testing
