#!/usr/bin/env bash
# firewall GC: elements of attachments not in the valid list go; with no attachment
# left the network's chains and sets go; the host's other tables are untouched.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"

[ -x "$BIN/firewall" ] || { fail "firewall plugin is built" "$BIN/firewall missing"; done_testing; exit 1; }
nft add table ip other
nft add chain ip other fw '{ type filter hook forward priority 10; policy accept; }'
nft add rule ip other fw counter
nft add table inet other2
nft add set inet other2 s '{ type ipv4_addr; elements = { 10.50.0.2 } }'
before=$(nft list table ip other; nft list table inet other2)

net_up br-g 10.50.0.1/24
net_up br-h 10.51.0.1/24
ctr g1 br-g 10.50.0.2/24 10.50.0.1
ctr g2 br-g 10.50.0.3/24 10.50.0.1
ctr h1 br-h 10.51.0.2/24 10.51.0.1
check "ADD g1" fw ADD g br-g g1 10.50.0.2/24
check "ADD g2" fw ADD g br-g g2 10.50.0.3/24
check "ADD h1" fw ADD h br-h h1 10.51.0.2/24

gc() {
	printf '{"cniVersion":"1.1.0","name":"%s","type":"firewall","cni.dev/valid-attachments":%s}' "$1" "$2" |
		CNI_COMMAND=GC CNI_PATH=$BIN "$BIN/firewall"
}
check "GC g keeping g2" gc g '[{"containerID":"id-g2","ifname":"eth0"}]'
check_eq "g1's element is gone, g2's stays" 10.50.0.3 "$(set_elems members-g)"
check "GC g keeping nothing" gc g '[]'
check_eq "nothing of network g is left in the table" "" \
	"$(nft list table inet netctl | grep -E -- '-g\b|-g-|"br-g"|"g"')"
check_eq "network h is untouched" 10.51.0.2 "$(set_elems members-h)"
check "network h's chains are intact" nft list chain inet netctl net-h-from
check "GC h keeping nothing" gc h '[]'
check "GC of an unknown network succeeds" gc nosuch '[]'
check_eq "only base objects remain" "bridges forward fwd-from fwd-to host-from input pub-src pub-v4 pub-v6" \
	"$(nft -j list table inet netctl | jq -r '.nftables[] | (.chain.name // .set.name // .map.name // empty)' | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "other tables byte for byte the same" "$before" \
	"$(nft list table ip other; nft list table inet other2)"
done_testing
