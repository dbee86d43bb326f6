#!/usr/bin/env bash
# Faults from the environment, on the chain bridge + host-local + firewall
# (+ bandwidth, portmap when built):
# a full store disk (tmpfs with a size limit), a netns deleted under our feet, the
# bridge deleted by an admin, our nft table flushed or deleted by an admin. Each
# gives a clear CNI error or works, never a crash or a leak; DEL and GC clean up.
# (After a flush, the next ADD on a network puts its rules back; `netctl gc` all.)
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/leaks.sh"

need bridge host-local firewall netctl
export CNI_PATH=$BIN
store=$T/ipam/env
mkdir -p "$T/ipam"
mkdir -p /etc/netctl/net.d   # where `netctl gc` finds the network
conf=/etc/netctl/net.d/env.conflist
cat >"$conf" <<EOF
{ "cniVersion": "1.1.0", "name": "env", "plugins": [
  { "type": "bridge", "bridge": "nenv0", "isGateway": true, "ipMasq": true,
    "ipam": { "type": "host-local", "dataDir": "$T/ipam", "ranges": [[{ "subnet": "10.81.0.0/24" }]] } },
  { "type": "firewall" }$(later_plugins) ] }
EOF
# cni VERB ID [NETNS]: the chain; output in $T/out, stderr in $T/err; exit status kept
cni() {
	netctl cni "$1" "$conf" ${3:+/run/netns/$3} --id "$2" >"$T/out" 2>"$T/err"
	local st=$?
	[ $st -lt 128 ] || echo "signal exit $st" >>"$T/crashes"
	grep -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$T/err" >>"$T/crashes"
	return $st
}
gc_none() { netctl cni gc "$conf" --valid '' >"$T/out" 2>"$T/err"; }
addr() { ip -n "$1" -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1; }
cni_error() { jq -e '(.code | type == "number") and (.msg | length > 0)' "$T/out" >/dev/null; }
: >"$T/crashes"

# --- 1. the store's disk is full
mount -t tmpfs -o size=64k,nr_inodes=64 tmpfs "$T/ipam"
mkns f1
check "ADD f1 with room on the store" cni add f1 f1
i=0
while dd if=/dev/zero of="$T/ipam/fill.$i" bs=4k count=64 status=none 2>/dev/null; do i=$((i + 1)); done
while : 2>/dev/null >"$T/ipam/fillinode.$i"; do i=$((i + 1)); [ $i -lt 200 ] || break; done
mkns f2
check_fails "ADD f2 on a full store fails" cni add f2 f2
check "... with a CNI error (code and msg)" cni_error
echo "# $(jq -c . "$T/out")"
check_eq "... that leaves nothing in f2" "lo" "$(ip -n f2 -o link show | awk -F': ' '{print $2}' | xargs)"
check_eq "... and no second veth on the host" 1 "$(ip -o link show type veth | wc -l)"
check_eq "... and no nft element for f2" "" "$(nft_ctr_elems | grep -F '"comment":"f2"')"
check "f1 still reaches the gateway" ip netns exec f1 ping -c 1 -W 2 10.81.0.1
check "DEL f1 on a full store works" cni del f1 f1
rm -f "$T"/ipam/fill*
check "ADD f2 once there is room" cni add f2 f2
check "DEL f2" cni del f2 f2
check_eq "nothing left after the full disk" "" "$(leaks "$store" f1 f2)"
umount "$T/ipam"

# --- 2. the netns is deleted under our feet
mkns n1
mkns n2
check "ADD n1" cni add n1 n1
check "ADD n2" cni add n2 n2
ip netns del n1
ip netns del n2
check "DEL n1 after its netns is gone" cni del n1 n1
check "DEL n1 again" cni del n1 n1
check "GC cleans n2 (netns gone, never DELeted)" gc_none
check_eq "nothing left after the lost netns" "" "$(leaks "$store")"

# --- 3. the bridge is deleted by an admin
mkns b1
mkns b2
check "ADD b1" cni add b1 b1
ip link del nenv0
check "ADD b2 after the bridge was deleted (recreated)" cni add b2 b2
check "... b2 reaches the gateway on the new bridge" ip netns exec b2 ping -c 1 -W 2 10.81.0.1
check_fails "CHECK b1 fails: its veth lost its bridge" cni check b1 b1
check "... with a CNI error (code and msg)" cni_error
echo "# $(jq -c . "$T/out")"
check "DEL b1 (its bridge was deleted)" cni del b1 b1
check "DEL b2" cni del b2 b2
check_eq "nothing left after the bridge deletion" "" "$(leaks "$store" b1 b2)"

# --- 4. our nft table flushed, then deleted, by an admin; `netctl gc` repairs
mkns t1
mkns t2
mkns t3
rules() { nft list table inet netctl | grep -c 'counter packets'; }
elems() { nft -j list set inet netctl members-env | jq -r '.nftables[].set.elem[]?.elem.val' | sort | xargs; }
check "ADD t1" cni add t1 t1
r0=$(rules)
nft flush table inet netctl
check "ADD t2 after our table was flushed" cni add t2 t2
check "... t2 reaches the gateway" ip netns exec t2 ping -c 1 -W 2 10.81.0.1
# The ADD notices the empty chains and puts the network's rules back (firewall and
# ipMasq); gc then finds nothing more to do for them.
check_eq "... and put every rule of the network back" "$r0" "$(rules)"
check "netctl gc after the flush" netctl gc
check_eq "... puts every rule back" "$r0" "$(rules)"
check_eq "... and t1's elements (t2's stayed)" "$(printf '%s\n' "$(addr t1)" "$(addr t2)" | sort | xargs)" "$(elems)"
check "DEL t1 (its elements were flushed)" cni del t1 t1
nft delete table inet netctl
check "ADD t3 after our table was deleted" cni add t3 t3
check "... our table is back" nft list table inet netctl
check "... t3 is in members-env" sh -c "nft list set inet netctl members-env | grep -qF '$(addr t3)'"
check "... t3 reaches the gateway" ip netns exec t3 ping -c 1 -W 2 10.81.0.1
check "DEL t2 (its elements went with the table)" cni del t2 t2
check "DEL t3" cni del t3 t3
nft flush ruleset
check "netctl gc after the whole ruleset was flushed" netctl gc
check "GC with nothing valid" gc_none
check_eq "nothing left after the flushes" "" "$(leaks "$store" t1 t2 t3)"

check_eq "no crash, no sanitizer report" "" "$(cat "$T/crashes")"
done_testing
