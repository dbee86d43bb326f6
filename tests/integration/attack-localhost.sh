#!/usr/bin/env bash
# Loopback stays loopback (doc/security.md section 2). A network publishes ports with
# portmap's snat (route_localnet=1 on its bridge, so the host reaches them on
# 127.0.0.1). Attacks with forged frames: a container sends to the host's services
# bound to 127.0.0.1 through its gateway (CVE-2020-8558), or with source 127.0.0.1; a
# LAN neighbour sends to 127.0.0.1:PUBLISHED and [::1]. Each must fail and be counted
# by chain loopback-only; the host's own 127.0.0.1:PUBLISHED, the LAN's published
# port and container -> container keep working. CHECK notices the chain flushed, gc
# (or the next ADD after the whole table was flushed) puts it back, rm leaves nothing
# of the network. Then the same attacks against the reference bridge + firewall +
# portmap (snat), reported as '# reference:' lines.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"
. "$(dirname "$0")/fwlib/attack.bash"

for p in netctl bridge host-local firewall portmap; do
	[ -x "$BIN/$p" ] || { fail "$p is built" "$BIN/$p missing"; done_testing; exit 1; }
done
export NETCTL_CONFDIR=$T/conf NETCTL_RUNDIR=$T/run NETCTL_STATEDIR=$T/state CNI_PATH=$BIN
lan_up
mkns c1
mkns att
# spoofchk off: chain loopback-only is tested on its own (spoofchk, on by default,
# already drops the forged source 127.0.0.1 at the container's bridge port).
check "create network loc (portmap in its chain, spoofchk off)" "$NETCTL" create loc \
	--subnet 10.71.0.0/24 --spoofchk=false
check "connect c1 publishing 8080->80/tcp and 8054->54/udp" "$NETCTL" connect loc c1 \
	--ip 10.71.0.5 --publish 8080:80 --publish 8054:54/udp
check "connect att (the attacker, root in its netns: NET_RAW)" "$NETCTL" connect loc att --ip 10.71.0.6
BR=$(jq -r '.plugins[0].bridge' "$NETCTL_CONFDIR/net.d/loc.conflist")
check_eq "snat set route_localnet on the bridge $BR" 1 "$(cat /proc/sys/net/ipv4/conf/$BR/route_localnet)"
check_eq "and nowhere else (all, the LAN side)" "0 0" \
	"$(cat /proc/sys/net/ipv4/conf/all/route_localnet /proc/sys/net/ipv4/conf/vl-host/route_localnet | xargs)"

# c1: TCP 80 answers with the peer's address, UDP 54 logs; the host: services bound
# to 127.0.0.1 and ::1 only, and one on every address.
# host_services SECONDS: the host's TCP 127.0.0.1:9999 and its UDP loggers (loopback
# only, and every address); both phases (ours, the reference) attack the same ones.
host_services() {
	timeout "$1" /usr/bin/python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 9999)); s.listen(8); time.sleep(int(sys.argv[1]))' "$1" &
	SERVERS+=($!)
	udplog - 127.0.0.1 9998 "$T/host-lo.log"
	udplog - ::1 9998 "$T/host-lo6.log"
	udplog - 0.0.0.0 9996 "$T/host-any.log"
}
ip netns exec c1 timeout 120 /usr/bin/python3 "$PROBE" peer tcp 80 &
SERVERS+=($!)
udplog c1 0.0.0.0 54 "$T/c1.log"
host_services 120
sleep 0.4
ip netns exec att ping -c1 -W1 10.71.0.1 >/dev/null
ip netns exec lan ping -c1 -W1 192.168.60.1 >/dev/null
GW=$(mac_of "$BR") HOSTMAC=$(mac_of vl-host)

# What must keep working.
check_eq "host -> 127.0.0.1:8080 reaches c1 (from lo, masqueraded to the bridge)" 10.71.0.1 \
	"$(timeout 3 /usr/bin/python3 "$PROBE" connect tcp 127.0.0.1 8080)"
timeout 3 /usr/bin/python3 -c 'import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"host-ok", ("127.0.0.1", 8054))'
check_eq "LAN -> 192.168.60.1:8080 (published) reaches c1" 192.168.60.2 \
	"$(reach lan tcp 192.168.60.1 8080)"
check_eq "att -> c1:80 (container to container)" 10.71.0.6 "$(reach att tcp 10.71.0.5 80)"
check "host's own 127.0.0.1:9999 still answers the host" \
	timeout 3 /usr/bin/python3 -c 'import socket; socket.create_connection(("127.0.0.1", 9999), 1)'
sleep 0.2
check "host -> 127.0.0.1:8054/udp reached c1" got "$T/c1.log" host-ok

# The attacks: forged frames straight to the gateway's (the host's) MAC.
to0=$(counter loopback-only "loopback: to 127") from0=$(counter loopback-only "loopback: from 127")
# attacks PREFIX NS GWMAC ADDR GWADDR : the attacks from container netns NS (address
# ADDR, its gateway GWADDR at GWMAC) and from the LAN; one "name result" line per TCP
# attack, UDP words "PREFIX-..." for the logs.
attacks() {
	local ns=$2 gw=$3 me=$4
	echo "cve-2020-8558-tcp $(forge "$ns" syn "$gw" "$me" 127.0.0.1 9999)"
	forge "$ns" udp -n 3 "$gw" "$me" 127.0.0.1 9998 "$1-att-lo" >/dev/null
	forge "$ns" udp -n 3 "$gw" 127.0.0.1 "$5" 9996 "$1-att-from-lo" >/dev/null
	echo "att-to-lo-published $(forge "$ns" syn "$gw" "$me" 127.0.0.1 8080)"
	echo "lan-to-lo-published $(forge lan syn "$HOSTMAC" 192.168.60.2 127.0.0.1 8080)"
	echo "lan-to-lo-service $(forge lan syn "$HOSTMAC" 192.168.60.2 127.0.0.1 9999)"
	forge lan udp -n 3 "$HOSTMAC" 192.168.60.2 127.0.0.1 8054 "$1-lan-lo" >/dev/null
	forge lan udp -n 3 "$HOSTMAC" fd60::2 ::1 9998 "$1-lan-lo6" >/dev/null
	sleep 0.3
}
res=$(attacks ours att "$GW" 10.71.0.6 10.71.0.1)
check_eq "container -> host's 127.0.0.1:9999 through the gateway (CVE-2020-8558): no answer" none \
	"$(awk '$1 == "cve-2020-8558-tcp" {print $2}' <<<"$res")"
check_fails "container -> host's 127.0.0.1:9998/udp: not received" got "$T/host-lo.log" ours-att-lo
check_fails "container forging source 127.0.0.1 -> host's 10.71.0.1:9996/udp: not received" \
	got "$T/host-any.log" ours-att-from-lo
check_eq "container -> 127.0.0.1:8080 through the gateway: no answer" none \
	"$(awk '$1 == "att-to-lo-published" {print $2}' <<<"$res")"
check_eq "LAN -> 127.0.0.1:8080 (published): no answer" none \
	"$(awk '$1 == "lan-to-lo-published" {print $2}' <<<"$res")"
check_eq "LAN -> 127.0.0.1:9999 (a host service): no answer" none \
	"$(awk '$1 == "lan-to-lo-service" {print $2}' <<<"$res")"
check_fails "LAN -> 127.0.0.1:8054/udp: c1 received nothing" got "$T/c1.log" ours-lan-lo
check_fails "LAN -> [::1]:9998/udp: not received" got "$T/host-lo6.log" ours-lan-lo6
to1=$(counter loopback-only "loopback: to 127") from1=$(counter loopback-only "loopback: from 127")
check "the 'to 127.0.0.0/8' drop counted the 7 forged packets to 127/8 ($to0 -> $to1)" \
	test $((to1 - to0)) -ge 7
check "the 'from 127.0.0.0/8' drop counted the forged source ($from0 -> $from1)" \
	test $((from1 - from0)) -ge 1

# A flushed chain: the attack goes through, CHECK says so, gc puts it back.
nft flush chain inet netctl loopback-only
check_eq "without it, the CVE-2020-8558 attack is answered (what the chain stops)" synack \
	"$(forge att syn "$GW" 10.71.0.6 127.0.0.1 9999)"
out=$("$NETCTL" check loc c1 2>&1)
case $out in *loopback-only*) ok "CHECK names the flushed chain loopback-only" ;;
*) fail "CHECK names the flushed chain loopback-only" "$out" ;; esac
out=$("$NETCTL" gc 2>&1)
check_eq "netctl gc puts its 4 rules back" 4 \
	"$(nft -j list chain inet netctl loopback-only | jq '[.nftables[].rule? // empty] | length')"
check "CHECK passes again" "$NETCTL" check loc c1
check_eq "LAN -> 127.0.0.1:8080 still gets no answer" none \
	"$(forge lan syn "$HOSTMAC" 192.168.60.2 127.0.0.1 8080)"

nft flush table inet netctl
mkns c3
check "after a flush of the whole table, the next ADD (c3 publishing 8090->80)" \
	"$NETCTL" connect loc c3 --ip 10.71.0.7 --publish 8090:80
check_eq "puts loopback-only's 4 rules back" 4 \
	"$(nft -j list chain inet netctl loopback-only | jq '[.nftables[].rule? // empty] | length')"
check "CHECK c1 passes again" "$NETCTL" check loc c1

check "rm --force loc" "$NETCTL" rm --force loc
check_eq "nothing of loc is left in table inet netctl" "" \
	"$(nft list table inet netctl 2>/dev/null | grep -E 'net:loc|-loc|10\.71\.0\.' )"
stop_servers

# --- The reference plugins on the same attacks (reported, not asserted) ---
nft delete table inet netctl 2>/dev/null
cat >"$T/ref.conflist" <<JSON
{"cniVersion":"1.0.0","name":"refloc","plugins":[
 {"type":"bridge","bridge":"cni-ref","isGateway":true,
  "ipam":{"type":"host-local","ranges":[[{"subnet":"10.72.0.0/24"}]],"routes":[{"dst":"0.0.0.0/0"}],"dataDir":"$T/refipam"}},
 {"type":"firewall"},
 {"type":"portmap","snat":true,"capabilities":{"portMappings":true}}]}
JSON
mkns r1
mkns ratt
refcni() { CNI_PATH=$REF "$NETCTL" cni "$@" >/dev/null 2>&1; }
refcni add "$T/ref.conflist" /run/netns/r1 --id ref-r1 \
	--cap-args '{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"},{"hostPort":8054,"containerPort":54,"protocol":"udp"}]}' ||
	fail "reference chain ADD r1"
refcni add "$T/ref.conflist" /run/netns/ratt --id ref-ratt || fail "reference chain ADD ratt"
r1=$(ip -n r1 -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
ra=$(ip -n ratt -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
ip netns exec r1 timeout 60 /usr/bin/python3 "$PROBE" peer tcp 80 &
SERVERS+=($!)
udplog r1 0.0.0.0 54 "$T/r1.log"
host_services 60
sleep 0.4
ip netns exec ratt ping -c1 -W1 10.72.0.1 >/dev/null
said "route_localnet on cni-ref" "$(cat /proc/sys/net/ipv4/conf/cni-ref/route_localnet 2>/dev/null)"
said "host -> 127.0.0.1:8080" "$(peer=$(timeout 3 /usr/bin/python3 "$PROBE" connect tcp 127.0.0.1 8080 2>/dev/null) &&
	echo "works, the container sees $peer" || echo fails)"
res=$(attacks ref ratt "$(mac_of cni-ref)" "$ra" 10.72.0.1)
# answer NAME : what the forged SYN of attack NAME got back, in words
answer() {
	case $(awk -v n="$1" '$1 == n {print $2}' <<<"$res") in
	synack) echo "answered (a SYN-ACK came back: reached)" ;;
	rst) echo "refused (RST)" ;;
	*) echo "no answer" ;;
	esac
}
said "container -> host's 127.0.0.1:9999/tcp (CVE-2020-8558)" "$(answer cve-2020-8558-tcp)"
said "container -> host's 127.0.0.1:9998/udp" "$(got "$T/host-lo.log" ref-att-lo && echo received || echo 'not received')"
said "container forging source 127.0.0.1 -> host's 10.72.0.1:9996/udp" \
	"$(got "$T/host-any.log" ref-att-from-lo && echo received || echo 'not received')"
said "container -> 127.0.0.1:8080 via the gateway" "$(answer att-to-lo-published)"
said "LAN -> 127.0.0.1:8080 (published)" "$(answer lan-to-lo-published)"
said "LAN -> 127.0.0.1:9999 (host service)" "$(answer lan-to-lo-service)"
said "LAN -> 127.0.0.1:8054/udp (published)" "$(got "$T/r1.log" ref-lan-lo && echo received || echo 'not received')"
said "LAN -> [::1]:9998/udp" "$(got "$T/host-lo6.log" ref-lan-lo6 && echo received || echo 'not received')"
stop_servers
refcni del "$T/ref.conflist" /run/netns/ratt --id ref-ratt
refcni del "$T/ref.conflist" /run/netns/r1 --id ref-r1 \
	--cap-args '{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"},{"hostPort":8054,"containerPort":54,"protocol":"udp"}]}'
done_testing
