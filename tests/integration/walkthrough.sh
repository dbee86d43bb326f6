#!/usr/bin/env bash
# The README's walkthrough (scripts/demo-run.sh) with assertions: netctl create two
# networks (shop with icc=false and a policy), netctl run three processes, every flow
# between them checked with real packets AND with `netctl policy explain` (they must
# agree, flow by flow), policy diff + apply of a new version and the same again,
# counters moving in `policy show`, a published port when a portmap plugin is built,
# then the runs end, `netctl rm` both networks, and nothing is left: links, nft
# table content, host-local store, result cache, netns pins, run records.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"

NETCTL=$BIN/netctl
export NETCTL_CONFDIR=$T/conf NETCTL_RUNDIR=$T/run CNI_PATH=$BIN NETCTL_AUDIT_FILE=$T/audit
[ -x "$NETCTL" ] || { fail "netctl is built" "missing $NETCTL"; done_testing; exit 1; }
wait_for() { for _ in $(seq 250); do "$@" >/dev/null 2>&1 && return 0; sleep 0.02; done; return 1; }

# --- two networks, one with icc=false and a policy ---
check "create web (icc on)" "$NETCTL" create web --subnet 10.88.10.0/24
check "create shop (icc=false)" "$NETCTL" create shop --subnet 10.88.20.0/24 --icc=false
cp "$ROOT/conf/examples/shop-policy-v1.json" "$T/v1.json"
cp "$ROOT/conf/examples/shop-policy-v2.json" "$T/v2.json"
check "policy check v1" "$NETCTL" policy check "$T/v1.json"
check "policy check v2" "$NETCTL" policy check "$T/v2.json"
check "policy apply shop v1" "$NETCTL" policy apply shop "$T/v1.json"

# --- three processes: a server each, web-1 on both networks ---
declare -A PORT=([web-1]=80 [pg]=5432 [misc]=9000) PID=() NS=() IP=()
for n in web-1 pg misc; do
	nets=(--network shop)
	[ $n = web-1 ] && nets+=(--network web)
	"$NETCTL" run "${nets[@]}" --name $n -- python3 "$PROBE" serve tcp "${PORT[$n]}" &
	PID[$n]=$!
done
for n in web-1 pg misc; do
	wait_for "$NETCTL" inspect $n
	NS[$n]=$("$NETCTL" inspect $n --json | jq -r '.attachments[] | select(.network == "shop") | .netns')
	IP[$n]=$("$NETCTL" inspect $n --json | jq -r '.attachments[] | select(.network == "shop") | .ips[0]' | cut -d/ -f1)
	wait_for nsenter --net="${NS[$n]}" python3 "$PROBE" connect tcp 127.0.0.1 "${PORT[$n]}"
done
out=$("$NETCTL" ls | awk '$1 == "shop" || $1 == "web" {print $1, $NF}' | sort | tr '\n' ' ')
check_eq "netctl ls: shop has 3 containers, web 1" "shop 3 web 1 " "$out"
check_eq "web-1 serves port 80: the default capabilities include NET_BIND_SERVICE" "80" \
	"$(nsenter --net="${NS[web-1]}" ss -ltnH | awk '{print $4}' | sed 's/.*://' | head -1)"

# explain must agree with real traffic on every flow (to each server's port, and icmp).
flows() { # LABEL : every ordered pair, the target's port and icmp
	local l=$1 f t pp e r out
	for f in web-1 pg misc; do
		for t in web-1 pg misc; do
			[ $f = $t ] && continue
			for pp in "${PORT[$t]}/tcp" icmp; do
				out=$("$NETCTL" policy explain shop $f $t $pp 2>&1); e=$?
				if [ $pp = icmp ]; then
					nsenter --net="${NS[$f]}" ping -c 1 -W 1 "${IP[$t]}" >/dev/null 2>&1; r=$?
				else
					nsenter --net="${NS[$f]}" timeout 3 python3 "$PROBE" connect tcp \
						"${IP[$t]}" "${pp%/*}" >/dev/null 2>&1; r=$?
				fi
				if { [ $e = 0 ] && [ $r = 0 ]; } || { [ $e = 1 ] && [ $r != 0 ]; }; then
					ok "$l: explain agrees with traffic: $out"
				else
					fail "$l: explain agrees with traffic $f -> $t $pp" "explain: $out (exit $e)" "traffic exit $r"
				fi
				echo "$f>$t:$pp:$e" >>"$T/$l.verdicts"
			done
		done
	done
}
flows v1
check_eq "v1: exactly frontend -> db 5432/tcp is allowed" "web-1>pg:5432/tcp:0" \
	"$(grep ':0$' "$T/v1.verdicts")"
check "web (icc on): web-1 reaches the gateway of web" \
	nsenter --net="${NS[web-1]}" ping -c 1 -W 1 10.88.10.1

# --- policy diff, apply, counters ---
out=$("$NETCTL" policy diff shop "$T/v2.json")
case $out in *"+ rule tools -> db 5432/tcp"*) ok "diff shows the new rule" ;;
*) fail "diff shows the new rule" "$out" ;; esac
ctr() { "$NETCTL" policy show shop --json | jq -r '[.rules[] | select(.text | test("tools -> db")) | .packets] | add // 0'; }
check "policy apply shop v2" "$NETCTL" policy apply shop "$T/v2.json"
out=$("$NETCTL" policy diff shop)
case $out in "no changes"*) ok "after apply: diff has no changes" ;; *) fail "after apply: diff has no changes" "$out" ;; esac
before=$(ctr)
flows v2
check_eq "v2: frontend and tools reach db 5432/tcp, nothing else" \
	"web-1>pg:5432/tcp:0 misc>pg:5432/tcp:0" "$(grep ':0$' "$T/v2.verdicts" | tr '\n' ' ' | sed 's/ $//')"
after=$(ctr)
[ "${after:-0}" -gt "${before:-0}" ] 2>/dev/null &&
	ok "policy show: the new rule's counter moved ($before -> $after packets)" ||
	fail "policy show: the new rule's counter moved" "before $before after $after" "$("$NETCTL" policy show shop)"

# --- a published port (needs a portmap plugin in web's chain) ---
if jq -e '.plugins[] | select(.type == "portmap")' "$NETCTL_CONFDIR/net.d/web.conflist" >/dev/null; then
	"$NETCTL" run --network web --name pub --publish 8080:80 -- python3 "$PROBE" serve tcp 80 &
	ppub=$!
	wait_for python3 "$PROBE" connect tcp 10.88.10.1 8080
	check "published 8080 -> 80: reached from the host" python3 "$PROBE" connect tcp 10.88.10.1 8080
	kill -TERM $ppub
	wait $ppub
else
	fail "a published port" "web's chain has no portmap plugin (is $BIN/portmap built?)"
fi

# --- the runs end; rm everything; nothing left ---
for n in web-1 pg misc; do kill -TERM "${PID[$n]}"; done
for n in web-1 pg misc; do wait "${PID[$n]}"; check_eq "run $n ends with TERM: 143" 143 $?; done
check "netctl rm shop" "$NETCTL" rm shop
check "netctl rm web" "$NETCTL" rm web
left=$( {
	ip -o link show | awk -F': ' '$2 != "lo" {print "link: " $2}'
	nft list table inet netctl 2>/dev/null | grep -E 'shop|web|elements' | sed 's/^/nft: /'
	ls -A /var/lib/cni/networks 2>/dev/null | sed 's/^/store: /'
	ls /var/lib/netctl/results 2>/dev/null | sed 's/^/cache: /'
	ls /run/netns | sed 's/^/netns: /'
	ls "$NETCTL_RUNDIR/run" 2>/dev/null | sed 's/^/run record: /'
	ls "$NETCTL_CONFDIR/net.d" "$NETCTL_CONFDIR/policy.d" 2>/dev/null | grep . | grep -v ':$' | sed 's/^/conf: /'
} )
check_eq "nothing left: links, nft, store, cache, netns, records, conflists" "" "$left"

done_testing
