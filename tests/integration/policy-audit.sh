#!/usr/bin/env bash
# Policy version 2 drop log and audit mode on the world of fwlib/v2net.bash: with
# "log": true the drops (final drop, egress deny, a published port's other sources)
# reach NFLOG and `netctl policy log` names the container, its groups and the rule;
# "mode": "audit" lets through exactly what enforce would drop and logs each of them;
# apply switches between the modes in one transaction.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"
. "$(dirname "$0")/fwlib/v2net.bash"
[ -x "$NETCTL" ] || { fail "netctl is built" "missing $NETCTL"; done_testing; exit 1; }

policy() { # MODE LOG
	cat <<JSON
{
  "version": 2,
  "network": "shop",
  "egress": "deny",
  "mode": "$1",
  "log": $2,
  "groups": {
    "web": ["web-*"],
    "db": ["pg"],
    "partners": { "cidrs": ["203.0.113.0/24", "2001:db8:2::/64"] }
  },
  "allow": [
    { "from": "web", "to": "db", "ports": ["5050/tcp", "udp"] },
    { "from": "web", "to": "partners", "ports": ["443/tcp"], "log": true },
    { "from": "partners", "to": "web", "ports": ["443/tcp"] }
  ]
}
JSON
}
policy enforce true >"$T/enforce.json"
policy audit false >"$T/audit.json"
check "apply enforce with log" "$NETCTL" policy apply shop "$T/enforce.json"
v2_servers

# flows: NS PORT/PROTO REAL_ADDR REAL_PORT EXPLAIN_FROM EXPLAIN_TO
FLOWS=(
	"misc 5050/tcp ${IP4[pg]} 5050 misc pg"
	"misc 5050/tcp ${IP6[pg]} 5050 ${IP6[misc]} ${IP6[pg]}"
	"web-1 5050/tcp ${IP4[pg]} 5050 web-1 pg"
	"pg icmp ${IP4[web-1]} - pg web-1"
	"misc 443/tcp 203.0.113.9 443 misc 203.0.113.9"
	"web-1 443/tcp 203.0.113.9 443 web-1 203.0.113.9"
	"web-1 9000/tcp 2001:db8:2::9 9000 ${IP6[web-1]} 2001:db8:2::9"
	"lan 443/tcp 192.0.2.1 8443 192.0.2.2 web-1"
	"inet 443/tcp 192.0.2.1 8443 203.0.113.9 web-1"
)
# send_all : every flow at once, exit codes in $T/real.N
send_all() {
	local i ns pp ra rp
	for i in "${!FLOWS[@]}"; do
		read -r ns pp ra rp _ _ <<<"${FLOWS[$i]}"
		{ v2_real "$ns" "$pp" "$ra" "$rp"; echo $? >"$T/real.$i"; } &
	done
	wait_flows
}
# bound : wait (at most 3 s) until a listener has netctl's NFLOG group 2717 bound.
bound() {
	local i
	for i in $(seq 60); do
		awk '$1 == 2717 { f = 1 } END { exit !f }' /proc/net/netfilter/nfnetlink_log && return 0
		sleep 0.05
	done
	return 1
}
wait_flows() { local i; for i in "${!FLOWS[@]}"; do while [ ! -s "$T/real.$i" ]; do sleep 0.05; done; done; }

# --- enforce + log: what is dropped is logged, with names, groups and the rule ---
rm -f "$T"/real.*
"$NETCTL" policy log shop --json --seconds 6 >"$T/log1" 2>"$T/log1.err" &
logger=$!
check "policy log binds NFLOG group 2717" bound
send_all
sleep 0.5
kill -INT $logger; wait $logger
check_eq "policy log exits 0 on SIGINT" "" "$(cat "$T/log1.err")"
q() { jq -r "$1" "$T/log1" | sort -u | tr '\n' ' ' | sed 's/ $//'; }
check_eq "final drop logged: misc -> pg [db] 5050/tcp, pg [db] -> web-1 [web] icmp" \
	"drop final drop misc  pg db 5050/tcp drop final drop pg db web-1 web icmp" \
	"$(q 'select(.rule == "final drop") | "\(.verdict) \(.rule) \(.from.container) \(.from.groups | join(",")) \(.to.container) \(.to.groups | join(",")) \(.port)"')"
check_eq "... in IPv4 and IPv6" "${IP4[misc]} ${IP6[misc]}" \
	"$(jq -r 'select(.rule == "final drop" and .port == "5050/tcp") | .from.addr' "$T/log1" | sort -u | tr '\n' ' ' | sed 's/ $//')"
check_eq "egress deny logged for misc and web-1's 9000 (IPv6)" \
	"misc 203.0.113.9 443/tcp web-1 2001:db8:2::9 9000/tcp" \
	"$(q 'select(.rule == "egress deny") | "\(.from.container) \(.to.addr) \(.port)"')"
check_eq "published 443 from the LAN: pub-only[2], to web-1 [web]" \
	"drop 192.0.2.2 web-1 web 443/tcp pub-only[2]" \
	"$(q 'select(.rule | startswith("pub-only")) | "\(.verdict) \(.from.addr) \(.to.container) \(.to.groups | join(",")) \(.port) \(.rule)"')"
check_eq "allow[1] has log: true: web-1's partner connection logged as allow" \
	"allow web-1 203.0.113.9 allow[1] (line 14): web -> partners 443/tcp" \
	"$(q 'select(.rule == "allow[1]") | "\(.verdict) \(.from.container) \(.to.addr) \(.rule_text)"')"
# netctl stats: drops per source container (the policy's final drop and egress deny)
pd() { "$NETCTL" stats "$1" --json | jq -r '.networks[0].containers[0].policy_drops'; }
check "stats: misc's policy drops (5050 v4 and v6, egress 443) >= 3" test "$(pd misc)" -ge 3
check "stats: pg's policy drops (ping to web-1) >= 1" test "$(pd pg)" -ge 1
check "stats: web-1's policy drops (egress 9000 v6) >= 1" test "$(pd web-1)" -ge 1
case $("$NETCTL" stats shop) in *POL_DROPS*) ok "stats table has POL_DROPS" ;; *) fail "stats table has POL_DROPS" "" ;; esac
out=$("$NETCTL" policy log shop --seconds 1 --count 1 2>&1)
check_eq "no traffic: nothing printed, exit 0" "0 " "$? $out"

# --- audit: passes exactly what enforce drops, and logs each ---
check "apply audit (switch modes)" "$NETCTL" policy apply shop "$T/audit.json"
out=$("$NETCTL" policy apply shop "$T/audit.json")
case $out in *unchanged*) ok "audit apply again: unchanged" ;; *) fail "audit apply again: unchanged" "$out" ;; esac
out=$("$NETCTL" policy explain shop misc pg 5050/tcp)
case "$?:$out" in "0:allow: misc -> pg 5050/tcp: audit: would deny, logged and let through: final drop"*)
	ok "explain in audit mode: $out" ;; *) fail "explain in audit mode" "$out" ;; esac
rm -f "$T"/real.*
"$NETCTL" policy log shop --json --seconds 6 >"$T/log2" 2>"$T/log2.err" &
logger=$!
check "policy log binds NFLOG group 2717" bound
send_all
sleep 0.5
kill -INT $logger; wait $logger
would=0
for i in "${!FLOWS[@]}"; do
	read -r ns pp ra rp ef et <<<"${FLOWS[$i]}"
	"$NETCTL" policy explain shop "$ef" "$et" "$pp" --file "$T/enforce.json" >/dev/null 2>&1
	e=$?
	check_eq "audit: $ns -> $ra $pp passes (enforce: exit $e)" 0 "$(cat "$T/real.$i")"
	[ "$e" = 1 ] && would=$((would + 1))
	if [ "$e" = 1 ]; then
		n=$(jq -r --arg p "$pp" 'select(.verdict == "audit" and .port == ($p | sub("icmp"; "icmp")))
			| "\(.from.addr) \(.to.addr)"' "$T/log2" | grep -c .)
		check "audit logged $ns -> $ra $pp (enforce drops it)" test "$n" -ge 1
	fi
done
check_eq "audit log: as many entries as enforce would drop ($would)" "$would" \
	"$(jq -r 'select(.verdict == "audit") | "\(.from.addr) \(.to.addr) \(.port)"' "$T/log2" | sort -u | grep -c .)"
check_eq "audit log: nothing logged as dropped" "0" "$(jq -r 'select(.verdict == "drop")' "$T/log2" | grep -c .)"

# --- back to enforce in one apply ---
check "apply enforce again" "$NETCTL" policy apply shop "$T/enforce.json"
check_fails "enforce: misc -> pg 5050 dropped again" reach misc tcp "${IP4[pg]}" 5050
check_fails "enforce: LAN -> published 443 dropped again" reach lan tcp 192.0.2.1 8443
check "enforce: web-1 -> pg 5050 still passes" reach web-1 tcp "${IP4[pg]}" 5050
stop_servers
dropped() { echo "$(nft list set inet netctl drops-shop | grep -c "${IP4[$1]} ")$(nft list set inet netctl drops6-shop | grep -c "${IP6[$1]} ")"; }
check_eq "misc's drop counts are in drops-shop and drops6-shop" "11" "$(dropped misc)"
check "disconnect misc" "$NETCTL" disconnect shop misc
check_eq "its drop counts went with it" "00" "$(dropped misc)"
check "rm shop" "$NETCTL" rm shop --force
done_testing
