#!/usr/bin/env bash
# firewall plugin: networks kept apart (ingressPolicy same-bridge, our default), icc on
# inside a network, outside and gateway reachable, replies pass; with br_netfilter on
# and off; DEL leaves nothing; other tables untouched.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"

[ -x "$BIN/firewall" ] || { fail "firewall plugin is built" "$BIN/firewall missing"; done_testing; exit 1; }

# A table somebody else owns: must be byte for byte the same at the end.
nft add table ip other
nft add chain ip other fw '{ type filter hook forward priority 10; policy accept; }'
nft add rule ip other fw counter
before_other=$(nft list table ip other | sed 's/packets [0-9]* bytes [0-9]*//')

net_up br-a 10.10.1.1/24
net_up br-b 10.10.2.1/24
ctr a1 br-a 10.10.1.2/24 10.10.1.1
ctr a2 br-a 10.10.1.3/24 10.10.1.1
ctr b1 br-b 10.10.2.2/24 10.10.2.1
outside_up

check "ADD a1" fw ADD neta br-a a1 10.10.1.2/24
check "ADD a2" fw ADD neta br-a a2 10.10.1.3/24
check "ADD b1" fw ADD netb br-b b1 10.10.2.2/24
check "ADD again is idempotent" fw ADD neta br-a a1 10.10.1.2/24
check_eq "members-neta holds both containers" "10.10.1.2 10.10.1.3" \
	"$(set_elems members-neta | sort | tr '\n' ' ' | sed 's/ $//')"

for c in a1 a2 b1; do serve "$c" tcp 7000; serve "$c" udp 7001; done
serve - tcp 7000
serve out tcp 7000
sleep 0.5

for brnf in 1 0; do
	echo "$brnf" >/proc/sys/net/bridge/bridge-nf-call-iptables
	w="(bridge-nf-call-iptables=$brnf)"
	check "same network: a1 -> a2 TCP $w" reach a1 tcp 10.10.1.3 7000
	check "same network: a2 -> a1 UDP $w" reach a2 udp 10.10.1.2 7001
	check "same network: ping $w" ip netns exec a1 ping -c 1 -W 1 10.10.1.3
	check_fails "other network: a1 -> b1 TCP refused $w" reach a1 tcp 10.10.2.2 7000
	check_fails "other network: b1 -> a1 TCP refused $w" reach b1 tcp 10.10.1.2 7000
	check_fails "other network: a1 -> b1 UDP refused $w" reach a1 udp 10.10.2.2 7001
	check_fails "other network: ping b1 -> a2 refused $w" ip netns exec b1 ping -c 1 -W 1 10.10.1.3
	check "gateway reachable from a1 $w" reach a1 tcp 10.10.1.1 7000
	check "outside reachable from a1 (reply comes back) $w" reach a1 tcp 192.168.50.2 7000
	check "outside reachable from b1 $w" reach b1 tcp 192.168.50.2 7000
	check "outside can open to a1 $w" reach out tcp 10.10.1.2 7000
done

drops=$(nft list chain inet netctl net-neta-from | grep '@bridges counter' | grep -o 'packets [0-9]*' | cut -d' ' -f2)
check "cross-network drops are counted" test "${drops:-0}" -gt 0

# ingressPolicy open: that network is reachable from other open/any networks.
net_up br-c 10.10.3.1/24
ctr c1 br-c 10.10.3.2/24 10.10.3.1
check "ADD c1 with ingressPolicy open" fw ADD netc br-c c1 10.10.3.2/24 '"ingressPolicy":"open"'
serve c1 tcp 7000
sleep 0.3
check "open network reachable from outside" reach out tcp 10.10.3.2 7000
check_fails "isolated network a1 cannot open to open network c1" reach a1 tcp 10.10.3.2 7000
check_fails "open network c1 cannot open to isolated a1" reach c1 tcp 10.10.1.2 7000

# Bad configs: clear errors, nothing changes.
nosum() { nft list ruleset | sed 's/packets [0-9]* bytes [0-9]*//'; }
snap=$(nosum)
out=$(fw ADD neta br-a a1 10.10.1.2/24 '"backend":"firewalld"')
check_eq "firewalld backend: unsupported (code 2)" 2 "$(echo "$out" | jq -r .code)"
out=$(fw ADD neta br-a a1 10.10.1.2/24 '"ingressPolicy":"bogus"')
check_eq "unknown ingressPolicy: code 7" 7 "$(echo "$out" | jq -r .code)"
out=$(echo '{"cniVersion":"1.0.0","name":"neta","type":"firewall"}' |
	plugin firewall ADD id-x /run/netns/a1 eth0)
check_eq "ADD without prevResult: code 7" 7 "$(echo "$out" | jq -r .code)"
check_eq "refused ADDs change nothing" "$snap" "$(nosum)"
# A kernel error is traced to the object that caused it, and the batch changed nothing.
nft add set inet netctl members-clash '{ type ipv6_addr; }'
snap=$(nosum)
out=$(fw ADD clash br-a a1 10.10.1.2/24)
case $(echo "$out" | jq -r .details) in
*"add set inet netctl members-clash: File exists"*) ok "kernel error names the failing object" ;;
*) fail "kernel error names the failing object" "$out" ;; esac
check_eq "failed batch changed nothing" "$snap" "$(nosum)"
nft delete set inet netctl members-clash
check "accepted keys: iptablesAdminChainName, firewalldZone, backend iptables" \
	fw ADD neta br-a a1 10.10.1.2/24 '"backend":"iptables","iptablesAdminChainName":"X","firewalldZone":"trusted"'

# CHECK, then DEL: only own elements, idempotent, nothing left.
check "CHECK a1" fw CHECK neta br-a a1 10.10.1.2/24
check "DEL a1" fw DEL neta br-a a1 10.10.1.2/24
check_fails "CHECK a1 after DEL fails" fw CHECK neta br-a a1 10.10.1.2/24
check_eq "a2 keeps its element" "10.10.1.3" "$(set_elems members-neta)"
check "DEL a1 again (idempotent)" fw DEL neta br-a a1 10.10.1.2/24
# A DEL that names a2's address under another ID removes nothing.
check "DEL with a foreign ID for a2's address" sh -c \
	"$(declare -f fw fw_conf plugin); BIN=$BIN; fw_conf neta br-a a2 10.10.1.3/24 |
	 CNI_COMMAND=DEL CNI_CONTAINERID=someone-else CNI_NETNS=/run/netns/a2 CNI_IFNAME=eth0 \
	 CNI_PATH=$BIN $BIN/firewall"
check_eq "a2's element survives a foreign DEL" "10.10.1.3" "$(set_elems members-neta)"
check "DEL a2" fw DEL neta br-a a2 10.10.1.3/24
check "DEL b1 without prevResult (walks by ID)" sh -c \
	"echo '{\"cniVersion\":\"1.0.0\",\"name\":\"netb\",\"type\":\"firewall\"}' |
	 CNI_COMMAND=DEL CNI_CONTAINERID=id-b1 CNI_NETNS=/run/netns/b1 CNI_IFNAME=eth0 \
	 CNI_PATH=$BIN $BIN/firewall"
check "DEL c1" fw DEL netc br-c c1 10.10.3.2/24
check_eq "members sets empty after all DELs" "" \
	"$(set_elems members-neta; set_elems members-netb; set_elems members-netc)"
check "DEL for a network never seen succeeds" fw DEL nosuch br-x a1 10.10.9.9/24
check_eq "the other table is byte for byte the same" "$before_other" \
	"$(nft list table ip other | sed 's/packets [0-9]* bytes [0-9]*//')"
stop_servers
done_testing
