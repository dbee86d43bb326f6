#!/usr/bin/env bash
# Host access control (doc/security.md, section 4), real packets through real chains
# (bridge + host-local + firewall, driven by `netctl cni`): a container of an icc=false
# network reaches nothing of the host but DNS on its own gateway and what the policy's
# "to": "host" rules open: no TCP or UDP service on its gateway, none on another
# network's gateway; IPv6 neighbour discovery to the gateway and ICMP errors still
# work, and so do replies to connections the host opens. hostAccess "all" (the default
# for icc on) keeps everything reachable; "none" closes DNS too. The same flows against
# the reference plugins (bridge + firewall from /usr/lib/cni) are printed as
# "# reference:" lines, not asserted.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"

NETCTL=$BIN/netctl
export NETCTL_CONFDIR=$T/conf NETCTL_STATEDIR=$T/state CNI_PATH=$BIN
[ -x "$NETCTL" ] || { fail "netctl is built" "missing $NETCTL"; done_testing; exit 1; }
mkdir -p "$NETCTL_CONFDIR/policy.d"

# conflist NAME BRIDGE N FIREWALL_EXTRA : subnet 10.94.N.0/24 (+ fd94:N::/64 for N=1).
conflist() {
	local v6=''
	[ "$3" = 1 ] && v6=', [{ "subnet": "fd94:1::/64" }]'
	cat >"$T/$1.conflist" <<EOF
{ "cniVersion": "1.0.0", "name": "$1", "plugins": [
  { "type": "bridge", "bridge": "$2", "isGateway": true,
    "ipam": { "type": "host-local", "dataDir": "$T/ipam",
              "ranges": [[{ "subnet": "10.94.$3.0/24" }]$v6],
              "routes": [{ "dst": "0.0.0.0/0" }] } },
  { "type": "firewall"$4 } ] }
EOF
}
conflist iso nctl-iso 1 ', "icc": false'
conflist open nctl-open 2 ''
conflist isoall nctl-isoall 3 ', "icc": false, "hostAccess": "all"'
conflist isonone nctl-isonone 4 ', "icc": false, "hostAccess": "none"'
cat >"$NETCTL_CONFDIR/policy.d/iso.json" <<'JSON'
{
  "version": 1,
  "network": "iso",
  "groups": { "web": ["web-*"] },
  "allow": [ { "from": "web", "to": "host", "ports": ["8443/tcp"] } ]
}
JSON

# add NET NAME [CNI_PATH] : a container NAME on NET.
add() {
	mkns "$2" &&
	CNI_PATH=${3:-$BIN} "$NETCTL" cni add "$T/$1.conflist" "/run/netns/$2" --id "id-$2" \
		--args "IgnoreUnknown=1;K8S_POD_NAME=$2" >/dev/null
}
check "ADD web-1 to iso (icc off, host access dns by default)" add iso web-1
check "ADD misc to iso" add iso misc
check "ADD o1 to open (icc on: host access all)" add open o1
check "ADD c1 to isoall (icc off, hostAccess all)" add isoall c1
check "ADD n1 to isonone (icc off, hostAccess none)" add isonone n1
check_eq "net-iso-host ends in the dns mode's drop" 'counter drop comment "host-access dns"' \
	"$(nft list chain inet netctl net-iso-host | sed 's/packets [0-9]* bytes [0-9]* //' |
	   grep -o 'counter drop comment.*')"

# The host's services, IPv4 and IPv6 on every address (the sandbox is the "host"),
# which has a LAN address too.
ip link add lan0 type veth peer name lan0p && ip addr add 192.168.77.1/24 dev lan0 &&
	ip link set lan0p up && ip link set lan0 up
serve_peer() { /usr/bin/python3 "$PROBE" peer6 "$1" "$2" & SERVERS+=($!); }
for p in 7000 53 8443; do serve_peer tcp $p; done
for p in 7001 53; do serve_peer udp $p; done
serve misc tcp 7100
sleep 0.6
# try NS PROTO ADDR PORT : "yes" when the exchange worked, else "no".
try() { if reach "$@" >/dev/null 2>&1; then echo yes; else echo no; fi; }

# --- icc off, host access dns + policy ---
for brnf in 1 0; do
	echo "$brnf" >/proc/sys/net/bridge/bridge-nf-call-iptables
	w="(bridge-nf-call-iptables=$brnf)"
	check_fails "icc off: TCP to a host service on the gateway refused $w" \
		reach misc tcp 10.94.1.1 7000
	check_fails "icc off: UDP to a host service on the gateway refused $w" \
		reach misc udp 10.94.1.1 7001
	check "icc off: DNS over UDP on the gateway $w" reach misc udp 10.94.1.1 53
	check "icc off: DNS over TCP on the gateway $w" reach misc tcp 10.94.1.1 53
done
check_fails "icc off: TCP to another network's gateway refused" reach misc tcp 10.94.2.1 7000
check_fails "icc off: UDP to another network's gateway refused" reach misc udp 10.94.2.1 7001
check_fails "icc off: DNS on another network's gateway refused" reach misc udp 10.94.2.1 53
check_fails "icc off: TCP to the host's LAN address refused" reach misc tcp 192.168.77.1 7000
check "icc off: ping to its gateway passes (dns mode)" ip netns exec misc ping -c 1 -W 1 10.94.1.1
check_fails "icc off: ping to another network's gateway refused" \
	ip netns exec misc ping -c 1 -W 1 10.94.2.1
check "policy web -> host 8443/tcp: web-1 reaches it" reach web-1 tcp 10.94.1.1 8443
check_fails "policy web -> host 8443/tcp: misc (not in web) does not" \
	reach misc tcp 10.94.1.1 8443
check_fails "policy web -> host 8443/tcp: web-1 still cannot reach 7000" \
	reach web-1 tcp 10.94.1.1 7000
misc4=$(ip -n misc -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
check "the host opens to a container: the replies pass" \
	timeout 3 /usr/bin/python3 "$PROBE" connect tcp "$misc4" 7100
# An ICMP error from the container (port unreachable for the host's UDP) reaches the host.
out=$(timeout 3 python3 -c "
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1.0)
s.connect(('$misc4', 9)); s.send(b'x')
try: s.recv(10); print('answer')
except ConnectionRefusedError: print('refused')
except OSError as e: print('timeout')" 2>&1)
check_eq "ICMP port unreachable from the container reaches the host" refused "$out"
# PMTU: the container answers the host's DF datagram with "fragmentation needed, MTU
# 1280" (related to the host's flow): the host learns the path MTU. In dns and none.
pmtu() {	# pmtu NS GW ADDR : the MTU the host learned for ADDR
	local f=$T/pmtu.$1 mtu
	timeout 10 /usr/bin/python3 "$PMTU" host "$3" 7300 "$f" >"$f.out" 2>&1 &
	for _ in $(seq 50); do [ -e "$f" ] && break; sleep 0.1; done
	ip netns exec "$1" timeout 3 /usr/bin/python3 "$PMTU" forge "$2" "$3" 7300 "$(cat "$f")" 1280
	touch "$f.done"
	wait $!
	cat "$f.out"
}
PMTU=$ROOT/tests/integration/fwlib/pmtu.py
check_eq "PMTU: fragmentation needed from the container reaches the host (dns)" 1280 \
	"$(pmtu misc 10.94.1.1 "$misc4")"
check_eq "PMTU: the same on a hostAccess none network" 1280 \
	"$(pmtu n1 10.94.4.1 "$(ip -n n1 -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)")"
# IPv6: neighbour discovery to the gateway works from scratch, services stay closed.
misc6=$(ip -n misc -6 -o addr show eth0 scope global | awk '{print $4}' | cut -d/ -f1)
ip -n misc -6 neigh flush dev eth0
ip -6 neigh flush dev nctl-iso
check "IPv6: DNS over TCP on the gateway (neighbour discovery works)" reach misc tcp fd94:1::1 53
check "IPv6: the container's neighbour entry for the gateway resolved" \
	sh -c "ip -n misc -6 neigh show fd94:1::1 | grep -qE 'REACHABLE|STALE|DELAY|PROBE'"
check_fails "IPv6: TCP to a host service on the gateway refused" reach misc tcp fd94:1::1 7000
check_fails "IPv6: UDP to a host service on the gateway refused" reach misc udp fd94:1::1 7001
check "IPv6 address of misc is global ($misc6)" test -n "$misc6"
drops=$(nft list chain inet netctl net-iso-host | grep 'comment "host-access dns"' |
	grep -o 'packets [0-9]*' | cut -d' ' -f2)
check "refused host access is counted in net-iso-host" test "${drops:-0}" -gt 0

# --- netctl policy explain/diff/show know the host target and the host access ---
ex() { "$NETCTL" policy explain "$@" 2>&1; }
out=$(ex iso web-1 host 8443/tcp)
check_eq "explain web-1 -> host 8443/tcp: allow by the rule (exit 0)" \
	"0 allow: web-1 -> host 8443/tcp: allow[0] (line 5): web -> host 8443/tcp" "$? $out"
out=$(ex iso misc host 8443/tcp)
check_eq "explain misc -> host 8443/tcp: deny (exit 1), as the packets said" \
	'1 deny: misc -> host 8443/tcp: host access dns: no allow rule to "host" matches, so net-<net>-host drops it' "$? $out"
out=$(ex iso misc host 53/udp)
check_eq "explain misc -> host 53/udp: allow by host access dns" \
	"0 allow: misc -> host 53/udp: host access dns: DNS (UDP/TCP 53) on the network's gateway addresses passes" "$? $out"
out=$(ex open o1 host 7000/tcp)
check_eq "explain o1 -> host 7000/tcp on an icc on network: allow (all)" \
	"0 allow: o1 -> host 7000/tcp: host access all: the network's containers reach every service of the host" "$? $out"
check_eq "policy diff iso: the host rule is in the kernel" \
	"no changes: the kernel already enforces $NETCTL_CONFDIR/policy.d/iso.json" \
	"$("$NETCTL" policy diff iso 2>&1)"
show=$("$NETCTL" policy show iso)
case $show in "network iso: icc off, host access dns,"*) ok "show names the host access" ;;
*) fail "show names the host access" "$show" ;; esac
hits=$(echo "$show" | grep 'allow\[0\]: web -> host 8443/tcp' | awk '{print $(NF-1)}')
check "show counts the host rule's packets ($hits)" test "${hits:-0}" -gt 0

# --- host access all (icc on, and icc off with hostAccess all): today's behaviour ---
check "icc on: TCP to a host service on the gateway" reach o1 tcp 10.94.2.1 7000
check "icc on: UDP to a host service on the gateway" reach o1 udp 10.94.2.1 7001
check "icc on: TCP to another network's gateway" reach o1 tcp 10.94.1.1 7000
check "icc on: ping to the gateway" ip netns exec o1 ping -c 1 -W 1 10.94.2.1
check "icc on: TCP to the host's LAN address" reach o1 tcp 192.168.77.1 7000
check "icc off, hostAccess all: TCP to a host service" reach c1 tcp 10.94.3.1 7000
check "icc off, hostAccess all: UDP to a host service" reach c1 udp 10.94.3.1 7001

# --- the mode follows the configuration: an edited hostAccess, or host chains that an
# older netctl never made, are (re)made by the next ADD on the network ---
sed -i 's/"hostAccess": "all"/"hostAccess": "none"/' "$T/isoall.conflist"
check "ADD c2 to isoall after its hostAccess became none" add isoall c2
check_eq "net-isoall-host is in the none mode now" 'counter drop comment "host-access none"' \
	"$(nft list chain inet netctl net-isoall-host | sed 's/packets [0-9]* bytes [0-9]* //' |
	   grep -o 'counter drop comment.*')"
check_fails "... and c1 no longer reaches the host service" reach c1 tcp 10.94.3.1 7000
nft flush chain inet netctl net-open-host
check "ADD o2 to open, whose net-open-host has no rules (as made by an older netctl)" add open o2
check_eq "net-open-host is back, mode all" 'counter accept comment "host-access all"' \
	"$(nft list chain inet netctl net-open-host | sed 's/packets [0-9]* bytes [0-9]* //' |
	   grep -o 'counter accept comment.*')"

# --- host access none: not even DNS ---
check_fails "hostAccess none: DNS over UDP refused" reach n1 udp 10.94.4.1 53
check_fails "hostAccess none: DNS over TCP refused" reach n1 tcp 10.94.4.1 53
check_fails "hostAccess none: TCP to a host service refused" reach n1 tcp 10.94.4.1 7000
check_fails "hostAccess none: ping to the gateway refused" ip netns exec n1 ping -c 1 -W 1 10.94.4.1

# --- netctl create --host-access writes the conflist key ---
out=$("$NETCTL" create hx --subnet 10.94.20.0/24 --icc=false --host-access=none)
check_eq "create --host-access=none says so" \
	"created network hx: bridge nctl-hx, subnets 10.94.20.0/24, icc off, host access none" "$out"
check_eq "the conflist's firewall has hostAccess none" none \
	"$(jq -r '.plugins[] | select(.type=="firewall") | .hostAccess' \
	   "$NETCTL_CONFDIR/net.d/hx.conflist")"
check "inspect shows the host access" sh -c "'$NETCTL' inspect hx | grep -q '^host access none'"
"$NETCTL" create hy --host-access=some >/dev/null 2>&1
check_eq "create --host-access=some: exit 2" 2 $?
out=$(echo '{"cniVersion":"1.0.0","name":"iso","type":"firewall","hostAccess":"some",
  "prevResult":{"cniVersion":"1.0.0","interfaces":[{"name":"nctl-iso"}],"ips":[]}}' |
	plugin firewall ADD id-x /run/netns/misc eth0)
check_eq "hostAccess some: code 7" 7 "$(echo "$out" | jq -r .code)"
check "rm hx" "$NETCTL" rm hx

# --- DEL: nothing of the containers is left; rm removes the network's host chains ---
for c in web-1:iso misc:iso o1:open o2:open c1:isoall c2:isoall n1:isonone; do
	check "DEL ${c%%:*}" "$NETCTL" cni del "$T/${c#*:}.conflist" "/run/netns/${c%%:*}" \
		--id "id-${c%%:*}"
done
check_eq "members-iso is empty after DEL" "" "$(set_elems members-iso)"
printf '{"cniVersion":"1.1.0","name":"iso","type":"firewall","cni.dev/valid-attachments":[]}' |
	CNI_COMMAND=GC CNI_PATH=$BIN "$BIN/firewall"
check_fails "GC without attachments removes net-iso-host" nft list chain inet netctl net-iso-host
check_fails "... and net-iso-hostpol" nft list chain inet netctl net-iso-hostpol
check_eq "... and its host-from element" "" \
	"$(nft list map inet netctl host-from | grep -o '"nctl-iso"')"

# --- the reference plugins, same flows (reported, not asserted) ---
conflist ref nctl-ref 9 ', "icc": false'
if add ref r1 "$REF" 2>"$T/ref.err"; then
	echo "# reference: TCP to a host service on its gateway: $(try r1 tcp 10.94.9.1 7000)"
	echo "# reference: UDP to a host service on its gateway: $(try r1 udp 10.94.9.1 7001)"
	echo "# reference: TCP to another network's gateway: $(try r1 tcp 10.94.2.1 7000)"
	echo "# reference: TCP to the host's LAN address: $(try r1 tcp 192.168.77.1 7000)"
	echo "# reference: DNS over UDP on its gateway: $(try r1 udp 10.94.9.1 53)"
	echo "# reference: (it has no host access control: everything of the host is open)"
	CNI_PATH=$REF "$NETCTL" cni del "$T/ref.conflist" /run/netns/r1 --id id-r1 >/dev/null 2>&1
else
	echo "# reference: ADD failed: $(head -c 300 "$T/ref.err")"
fi
stop_servers
done_testing
