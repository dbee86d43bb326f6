#!/usr/bin/env bash
# Attacks on per-port source binding (issue 13 item 1), with real forged frames from a
# container netns with NET_RAW (tests/tools/forge.py: AF_PACKET, headers built by
# hand). In an icc=false dual-stack network made by netctl, with a policy that allows
# only frontend -> db 5432: (a) UDP to db with a frontend member's source, (b) a
# gratuitous ARP claiming the member's address, then a forged-source TCP handshake,
# (c) the same over IPv6 with a forged NA, (d) a container that changes its own
# address or MAC, (e) the flows that must keep working (the allowed one, the gateway,
# link-local, neighbour discovery, DAD). CHECK and `netctl gc` see and mend a missing
# element; rm leaves no element. Each attack also runs against Debian's reference
# plugins (bridge with macspoofchk, icc on: they have no icc) and the test prints what
# they do as "# reference: ..." (reported, not asserted).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/attack.bash"	# forge, $FORGE, $NETCTL

export NETCTL_CONFDIR=$T/conf NETCTL_STATEDIR=$T/state CNI_PATH=$BIN
[ -x "$NETCTL" ] || { fail "netctl is built" "missing $NETCTL"; done_testing; exit 1; }
PIDS=()
cleanup() { local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT

# logger NS : TCP and UDP 5432 servers in NS that log "SRC DATA" to $T/NS.log
logger() {
	: >"$T/$1.log"
	ip netns exec "$1" /usr/bin/python3 "$FORGE" log udp 5432 "$T/$1.log" & PIDS+=($!)
	ip netns exec "$1" /usr/bin/python3 "$FORGE" log tcp 5432 "$T/$1.log" & PIDS+=($!)
}
mac() { ip -n "$1" -j link show eth0 | jq -r '.[0].address'; }
a4() { ip -n "$1" -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1 | head -1; }
a6() { ip -n "$1" -6 -o addr show eth0 scope global | awk '{print $4}' | cut -d/ -f1 | head -1; }
# neigh IP BRIDGE : the host's lladdr for IP (empty when it has none)
neigh() { ip -j neigh show "$1" dev "$2" | jq -r '.[0].lladdr // empty'; }
tcp() { ip netns exec "$1" timeout 3 /usr/bin/python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 5432), timeout=2); s.sendall(b"legit")
sys.exit(0 if s.recv(64) == b"legit" else 1)' "$2"; }
drops() { nft -j list table bridge netctl | jq '[.nftables[].rule? // empty
	| select(.comment // "" | startswith("spoofchk")) | .expr[] | .counter? // empty
	| .packets] | add'; }

# --- our plugins: netctl network, icc off, dual stack, policy frontend -> db 5432 ---
check "create shop (icc off, dual stack)" "$NETCTL" create shop --icc=false \
	--subnet 10.77.0.0/24 --subnet fd77::/64
check_eq "netctl's conflist binds the ports" "true" \
	"$(jq '.plugins[0].spoofchk' "$NETCTL_CONFDIR/net.d/shop.conflist")"
cat >"$T/pol.json" <<'JSON'
{ "version": 1, "network": "shop",
  "groups": { "frontend": ["web-*"], "db": ["pg"] },
  "allow": [ { "from": "frontend", "to": "db", "ports": ["5432/tcp", "5432/udp"] } ] }
JSON
check "policy: frontend -> db 5432 only" "$NETCTL" policy apply shop "$T/pol.json"
for n in web-1 pg evil; do
	mkns "$n"
	check "connect $n" "$NETCTL" connect shop "$n" --name "$n"
done
BR=nctl-shop
GWMAC=$(ip -j link show $BR | jq -r '.[0].address')
W4=$(a4 web-1) W6=$(a6 web-1) P4=$(a4 pg) P6=$(a6 pg) WMAC=$(mac web-1)
logger pg
sleep 0.5

# (e) what must keep working, which also gives the host its neighbour entries
check "web-1 pings its gateway" ip netns exec web-1 ping -c1 -W2 10.77.0.1
check "web-1 pings its IPv6 gateway" ip netns exec web-1 ping -6 -c1 -W2 fd77::1
check "pg pings its IPv6 gateway" ip netns exec pg ping -6 -c1 -W2 fd77::1
check "allowed: web-1 -> pg 5432/tcp over IPv4" tcp web-1 "$P4"
check "allowed: web-1 -> pg 5432/tcp over IPv6 (neighbour discovery through the host)" \
	tcp web-1 "$P6"
GWLL=$(ip -6 -o addr show dev $BR scope link | awk '{print $4}' | cut -d/ -f1)
check "web-1 pings the gateway's link-local from its own" \
	ip netns exec web-1 ping -6 -c1 -W2 "$GWLL%eth0"
check "evil reaches its gateway with its own addresses" \
	ip netns exec evil ping -c1 -W2 10.77.0.1
check_eq "the host's entry for web-1 (IPv4) is web-1's MAC" "$WMAC" "$(neigh "$W4" $BR)"
check_eq "the host's entry for web-1 (IPv6) is web-1's MAC" "$WMAC" "$(neigh "$W6" $BR)"

# (a) UDP to db with the frontend member's source
allow() { "$NETCTL" policy show shop | awk '/^allow\[0\]/ {print $(NF-1)}'; }
before=$(allow) d0=$(drops)
check "evil forges UDP web-1 -> pg:5432" forge evil udp "$GWMAC" "$W4" "$P4" 5432 forged4
sleep 0.4
check_eq "(a) pg received nothing forged" "" "$(grep forged "$T/pg.log")"
check_eq "(a) the allow rule's counter did not count it" "$before" "$(allow)"
check "(a) a spoofchk rule dropped it ($d0 -> $(drops))" test "$(drops)" -gt "$d0"

# (b) gratuitous ARP claiming web-1's address, then a forged TCP handshake
sleep 1	# past the neighbour entry's locktime, so only our rules can keep it
check "evil sends gratuitous ARP for web-1's address" forge evil garp "$W4"
sleep 0.3
check_eq "(b) the host's entry for web-1 keeps web-1's MAC" "$WMAC" "$(neigh "$W4" $BR)"
check_fails "(b) a forged-source TCP handshake to pg:5432 fails" \
	forge evil hijack "$GWMAC" "$W4" "$P4" 5432
check_eq "(b) pg saw no hijacked data" "" "$(grep hijack "$T/pg.log")"

# (c) the same over IPv6, with a forged neighbour advertisement
before=$(allow)
check "evil forges UDP web-1 -> pg:5432 over IPv6" forge evil udp "$GWMAC" "$W6" "$P6" 5432 forged6
check "evil sends an override NA for web-1's IPv6 address" forge evil na "$W6"
sleep 0.4
check_eq "(c) pg received nothing forged over IPv6" "" "$(grep forged6 "$T/pg.log")"
check_eq "(c) the allow rule's counter did not count it" "$before" "$(allow)"
check_eq "(c) the host's entry for web-1's IPv6 keeps web-1's MAC" "$WMAC" "$(neigh "$W6" $BR)"
check_fails "(c) a forged-source TCP handshake to pg:5432 over IPv6 fails" \
	forge evil hijack "$GWMAC" "$W6" "$P6" 5432
check "(e) the allowed flow still works after the attacks" tcp web-1 "$P4"

# CHECK sees a missing element, netctl gc puts it back
check "netctl check shop: ok" "$NETCTL" check shop
hv=$(nft list set bridge netctl spoof-v4 | grep -o "\"veth[0-9a-f]*\" . $P4" | cut -d'"' -f2)
nft delete element bridge netctl spoof-v4 "{ \"$hv\" . $P4 }"
out=$("$NETCTL" check shop pg 2>&1)
case $out in *"spoofchk is not in place"*"$P4"*) ok "CHECK names the missing binding" ;;
*) fail "CHECK names the missing binding" "$out" ;; esac
check "netctl gc" "$NETCTL" gc
check "netctl check shop after gc: ok" "$NETCTL" check shop
nft flush table bridge netctl
check_fails "after a flush of table bridge netctl, CHECK fails" "$NETCTL" check shop pg
check "netctl gc puts the rules back" "$NETCTL" gc
check "netctl check shop after that: ok" "$NETCTL" check shop
check_eq "one copy of each rule" "1" \
	"$(nft list chain bridge netctl spoofchk | grep -c 'jump spoof-port')"

# (d) a container that changes its own address or MAC reaches nobody
ip -n evil addr add 10.77.0.200/24 dev eth0
check_fails "(d) from an address of its own choosing evil reaches not the gateway" \
	ip netns exec evil ping -c1 -W1 -I 10.77.0.200 10.77.0.1
ip -n evil addr add fd77::200/64 dev eth0 nodad
check_fails "(d) nor over IPv6" ip netns exec evil ping -6 -c1 -W1 -I fd77::200 fd77::1
emac=$(mac evil)
ip -n evil link set eth0 address 02:00:00:00:66:66
ip -n evil neigh flush dev eth0
check_fails "(d) with a MAC of its own choosing evil reaches not the gateway" \
	ip netns exec evil ping -c1 -W1 10.77.0.1
ip -n evil link set eth0 address "$emac"

# (e) DAD and IPv6 link-local on a bound port: a duplicate is found, a unique one is not
dconf='{"cniVersion":"1.0.0","name":"dad","type":"bridge","bridge":"cni-dad","isGateway":true,
 "spoofchk":true,"enabledad":true,"ipam":{"type":"host-local","dataDir":"'"$T"'/ipam",
 "ranges":[[{"subnet":"fd79::/64"}]]}}'
mkns d1
mkns d2
check "ADD d1 (DAD on)" plugin bridge ADD cid-d1 /run/netns/d1 eth0 <<<"$dconf"
# a neighbour (not a container of ours) that holds fd79::99
mkns dup
ip link add vh-dup type veth peer name eth0 netns dup
ip link set vh-dup master cni-dad up
ip -n dup addr add fd79::99/64 dev eth0 nodad
ip -n dup link set eth0 up
CNI_ARGS="IP=fd79::99" check "ADD d2 asking for an address a neighbour holds" \
	plugin bridge ADD cid-d2 /run/netns/d2 eth0 <<<"$dconf"
for i in $(seq 40); do
	ip -n d1 -6 -o addr show eth0 | grep -q tentative || break
	sleep 0.1
done
check_eq "(e) d1's DAD completes: its address is usable" "" \
	"$(ip -n d1 -6 -o addr show eth0 scope global | grep -E 'tentative|dadfailed')"
for i in $(seq 40); do
	ip -n d2 -6 -o addr show eth0 | grep -q dadfailed && break
	sleep 0.1
done
check "(e) d2's DAD finds the duplicate (its solicitation from :: passed)" \
	sh -c "ip -n d2 -6 -o addr show eth0 | grep -q dadfailed"
check "(e) d1 pings its gateway's link-local from its own link-local" \
	ip netns exec d1 ping -6 -c1 -W2 "$(ip -6 -o addr show dev cni-dad scope link |
	awk '{print $4}' | cut -d/ -f1)%eth0"
# an ADD retried after a crash (same ID, its host veth left over, a new netns): the
# old veth goes, and its binding with it (host-local then refuses the second ADD)
mkns d1b
check_fails "ADD cid-d1 again into a new netns (a crash retry) is refused by IPAM" \
	plugin bridge ADD cid-d1 /run/netns/d1b eth0 <<<"$dconf"
check_eq "the old veth's binding did not outlive it" "0" \
	"$(nft list table bridge netctl | grep -c 'cid-d1')"
for i in 1 2; do
	check "DEL d1 without prevResult (#$i): its elements found by comment" \
		plugin bridge DEL cid-d1 /run/netns/d1b eth0 <<<"$dconf"
done
check_eq "after DEL d1 none of its elements is left" "0" \
	"$(nft list table bridge netctl | grep -c 'cid-d1')"
gc='{"cniVersion":"1.1.0","name":"dad","type":"bridge","bridge":"cni-dad","isGateway":true,
 "spoofchk":true,"ipam":{"type":"host-local","dataDir":"'"$T"'/ipam",
 "ranges":[[{"subnet":"fd79::/64"}]]},"cni.dev/valid-attachments":[]}'
check "GC of dad with nothing valid" plugin bridge GC "" "" "" <<<"$gc"
check_eq "after GC no element of d2's port is left" "0" \
	"$(nft list table bridge netctl | grep -c 'cid-d2')"
check "rm shop --force" "$NETCTL" rm shop --force
check_eq "no spoofchk element left" "0" \
	"$(nft -j list table bridge netctl | jq '[.nftables[].set? // empty | .elem? // empty
	| .[]] | length')"
cleanup
PIDS=()

# --- the reference plugins: bridge with macspoofchk, one L2 segment (no icc there) ---
rconf='{"cniVersion":"1.0.0","name":"ref","type":"bridge","bridge":"cni-ref","isGateway":true,
 "macspoofchk":true,"ipam":{"type":"host-local","dataDir":"'"$T"'/ripam",
 "ranges":[[{"subnet":"10.78.0.0/24"}],[{"subnet":"fd78::/64"}]]}}'
for n in r-web r-pg r-evil; do
	mkns "$n"
	CNI_COMMAND=ADD CNI_CONTAINERID=id-$n CNI_NETNS=/run/netns/$n CNI_IFNAME=eth0 \
		CNI_PATH=$REF $REF/bridge <<<"$rconf" >/dev/null ||
		fail "reference ADD $n"
done
sleep 2	# the reference's IPv6 addresses go through DAD
W4=$(a4 r-web) W6=$(a6 r-web) P4=$(a4 r-pg) P6=$(a6 r-pg) WMAC=$(mac r-web) PMAC=$(mac r-pg)
logger r-pg
sleep 0.5
tcp r-web "$P4" && tcp r-web "$P6" && ip netns exec r-web ping -c1 -W1 10.78.0.1 >/dev/null &&
	ip netns exec r-web ping -6 -c1 -W1 fd78::1 >/dev/null
echo "# reference: allowed flows (web -> pg 5432 v4/v6, gateway v4/v6): $([ $? = 0 ] && echo work || echo FAIL)"
forge r-evil udp "$PMAC" "$W4" "$P4" 5432 forged4
forge r-evil udp "$PMAC" "$W6" "$P6" 5432 forged6
sleep 0.4
echo "# reference: (a) forged UDP web -> pg:5432: pg received $(grep -c forged4 "$T/r-pg.log") over IPv4, $(grep -c forged6 "$T/r-pg.log") over IPv6 (macspoofchk checks the MAC only)"
sleep 1
forge r-evil garp "$W4"
forge r-evil na "$W6"
sleep 0.3
echo "# reference: (b) after a gratuitous ARP the host's entry for web is $([ "$(neigh "$W4" cni-ref)" = "$WMAC" ] && echo "still web's MAC" || echo "the attacker's MAC ($(neigh "$W4" cni-ref))")"
echo "# reference: (c) after a forged NA the host's IPv6 entry for web is $([ "$(neigh "$W6" cni-ref)" = "$WMAC" ] && echo "still web's MAC" || echo "the attacker's MAC ($(neigh "$W6" cni-ref))")"
ip netns exec r-web ping -c1 -W1 "$P4" >/dev/null	# pg now knows web
forge r-pg garp "$P4" >/dev/null 2>&1	# (harmless: pg's own)
forge r-evil garp "$W4"
echo "# reference: (b) forged-source TCP handshake to pg:5432: $(forge r-evil hijack "$PMAC" "$W4" "$P4" 5432 2>&1)"
echo "# reference: (c) the same over IPv6: $(forge r-evil hijack "$PMAC" "$W6" "$P6" 5432 2>&1)"
ip -n r-evil addr add 10.78.0.200/24 dev eth0
r=$(ip netns exec r-evil ping -c1 -W1 -I 10.78.0.200 10.78.0.1 >/dev/null && echo "reaches" || echo "does not reach")
echo "# reference: (d) from an address of its own choosing the attacker $r the gateway"
ip -n r-evil link set eth0 address 02:00:00:00:66:67
ip -n r-evil neigh flush dev eth0
r=$(ip netns exec r-evil ping -c1 -W1 10.78.0.1 >/dev/null && echo "reaches" || echo "does not reach")
echo "# reference: (d) with a MAC of its own choosing the attacker $r the gateway"
for n in r-web r-pg r-evil; do
	CNI_COMMAND=DEL CNI_CONTAINERID=id-$n CNI_NETNS=/run/netns/$n CNI_IFNAME=eth0 \
		CNI_PATH=$REF $REF/bridge <<<"$rconf" >/dev/null
done
done_testing
