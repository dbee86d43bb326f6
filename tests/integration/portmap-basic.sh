#!/usr/bin/env bash
# portmap: a TCP server and a UDP echo in a container, published on host ports, are
# reached from an outside netns, from the host itself (its own addresses and 127.0.0.1
# with snat), from another container on the same bridge (hairpin), over IPv6 too;
# hostIP restricts a mapping to one address; a second container asking for the same
# host port is refused with the owner's ID and the first keeps working; DEL removes
# only the container's own elements, with or without runtimeConfig; GC.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"
. "$(dirname "$0")/fwlib/pm.bash"

[ -x "$BIN/portmap" ] || { fail "portmap plugin is built" "$BIN/portmap missing"; done_testing; exit 1; }
sysctl -qw net.ipv6.conf.all.forwarding=1
net_up br0 10.70.0.1/24
ip addr add fd70::1/64 dev br0 nodad
ctr c1 br0 10.70.0.5/24 10.70.0.1
ip -n c1 addr add fd70::5/64 dev eth0 nodad
ip -n c1 route add default via fd70::1
ctr c2 br0 10.70.0.6/24 10.70.0.1
outside_up noroute
ip addr add fd50::1/64 dev vo-host nodad
ip -n out addr add fd50::2/64 dev eth0 nodad
# c1 answers with the address it sees as the client's.
ip netns exec c1 /usr/bin/python3 "$PROBE" peer6 tcp 80 &
SERVERS+=($!)
ip netns exec c1 /usr/bin/python3 "$PROBE" peer6 udp 53 &
SERVERS+=($!)
sleep 0.5
# Neighbours resolved first: a lost first SYN would outlast the probe's timeout.
ip netns exec c1 ping -c1 -W1 10.70.0.1 >/dev/null
ip netns exec c1 ping -6 -c1 -W1 fd70::1 >/dev/null
ip netns exec c2 ping -c1 -W1 10.70.0.1 >/dev/null
ip netns exec out ping -6 -c1 -W1 fd50::1 >/dev/null

M1='[{"hostPort":8080,"containerPort":80,"protocol":"tcp"},{"hostPort":8053,"containerPort":53,"protocol":"udp"},
 {"hostPort":9090,"containerPort":80,"protocol":"tcp","hostIP":"192.168.50.1"},
 {"hostPort":9091,"containerPort":80,"protocol":"tcp","hostIP":"fd50::1"}]'
A1='["10.70.0.5/24","fd70::5/64"]'
check "ADD c1: tcp 8080->80, udp 8053->53, 192.168.50.1:9090->80" pm ADD c1 "$A1" "$M1"
check_eq "dnat-v4 holds c1's two mappings, comment = container ID and network" \
	"tcp.8080 id-c1 pmnet 10.70.0.5.80
udp.8053 id-c1 pmnet 10.70.0.5.53" "$(map_elems dnat-v4 | sort)"
check_eq "dnat-ip-v4 holds the hostIP mapping" "192.168.50.1.tcp.9090 id-c1 pmnet 10.70.0.5.80" \
	"$(map_elems dnat-ip-v4)"

# (a) an outside client, through the host's address on its side
check_eq "outside -> 192.168.50.1:8080/tcp reaches c1 (client address kept)" 192.168.50.2 \
	"$(reach out tcp 192.168.50.1 8080)"
check_eq "outside -> 192.168.50.1:8053/udp reaches c1" 192.168.50.2 \
	"$(reach out udp 192.168.50.1 8053)"
check_eq "outside -> [fd50::1]:8080/tcp reaches c1 over IPv6" fd50::2 \
	"$(reach out tcp fd50::1 8080)"
check_eq "outside -> [fd50::1]:8053/udp over IPv6" fd50::2 "$(reach out udp fd50::1 8053)"
check_fails "outside -> 192.168.50.1:8081 (not published) fails" reach out tcp 192.168.50.1 8081

# (b) the host itself
check "host -> its own 192.168.50.1:8080" timeout 3 /usr/bin/python3 "$PROBE" connect tcp 192.168.50.1 8080
check "host -> its own 10.70.0.1:8053/udp" timeout 3 /usr/bin/python3 "$PROBE" connect udp 10.70.0.1 8053
check "host -> [fd70::1]:8080 over IPv6" timeout 3 /usr/bin/python3 "$PROBE" connect tcp fd70::1 8080
check_eq "route_localnet on the bridge (snat)" 1 "$(cat /proc/sys/net/ipv4/conf/br0/route_localnet)"
check_eq "host -> 127.0.0.1:8080 reaches c1 (masqueraded to the bridge address)" 10.70.0.1 \
	"$(timeout 3 /usr/bin/python3 "$PROBE" connect tcp 127.0.0.1 8080)"
check_eq "host -> 127.0.0.1:8053/udp" 10.70.0.1 \
	"$(timeout 3 /usr/bin/python3 "$PROBE" connect udp 127.0.0.1 8053)"

# (c) another container on the same bridge (hairpin), and c1 itself
check_eq "c2 -> 10.70.0.1:8080 (hairpin, masqueraded)" 10.70.0.1 "$(reach c2 tcp 10.70.0.1 8080)"
check_eq "c2 -> 192.168.50.1:8053/udp (hairpin)" 10.70.0.1 "$(reach c2 udp 192.168.50.1 8053)"
# With br_netfilter on (this kernel's default in a new netns), the DNATed frame is
# bridged back out of the port it came in: that needs the port's hairpin mode, which
# the bridge plugin sets with "hairpinMode": true (as the reference's does).
ip link set vh-c1 type bridge_slave hairpin on
check_eq "c1 -> its own published port (port in hairpin mode)" 10.70.0.1 "$(reach c1 tcp 10.70.0.1 8080)"

# hostIP: only that address
check_eq "outside -> 192.168.50.1:9090 (hostIP) reaches c1" 192.168.50.2 \
	"$(reach out tcp 192.168.50.1 9090)"
check_fails "c2 -> 10.70.0.1:9090: the hostIP mapping is not on the bridge address" \
	reach c2 tcp 10.70.0.1 9090
check_fails "host -> 127.0.0.1:9090 fails too" timeout 3 /usr/bin/python3 "$PROBE" connect tcp 127.0.0.1 9090
check_eq "dnat-ip-v6 holds the IPv6 hostIP mapping" "fd50::1.tcp.9091 id-c1 pmnet fd70::5.80" "$(map_elems dnat-ip-v6)"
check_eq "outside -> [fd50::1]:9091 (IPv6 hostIP) reaches c1" fd50::2 "$(reach out tcp fd50::1 9091)"
check_fails "host -> [fd70::1]:9091: not on that address" \
	timeout 3 /usr/bin/python3 "$PROBE" connect tcp fd70::1 9091

# Conflicts: nothing changes, the owner is named, c1 keeps working.
A2='["10.70.0.6/24"]'
before=$(nft list table inet netctl | grep -v packets)
out=$(pm ADD c2 "$A2" '[{"hostPort":7000,"containerPort":70},{"hostPort":8080,"containerPort":80}]')
check_eq "c2 asking for 8080 fails naming c1" yes \
	"$(echo "$out" | jq -r 'if .code == 999 and (.details | test("id-c1")) then "yes" else . end')"
out=$(pm ADD c2 "$A2" '[{"hostPort":8080,"containerPort":80,"hostIP":"10.70.0.1"}]')
check_eq "c2 asking for 10.70.0.1:8080 (wildcard held by c1) fails naming c1" yes \
	"$(echo "$out" | jq -r 'if (.details | test("id-c1")) then "yes" else . end')"
out=$(pm ADD c2 "$A2" '[{"hostPort":9090,"containerPort":80}]')
check_eq "c2 asking for 9090 on every address (c1 holds 192.168.50.1:9090) fails naming c1" yes \
	"$(echo "$out" | jq -r 'if (.details | test("id-c1")) then "yes" else . end')"
check_eq "failed ADDs changed nothing" "$before" "$(nft list table inet netctl | grep -v packets)"
check_eq "c1 still reached on 8080" 192.168.50.2 "$(reach out tcp 192.168.50.1 8080)"
check "c2 ADD of a free port 8081->80" pm ADD c2 "$A2" '[{"hostPort":8081,"containerPort":80}]'
check "ADD c1 again (same mappings): idempotent" pm ADD c1 "$A1" "$M1"

# go-cni (containerd's CRI path) marshals its Go struct: HostPort, Protocol "TCP",
# HostIP "" (any address). The reference reads them with Go's encoding/json; so do we.
GOCNI='[{"HostPort":8082,"ContainerPort":80,"Protocol":"TCP","HostIP":""}]'
gocni() { pm_conf c1 "$A1" "$GOCNI" | plugin portmap "$1" id-gocni /run/netns/c1 eth0; }
check "ADD with go-cni's keys (HostPort, ContainerPort, Protocol \"TCP\", HostIP \"\")" gocni ADD
check_eq "outside -> 192.168.50.1:8082 reaches c1" 192.168.50.2 "$(reach out tcp 192.168.50.1 8082)"
check_eq "... and over IPv6 (HostIP \"\" is every address)" fd50::2 "$(reach out tcp fd50::1 8082)"
check "CHECK with go-cni's keys" gocni CHECK
check "DEL with go-cni's keys" gocni DEL
check_eq "its elements are gone" "" "$(map_elems dnat-v4 | grep gocni; map_elems dnat-v6 | grep gocni)"

for bad in '[{"hostPort":0,"containerPort":80}]' '[{"hostPort":80,"containerPort":80,"protocol":"icmp"}]' \
	'[{"hostPort":80,"containerPort":80,"hostIP":"1.2.3"}]' '[{"hostPort":"80","containerPort":80}]' \
	'[{"hostPort":81,"containerPort":80},{"hostPort":81,"containerPort":82}]'; do
	out=$(pm ADD c2 "$A2" "$bad")
	check_eq "refused with code 7: $bad" 7 "$(echo "$out" | jq -r .code)"
done
out=$(pm ADD c2 "$A2" '[{"hostPort":82,"containerPort":80}]' '"externalSetMarkChain":"KUBE-MARK-MASQ"')
check_eq "externalSetMarkChain refused (code 2), named" "2 yes" \
	"$(echo "$out" | jq -r '"\(.code) \(if (.details | test("externalSetMarkChain")) then "yes" else "no" end)"')"
out=$(pm ADD c2 "$A2" '[{"hostPort":82,"containerPort":80}]' '"conditionsV4":["-s","1.2.3.4"]')
check_eq "conditionsV4 refused (code 2)" 2 "$(echo "$out" | jq -r .code)"
check "markMasqBit 13 and empty conditions accepted" pm ADD c2 "$A2" '[{"hostPort":8081,"containerPort":80}]' \
	'"markMasqBit":13,"conditionsV4":[],"conditionsV6":[]'
out=$(pm ADD c2 "$A2" '[{"hostPort":83,"containerPort":80}]' '"markMasqBit":40')
check_eq "markMasqBit 40 refused (code 7)" 7 "$(echo "$out" | jq -r .code)"

# CHECK
check "CHECK c1 (dual stack)" pm CHECK c1 "$A1" "$M1"
check "CHECK c2 (v4 only)" pm CHECK c2 "$A2" '[{"hostPort":8081,"containerPort":80}]'
A3='["fd70::7/64"]' M3='[{"hostPort":7070,"containerPort":80}]'
mkns c3		# ADD wants a real network namespace (only its mapping is used here)
check "ADD c3 (v6 only) 7070 -> 80" pm ADD c3 "$A3" "$M3"
check "CHECK c3 (v6 only)" pm CHECK c3 "$A3" "$M3"
check "DEL c3" pm DEL c3 "$A3" "$M3"
nft delete element inet netctl dnat-v4 '{ tcp . 8080 }'
out=$(pm CHECK c1 "$A1" "$M1")
check_eq "CHECK c1 fails once the test deleted its element, naming it" yes \
	"$(echo "$out" | jq -r 'if (.details | test("8080")) then "yes" else . end')"
nft add element inet netctl dnat-v4 '{ tcp . 8080 comment "id-c2 pmnet" : 10.70.0.6 . 80 }'
check_fails "CHECK c1 fails when the port points to another container" pm CHECK c1 "$A1" "$M1"
nft delete element inet netctl dnat-v4 '{ tcp . 8080 }'
nft add element inet netctl dnat-v4 '{ tcp . 8080 comment "id-c1 pmnet" : 10.70.0.5 . 80 }'

# DEL: only c1's elements; c2's stay. Without runtimeConfig: found by ID.
check "DEL c1 (with runtimeConfig)" pm DEL c1 "$A1" "$M1"
check_eq "c1's elements are gone, c2's remain" "tcp.8081 id-c2 pmnet 10.70.0.6.80" "$(map_elems dnat-v4)"
check_eq "dnat-v6, dnat-ip-v4 and dnat-ip-v6 empty" "" "$(map_elems dnat-v6; map_elems dnat-ip-v4; map_elems dnat-ip-v6)"
check_fails "outside -> 8080 fails after DEL" reach out tcp 192.168.50.1 8080
check "DEL c1 again (idempotent)" pm DEL c1 "$A1" "$M1"
check "DEL c2 without runtimeConfig nor prevResult addresses" pm DEL c2 "[]" ""
check_eq "every map and set is empty" "" \
	"$(for m in dnat-v4 dnat-v6 dnat-ip-v4 dnat-ip-v6; do map_elems $m; done; set_elems pub-v4; set_elems pub-v6)"

# GC (CNI 1.1): elements of containers not in the valid list go.
gc_conf() {
	echo '{"cniVersion":"1.1.0","name":"pmnet","type":"portmap","cni.dev/valid-attachments":[{"containerID":"id-c2","ifname":"eth0"}]}'
}
check "ADD c1 and c2 again" sh -c "$(declare -f pm pm_conf plugin); BIN=$BIN; pm ADD c1 '$A1' '$M1' && pm ADD c2 '$A2' '[{\"hostPort\":8081,\"containerPort\":80}]'"
check "c1 on another network (othernet, same container ID) publishes 6060" sh -c \
	"$(declare -f pm pm_conf plugin); BIN=$BIN; PM_NET=othernet pm ADD c1 '[\"10.71.0.5/24\"]' '[{\"hostPort\":6060,\"containerPort\":80}]'"
check "GC of pmnet keeping only c2" sh -c "$(declare -f gc_conf plugin); BIN=$BIN; gc_conf | plugin portmap GC '' '' ''"
check_eq "only c2's elements are left of pmnet, othernet's untouched" "tcp.6060 id-c1 othernet 10.71.0.5.80
tcp.8081 id-c2 pmnet 10.70.0.6.80" \
	"$(for m in dnat-v4 dnat-v6 dnat-ip-v4 dnat-ip-v6; do map_elems $m; done | sort)"
check "DEL c1 of pmnet (nothing left there) leaves othernet's element" pm DEL c1 "$A1" "$M1"
check_eq "othernet's element is still there" "tcp.6060 id-c1 othernet 10.71.0.5.80" \
	"$(map_elems dnat-v4 | grep othernet)"
check "DEL c1 of othernet without runtimeConfig (walk)" sh -c \
	"$(declare -f pm pm_conf plugin); BIN=$BIN; PM_NET=othernet pm DEL c1 '[]' ''"
check_eq "only c2's element left" "tcp.8081 id-c2 pmnet 10.70.0.6.80" "$(map_elems dnat-v4)"
# A flushed table: the next ADD puts the rules back.
nft flush table inet netctl
check "ADD c1 after 'nft flush table inet netctl'" pm ADD c1 "$A1" "$M1"
check_eq "prerouting and output have their 4 DNAT rules again" "4 4" \
	"$(nft list chain inet netctl prerouting | grep -c dnat) $(nft list chain inet netctl output | grep -c dnat)"
check_eq "outside -> 192.168.50.1:8080 works again" 192.168.50.2 "$(reach out tcp 192.168.50.1 8080)"
check_eq "host -> 127.0.0.1:8080 works again (localhost rule back)" 10.70.0.1 \
	"$(timeout 3 /usr/bin/python3 "$PROBE" connect tcp 127.0.0.1 8080)"
check "CHECK c1 after the repair" pm CHECK c1 "$A1" "$M1"
nft flush chain inet netctl output
out=$(pm CHECK c1 "$A1" "$M1")
check_eq "CHECK fails when a chain lost its DNAT rules, naming it" yes \
	"$(echo "$out" | jq -r 'if (.details | test("chain inet netctl output")) then "yes" else . end')"
check "the next ADD puts them back" pm ADD c1 "$A1" "$M1"
check "CHECK c1 passes again" pm CHECK c1 "$A1" "$M1"
out=$(echo '{"cniVersion":"1.1.0","name":"pmnet","type":"portmap"}' | plugin portmap STATUS "" "" "")
check_eq "STATUS succeeds" "" "$out"
check_eq "VERSION lists 1.1.0" yes "$(echo '{"cniVersion":"1.1.0"}' | plugin portmap VERSION "" "" "" |
	jq -r 'if (.supportedVersions | index("1.1.0")) then "yes" else . end')"
stop_servers
done_testing
