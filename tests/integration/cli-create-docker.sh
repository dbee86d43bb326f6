#!/usr/bin/env bash
# `netctl create` as `docker network create`: masquerade by default (an outside netns
# with no route back answers), --masquerade=false (it cannot), --internal (no default
# route, no masquerade; the containers reach each other and the gateway but neither
# reach an outside netns nor are reached from one, even with a route added by hand),
# --ip-range (addresses from part of the subnet only), rm --unused (every network
# without containers, nothing else).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/cli.sh"
. "$(dirname "$0")/fwlib/fw.bash"

NETCTL=$BIN/netctl
export NETCTL_CONFDIR=$T/conf NETCTL_STATEDIR=$T/state CNI_PATH=$BIN
[ -x "$NETCTL" ] || { fail "netctl is built" "missing $NETCTL"; done_testing; exit 1; }
ND=$NETCTL_CONFDIR/net.d
addr() { ip -n "$1" -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1; }

# peer NS PROTO PORT : a server in NS that answers with the client's address.
peer() { ip netns exec "$1" /usr/bin/python3 "$PROBE" peer "$2" "$3" & SERVERS+=($!); }
outside_up noroute
peer out tcp 7001
peer out udp 7001
sleep 0.3

# --- masquerade by default, --masquerade=false leaves it out ---
check "create pub (defaults)" "$NETCTL" create pub --subnet 10.91.0.0/24
check_eq "pub: ipMasq true by default" true "$(jq -r '.plugins[0].ipMasq' "$ND/pub.conflist")"
check "create quiet --masquerade=false" "$NETCTL" create quiet --subnet 10.92.0.0/24 --masquerade=false
check_eq "quiet: ipMasq false" false "$(jq -r '.plugins[0].ipMasq' "$ND/quiet.conflist")"
cli_bad 2 "bad --masquerade" create other --masquerade=maybe
for n in p1 q1; do mkns $n; done
check "connect p1 to pub" "$NETCTL" connect pub p1
check "connect q1 to quiet" "$NETCTL" connect quiet q1
check_eq "p1 reaches the outside netns (no route back): masqueraded to the host's address" \
	192.168.50.1 "$(reach p1 tcp 192.168.50.2 7001)"
check_fails "q1 does not (not masqueraded, no route back)" reach q1 tcp 192.168.50.2 7001

# --- --internal ---
check "create inner --internal" "$NETCTL" create inner --subnet 10.93.0.0/24 --internal
check_eq "inner: no ipMasq, no routes, firewall internal, no portmap" "false 0 true 0" \
	"$(jq -r '"\(.plugins[0].ipMasq) \(.plugins[0].ipam.routes | length) \(.plugins[1].internal) \([.plugins[] | select(.type == "portmap")] | length)"' "$ND/inner.conflist")"
for n in i1 i2; do mkns $n; check "connect $n to inner" "$NETCTL" connect inner $n; done
check_eq "i1 has no default route" "" "$(ip -n i1 route show default)"
peer i2 tcp 7002
peer i1 tcp 7003
sleep 0.3
check_eq "i1 reaches i2 (same network)" "$(addr i1)" "$(reach i1 tcp "$(addr i2)" 7002)"
check "i1 pings the gateway" ip netns exec i1 ping -c1 -W2 10.93.0.1
check_fails "i1 has no way out" reach i1 tcp 192.168.50.2 7001
ip -n i1 route add default via 10.93.0.1
ip -n out route add 10.93.0.0/24 via 192.168.50.1
check_fails "i1 still cannot reach the outside netns with a default route of its own (TCP)" \
	reach i1 tcp 192.168.50.2 7001
check_fails "...nor by UDP" reach i1 udp 192.168.50.2 7001
check_fails "...nor ping" ip netns exec i1 ping -c1 -W1 192.168.50.2
check_fails "the outside netns, with a route to it, does not reach i1 (TCP)" \
	reach out tcp "$(addr i1)" 7003
check_fails "...nor pings it" ip netns exec out ping -c1 -W1 "$(addr i1)"
check_fails "i1 cannot reach pub's p1 (another network)" ip netns exec i1 ping -c1 -W1 "$(addr p1)"
check "i2 still reaches i1 after that" reach i2 tcp "$(addr i1)" 7003

# --- --ip-range ---
check "create ranged --ip-range 10.94.0.128/26" "$NETCTL" create ranged --subnet 10.94.0.0/24 \
	--ip-range 10.94.0.128/26
check_eq "host-local range: rangeStart/rangeEnd" "10.94.0.128 10.94.0.191" \
	"$(jq -r '.plugins[0].ipam.ranges[0][0] | "\(.rangeStart) \(.rangeEnd)"' "$ND/ranged.conflist")"
mkns r1
check "connect r1 to ranged" "$NETCTL" connect ranged r1
a=$(addr r1)
case ${a##*.} in 1[2-8][0-9] | 19[01]) ok "r1's address $a is inside the range" ;; *) fail "r1's address is inside the range" "$a" ;; esac
check "r1 pings the gateway (outside its range, inside the subnet)" ip netns exec r1 ping -c1 -W2 10.94.0.1
cli_bad 1 "--ip-range outside the subnet" create other --subnet 10.95.0.0/24 --ip-range 10.96.0.0/25
cli_bad 1 "two --ip-range in one subnet" create other --subnet 10.95.0.0/24 \
	--ip-range 10.95.0.0/25 --ip-range 10.95.0.128/25
cli_bad 2 "--internal with --routed" create other --subnet 10.95.0.0/24 --internal --routed
cli_bad 2 "bad --ip-range" create other --subnet 10.95.0.0/24 --ip-range nonsense
check_fails "the refused creates wrote nothing" test -e "$ND/other.conflist"

# --- rm --unused ---
check "create spare1, spare2" sh -c "'$NETCTL' create spare1 --subnet 10.97.0.0/24 &&
	'$NETCTL' create spare2 --subnet 10.97.1.0/24"
"$NETCTL" disconnect ranged r1 >/dev/null
out=$("$NETCTL" rm --unused 2>&1)
check_eq "rm --unused: exit 0" 0 $?
check_eq "rm --unused names what it removed" "removed network ranged|removed network spare1|removed network spare2" \
	"$(printf '%s\n' "$out" | sort | paste -sd'|')"
check_eq "the networks with containers stay" "inner pub quiet" "$(ls "$ND" | sed -n 's/\.conflist$//p' | sort | xargs)"
check_fails "spare1's bridge is gone" ip link show nctl-spare1
cli_bad 2 "rm --unused with a NET" rm --unused pub
check "rm --force the rest" sh -c "'$NETCTL' rm --force pub && '$NETCTL' rm --force quiet &&
	'$NETCTL' rm --force inner"
check_eq "no conflist left" "" "$(ls "$ND")"
check_eq "no nctl bridge left" "" "$(ip -o link show | grep -o 'nctl-[a-z0-9]*' | sort -u)"
stop_servers
done_testing
