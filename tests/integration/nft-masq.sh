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
 "ipam":{"type":"host-local","ranges":[[{"subnet":"10.60.0.0/24"}],[{"subnet":"fd60::/64"},{"subnet":"fd61::/64"}]],
 "routes":[{"dst":"0.0.0.0/0"},{"dst":"::/0"}],"dataDir":"'"$T"'/ipam"}}'
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
ip netns exec m2 /usr/bin/python3 "$PROBE" peer6 tcp 7002 &
SERVERS+=($!)
sleep 0.4
check_eq "outside sees the host's egress address as source" 192.168.50.1 \
	"$(reach m1 tcp 192.168.50.2 7001)"
a2=$(ip -n m2 -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
check_eq "same subnet is not masqueraded (m2 sees m1's own address)" "$a1" \
	"$(reach m1 tcp "$a2" 7002)"

# A second v6 subnet of the same network (the bridge has a gateway in each): traffic
# between the subnets keeps its source too.
mkns m3
check "ADD m3 in the network's second v6 subnet (IP=10.60.0.9,fd61::5)" sh -c "echo '$conf' | \
	CNI_COMMAND=ADD CNI_CONTAINERID=cid-m3 CNI_ARGS='IP=10.60.0.9,fd61::5' \
	CNI_NETNS=/run/netns/m3 CNI_IFNAME=eth0 CNI_PATH=$BIN $BIN/bridge"
ip netns exec m3 /usr/bin/python3 "$PROBE" peer6 tcp 7003 &
SERVERS+=($!)
sleep 0.4
a16=$(ip -n m1 -6 -o addr show eth0 scope global | awk '{print $4}' | cut -d/ -f1)
# The first packet between the v6 subnets can be lost while neighbours resolve.
ip netns exec m1 ping -6 -c 2 -i 0.3 -W 1 fd61::5 >/dev/null
check_eq "m1 -> m3 across the network's v6 subnets is not masqueraded" "$a16" \
	"$(reach m1 tcp fd61::5 7003)"
check_eq "one return rule per v6 subnet in nat6-masqnet" "dst:fd60::/64 dst:fd61::/64" \
	"$(nft list chain inet netctl nat6-masqnet | grep -o 'dst:[0-9a-f:./]*' | sort | xargs)"
check "DEL m3" sh -c "echo '$conf' | CNI_COMMAND=DEL CNI_CONTAINERID=cid-m3 \
	CNI_NETNS=/run/netns/m3 CNI_IFNAME=eth0 CNI_PATH=$BIN $BIN/bridge"
check "DEL m1" sh -c "echo '$conf' | CNI_COMMAND=DEL CNI_CONTAINERID=cid-m1 \
	CNI_NETNS=/run/netns/m1 CNI_IFNAME=eth0 CNI_PATH=$BIN $BIN/bridge"
check_fails "m1's element is gone" sh -c "nft list set inet netctl masq-masqnet | grep -q '$a1 '"
check "DEL m2" sh -c "echo '$conf' | CNI_COMMAND=DEL CNI_CONTAINERID=cid-m2 \
	CNI_NETNS=/run/netns/m2 CNI_IFNAME=eth0 CNI_PATH=$BIN $BIN/bridge"
check_eq "masq set empty after all DELs" "" "$(set_elems masq-masqnet)"
check_eq "other table unchanged" "$before" "$(nft list table ip other)"
stop_servers
done_testing
