#!/usr/bin/env bash
# netctl policy check|diff|apply|show|explain on a real chain (bridge + host-local +
# firewall, icc off) driven by `netctl cni`: explain agrees with real TCP/UDP/ping on
# every flow, show's counters move with traffic, diff names the rules and the group
# members that apply changes, apply is atomic and refuses bad files without a change.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"

NETCTL=$BIN/netctl
export NETCTL_CONFDIR=$T/conf NETCTL_STATEDIR=$T/state CNI_PATH=$BIN
POL=$NETCTL_CONFDIR/policy.d/web.json
[ -x "$NETCTL" ] || { fail "netctl is built" "missing $NETCTL"; done_testing; exit 1; }
nosum() { nft list ruleset | sed 's/packets [0-9]* bytes [0-9]*//'; }

cat >"$T/web.conflist" <<EOF
{ "cniVersion": "1.0.0", "name": "web", "plugins": [
  { "type": "bridge", "bridge": "nctl-web", "isGateway": true,
    "ipam": { "type": "host-local", "dataDir": "$T/ipam",
              "ranges": [[{ "subnet": "10.93.0.0/24" }]], "routes": [{ "dst": "0.0.0.0/0" }] } },
  { "type": "firewall", "ingressPolicy": "isolated" } ] }
EOF
cat >"$T/v1.json" <<'JSON'
{
  "version": 1,
  "network": "web",
  "groups": { "frontend": ["web-*"], "db": ["pg"] },
  "allow": [
    { "from": "frontend", "to": "db", "ports": ["5432/tcp", "53/udp"] }
  ]
}
JSON
cat >"$T/v2.json" <<'JSON'
{
  "version": 1,
  "network": "web",
  "groups": { "frontend": ["web-*"], "db": ["pg"], "tools": ["misc"] },
  "allow": [
    { "from": "frontend", "to": "db", "ports": ["5432/tcp"] },
    { "from": "tools", "to": "db", "ports": ["5433/tcp"] },
    { "from": "db", "to": "*" }
  ]
}
JSON
printf '{ "version": 1,\n  "groups": { "a": ["x"] },\n  "allow": [ { "from": "a",\n    "to": "nosuch" } ] }\n' >"$T/bad.json"

# --- check ---
check "check a good file" "$NETCTL" policy check "$T/v1.json"
out=$("$NETCTL" policy check "$T/bad.json" 2>&1)
check_eq "check a bad file: exit 1" 1 $?
case $out in *"line 4: allow[0].to: unknown group"*) ok "check names the line and key" ;;
*) fail "check names the line and key" "$out" ;; esac
"$NETCTL" policy check nosuchnet >/dev/null 2>&1
check_eq "check NET without a policy file: exit 1" 1 $?
"$NETCTL" policy frob >/dev/null 2>&1
check_eq "unknown subcommand: exit 2" 2 $?

# --- before any container: diff lists everything, apply installs the file ---
out=$("$NETCTL" policy diff web "$T/v1.json")
case $out in *"+ rule frontend -> db 5432/tcp"*"+ rule final drop"*) ok "diff before any container lists the rules" ;;
*) fail "diff before any container lists the rules" "$out" ;; esac
check "apply before any container installs the file" "$NETCTL" policy apply web "$T/v1.json"
check "the file is in policy.d" cmp "$T/v1.json" "$POL"

# --- three containers ---
for n in web-1 pg misc; do
	mkns "$n"
	check "ADD $n" "$NETCTL" cni add "$T/web.conflist" "/run/netns/$n" --id "id-$n" \
		--args "K8S_POD_NAME=$n"
done
addr() { ip -n "$1" -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1; }
declare -A IP=([web-1]=$(addr web-1) [pg]=$(addr pg) [misc]=$(addr misc))
for n in web-1 pg misc; do serve "$n" tcp 5432; serve "$n" tcp 5433; serve "$n" udp 53; done
sleep 0.6

out=$("$NETCTL" policy diff web)
check_eq "diff of the applied file: no changes" "no changes: the kernel already enforces $POL" "$out"
show=$("$NETCTL" policy show web)
case $show in *"allow[0]: frontend -> db 5432/tcp"*"final drop"*) ok "show lists the rules by their file text" ;;
*) fail "show lists the rules by their file text" "$show" ;; esac
case $show in *"frontend: web-1"*"db: pg"*) ok "show lists group members by name" ;;
*) fail "show lists group members by name" "$show" ;; esac

# explain must agree with real traffic, flow by flow.
real() { # FROM TO PORT/PROTO -> 0 when the packet gets through
	local pp=$3
	case $pp in
	icmp) ip netns exec "$1" ping -c 1 -W 1 "${IP[$2]}" >/dev/null 2>&1 ;;
	*) reach "$1" "${pp#*/}" "${IP[$2]}" "${pp%/*}" >/dev/null 2>&1 ;;
	esac
}
agree() { # LABEL FROM TO PORT/PROTO
	local e r out
	out=$("$NETCTL" policy explain web "$2" "$3" "$4" 2>&1); e=$?
	real "$2" "$3" "$4"; r=$?
	if [ $e -gt 1 ]; then fail "$1: explain $2 -> $3 $4 answers" "$out"; return; fi
	if { [ $e = 0 ] && [ $r = 0 ]; } || { [ $e = 1 ] && [ $r != 0 ]; }; then
		ok "$1: explain agrees with traffic: $out"
	else
		fail "$1: explain agrees with traffic $2 -> $3 $4" "explain: $out (exit $e)" "traffic exit $r"
	fi
}
flows() {
	local l=$1 f t pp
	for f in web-1 pg misc; do
		for t in web-1 pg misc; do
			[ "$f" = "$t" ] && continue
			for pp in 5432/tcp 5433/tcp 53/udp icmp; do agree "$l" $f $t $pp; done
		done
	done
}
flows v1

out=$("$NETCTL" policy explain web web-1 pg 5432/tcp)
check_eq "explain names the rule and its line" \
	"allow: web-1 -> pg 5432/tcp: allow[0] (line 6): frontend -> db 5432/tcp" "$out"
out=$("$NETCTL" policy explain web "${IP[web-1]}" "${IP[pg]}" 5433/tcp)
check_eq "explain by address, final drop (exit 1)" "1 deny: ${IP[web-1]} -> ${IP[pg]} 5433/tcp: final drop: no allow rule matches (icc off: everything not allowed is dropped)" "$? $out"
out=$("$NETCTL" policy explain web pg web-1 5432/tcp --established)
check_eq "explain --established" "0 allow" "$? ${out%%:*}"
"$NETCTL" policy explain web web-1 nosuch 80/tcp >/dev/null 2>&1
check_eq "explain an unknown container: exit 3" 3 $?
"$NETCTL" policy explain web web-1 pg 80/xyz >/dev/null 2>&1
check_eq "explain a bad PORT/PROTO: exit 2" 2 $?
"$NETCTL" policy explain nosuch web-1 pg 80/tcp >/dev/null 2>&1
check_eq "explain on an unknown network: exit 3" 3 $?
check_eq "explain --json" "allow rule 0" \
	"$("$NETCTL" policy explain web web-1 pg 5432/tcp --json | jq -r '"\(.verdict) \(.reason) \(.rule)"')"

# Counters move.
pk() { "$NETCTL" policy show web --json | jq -r --arg r "$1" '[.rules[] | select(.rule == $r) | .packets] | add'; }
a0=$(pk "allow[0]: frontend -> db 5432/tcp"); d0=$(pk "final drop")
for i in 1 2 3; do reach web-1 tcp "${IP[pg]}" 5432 >/dev/null; done
reach misc tcp "${IP[pg]}" 5432 >/dev/null 2>&1
a1=$(pk "allow[0]: frontend -> db 5432/tcp"); d1=$(pk "final drop")
check "allow counter counts the 3 new connections ($a0 -> $a1)" test "$a1" -ge $((a0 + 3))
check "final drop counter moved ($d0 -> $d1)" test "$d1" -gt "$d0"

# --- v2: diff, then apply ---
out=$("$NETCTL" policy diff web "$T/v2.json")
want='- rule frontend -> db 53/udp
+ rule tools -> db 5433/tcp
+ rule db -> * any
+ group tools
  group tools: + misc (id-misc)'
check_eq "diff v1 -> v2: rules and group members" "$want" "$out"
check_eq "diff --json" "rule-remove rule-add rule-add group-add member-enter" \
	"$("$NETCTL" policy diff web "$T/v2.json" --json | jq -r '[.changes[].change] | join(" ")')"
ip netns exec web-1 /usr/bin/python3 "$PROBE" hold "${IP[pg]}" 5432 3 >"$T/hold" 2>&1 &
hold=$!
sleep 1
check "apply v2" "$NETCTL" policy apply web "$T/v2.json"
wait "$hold"
check_eq "an established 5432 connection survived the apply" 0 $?
check "policy.d holds v2" cmp "$T/v2.json" "$POL"
check_eq "diff after apply: no changes" "no changes: the kernel already enforces $POL" \
	"$("$NETCTL" policy diff web)"
out=$("$NETCTL" policy apply web "$T/v2.json")
case $out in *unchanged*) ok "apply of the same file changes nothing" ;; *) fail "apply of the same file changes nothing" "$out" ;; esac
# The same flows with br_netfilter off (many hosts): routed icc=false needs none.
echo 0 >/proc/sys/net/bridge/bridge-nf-call-iptables
flows "v2 bridge-nf-call-iptables=0"
echo 1 >/proc/sys/net/bridge/bridge-nf-call-iptables

# --- refusals change nothing ---
snap=$(nosum)
"$NETCTL" policy apply web "$T/bad.json" >/dev/null 2>&1
check_eq "apply a bad file: exit 1" 1 $?
sed 's/"network": "web"/"network": "other"/' "$T/v1.json" >"$T/other.json"
"$NETCTL" policy apply web "$T/other.json" >/dev/null 2>&1
check_eq "apply a file for another network: exit 1" 1 $?
"$NETCTL" policy apply web "$T/missing.json" >/dev/null 2>&1
check_eq "apply a missing file: exit 1" 1 $?
check_eq "refused applies changed no rule" "$snap" "$(nosum)"
check "refused applies left policy.d alone" cmp "$T/v2.json" "$POL"

# --- an icc-on network: explain says bridged, and it is ---
cat >"$T/open.conflist" <<EOF
{ "cniVersion": "1.0.0", "name": "open", "plugins": [
  { "type": "bridge", "bridge": "nctl-open", "isGateway": true,
    "ipam": { "type": "host-local", "dataDir": "$T/ipam",
              "ranges": [[{ "subnet": "10.95.0.0/24" }]] } },
  { "type": "firewall" } ] }
EOF
for n in o1 o2; do
	mkns "$n"
	check "ADD $n (icc on)" "$NETCTL" cni add "$T/open.conflist" "/run/netns/$n" --id "id-$n" \
		--args "K8S_POD_NAME=$n"
done
out=$("$NETCTL" policy explain open o1 o2 icmp)
check_eq "icc on: explain says bridged" \
	"allow: o1 -> o2 icmp: icc on: same network traffic is bridged, not filtered" "$out"
check "icc on: o1 pings o2" ip netns exec o1 ping -c 1 -W 1 \
	"$(ip -n o2 -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)"
"$NETCTL" policy explain open o1 web-1 5432/tcp >/dev/null 2>&1
check_eq "explain across networks: not a container of NET, exit 3" 3 $?
for n in o1 o2; do
	check "DEL $n" "$NETCTL" cni del "$T/open.conflist" "/run/netns/$n" --id "id-$n"
done

# --- a network whose conflist names its policy file: apply installs it there ---
mkdir -p "$NETCTL_CONFDIR/net.d"
sed -e 's/"name": "web"/"name": "pf"/' \
	-e "s|\"ingressPolicy\": \"isolated\"|\"ingressPolicy\": \"isolated\", \"policyFile\": \"$T/custom/pf.json\"|" \
	"$T/web.conflist" >"$NETCTL_CONFDIR/net.d/pf.conflist"
sed 's/"network": "web"/"network": "pf"/' "$T/v1.json" >"$T/pf.json"
check "apply for a network with policyFile" "$NETCTL" policy apply pf "$T/pf.json"
check "the file went where the plugin reads it" cmp "$T/pf.json" "$T/custom/pf.json"
check "check NET finds it there" "$NETCTL" policy check pf

stop_servers
for n in web-1 pg misc; do
	check "DEL $n" "$NETCTL" cni del "$T/web.conflist" "/run/netns/$n" --id "id-$n"
done
check_eq "no member or group element left" "" \
	"$(for s in members-web grp-web-frontend grp-web-db grp-web-tools; do set_elems $s; done)"
done_testing
