#!/usr/bin/env bash
# Policy version 2 on a real dual-stack network (netctl create, icc off, masquerade,
# portmap): port ranges and protocol-only entries between containers, egress deny with
# an address group and "world", DNS to the gateway, and published ports limited to an
# address group. Outside: a LAN neighbour netns "lan" (192.0.2.2, 2001:db8:1::2) and an
# "internet" netns "inet" behind it (203.0.113.9, 2001:db8:2::9). `netctl policy
# explain` must agree with real TCP, UDP and ping for every flow, both families.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"
. "$(dirname "$0")/fwlib/v2net.bash"
[ -x "$NETCTL" ] || { fail "netctl is built" "missing $NETCTL"; done_testing; exit 1; }

cat >"$T/v2.json" <<'JSON'
{
  "version": 2,
  "network": "shop",
  "egress": "deny",
  "groups": {
    "web": ["web-*"],
    "db": { "names": ["pg"] },
    "partners": { "cidrs": ["203.0.113.0/25", "2001:db8:2::/64"] }
  },
  "allow": [
    { "from": "web", "to": "db", "ports": ["5000-5100/tcp", "udp"] },
    { "from": "*", "to": "db", "ports": ["icmp"] },
    { "from": "web", "to": "partners", "ports": ["443/tcp", "icmp"] },
    { "from": "db", "to": "world", "ports": ["8000-8100/tcp"] },
    { "from": "partners", "to": "web", "ports": ["443/tcp"] }
  ]
}
JSON
check "check v2" "$NETCTL" policy check "$T/v2.json"
check "apply v2" "$NETCTL" policy apply shop "$T/v2.json"
out=$("$NETCTL" policy apply shop "$T/v2.json")
case $out in *unchanged*) ok "apply again: unchanged (already applied, read from the kernel)" ;;
*) fail "apply again: unchanged" "$out" ;; esac

v2_servers

# A flow: LABEL EXPLAIN_FROM EXPLAIN_TO PORT/PROTO NS REAL_ADDR REAL_PORT
# (REAL_*: where the packet really goes: a published port is reached on the host).
FLOWS=()
flow() { FLOWS+=("$*"); }
# run_flows FAMILY-LABEL: explain each flow, send all real packets at once, compare.
run_flows() {
	local i f lbl ef et pp ns ra rp e out pids=()
	for i in "${!FLOWS[@]}"; do
		read -r lbl ef et pp ns ra rp <<<"${FLOWS[$i]}"
		v2_real "$ns" "$pp" "$ra" "$rp" &
		pids[$i]=$!
	done
	for i in "${!FLOWS[@]}"; do
		read -r lbl ef et pp ns ra rp <<<"${FLOWS[$i]}"
		out=$("$NETCTL" policy explain shop "$ef" "$et" "$pp" 2>&1); e=$?
		wait "${pids[$i]}"; r=$?
		if [ $e -gt 1 ]; then fail "$1 $lbl: explain $ef -> $et $pp answers" "$out"; continue; fi
		if { [ $e = 0 ] && [ $r = 0 ]; } || { [ $e = 1 ] && [ $r != 0 ]; }; then
			ok "$1 $lbl: explain agrees with traffic: $out"
		else
			fail "$1 $lbl: explain agrees with traffic" "explain: $out (exit $e)" "traffic exit $r"
		fi
	done
	FLOWS=()
}
for fam in 4 6; do
	declare -n A=IP$fam
	if [ $fam = 4 ]; then HOSTLAN=192.0.2.1; else HOSTLAN=2001:db8:1::1; fi
	# between containers: a range, a protocol alone, ICMP from "*"
	flow "range"      "${A[web-1]}" "${A[pg]}" 5050/tcp web-1 "${A[pg]}" 5050
	flow "not-in-range" "${A[web-1]}" "${A[pg]}" 443/tcp web-1 "${A[pg]}" 443
	flow "udp-alone"  "${A[web-1]}" "${A[pg]}" 5353/udp web-1 "${A[pg]}" 5353
	flow "icmp-alone" "${A[misc]}" "${A[pg]}" icmp misc "${A[pg]}" -
	flow "misc-no-tcp" "${A[misc]}" "${A[pg]}" 5050/tcp misc "${A[pg]}" 5050
	flow "no-icmp-back" "${A[pg]}" "${A[web-1]}" icmp pg "${A[web-1]}" -
	# egress deny: partners, world with a range, nothing else
	flow "egress-partners" "${A[web-1]}" "${A[inet]}" 443/tcp web-1 "${A[inet]}" 443
	flow "egress-partners-icmp" "${A[web-1]}" "${A[inet]}" icmp web-1 "${A[inet]}" -
	flow "egress-partners-other-port" "${A[web-1]}" "${A[inet]}" 8080/tcp web-1 "${A[inet]}" 8080
	flow "egress-lan-not-partner" "${A[web-1]}" "${A[lan]}" 443/tcp web-1 "${A[lan]}" 443
	flow "egress-world-range" "${A[pg]}" "${A[inet]}" 8080/tcp pg "${A[inet]}" 8080
	flow "egress-world-out-of-range" "${A[pg]}" "${A[inet]}" 9000/tcp pg "${A[inet]}" 9000
	flow "egress-none" "${A[misc]}" "${A[inet]}" 443/tcp misc "${A[inet]}" 443
	flow "egress-none-udp" "${A[misc]}" "${A[inet]}" 53/udp misc "${A[inet]}" 53
	# published ports: 443 only from partners, 53/udp open to all
	flow "published-from-partners" "${A[inet]}" web-1 443/tcp inet "$HOSTLAN" 8443
	flow "published-not-partners" "${A[lan]}" web-1 443/tcp lan "$HOSTLAN" 8443
	flow "published-open-to-all" "${A[lan]}" web-1 53/udp lan "$HOSTLAN" 8053
	flow "not-published" "${A[inet]}" web-1 5050/tcp inet "${A[web-1]}" 5050
	run_flows "IPv$fam"
done
# DNS on the gateway passes with egress deny (host access dns).
check "egress deny: DNS to the gateway passes" reach misc udp 10.96.0.1 53
check_fails "egress deny: other UDP to the host does not" reach misc udp 10.96.0.1 5353

# graph: address groups and world as nodes, egress and published-source edges.
g=$("$NETCTL" graph shop)
case $g in *'-> "@partners" [label="icmp, 443/tcp"]'*'-> "@world" [label="8000-8100/tcp"]'*'"@partners" -> '*'[label="443/tcp", style=bold]'*)
	ok "graph draws egress and published-port sources" ;;
*) fail "graph draws egress and published-port sources" "$g" ;; esac
case $g in *"icc off, egress deny"*) ok "graph says egress deny" ;; *) fail "graph says egress deny" "$g" ;; esac
if command -v dot >/dev/null; then check "dot reads the graph" sh -c "\"$NETCTL\" graph shop | dot -Tsvg >/dev/null"; fi

# show and diff cover the new chains.
show=$("$NETCTL" policy show shop)
case $show in *"allow[2]: web -> partners 443/tcp"*"egress deny"*"pub-only[4]: partners -> web 443/tcp"*)
	ok "show lists egress and published-source rules" ;;
*) fail "show lists egress and published-source rules" "$show" ;; esac
pk() { "$NETCTL" policy show shop --json | jq -r --arg r "$1" '[.rules[] | select(.rule == $r) | .packets] | add'; }
check "the egress deny counter counted the refused connections" test "$(pk "egress deny")" -ge 6
check "the pub-only counter counted the refused sources" \
	test "$(pk "pub-only[4]: partners -> web 443/tcp")" -ge 2
check_eq "diff of the applied v2 file: no changes" \
	"no changes: the kernel already enforces $NETCTL_CONFDIR/policy.d/shop.json" \
	"$("$NETCTL" policy diff shop)"
# A network an older netctl made has no egress jump and no pub-src element: the policy
# would be installed and not enforced. The next firewall ADD puts them back.
h=$(nft -a list chain inet netctl net-shop-from | awk '/jump net-shop-egress/ {print $NF}')
nft delete rule inet netctl net-shop-from handle "$h"
nft delete element inet netctl pub-src '{ "nctl-shop" }'
check "older network (no egress jump): egress deny not enforced" reach misc tcp 203.0.113.9 443
mkns late
check "connect late: the firewall ADD repairs the hooks" "$NETCTL" connect shop late
check "the egress jump is back" sh -c "nft list chain inet netctl net-shop-from | grep -q 'jump net-shop-egress'"
check "the pub-src element is back" sh -c "nft list map inet netctl pub-src | grep -q nctl-shop"
check_fails "egress deny enforced again (misc -> 203.0.113.9:443)" reach misc tcp 203.0.113.9 443
check_fails "published 443 from the LAN refused again" reach lan tcp 192.0.2.1 8443
check "disconnect late" "$NETCTL" disconnect shop late

sed -e 's/"203.0.113.0\/25", //' "$T/v2.json" >"$T/v2b.json"
check "apply v2 with a smaller partners group" "$NETCTL" policy apply shop "$T/v2b.json"
check_fails "203.0.113.9 is no partner now: published 443 refused" reach inet tcp 192.0.2.1 8443
check_eq "explain says so" "1" "$("$NETCTL" policy explain shop 203.0.113.9 web-1 443/tcp >/dev/null; echo $?)"

# Bad files: refused with the line, nothing changed.
snap=$(nosum)
bad() { # LABEL WANT (file on stdin)
	cat >"$T/bad.json"
	out=$("$NETCTL" policy apply shop "$T/bad.json" 2>&1)
	case "$?:$out" in 1:*"$2"*) ok "refused: $1: $out" ;; *) fail "refused: $1" "$out" ;; esac
}
bad "overlapping ranges" 'line 4: allow[0].ports[1]: 5050/tcp overlaps 5000-5100/tcp' <<'JSON'
{ "version": 2, "groups": { "web": ["web-*"] },
  "allow": [ { "from": "web", "to": "web", "ports": [
    "5000-5100/tcp",
    "5050/tcp"] } ] }
JSON
bad "host bits" 'line 3: groups.p.cidrs[0]: "203.0.113.9/24" has host bits set' <<'JSON'
{ "version": 2, "groups": {
  "p": { "cidrs": [
    "203.0.113.9/24"] } } }
JSON
bad "families mixed" 'line 2: groups.p.cidrs[0]: "::ffff:203.0.113.0/120": an IPv4-mapped' <<'JSON'
{ "version": 2, "groups": { "p": { "cidrs": [
  "::ffff:203.0.113.0/120"] } } }
JSON
bad "unknown key" 'line 3: allow[0].prots: unknown key' <<'JSON'
{ "version": 2, "groups": { "web": ["web-*"] }, "allow": [
  { "from": "web", "to": "web",
    "prots": ["udp"] } ] }
JSON
check_eq "refused files changed no rule" "$snap" "$(nosum)"
check "refused files left policy.d alone" cmp "$T/v2b.json" "$NETCTL_CONFDIR/policy.d/shop.json"

# Back to version 1: egress and published-source rules and address sets go.
cat >"$T/v1.json" <<'JSON'
{ "version": 1, "network": "shop", "groups": { "web": ["web-*"], "db": ["pg"] },
  "allow": [ { "from": "web", "to": "db", "ports": ["5050/tcp"] } ] }
JSON
check "apply v1 after v2" "$NETCTL" policy apply shop "$T/v1.json"
check_eq "net-shop-egress and -pubsrc are empty, no address set left" "" \
	"$(nft list table inet netctl | sed -n '/chain net-shop-\(egress\|pubsrc\) {/,/}/p' | grep -E 'accept|drop|return'; nft list table inet netctl | grep -E 'set (addr|drops)6?-shop')"
check "v1: egress open again (web-1 -> 203.0.113.9:9000)" reach web-1 tcp 203.0.113.9 9000
check "v1: published 443 open to all again (lan)" reach lan tcp 192.0.2.1 8443
out=$("$NETCTL" policy apply shop "$T/v1.json")
case $out in *unchanged*) ok "v1 apply again: unchanged" ;; *) fail "v1 apply again: unchanged" "$out" ;; esac

stop_servers
for n in web-1 pg misc; do check "disconnect $n" "$NETCTL" disconnect shop "$n"; done
check "rm shop" "$NETCTL" rm shop
check_eq "no chain or set of shop left" "" \
	"$(nft list table inet netctl | grep -E 'shop')"
done_testing
