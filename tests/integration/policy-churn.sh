#!/usr/bin/env bash
# Issue 18, churn: for CHURN_SECONDS (default 20) three workers connect and disconnect
# 40 named containers on network "churn" (bridge + host-local + firewall, icc off),
# while an apply loop alternates two policies, a gc loop runs `netctl gc churn`, and a
# killer SIGKILLs a worker's running netctl now and then (that container's state is
# then unknown: its worker disconnects it, which must succeed). Every command not
# killed must succeed. Then the invariants: one policy mark, the final policy's rules,
# every group set holds exactly the connected containers whose names match the final
# policy's globs (with their own IDs), members-churn exactly the connected containers,
# real traffic agrees for a sample, and `netctl rm --force` leaves nothing.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/leaks.sh"
. "$(dirname "$0")/fwlib/fw.bash"

NETCTL=$BIN/netctl
export NETCTL_CONFDIR=$T/conf NETCTL_STATEDIR=$T/state CNI_PATH=$BIN
SECS=${CHURN_SECONDS:-20}
need netctl bridge host-local firewall
mkdir -p "$NETCTL_CONFDIR/net.d" "$T/log"
cat >"$NETCTL_CONFDIR/net.d/churn.conflist" <<EOF
{ "cniVersion": "1.1.0", "name": "churn", "plugins": [
  { "type": "bridge", "bridge": "nctl-churn", "isGateway": true,
    "ipam": { "type": "host-local", "dataDir": "$T/ipam",
              "ranges": [[{ "subnet": "10.96.0.0/24" }]], "routes": [{ "dst": "0.0.0.0/0" }] } },
  { "type": "firewall", "ingressPolicy": "isolated" } ] }
EOF
cat >"$T/A.json" <<'JSON'
{ "version": 1, "network": "churn",
  "groups": { "frontend": ["web-*"], "db": ["pg-*"] },
  "allow": [ { "from": "frontend", "to": "db", "ports": ["5432/tcp"] } ] }
JSON
cat >"$T/B.json" <<'JSON'
{ "version": 1, "network": "churn",
  "groups": { "frontend": ["web-1*"], "db": ["pg-*", "cache-*"], "ops": ["misc-*"] },
  "allow": [ { "from": "frontend", "to": "db", "ports": ["5432/tcp", "6379/tcp"] },
             { "from": "ops", "to": "*", "ports": ["22/tcp"] } ] }
JSON
# group globs per policy, as bash patterns ("GROUP PATTERN...")
declare -A GLOBS=([A]="frontend:web-* db:pg-*" [B]="frontend:web-1* db:pg-* db:cache-* ops:misc-*")
NAMES=()
for i in $(seq 12); do NAMES+=("web-$i"); done
for i in $(seq 10); do NAMES+=("pg-$i" "cache-$i"); done
for i in $(seq 8); do NAMES+=("misc-$i"); done
for n in "${NAMES[@]}"; do mkns "$n"; done

# Reference rules of each policy, applied alone first.
check "connect web-1 (reference)" "$NETCTL" connect churn web-1
declare -A RULES
for pol in A B; do
	"$NETCTL" policy apply churn "$T/$pol.json" >/dev/null
	RULES[$pol]=$(nft list chain inet netctl net-churn-policy | grep -o 'comment "[^"]*"' | tr '\n' ' ')
done
check "disconnect web-1 (reference)" "$NETCTL" disconnect churn web-1

END=$(($(date +%s) + SECS))
# worker W: names i with i % 3 == W. State per name: 0 out, 1 connected, 2 unknown.
worker() {
	local w=$1 i n st op
	declare -A state=()
	local mine=()
	for i in "${!NAMES[@]}"; do ((i % 3 == w)) && mine+=("${NAMES[$i]}"); done
	while (($(date +%s) < END)); do
		n=${mine[RANDOM % ${#mine[@]}]}
		op=connect
		[ "${state[$n]:-0}" = 0 ] || op=disconnect
		"$NETCTL" "$op" churn "$n" >"$T/log/w$w.out" 2>&1 &
		echo $! >"$T/log/w$w.pid"
		wait $! 2>/dev/null	# (no "Killed" job notice on stderr)
		st=$?
		: >"$T/log/w$w.pid"
		echo "$op" >>"$T/log/w$w.ops"
		if [ $st = 137 ]; then
			state[$n]=2
			echo "killed $op $n" >>"$T/log/w$w.kills"
		elif [ $st != 0 ]; then
			echo "FAILED $op $n (exit $st): $(cat "$T/log/w$w.out")" >>"$T/log/errors"
			state[$n]=2
		elif [ $op = connect ]; then
			state[$n]=1
		else
			state[$n]=0
		fi
	done
	# Unknown ones: a disconnect settles them (DEL is idempotent).
	for n in "${!state[@]}"; do
		[ "${state[$n]}" = 2 ] || continue
		if "$NETCTL" disconnect churn "$n" >"$T/log/w$w.out" 2>&1; then
			state[$n]=0
		else
			echo "FAILED settling disconnect $n: $(cat "$T/log/w$w.out")" >>"$T/log/errors"
		fi
	done
	for n in "${!state[@]}"; do [ "${state[$n]}" = 1 ] && echo "$n"; done >"$T/log/w$w.connected"
}
applier() {
	local pol=A k=0
	while (($(date +%s) < END)); do
		pol=$([ $((k++ % 2)) = 0 ] && echo B || echo A)
		if "$NETCTL" policy apply churn "$T/$pol.json" >"$T/log/apply.out" 2>&1; then
			echo "$pol" >"$T/log/final"
		else
			echo "FAILED apply $pol: $(cat "$T/log/apply.out")" >>"$T/log/errors"
		fi
		sleep 0.2
	done
}
gcloop() {
	while (($(date +%s) < END)); do
		"$NETCTL" gc churn >"$T/log/gc.out" 2>&1 ||
			echo "FAILED gc: $(cat "$T/log/gc.out")" >>"$T/log/errors"
		sleep 0.7
	done
}
killer() {
	local pid w
	while (($(date +%s) < END - 1)); do
		sleep "0.$((RANDOM % 6 + 9))"
		w=$((RANDOM % 3))
		pid=$(cat "$T/log/w$w.pid" 2>/dev/null)
		[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	done
}
worker 0 & worker 1 & worker 2 &
applier & gcloop & killer &
wait

kills=$(cat "$T"/log/w*.kills 2>/dev/null | wc -l)
echo "# churn: $SECS s, $(cat "$T"/log/w*.ops | wc -l) connects/disconnects, $kills of them" \
	"killed, final policy $(cat "$T/log/final")"
if [ -s "$T/log/errors" ]; then fail "no command failed" "$(head -n 12 "$T/log/errors")"; else ok "no command failed ($kills killed)"; fi
[ "$kills" -gt 0 ] && ok "the killer killed some" || fail "the killer killed some"

FINAL=$(cat "$T/log/final")
mapfile -t CONNECTED < <(cat "$T"/log/w*.connected | sort)
echo "# ${#CONNECTED[@]} containers connected at the end"
addr() { ip -n "$1" -4 -o addr show eth0 2>/dev/null | awk '{print $4}' | cut -d/ -f1; }
elems() { nft list set inet netctl "$1" 2>/dev/null | grep -oE '10\.96\.0\.[0-9]+' | sort | tr '\n' ' '; }
declare -A IP
for n in "${CONNECTED[@]}"; do IP[$n]=$(addr "$n"); done
check_eq "the cache holds exactly the connected containers" "${#CONNECTED[@]}" \
	"$(ls "$NETCTL_STATEDIR/results" | grep -c '^churn-')"
want=$(for n in "${CONNECTED[@]}"; do echo "${IP[$n]}"; done | sort | tr '\n' ' ')
check_eq "members-churn holds exactly the connected containers" "$want" "$(elems members-churn)"
nots=$(for n in "${NAMES[@]}"; do
	printf '%s\n' "${CONNECTED[@]}" | grep -qx "$n" && continue
	ip -n "$n" -o link show | awk -F': ' -v n="$n" '$2 != "lo" {print n ": " $2}'
done)
check_eq "the others have no interface left" "" "$nots"
check_eq "one policy mark" 1 "$(nft list table inet netctl | grep -c 'chain pol-churn-')"
check_eq "the final policy's rules ($FINAL)" "${RULES[$FINAL]}" \
	"$(nft list chain inet netctl net-churn-policy | grep -o 'comment "[^"]*"' | tr '\n' ' ')"
declare -A GWANT=()
for gp in ${GLOBS[$FINAL]}; do
	g=${gp%%:*} pat=${gp#*:}
	GWANT[$g]=${GWANT[$g]:-}
	for n in "${CONNECTED[@]}"; do
		# shellcheck disable=SC2053
		[[ $n == $pat ]] && GWANT[$g]+="${IP[$n]}"$'\n'
	done
done
for g in "${!GWANT[@]}"; do
	check_eq "group $g holds exactly its connected members" \
		"$(printf '%s' "${GWANT[$g]}" | grep . | sort | tr '\n' ' ')" "$(elems "grp-churn-$g")"
done
check_eq "no group set of the other policy" "$(printf '%s\n' "${!GWANT[@]}" | sort | tr '\n' ' ')" \
	"$(nft list table inet netctl | grep -o 'set grp-churn-[a-z0-9_]*' | sed 's/set grp-churn-//' | sort | tr '\n' ' ')"
# Each group element carries its member's container ID (the one members-churn has).
bad=$(nft -j list table inet netctl | jq -r '
	[.nftables[] | .set? // empty | select(.name | test("^(members|grp)-churn"))] as $s |
	($s[] | select(.name == "members-churn") | .elem // [] |
	 map({(.elem.val): (.elem.comment | split(" ")[0])}) | add // {}) as $m |
	$s[] | select(.name | startswith("grp-")) | .name as $g | (.elem // [])[] |
	select($m[.elem.val] != .elem.comment) | "\($g): \(.elem.val) \(.elem.comment)"')
check_eq "group elements carry their member's container ID" "" "$bad"

# Real traffic for a sample: a frontend member reaches a db member on 5432; a
# connected container in no group does not.
front= db= other=
for n in "${CONNECTED[@]}"; do
	case $FINAL:$n in
	A:web-*|B:web-1*) front=${front:-$n} ;;
	A:pg-*|B:pg-*|B:cache-*) db=${db:-$n} ;;
	A:cache-*|A:misc-*|B:web-[2-9]) other=${other:-$n} ;;
	esac
done
if [ -n "$db" ]; then
	serve "$db" tcp 5432
	sleep 0.5
	[ -z "$front" ] || check "traffic: $front (frontend) reaches $db:5432" reach "$front" tcp "${IP[$db]}" 5432
	[ -z "$other" ] || check_fails "traffic: $other (no group) does not reach $db:5432" reach "$other" tcp "${IP[$db]}" 5432
	stop_servers
fi
[ -n "$db$front" ] && ok "a traffic sample was taken" || fail "a traffic sample was taken" "connected: ${CONNECTED[*]}"

# rm --force: nothing of the network is left.
check "rm --force churn" "$NETCTL" rm --force churn
check_eq "no nft object of churn left" "" "$(nft list table inet netctl 2>/dev/null | grep -- '-churn' )"
check_eq "no leftovers" "" "$(leaks "$T/ipam/churn" "${NAMES[@]}")"
check_eq "no cache entry left" "" "$(ls "$NETCTL_STATEDIR/results" 2>/dev/null | grep churn)"
check_eq "no lock file left" "" "$(ls "$NETCTL_STATEDIR/locks" 2>/dev/null)"
done_testing
