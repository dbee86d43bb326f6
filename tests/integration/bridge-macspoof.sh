#!/usr/bin/env bash
# bridge "macspoofchk": a container sends only from its own MAC. After it changes its
# MAC, none of its frames cross the bridge (the drop counter says so) while its
# neighbour is unaffected; CHECK notices a missing entry; DEL and GC leave the sets
# empty; the reference's conflist key works unchanged.
. "$(dirname "$0")/../lib/common.sh"

conf='{"cniVersion":"1.0.0","name":"spoofnet","type":"bridge","bridge":"cni-ms",
 "isGateway":true,"macspoofchk":true,
 "ipam":{"type":"host-local","subnet":"10.61.0.0/24","dataDir":"'"$T"'/ipam"}}'
elems() { nft -j list set bridge netctl "$1" 2>/dev/null |
	jq -r '[.nftables[].set.elem? // empty | .[]] | length'; }
# chk NS: CHECK of container NS with its ADD result as prevResult; prints the output
chk() {
	jq -c --slurpfile prev "$T/$1.json" '. + {prevResult: $prev[0]}' <<<"$conf" |
		CNI_COMMAND=CHECK CNI_CONTAINERID=cid-$1 CNI_NETNS=/run/netns/$1 CNI_IFNAME=eth0 \
		CNI_PATH=$BIN $BIN/bridge
}
drops() { nft -j list chain bridge netctl macspoof |
	jq -r '.nftables[].rule? // empty | .expr[] | .counter? // empty | .packets'; }

for c in s1 s2; do
	mkns $c
	check "ADD $c with macspoofchk" sh -c "echo '$conf' | \
		CNI_COMMAND=ADD CNI_CONTAINERID=cid-$c CNI_NETNS=/run/netns/$c CNI_IFNAME=eth0 \
		CNI_PATH=$BIN $BIN/bridge >$T/$c.json"
done
ip2=$(jq -r '.ips[0].address | split("/")[0]' "$T/s2.json")
check_eq "two ports checked, two port/MAC pairs" "2 2" "$(elems mac-ports) $(elems mac-ok)"
mac1=$(ip -n s1 -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
check_eq "s1's pair names its host veth and MAC" "1" \
	"$(nft list set bridge netctl mac-ok | grep -c "$mac1")"
check "s1 pings s2 from its own MAC" ip netns exec s1 ping -c 2 -W 1 "$ip2"
check "CHECK s1 passes" chk s1

before=$(drops)
ip -n s1 link set eth0 address 02:00:00:00:5b:01
ip -n s1 neigh flush dev eth0
check_fails "after changing its MAC, s1 reaches nobody" ip netns exec s1 ping -c 3 -W 1 "$ip2"
after=$(drops)
check "the macspoofchk rule counted the dropped frames ($before -> $after)" \
	test "$after" -gt "$before"
check "s2 still reaches the gateway" ip netns exec s2 ping -c 1 -W 1 10.61.0.1
check_eq "CHECK s1 fails: its MAC is no longer the one allowed" "macspoofchk is not in place" \
	"$(chk s1 | jq -r .msg)"
ip -n s1 link set eth0 address "$mac1"
check "with its own MAC back, s1 pings s2 again" ip netns exec s1 ping -c 2 -W 1 "$ip2"

# CHECK sees a deleted entry
hv=$(jq -r '.interfaces[] | select(.sandbox == "" or .sandbox == null) | .name' "$T/s2.json" | grep veth)
check "CHECK s2 passes" chk s2
nft delete element bridge netctl mac-ports "{ \"$hv\" }"
check_eq "CHECK s2 fails after its entry is deleted, saying so" "macspoofchk is not in place" \
	"$(chk s2 | jq -r .msg)"

# DEL of one; GC of the other; DEL twice is fine
for i in 1 2; do
	check "DEL s1 (#$i)" sh -c "echo '$conf' | CNI_COMMAND=DEL CNI_CONTAINERID=cid-s1 \
		CNI_NETNS=/run/netns/s1 CNI_IFNAME=eth0 CNI_PATH=$BIN $BIN/bridge"
done
check_eq "after DEL s1 only s2's pair is left" "1" "$(elems mac-ok)"
gc=$(echo "$conf" | jq -c '. + {cniVersion: "1.1.0", "cni.dev/valid-attachments": []}')
check "GC with nothing valid" sh -c "echo '$gc' | CNI_COMMAND=GC CNI_PATH=$BIN $BIN/bridge"
check_eq "after GC both sets are empty" "0 0" "$(elems mac-ports) $(elems mac-ok)"
check_eq "table inet netctl was not needed" "" "$(nft list table inet netctl 2>/dev/null)"
done_testing
