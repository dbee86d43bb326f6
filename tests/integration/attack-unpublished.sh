#!/usr/bin/env bash
# Only published ports from outside (doc/security.md section 3). A LAN neighbour
# routes the container subnets through the host. On a masquerading network (netctl
# create, masquerading by default, and a plain conflist with bridge ipMasq but no firewall) it
# reaches published ports only: container ports never published, the container port
# behind a published one asked for directly, IPv6, and UDP with a forged source of a
# container of that network all fail and are counted by chain published-only. What
# must keep working: published ports from the LAN, container -> outside (masqueraded)
# and its replies, container -> container, hairpin, the host itself, and a network
# created --routed. CHECK notices a flushed table, gc puts the rule back, rm leaves
# nothing. Then the reference plugins (bridge ipMasq + firewall + portmap), reported.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"
. "$(dirname "$0")/fwlib/attack.bash"

for p in netctl bridge host-local firewall portmap; do
	[ -x "$BIN/$p" ] || { fail "$p is built" "$BIN/$p missing"; done_testing; exit 1; }
done
export NETCTL_CONFDIR=$T/conf NETCTL_RUNDIR=$T/run NETCTL_STATEDIR=$T/state CNI_PATH=$BIN
lan_up
ip -n lan route add 10.73.0.0/16 via 192.168.60.1
ip -n lan route add 10.74.0.0/16 via 192.168.60.1
ip -n lan -6 route add fd73::/48 via fd60::1
for n in c1 c2 r1 n1; do mkns $n; done
check "create pub (masquerading by default, v4 + v6)" "$NETCTL" create pub --subnet 10.73.0.0/24 \
	--subnet fd73::/64
check "create rt (--routed)" "$NETCTL" create rt --subnet 10.73.1.0/24 --routed
check_eq "--routed is the bridge's gatewayMode" routed \
	"$(jq -r '.plugins[0].gatewayMode' "$NETCTL_CONFDIR/net.d/rt.conflist")"
check_eq "inspect says who reaches the containers from outside" \
	"published ports only|every port (routed)" \
	"$("$NETCTL" inspect pub | awk '/^outside/ {sub(/^outside +/, ""); print}')|$("$NETCTL" inspect rt | awk '/^outside/ {sub(/^outside +/, ""); print}')"
check "connect c1 to pub publishing 8080->80" "$NETCTL" connect pub c1 --ip 10.73.0.5 --publish 8080:80
check "connect c2 to pub" "$NETCTL" connect pub c2 --ip 10.73.0.6
check "connect r1 to rt" "$NETCTL" connect rt r1 --ip 10.73.1.5
# bridge ipMasq + portmap without the firewall plugin (containerd's default shape)
cat >"$T/nofw.conflist" <<JSON
{"cniVersion":"1.0.0","name":"nofw","plugins":[
 {"type":"bridge","bridge":"cni-nofw","isGateway":true,"ipMasq":true,
  "ipam":{"type":"host-local","ranges":[[{"subnet":"10.73.2.0/24"}]],"routes":[{"dst":"0.0.0.0/0"}],"dataDir":"$T/ipam"}},
 {"type":"portmap","capabilities":{"portMappings":true}}]}
JSON
check "ADD n1 on nofw (bridge ipMasq, no firewall) publishing 8081->80" "$NETCTL" cni add \
	"$T/nofw.conflist" /run/netns/n1 --id n1 --args "IgnoreUnknown=1;IP=10.73.2.5" \
	--cap-args '{"portMappings":[{"hostPort":8081,"containerPort":80,"protocol":"tcp"}]}'
c1v6=$(ip -n c1 -6 -o addr show eth0 scope global | awk '{print $4}' | cut -d/ -f1)
for n in c1 r1 n1; do
	for port in 22 80; do
		ip netns exec $n timeout 120 /usr/bin/python3 "$PROBE" peer6 tcp $port &
		SERVERS+=($!)
	done
done
udplog c1 0.0.0.0 54 "$T/c1.log"
ip netns exec lan timeout 120 /usr/bin/python3 "$PROBE" peer tcp 7000 &
SERVERS+=($!)
sleep 0.5
for ng in c1:0 c2:0 r1:1 n1:2; do ip netns exec "${ng%:*}" ping -c1 -W1 "10.73.${ng#*:}.1" >/dev/null; done
ip netns exec lan ping -c1 -W1 192.168.60.1 >/dev/null
ip netns exec lan ping -6 -c1 -W1 fd60::1 >/dev/null

# What must keep working.
check_eq "LAN -> 192.168.60.1:8080 (published) reaches c1" 192.168.60.2 "$(reach lan tcp 192.168.60.1 8080)"
check_eq "LAN -> 192.168.60.1:8081 (published, network without firewall) reaches n1" 192.168.60.2 \
	"$(reach lan tcp 192.168.60.1 8081)"
check_eq "c1 -> LAN (masqueraded to the host's address), replies come back" 192.168.60.1 \
	"$(reach c1 tcp 192.168.60.2 7000)"
check_eq "n1 -> LAN (no firewall) too" 192.168.60.1 "$(reach n1 tcp 192.168.60.2 7000)"
check_eq "c2 -> c1:22 (container to container, unpublished port)" 10.73.0.6 "$(reach c2 tcp 10.73.0.5 22)"
check_eq "c2 -> 10.73.0.1:8080 (hairpin to a published port)" 10.73.0.1 "$(reach c2 tcp 10.73.0.1 8080)"
check_eq "host -> c1:22 (from the host itself)" 10.73.0.1 \
	"$(timeout 3 /usr/bin/python3 "$PROBE" connect tcp 10.73.0.5 22)"
check_eq "LAN -> r1:22 on the --routed network (direct routing open)" 192.168.60.2 \
	"$(reach lan tcp 10.73.1.5 22)"

# The attacks.
before=$(counter published-only "net:pub ") nofw0=$(counter published-only "net:nofw ")
check_fails "LAN -> c1:22 (never published) fails" reach lan tcp 10.73.0.5 22
check_fails "LAN -> c1:80 directly (the port behind 8080, not DNATed) fails" reach lan tcp 10.73.0.5 80
check_fails "LAN -> [c1's IPv6]:22 fails" reach lan tcp "$c1v6" 22
forge lan udp -n 3 "$(mac_of vl-host)" 10.73.0.6 10.73.0.5 54 lan-as-c2 >/dev/null
ip netns exec lan timeout 3 /usr/bin/python3 -c 'import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"lan-udp", ("10.73.0.5", 54))'
sleep 0.3
check_fails "LAN -> c1:54/udp: not received" got "$T/c1.log" lan-udp
check_fails "LAN forging c2's source -> c1:54/udp: not received" got "$T/c1.log" lan-as-c2
check_fails "LAN -> n1:22 on the network without firewall fails" reach lan tcp 10.73.2.5 22
after=$(counter published-only "net:pub ") nofw1=$(counter published-only "net:nofw ")
check "pub's drop rule counted the 5 attacks ($before -> $after)" test $((after - before)) -ge 5
check "nofw's drop rule counted its attack ($nofw0 -> $nofw1)" test $((nofw1 - nofw0)) -ge 1
check_eq "rt (--routed) has no drop rule" 0 \
	"$(nft list chain inet netctl published-only | grep -c 'net:rt ')"
# With the firewall plugin's network chains too, c2 -> c1 still works after the attacks.
check_eq "c2 -> c1:22 still works" 10.73.0.6 "$(reach c2 tcp 10.73.0.5 22)"

# A flushed table: CHECK says so, gc puts the rule back, the attack fails again.
nft flush table inet netctl
check_eq "after the flush, LAN -> c1:22 goes through (what the rule stops)" 192.168.60.2 \
	"$(reach lan tcp 10.73.0.5 22)"
out=$("$NETCTL" check pub c1 2>&1)
case $out in *published-only*) ok "CHECK names the missing published-only rule" ;;
*) fail "CHECK names the missing published-only rule" "$out" ;; esac
out=$("$NETCTL" gc 2>&1)
check_eq "netctl gc puts pub's rule back" 1 \
	"$(nft list chain inet netctl published-only | grep -c 'net:pub ')"
check "CHECK pub c1 passes again" "$NETCTL" check pub c1
check_fails "LAN -> c1:22 fails again" reach lan tcp 10.73.0.5 22
check_eq "LAN -> 192.168.60.1:8080 still reaches c1" 192.168.60.2 "$(reach lan tcp 192.168.60.1 8080)"

nft flush table inet netctl
mkns c3
check "after another flush, the next ADD (c3 on pub)" "$NETCTL" connect pub c3 --ip 10.73.0.7
check_eq "puts pub's rule back" 1 "$(nft list chain inet netctl published-only | grep -c 'net:pub ')"
check_fails "LAN -> c1:22 fails" reach lan tcp 10.73.0.5 22

check "rm --force pub" "$NETCTL" rm --force pub
check "rm --force rt" "$NETCTL" rm --force rt
check_eq "nothing of pub or rt is left in table inet netctl" "" \
	"$(nft list table inet netctl | grep -E 'net:(pub|rt)|-(pub|rt)\b|10\.73\.[01]\.')"
"$NETCTL" cni del "$T/nofw.conflist" /run/netns/n1 --id n1 >/dev/null
stop_servers

# --- The reference plugins on the same attacks (reported, not asserted) ---
nft delete table inet netctl 2>/dev/null
cat >"$T/ref.conflist" <<JSON
{"cniVersion":"1.0.0","name":"refpub","plugins":[
 {"type":"bridge","bridge":"cni-ref","isGateway":true,"ipMasq":true,
  "ipam":{"type":"host-local","ranges":[[{"subnet":"10.74.0.0/24"}]],"routes":[{"dst":"0.0.0.0/0"}],"dataDir":"$T/refipam"}},
 {"type":"firewall"},
 {"type":"portmap","snat":true,"capabilities":{"portMappings":true}}]}
JSON
mkns rr1
CNI_PATH=$REF "$NETCTL" cni add "$T/ref.conflist" /run/netns/rr1 --id ref-rr1 \
	--cap-args '{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}' \
	>/dev/null 2>&1 || fail "reference chain ADD rr1"
rr1=$(ip -n rr1 -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
for port in 22 80; do
	ip netns exec rr1 timeout 60 /usr/bin/python3 "$PROBE" peer tcp $port &
	SERVERS+=($!)
done
udplog rr1 0.0.0.0 54 "$T/rr1.log"
sleep 0.4
ip netns exec rr1 ping -c1 -W1 10.74.0.1 >/dev/null
outcome() { local r; r=$("$@" 2>/dev/null) && echo "reached (peer $r)" || echo "fails"; }
said "LAN -> 192.168.60.1:8080 (published)" "$(outcome reach lan tcp 192.168.60.1 8080)"
said "LAN -> container:22 (never published)" "$(outcome reach lan tcp "$rr1" 22)"
said "LAN -> container:80 directly" "$(outcome reach lan tcp "$rr1" 80)"
forge lan udp -n 3 "$(mac_of vl-host)" 10.74.0.9 "$rr1" 54 ref-lan-forged >/dev/null
sleep 0.3
said "LAN forging a container source -> container:54/udp" \
	"$(got "$T/rr1.log" ref-lan-forged && echo received || echo 'not received')"
stop_servers
CNI_PATH=$REF "$NETCTL" cni del "$T/ref.conflist" /run/netns/rr1 --id ref-rr1 \
	--cap-args '{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}' >/dev/null 2>&1
done_testing
