#!/usr/bin/env bash
# bridge CHECK (healthy, then broken two ways), failed ADDs leave nothing, bad input is
# refused with the right code before anything changes, STATUS and GC reach IPAM.
. "$(dirname "$0")/../lib/common.sh"

conf='{"cniVersion":"1.0.0","name":"chk","type":"bridge","bridge":"brc","isGateway":true,"isDefaultGateway":true,"ipam":{"type":"host-local","subnet":"10.93.0.0/24"}}'
with_prev() { jq -c --argjson p "$2" '. + {prevResult: $p}' <<<"$1"; }
code() { jq -r .code <<<"$1"; }
msg() { jq -r '"\(.msg) \(.details)"' <<<"$1"; }

mkns c
res=$(plugin bridge ADD idc /run/netns/c eth0 <<<"$conf")
hv=$(jq -r '.interfaces[1].name' <<<"$res")
cc=$(with_prev "$conf" "$res")
check "CHECK passes on a healthy container" plugin bridge CHECK idc /run/netns/c eth0 <<<"$cc"

ip -n c addr del 10.93.0.2/24 dev eth0
out=$(plugin bridge CHECK idc /run/netns/c eth0 <<<"$cc")
check_eq "CHECK fails once the container's address is gone" 1 "$([ $? != 0 ] && echo 1)"
check_eq "... and says which address" 1 "$(grep -q 'lacks address 10.93.0.2/24' <<<"$(msg "$out")" && echo 1)"
ip -n c addr add 10.93.0.2/24 dev eth0
ip -n c route add default via 10.93.0.1
check "CHECK passes again once restored" plugin bridge CHECK idc /run/netns/c eth0 <<<"$cc"
ip link set dev "$hv" nomaster
out=$(plugin bridge CHECK idc /run/netns/c eth0 <<<"$cc")
check_eq "CHECK fails when the host veth is off the bridge" 1 "$([ $? != 0 ] && echo 1)"
check_eq "... and says so" 1 "$(grep -q "$hv is not a port of brc" <<<"$(msg "$out")" && echo 1)"
ip link set dev "$hv" master brc
out=$(plugin bridge CHECK idc /run/netns/c eth0 <<<"$conf")
check_eq "CHECK without prevResult is refused" 1 "$(grep -q 'prevResult' <<<"$(msg "$out")" && echo 1)"
check "DEL" plugin bridge DEL idc /run/netns/c eth0 <<<"$conf"
ip link del brc	# bridges outlive their last port, as the reference's do

# ---- failed ADDs leave no veth ----
small='{"cniVersion":"1.0.0","name":"small","type":"bridge","bridge":"brs","isGateway":true,"ipam":{"type":"host-local","subnet":"10.94.0.0/30"}}'
mkns s1 && mkns s2
plugin bridge ADD s1 /run/netns/s1 eth0 <<<"$small" >/dev/null
out=$(plugin bridge ADD s2 /run/netns/s2 eth0 <<<"$small")
check_eq "ADD fails when IPAM is exhausted" 1 "$([ "$(code "$out")" != null ] && echo 1)"
check_eq "... and leaves no veth (only the first container's)" 1 "$(ip -o link show type veth | wc -l)"
check_eq "... nor an interface in the container" "" "$(ip -n s2 -o link show type veth)"
mkns clash
ip -n clash link add eth0 type veth peer name x0
out=$(plugin bridge ADD clash /run/netns/clash eth0 <<<"$small")
check_eq "ADD fails on an interface name clash in the container" 1 \
	"$(grep -q 'already has an interface' <<<"$(msg "$out")" && echo 1)"
check_eq "... and leaves no host veth" 1 "$(ip -o link show type veth | wc -l)"
check_eq "... and the clashing interface is untouched" "eth0@x0" \
	"$(ip -n clash -o link show eth0 | awk '{print $2}' | tr -d :)"
plugin bridge DEL s1 /run/netns/s1 eth0 <<<"$small" >/dev/null
mkns s3
check "after a DEL the freed address serves a new ADD" plugin bridge ADD s3 /run/netns/s3 eth0 <<<"$small"
plugin bridge DEL s3 /run/netns/s3 eth0 <<<"$small" >/dev/null

# ---- bad input: right code, nothing changes ----
bad() { # bad DESC CODE TEXT EXTRA-JSON
	local out
	out=$(plugin bridge ADD bad /run/netns/s2 eth0 <<<"$(jq -c ". + $4" <<<"$small")")
	check_eq "$1: code $2" "$2" "$(code "$out")"
	check_eq "$1: message says why" 1 "$(grep -q "$3" <<<"$(msg "$out")" && echo 1)"
}
ip link del brs

bad "macspoofchk not a bool" 7 "macspoofchk" '{"macspoofchk":"yes"}'
bad "vlan" 2 "VLAN" '{"vlan":10}'
bad "hairpin with promisc" 7 "hairpin mode and promiscuous mode" '{"hairpinMode":true,"promiscMode":true}'
bad "bad mac" 7 "not a MAC address" '{"runtimeConfig":{"mac":"nope"}}'
bad "runtimeConfig.mac not a string" 7 "must be a string" '{"runtimeConfig":{"mac":5}}'
bad "go-cni spelling: runtimeConfig.MAC, read as mac" 7 "not a MAC address" '{"runtimeConfig":{"MAC":"nope"}}'
bad "bad bridge name" 7 "not a valid interface name" '{"bridge":"a/b"}'
bad "mtu out of range" 7 "mtu" '{"mtu":70000}'
check_eq "no bridge, no veth after refused ADDs" "" "$(ip -o link show type bridge; ip -o link show type veth)"

# ---- ipMasq: an element per address, gone after DEL and after a failed ADD ----
mq='{"cniVersion":"1.0.0","name":"mq","type":"bridge","bridge":"brq","isGateway":true,"ipMasq":true,"ipam":{"type":"host-local","subnet":"10.98.0.0/30"}}'
mkns q1 && mkns q2
plugin bridge ADD q1 /run/netns/q1 eth0 <<<"$mq" >/dev/null
check_eq "ipMasq: the container's address is in masq-mq with its ID" "10.98.0.2 q1" \
	"$(nft -j list set inet netctl masq-mq | jq -r '.nftables[].set.elem? // empty | .[] | "\(.elem.val) \(.elem.comment)"')"
plugin bridge ADD q2 /run/netns/q2 eth0 <<<"$mq" >/dev/null
check_eq "ipMasq: a failed ADD (IPAM exhausted) adds no element" 1 \
	"$(nft -j list set inet netctl masq-mq | jq '[.nftables[].set.elem? // empty | .[]] | length')"
plugin bridge DEL q1 /run/netns/q1 eth0 <<<"$mq" >/dev/null
check_eq "ipMasq: DEL removes the element" 0 \
	"$(nft -j list set inet netctl masq-mq | jq '[.nftables[].set.elem? // empty | .[]] | length')"

# ---- STATUS and GC reach IPAM (1.1.0) ----
v11=$(jq -c '.cniVersion = "1.1.0"' <<<"$small")
check "STATUS delegates to IPAM" plugin bridge STATUS "" "" "" <<<"$v11"
big=$(jq -c '.ipam.subnet = "10.94.0.0/24"' <<<"$v11")
mkns g2 && mkns g3
g1=$(plugin bridge ADD g1 /run/netns/s1 eth0 <<<"$big" | jq -r '.ips[0].address | sub("/.*";"")')
plugin bridge ADD g2 /run/netns/g2 eth0 <<<"$big" >/dev/null
ref_plugin bridge ADD g3 /run/netns/g3 eth0 <<<"$(jq -c '.cniVersion = "1.0.0"' <<<"$big")" >/dev/null
gc=$(jq -c '. + {"cni.dev/valid-attachments": [{"containerID":"g1","ifname":"eth0"}]}' <<<"$big")
CNI_COMMAND=GC CNI_PATH=$BIN "$BIN/bridge" <<<"$gc" >/dev/null
check_eq "GC exits 0" 0 $?
check_eq "GC removes the veth of the attachment not in the list" "" "$(ip -n g2 -o link show eth0 2>/dev/null)"
check_eq "GC keeps the valid attachment's veth" 1 "$(ip -n s1 -o link show eth0 | wc -l)"
check_eq "GC leaves a veth it did not make (the reference's) alone" 1 "$(ip -n g3 -o link show eth0 | wc -l)"
check_eq "GC through IPAM frees the stale reservations" "$g1" \
	"$(ls /var/lib/cni/networks/small | grep -v -e lock -e last_reserved | xargs)"
done_testing
