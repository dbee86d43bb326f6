#!/usr/bin/env bash
# netctl run on networks made by netctl create: two runs on one network ping each
# other, a run on two networks gets eth0 and eth1, icc=false keeps runs apart, the
# default network, a failure in the middle of attaching several networks undoes the
# ones made, a signal during the run, bad input refused with nothing made; after every
# exit nothing is left (links, store, nft elements, cache, netns, run records).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/leaks.sh"

NETCTL=$BIN/netctl
export NETCTL_CONFDIR=$T/conf NETCTL_RUNDIR=$T/run CNI_PATH=$BIN NETCTL_AUDIT_FILE=$T/audit
[ -x "$NETCTL" ] || { fail "netctl is built" "missing $NETCTL"; done_testing; exit 1; }

# Everything a run could leave: leaks() of each store (the cache's lock files are the
# network's, not a run's), netns pins, run records.
left() {
	local s
	for s in /var/lib/cni/networks/*; do leaks "$s"; done | sort -u | grep -v '^netctl cache: \..*\.lock$'
	ls /run/netns | sed 's/^/netns: /'
	ls "$NETCTL_RUNDIR/run" 2>/dev/null | sed 's/^/run record: /'
}
check_clean() { check_eq "$1: nothing left" "" "$(left)"; }
# wait_file F : until F exists (at most 4 s)
wait_file() { for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.02; done; return 1; }

check "create web" "$NETCTL" create web --subnet 10.61.0.0/24
check "create db (masquerade)" "$NETCTL" create db --subnet 10.62.0.0/24 --masquerade
check "create iso (icc=false)" "$NETCTL" create iso --subnet 10.63.0.0/24 --icc=false

# --- two runs on one network ping each other ---
"$NETCTL" run --network web --name a -- sh -c \
	"ip -4 -o addr show eth0 | awk '{print \$4}' >$T/a.tmp; mv $T/a.tmp $T/a.ip; sleep 3" &
pa=$!
wait_file "$T/a.ip"
ip_a=$(cut -d/ -f1 "$T/a.ip")
case $ip_a in 10.61.0.*) ok "run a got an address of web: $ip_a" ;; *) fail "run a got an address of web" "$ip_a" ;; esac
out=$("$NETCTL" run --network web --name b -- sh -c "ping -c 2 -W 1 -i 0.2 $ip_a >/dev/null && echo reached")
check_eq "run b pings run a" "0 reached" "$? $out"
out=$("$NETCTL" run --network db -- sh -c "ping -c 1 -W 1 $ip_a >/dev/null && echo reached")
check_eq "a run on db does not reach web" "1 " "$? $out"
kill -TERM $pa
wait $pa
check_eq "run a, terminated: 143" 143 $?
check_clean "after two runs on web"

# --- one run on two networks: eth0 on the first, eth1 on the second ---
out=$("$NETCTL" run --network web --network db -- sh -c \
	"ip -4 -o addr show | awk '\$2 != \"lo\" {print \$2, \$4}' | sed 's/\.[0-9]*\//.X\//'")
check_eq "two networks: eth0 in web, eth1 in db" "eth0 10.61.0.X/24
eth1 10.62.0.X/24" "$out"
check_clean "after a run on two networks"

# --- icc=false: two runs on iso cannot talk; the gateway is reached ---
"$NETCTL" run --network iso --name c -- sh -c \
	"ip -4 -o addr show eth0 | awk '{print \$4}' >$T/c.tmp; mv $T/c.tmp $T/c.ip; sleep 3" &
pc=$!
wait_file "$T/c.ip"
ip_c=$(cut -d/ -f1 "$T/c.ip")
out=$("$NETCTL" run --network iso --name d -- sh -c \
	"ping -c 1 -W 1 10.63.0.1 >/dev/null && echo gw; ping -c 1 -W 1 $ip_c >/dev/null && echo peer")
check_eq "icc=false: the gateway answers, the peer run does not" "gw" "$out"
kill -INT $pc
wait $pc
check_eq "run c, interrupted: 130" 130 $?
check_clean "after the iso runs"

# --- the default network ---
out=$("$NETCTL" run -- sh -c 'ip -o link show | cut -d" " -f2' 2>"$T/err")
check_eq "no --network and no network \"default\": loopback only" "0 lo:" "$? $out"
case $(cat "$T/err") in *"loopback only"*"netctl create default"*) ok "and it says so on stderr: $(cat "$T/err")" ;;
*) fail "and it says so on stderr" "$(cat "$T/err")" ;; esac
out=$("$NETCTL" run --publish 8080:80 -- true 2>&1)
check_eq "no network \"default\" and --publish: 125, one line" "125 1" "$? $(echo "$out" | wc -l)"
check "create default" "$NETCTL" create default --subnet 10.64.0.0/24
out=$("$NETCTL" run -- sh -c "ip -4 -o addr show eth0 | awk '{print \$4}'")
check_eq "without --network: the network \"default\"" "10.64.0.2/24" "$out"
check_clean "after a run on default"

# --- a failure in the middle of attaching several networks undoes the ones made ---
sed 's/"type": *"firewall"/"type": "nosuchplugin"/' "$NETCTL_CONFDIR/net.d/db.conflist" \
	>"$NETCTL_CONFDIR/net.d/broken.conflist"
sed -i 's/"name": *"db"/"name": "broken"/' "$NETCTL_CONFDIR/net.d/broken.conflist"
grep -q nosuchplugin "$NETCTL_CONFDIR/net.d/broken.conflist" ||
	fail "the broken network's conflist names a missing plugin" "$(cat "$NETCTL_CONFDIR/net.d/broken.conflist")"
out=$("$NETCTL" run --network web --network broken -- echo never 2>&1)
check_eq "second network fails: status 125, CMD not started" "125" "$?"
case $out in *never*) fail "CMD not started" "$out" ;;
*'attaching to network "broken"'*) ok "the error names the network: $(echo "$out" | head -1)" ;;
*) fail "the error names the network" "$out" ;; esac
check_clean "after a failure on the second network"
rm "$NETCTL_CONFDIR/net.d/broken.conflist"

# --- exit status and capabilities with a network ---
"$NETCTL" run --network web -- sh -c 'exit 3'
check_eq "exit 3 -> 3 on a network" 3 $?
out=$("$NETCTL" run --network web --cap-drop ALL -- grep CapEff /proc/self/status | tr -s '\t ' ' ')
check_eq "--cap-drop ALL on a network" "CapEff: 0000000000000000" "$out"
check_clean "after the status runs"

# --- a fixed address on the first network ---
out=$("$NETCTL" run --network web --network db --ip 10.61.0.50 -- sh -c \
	"ip -4 -o addr show | awk '\$2 != \"lo\" {print \$2, \$4}'" | sed 's/10\.62\.0\.[0-9]*/10.62.0.X/')
check_eq "--ip: that address on the first network, any on the second" "eth0 10.61.0.50/24
eth1 10.62.0.X/24" "$out"

# --- rates on the first network (bandwidth plugin, in web's chain when built) ---
if grep -q '"bandwidth"' "$NETCTL_CONFDIR/net.d/web.conflist"; then
	rm -f "$T/r.ready"
	"$NETCTL" run --network web --rate-in 10mbit --rate-out 5mbit -- sh -c "echo ready >$T/r.ready; exec sleep 5" &
	pr=$!
	wait_file "$T/r.ready"
	out=$(tc qdisc show | grep -o 'tbf .* rate [0-9]*[KMG]bit' | grep -o 'rate [0-9]*[KMG]bit' | sort | tr '\n' ' ')
	check_eq "--rate-in/--rate-out: a TBF each way (veth and IFB)" "rate 10Mbit rate 5Mbit " "$out"
	kill -TERM $pr
	wait $pr
	check_clean "after a rate-limited run (no IFB, no qdisc left)"
else
	fail "rates" "no bandwidth plugin in web's chain (is build/bin/bandwidth built?)"
fi

# --- netctl rm --force of a network while a run uses it: the run ends quietly ---
check "create tmpnet" "$NETCTL" create tmpnet --subnet 10.65.0.0/24
rm -f "$T/t.ready"
"$NETCTL" run --network tmpnet -- sh -c "echo ready >$T/t.ready; exec sleep 5" 2>"$T/t.err" &
pt=$!
wait_file "$T/t.ready"
check "rm --force tmpnet while the run is on it" "$NETCTL" rm tmpnet --force
kill -TERM $pt
wait $pt
check_eq "the run ends with 143 and nothing on stderr" "143 " "$? $(cat "$T/t.err")"
check_clean "after rm --force under a run"

# --- the audit log has the run's attach and detach ---
check "audit: op=run and op=run-exit lines" sh -c \
	"grep -q 'netctl: op=run net=web' $T/audit && grep -q 'netctl: op=run-exit net=web' $T/audit"

# --- bad input: one line, status 125, nothing made ---
bad() { # DESC ARGS...
	local desc=$1 out status
	shift
	out=$("$NETCTL" run "$@" 2>&1 >/dev/null)
	status=$?
	if [ $status = 125 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && [ -z "$(left)" ]; then
		ok "bad input refused ($desc): $out"
	else
		fail "bad input refused ($desc)" "status $status" "$out" "$(left)"
	fi
}
bad "unknown network" --network nosuch -- true
bad "one unknown network of two" --network web --network nosuch -- true
bad "bad port" --network web --publish 80:99999 -- true
bad "bad protocol" --network web --publish 80:80/icmp -- true
bad "bad rate" --network web --rate-in 10parsecs -- true
bad "bad address" --network web --ip 10.61.0.300 -- true
bad "bad cap" --network web --cap-add CAP_NOPE -- true
bad "same network twice" --network web --network web -- true

done_testing
