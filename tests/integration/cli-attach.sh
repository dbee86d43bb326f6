#!/usr/bin/env bash
# netctl connect/check/disconnect over netctl/core/attach.c on a hand-written network
# (bridge + host-local + firewall): real pings between two connected netns, the
# CONTAINER forms (name, path, PID), the cache, the audit lines of netctl and of the
# plugins (NETCTL_AUDIT_FILE), and nothing left after disconnect.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/cli.sh"

NETCTL=$BIN/netctl
export NETCTL_CONFDIR=$T/conf NETCTL_STATEDIR=$T/state CNI_PATH=$BIN
export NETCTL_AUDIT_FILE=$T/audit.log
[ -x "$NETCTL" ] || { fail "netctl is built" "missing $NETCTL"; done_testing; exit 1; }
mkdir -p "$NETCTL_CONFDIR/net.d"
cat >"$NETCTL_CONFDIR/net.d/web.conflist" <<EOF2
{ "cniVersion": "1.0.0", "name": "web", "plugins": [
  { "type": "bridge", "bridge": "nctl-web", "isGateway": true,
    "ipam": { "type": "host-local", "dataDir": "$T/ipam",
              "ranges": [[{ "subnet": "10.94.0.0/24" }]], "routes": [{ "dst": "0.0.0.0/0" }] } },
  { "type": "firewall" } ] }
EOF2

mkns a
mkns b
out=$("$NETCTL" connect web a 2>&1)
check_eq "connect a: exit 0" 0 $?
case $out in "connected a to web as eth0 (container ID netctl-"*"): 10.94.0."*/24) ok "connect prints the address" ;;
*) fail "connect prints the address" "$out" ;; esac
check "connect b (a netns path) --ip" "$NETCTL" connect web /run/netns/b --ip 10.94.0.77 --name bee
ipa=$(ip -n a -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
check_eq "--ip gives the address asked for" "10.94.0.77" \
	"$(ip -n b -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)"
check "a pings b" ip netns exec a ping -c1 -W2 10.94.0.77
check "b pings a" ip netns exec b ping -c1 -W2 "$ipa"
check_eq "two cache entries" 2 "$(ls "$NETCTL_STATEDIR/results" | grep -vc '^\.')"
grep -q '"K8S_POD_NAME", *"bee"' "$NETCTL_STATEDIR"/results/web-* &&
	ok "the cached CNI_ARGS carry the --name" || fail "the cached CNI_ARGS carry the --name"

# check: all, per network, per container
check "check (all)" "$NETCTL" check
check "check web" "$NETCTL" check web
check "check web a" "$NETCTL" check web a
"$NETCTL" check web nosuch >/dev/null 2>&1
check_eq "check of a container not connected: exit 1" 1 $?

# a PID names its netns: same attachment when given as a path of it
ip netns exec a sleep 30 &
pid=$!
sleep 0.2
out=$("$NETCTL" connect web $pid 2>&1)
check_eq "connect by PID into a netns that already has eth0: exit 1" 1 $?
case $out in "netctl connect: web: "*) ok "one-line error names the network" ;;
*) fail "one-line error names the network" "$out" ;; esac
check_eq "...on one line" 1 "$(printf '%s\n' "$out" | wc -l)"
check_eq "the failed connect left no cache entry" 2 "$(ls "$NETCTL_STATEDIR/results" | grep -vc '^\.')"
check_eq "...and a keeps its eth0 and address" "$ipa" "$(ip -n a -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)"
out=$("$NETCTL" connect web a 2>&1)
check_eq "connecting a again: exit 1" 1 $?
case $out in *"already attached to this network"*"disconnect it first"*) ok "connecting a again: says it is attached" ;;
*) fail "connecting a again: says it is attached" "$out" ;; esac
check_eq "...and a keeps its eth0 and address" "$ipa" "$(ip -n a -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)"
check "...and still pings b" ip netns exec a ping -c1 -W2 10.94.0.77
check "connect by PID with another ifname" "$NETCTL" connect web $pid --ifname eth1
check "a has eth1 now" ip -n a link show eth1
check "disconnect by PID" "$NETCTL" disconnect web $pid --ifname eth1
kill $pid; wait $pid 2>/dev/null
check_fails "eth1 is gone" ip -n a link show eth1

# bad input: one line, exit 2 or 1, nothing changed
snap() { ip -o link show | awk '{print $2}' | sort; ls "$NETCTL_STATEDIR/results"; nft list ruleset | sed "s/packets [0-9]* bytes [0-9]*//"; }
before=$(snap)
cli_bad 1 "unknown network" connect nosuch a
cli_bad 1 "netns that does not exist" connect web nosuchns
cli_bad 2 "bad port" connect web a --publish 80:70000
cli_bad 2 "bad port spec" connect web a --publish 80
cli_bad 2 "bad rate" connect web a --rate-in 10zbit
cli_bad 2 "bad ip" connect web a --ip 10.94.0.300
cli_bad 2 "bad network name" connect ../x a
cli_bad 2 "missing CONTAINER" connect web
mkns c
before=$(snap)
cli_bad 1 "an address outside the subnet" connect web c --ip 10.95.0.5
check_eq "bad input changed nothing" "$before" "$(snap)"
# a second interface of the same container that fails: its rollback DELs only the
# plugins that ran, so a's eth0 keeps its firewall set element
before=$(snap)
cli_bad 1 "a second interface outside the subnet" connect web a --ifname eth2 --ip 10.95.0.5
check_eq "the failed second interface changed nothing of the first" "$before" "$(snap)"

# audit lines: netctl's and the plugins'
grep -q '^netctl: op=connect net=web container=netctl-[0-9a-f]* ifname=eth0 result=ok name=a ips=10.94.0.[0-9]*/24$' "$T/audit.log" &&
	ok "audit: connect line" || fail "audit: connect line" "$(cat "$T/audit.log")"
grep -q '^netctl: op=disconnect net=web container=netctl-[0-9a-f]* ifname=eth1 result=ok' "$T/audit.log" &&
	ok "audit: disconnect line" || fail "audit: disconnect line"
grep -q '^netctl: op=connect net=web .*result=error code=[0-9]* msg=".*plugin=bridge' "$T/audit.log" &&
	ok "audit: a failed connect says which plugin" || fail "audit: a failed connect says which plugin" "$(grep error "$T/audit.log")"
grep -q '^netctl-bridge: op=ADD net=web container=netctl-[0-9a-f]* ifname=eth0 result=ok ips=10.94.0.' "$T/audit.log" &&
	ok "audit: the bridge plugin's ADD line" || fail "audit: the bridge plugin's ADD line"
grep -q '^netctl-host-local: op=DEL net=web .*result=ok' "$T/audit.log" &&
	ok "audit: host-local's DEL line" || fail "audit: host-local's DEL line"
grep -q '^netctl-firewall: op=ADD .*result=ok' "$T/audit.log" &&
	ok "audit: the firewall's ADD line" || fail "audit: the firewall's ADD line"

# check notices a broken attachment, disconnect still cleans it
ip -n a link del eth0
out=$("$NETCTL" check web a 2>&1)
check_eq "check of a broken attachment: exit 1" 1 $?
case $out in "web a eth0: FAILED: "*) ok "check says which attachment failed" ;;
*) fail "check says which attachment failed" "$out" ;; esac
"$NETCTL" check >/dev/null 2>&1
check_eq "check of everything fails too" 1 $?

# an option of connect given to disconnect is refused by its name, and changes nothing
out=$("$NETCTL" disconnect web a --ip 10.0.0.5 2>&1)
check_eq "disconnect --ip: usage error, exit 2" 2 $?
case $out in *'option not taken by this command "--ip"'*) ok "the refusal names --ip, not its value" ;;
*) fail "the refusal names --ip, not its value" "$out" ;; esac

# disconnect all: nothing left but the bridge
check "disconnect a" "$NETCTL" disconnect web a
check "disconnect b" "$NETCTL" disconnect web /run/netns/b
check "disconnect again is fine" "$NETCTL" disconnect web a
check_eq "no cache entry left" 0 "$(ls "$NETCTL_STATEDIR/results" | grep -vc '^\.')"
check_eq "no veth left" 0 "$(ip -o link show type veth | wc -l)"
check_eq "no address reserved" "" "$(ls "$T/ipam/web" 2>/dev/null | grep '^10\.')"
check_eq "no eth0 in a" "" "$(ip -n a -o link show eth0 2>/dev/null)"

# a connect killed after the plugins ran but before it cached: refused with the way
# out, disconnect (DEL without a cache) cleans up, and the next connect works
check "connect a" "$NETCTL" connect web a
rm "$NETCTL_STATEDIR"/results/web-netctl-*-eth0
out=$("$NETCTL" connect web a 2>&1)
check_eq "connect over a leftover: exit 1" 1 $?
case $out in *"eth0 exists in /run/netns/a"*"disconnect or \`netctl gc\` first"*) ok "connect over a leftover: says the way out" ;;
*) fail "connect over a leftover: says the way out" "$out" ;; esac
check "disconnect without a cache entry" "$NETCTL" disconnect web a
check_eq "no veth left" 0 "$(ip -o link show type veth | wc -l)"
check_eq "no address reserved" "" "$(ls "$T/ipam/web" 2>/dev/null | grep '^10\.')"
check_eq "no member element left" "" "$(nft list set inet netctl members-web | grep -o '10\.94\.[0-9.]*')"
check "connect a afterwards" "$NETCTL" connect web a
check "disconnect a" "$NETCTL" disconnect web a

# a netns deleted before disconnect
check "connect a again" "$NETCTL" connect web a
ip netns del a
check "disconnect after the netns is gone" "$NETCTL" disconnect web a
check_eq "no veth left" 0 "$(ip -o link show type veth | wc -l)"
check_eq "no cache entry left" 0 "$(ls "$NETCTL_STATEDIR/results" | grep -vc '^\.')"
done_testing
