#!/usr/bin/env bash
# netctl gc after crashes: kill -9 of `netctl run` at random moments (before its record,
# while it attaches, while CMD runs, while it tears down) and of `netctl connect` in
# the middle of ADD, each followed by `netctl gc`, 50 + 25 times: nothing is left.
# SIGTERM at random moments: the run cleans up by itself. gc rebuilds our nftables
# state after `nft flush ruleset`, a flushed table or a lost element, and traffic flows
# again; it removes orphan pins and the records of dead (or pid-reused) runs, and
# leaves live runs alone.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/leaks.sh"

NETCTL=$BIN/netctl
export NETCTL_CONFDIR=$T/conf NETCTL_RUNDIR=$T/run CNI_PATH=$BIN NETCTL_AUDIT_FILE=$T/audit
[ -x "$NETCTL" ] || { fail "netctl is built" "missing $NETCTL"; done_testing; exit 1; }
START=$SECONDS

left() {
	local s
	for s in /var/lib/cni/networks/*; do leaks "$s"; done | sort -u | grep -v '^netctl cache: \..*\.lock$'
	ls /run/netns | sed 's/^/netns: /'
	ls "$NETCTL_RUNDIR/run" 2>/dev/null | sed 's/^/run record: /'
}
wait_file() { for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.02; done; return 1; }
ms() { printf '0.%03d' $((RANDOM % ${1:-51})); }
rules() { nft list ruleset | sed 's/packets [0-9]* bytes [0-9]*//' | sort; }

check "create web (masquerade)" "$NETCTL" create web --subnet 10.71.0.0/24 --masquerade

# --- kill -9 of netctl run at random moments, then gc ---
# Where the kill landed, seen before gc: no record yet, record without a cached
# result (creating the netns or in ADD), cached (CMD running or tearing down).
declare -A when=()
bad=0
for i in $(seq 50); do
	if [ $((i % 2)) = 0 ]; then cmd=(sleep 5); else cmd=(true); fi
	"$NETCTL" run --network web --name "k$i" -- "${cmd[@]}" >/dev/null 2>&1 &
	pid=$!
	sleep "$(ms)"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	rec=$(ls "$NETCTL_RUNDIR/run" 2>/dev/null | wc -l)
	cached=$(ls /var/lib/netctl/results 2>/dev/null | wc -l)
	if [ "$rec" = 0 ]; then w="no record (before it or after exit)"
	elif [ "$cached" = 0 ]; then w="record, nothing cached (netns or ADD)"
	else w="record and cache (running or exiting)"; fi
	when[$w]=$((${when[$w]:-0} + 1))
	out=$("$NETCTL" gc 2>&1) || { bad=$((bad + 1)); fail "gc after kill $i" "$out"; }
	l=$(left)
	if [ -n "$l" ]; then
		bad=$((bad + 1))
		fail "kill -9 of run #$i ($w), then gc: nothing left" "$l" "gc said: $out"
		"$NETCTL" gc >/dev/null 2>&1
	fi
done
check_eq "50 kill -9 of netctl run at random moments + gc: nothing left" 0 $bad
for w in "${!when[@]}"; do echo "# kills landing at: $w: ${when[$w]}"; done
[ "${when["record, nothing cached (netns or ADD)"]:-0}" -gt 0 ] &&
	ok "some kills landed while the run attached" ||
	fail "some kills landed while the run attached" "$(declare -p when)"

# --- kill -9 of netctl connect in the middle of ADD, then gc ---
# The netns goes with the "container" every other time; when it stays and ADD had
# finished, the attachment is whole (check passes) and disconnect leaves nothing.
bad=0 whole=0
for i in $(seq 25); do
	mkns "c$i"
	"$NETCTL" connect web "c$i" >/dev/null 2>&1 &
	pid=$!
	sleep "$(ms 41)"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	[ $((i % 2)) = 0 ] && ip netns delete "c$i"
	out=$("$NETCTL" gc 2>&1) || { bad=$((bad + 1)); fail "gc after connect kill $i" "$out"; }
	if [ -e "/run/netns/c$i" ] && [ -n "$(ls /var/lib/netctl/results 2>/dev/null)" ]; then
		whole=$((whole + 1))
		"$NETCTL" check web "c$i" >/dev/null 2>&1 ||
			{ bad=$((bad + 1)); fail "connect kill $i: a kept attachment is whole" "$("$NETCTL" check web "c$i" 2>&1)"; }
		"$NETCTL" disconnect web "c$i" >/dev/null 2>&1
	fi
	ip netns delete "c$i" 2>/dev/null
	l=$(left)
	if [ -n "$l" ]; then
		bad=$((bad + 1))
		fail "kill -9 of connect #$i, then gc: nothing left" "$l" "gc said: $out"
		"$NETCTL" gc >/dev/null 2>&1
	fi
done
check_eq "25 kill -9 of netctl connect mid-ADD + gc: nothing left" 0 $bad
echo "# connect kills after ADD had finished (attachment kept, checked, disconnected): $whole"
t=$((SECONDS - START))
[ $t -lt 180 ] && ok "75 kills with gc in $t s (< 3 min)" || fail "75 kills with gc in < 3 min" "$t s"

# --- a plugin outlives the killed netctl: gc waits for it (it holds the cache lock) ---
mkdir -p "$T/bin"
printf '#!/bin/sh\n[ "$CNI_COMMAND" = ADD ] && sleep 0.6\nexec %s/bridge\n' "$BIN" >"$T/bin/slowbridge"
chmod +x "$T/bin/slowbridge"
sed 's/"type": *"bridge"/"type": "slowbridge"/; s/"name": *"web"/"name": "slow"/; s/nctl-web/nctl-slow/; s/10\.71\.0\./10.72.0./g' \
	"$NETCTL_CONFDIR/net.d/web.conflist" >"$NETCTL_CONFDIR/net.d/slow.conflist"
mkns slow1
CNI_PATH=$T/bin:$BIN "$NETCTL" connect slow slow1 >/dev/null 2>&1 &
pid=$!
sleep 0.2
kill -9 $pid
wait $pid 2>/dev/null
out=$(CNI_PATH=$T/bin:$BIN "$NETCTL" gc slow)
sleep 0.6	# the plugin would be done by now, had gc not waited for it
check_eq "killed connect, its plugin still in ADD: gc waits for it, then removes it all" \
	"netns: slow1" "$(left)"
ip netns delete slow1
case $out in *"removed nft element"*"removed reservation"*) ok "gc says what the plugins' GC removed: $(echo "$out" | grep -c removed) items" ;;
*) fail "gc says what the plugins' GC removed" "$out" ;; esac
rm "$NETCTL_CONFDIR/net.d/slow.conflist"

# --- SIGTERM at random moments: the run undoes everything itself ---
bad=0
for i in $(seq 20); do
	"$NETCTL" run --network web -- sleep 5 >/dev/null 2>&1 &
	pid=$!
	sleep "$(ms)"
	kill -TERM $pid 2>/dev/null
	wait $pid
	st=$?
	l=$(left)
	if [ $st != 143 ] || [ -n "$l" ]; then
		bad=$((bad + 1))
		fail "TERM #$i: status 143, nothing left without gc" "status $st" "$l"
		"$NETCTL" gc >/dev/null 2>&1
	fi
done
check_eq "20 SIGTERMs at random moments: 143 and nothing left, no gc needed" 0 $bad

# --- gc in a loop never breaks runs starting, running and ending next to it ---
( while [ ! -e "$T/stop-gc" ]; do "$NETCTL" gc >>"$T/gc-loop.out" 2>&1; done ) &
gcloop=$!
pids=()
for i in $(seq 12); do
	"$NETCTL" run --network web --name "par$i" -- sh -c \
		'ping -c 3 -i 0.2 -W 1 10.71.0.1 >/dev/null && ip -o link show eth0 >/dev/null' &
	pids+=($!)
	[ $((i % 4)) = 0 ] && sleep 0.3
done
bad=0
for p in "${pids[@]}"; do wait "$p" || bad=$((bad + 1)); done
touch "$T/stop-gc"
wait $gcloop
check_eq "12 runs with gc looping beside them: every run kept its network" 0 $bad
check_eq "gc beside live runs detached none of them" "" \
	"$(grep -E 'detached|removed veth|removed reservation' "$T/gc-loop.out" | head -3)"
check_eq "and nothing is left" "" "$(left)"

# --- live runs are left alone; nft state rebuilt after flushes ---
# a serves TCP 80, published on the host's 8081; b is a client.
PROBE=$ROOT/tests/integration/fwlib/probe.py
for n in a b; do
	rm -f "$T/$n.ip"
	pub=() srv="sleep 60"
	[ $n = a ] && pub=(--publish 8081:80) srv="python3 $PROBE serve tcp 80"
	"$NETCTL" run --network web --name $n "${pub[@]}" -- sh -c \
		"ip -4 -o addr show eth0 | awk '{print \$4}' | cut -d/ -f1 >$T/$n.tmp; mv $T/$n.tmp $T/$n.ip; exec $srv" &
	eval "p_$n=\$!"
	wait_file "$T/$n.ip"
done
ip_a=$(cat "$T/a.ip")
ns_b=$("$NETCTL" inspect b --json | jq -r '.attachments[0].netns')
for _ in $(seq 100); do python3 "$PROBE" connect tcp 10.71.0.1 8081 >/dev/null 2>&1 && break; sleep 0.05; done
out=$("$NETCTL" gc)
check_eq "gc with two live runs: nothing to do" "gc: nothing to do" "$out"
reach() {
	nsenter --net="$ns_b" ping -c 1 -W 1 "$ip_a" >/dev/null 2>&1 &&
		nsenter --net="$ns_b" timeout 3 python3 "$PROBE" connect tcp "$ip_a" 80 >/dev/null 2>&1 &&
		timeout 3 python3 "$PROBE" connect tcp 10.71.0.1 8081 >/dev/null 2>&1
}
check "live runs reach each other, a's published port answers" reach
before=$(rules)

nft flush ruleset
out=$("$NETCTL" gc)
check_eq "after nft flush ruleset: gc rebuilds both runs" 2 "$(echo "$out" | grep -c 'rebuilt the nftables state')"
check_eq "the ruleset is the same as before the flush" "$before" "$(rules)"
check "and the runs reach each other, the published port answers" reach

nft flush table inet netctl
out=$("$NETCTL" gc)
case $out in *"lost its rules: deleted it to rebuild it"*) ok "a flushed table is deleted and rebuilt" ;;
*) fail "a flushed table is deleted and rebuilt" "$out" ;; esac
check_eq "the ruleset is the same as before the table flush" "$before" "$(rules)"

nft delete element inet netctl members-web "{ $ip_a }"
nft delete element inet netctl masq-web "{ $ip_a }"
out=$("$NETCTL" gc)
check_eq "lost set elements are re-added (the ruleset is as before)" \
	"$before" "$(rules)"
out=$("$NETCTL" gc)
check_eq "then gc has nothing to do" "gc: nothing to do" "$out"

# --- records of dead runs: pid gone, or pid reused (start time differs) ---
id=0123456789abcdef
mkdir -p "$NETCTL_RUNDIR/run"
printf '{"id":"%s","containerId":"netctl-%s","pid":%d,"startTime":1,"name":"","networks":[{"network":"web","ifname":"eth0"}]}' \
	$id $id $$ >"$NETCTL_RUNDIR/run/$id.json"
ip netns add "netctl-$id"
ip netns exec "netctl-$id" sleep 60 &
orphan=$!
out=$("$NETCTL" gc)
wait $orphan 2>/dev/null
check_eq "gc kills what a dead run left in its netns" "137 killed 1 processes" \
	"$? $(echo "$out" | grep -o 'killed 1 processes')"
case $out in *"run $id (pid $$ ended): detached from web (eth0)"*"removed netns"*"removed its record"*)
	ok "a live pid with another start time is a dead run" ;;
*) fail "a live pid with another start time is a dead run" "$out" ;; esac
ip netns add netctl-fedcba9876543210
echo garbage >"$NETCTL_RUNDIR/run/1111111111111111.json"
true & dead=$!; wait $dead
echo '{' >"$NETCTL_RUNDIR/run/2222222222222222.json.tmp.$dead"
echo '{' >"/var/lib/netctl/results/web-x-eth0.tmp.$dead"
out=$("$NETCTL" gc)
case $out in *"removed its unreadable record"*"removed netns /run/netns/netctl-fedcba9876543210 (no run owns it)"*)
	ok "unreadable records and orphan pins go" ;;
*) fail "unreadable records and orphan pins go" "$out" ;; esac
check_eq "temp files of writes cut short (by a dead pid) go" 2 "$(echo "$out" | grep -c "removed stale temp file .*pid $dead, is gone")"
check "the live runs still reach each other" reach
kill -TERM $p_a $p_b
wait $p_a $p_b
check_eq "after the live runs end: nothing left" "" "$(left)"
check "every gc action is in the audit log" grep -q 'op=gc .*action="run 0123456789abcdef' "$T/audit"

out=$("$NETCTL" gc nosuch 2>&1)
check_eq "gc of an unknown network: 1" 1 $?
"$NETCTL" gc web >/dev/null
check_eq "gc web: 0" 0 $?

done_testing
