#!/usr/bin/env bash
# ipMasq through table inet netctl: with bridge (ipMasq) + host-local, a container
# reaches an outside netns that has no route back, with the host's egress address as
# source; its element carries the container ID; DEL removes it; the host's other tables
# are untouched.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"

for p in bridge host-local; do
	[ -x "$BIN/$p" ] || { fail "$p plugin is built" "$BIN/$p missing"; done_testing; exit 1; }
done
nft add table ip other
nft add chain ip other pr '{ type nat hook postrouting priority 50; policy accept; }'
before=$(nft list table ip other)

outside_up noroute
mkns m1
mkns m2
conf='{"cniVersion":"1.0.0","name":"masqnet","type":"bridge","bridge":"cni-m",
 "isGateway":true,"ipMasq":true,"ipMasqBackend":"nftables",
 "ipam":{"type":"host-local","subnet":"10.60.0.0/24","routes":[{"dst":"0.0.0.0/0"}],"dataDir":"'"$T"'/ipam"}}'
check "ADD m1 (bridge ipMasq)" sh -c "echo '$conf' | CNI_COMMAND=ADD CNI_CONTAINERID=cid-m1 \
	CNI_NETNS=/run/netns/m1 CNI_IFNAME=eth0 CNI_PATH=$BIN $BIN/bridge"
check "ADD m2" sh -c "echo '$conf' | CNI_COMMAND=ADD CNI_CONTAINERID=cid-m2 \
	CNI_NETNS=/run/netns/m2 CNI_IFNAME=eth0 CNI_PATH=$BIN $BIN/bridge"
a1=$(ip -n m1 -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
check_eq "m1's address is in masq-masqnet with its container ID" "$a1 cid-m1" \
	"$(nft -j list set inet netctl masq-masqnet | jq -r '.nftables[].set.elem? // empty | .[] |
	   select(.elem.val == "'"$a1"'") | "\(.elem.val) \(.elem.comment)"')"
ip netns exec out /usr/bin/python3 "$PROBE" peer tcp 7001 &
SERVERS+=($!)
serve m2 tcp 7002
sleep 0.4
check_eq "outside sees the host's egress address as source" 192.168.50.1 \
	"$(reach m1 tcp 192.168.50.2 7001)"
a2=$(ip -n m2 -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
check "same subnet is not masqueraded (m1 -> m2 works)" reach m1 tcp "$a2" 7002
check "DEL m1" sh -c "echo '$conf' | CNI_COMMAND=DEL CNI_CONTAINERID=cid-m1 \
	CNI_NETNS=/run/netns/m1 CNI_IFNAME=eth0 CNI_PATH=$BIN $BIN/bridge"
check_fails "m1's element is gone" sh -c "nft list set inet netctl masq-masqnet | grep -q '$a1 '"
check "DEL m2" sh -c "echo '$conf' | CNI_COMMAND=DEL CNI_CONTAINERID=cid-m2 \
	CNI_NETNS=/run/netns/m2 CNI_IFNAME=eth0 CNI_PATH=$BIN $BIN/bridge"
check_eq "masq set empty after all DELs" "" "$(set_elems masq-masqnet)"
check_eq "other table unchanged" "$before" "$(nft list table ip other)"
stop_servers
done_testing
