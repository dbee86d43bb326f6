#!/usr/bin/env bash
# netctl graph and netctl stats on a real chain (bridge + host-local + firewall, icc
# off, a policy) driven by `netctl cni`: the DOT has the groups as clusters and exactly
# the allowed flows as edges; stats count what a container really sent and received
# (host veth counters) and the packets the policy dropped.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"

NETCTL=$BIN/netctl
export NETCTL_CONFDIR=$T/conf NETCTL_STATEDIR=$T/state CNI_PATH=$BIN
[ -x "$NETCTL" ] || { fail "netctl is built" "missing $NETCTL"; done_testing; exit 1; }

cat >"$T/web.conflist" <<EOF
{ "cniVersion": "1.0.0", "name": "web", "plugins": [
  { "type": "bridge", "bridge": "nctl-web", "isGateway": true,
    "ipam": { "type": "host-local", "dataDir": "$T/ipam",
              "ranges": [[{ "subnet": "10.94.0.0/24" }]], "routes": [{ "dst": "0.0.0.0/0" }] } },
  { "type": "firewall", "ingressPolicy": "isolated" } ] }
EOF
cat >"$T/p.json" <<'JSON'
{ "version": 1, "network": "web",
  "groups": { "frontend": ["web-*"], "db": ["pg"] },
  "allow": [ { "from": "frontend", "to": "db", "ports": ["5432/tcp", "53/udp"] },
             { "from": "db", "to": "db" } ] }
JSON
check "apply the policy" "$NETCTL" policy apply web "$T/p.json"
for n in web-1 web-2 pg misc; do
	mkns "$n"
	check "ADD $n" "$NETCTL" cni add "$T/web.conflist" "/run/netns/$n" --id "id-$n" \
		--args "K8S_POD_NAME=$n"
done
addr() { ip -n "$1" -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1; }

# --- graph ---
dotout=$("$NETCTL" graph web)
check_eq "graph exits 0" 0 $?
case $dotout in *'subgraph "cluster_frontend" {'*'label="frontend";'*'"id-web-1" [label="web-1\n'*) ok "groups are clusters holding their containers" ;;
*) fail "groups are clusters holding their containers" "$dotout" ;; esac
edges=$(echo "$dotout" | grep -- '->' | grep -v '"@host"' | sort)
want='	"id-web-1" -> "id-pg" [label="5432/tcp, 53/udp"];
	"id-web-2" -> "id-pg" [label="5432/tcp, 53/udp"];'
check_eq "edges are exactly the allowed flows" "$want" "$edges"
check "misc (no group) is a node" grep -q '"id-misc" \[label="misc' <<<"$dotout"
check_eq "every container has an edge to the host: DNS and ping (icc off: host access dns)" 4 \
	"$(grep -c -- '-> "@host" \[label="53/udp, 53/tcp, icmp", style=dashed\]' <<<"$dotout")"
check "the host is a node named with its host access" \
	grep -q '"@host" \[label="host (host access dns)", shape=house\]' <<<"$dotout"
if command -v dot >/dev/null; then
	check "dot renders it" sh -c "echo '$dotout' | dot -Tsvg >/dev/null"
fi
"$NETCTL" graph nosuch >/dev/null 2>&1
check_eq "graph of an unknown network: exit 1" 1 $?
"$NETCTL" graph >/dev/null 2>&1
check_eq "graph without NET: exit 2" 2 $?

# --- stats ---
txb() { "$NETCTL" stats "$1" --json | jq -r ".networks[0].containers[0].$2"; }
b0=$(txb web-1 tx_bytes) p0=$(txb web-1 tx_packets) r0=$(txb pg rx_bytes)
check "5 pings of 1000 bytes web-1 -> gateway" ip netns exec web-1 ping -q -c 5 -i 0.2 -s 1000 -W 1 10.94.0.1
b1=$(txb web-1 tx_bytes) p1=$(txb web-1 tx_packets) r1=$(txb pg rx_bytes)
check "web-1 tx_packets +5 or more ($p0 -> $p1)" test "$p1" -ge $((p0 + 5))
check "web-1 tx_bytes +5*1028 or more ($b0 -> $b1)" test "$b1" -ge $((b0 + 5 * 1028))
check "pg received none of it ($r0 -> $r1 bytes)" test "$((r1 - r0))" -lt 1000
d0=$("$NETCTL" stats web --json | jq -r '.networks[0].policy_drops.packets')
for i in 1 2 3; do ip netns exec misc ping -c 1 -W 1 "$(addr pg)" >/dev/null 2>&1; done
d1=$("$NETCTL" stats web --json | jq -r '.networks[0].policy_drops.packets')
check "3 denied pings counted as policy drops ($d0 -> $d1)" test "$d1" -ge $((d0 + 3))
out=$("$NETCTL" stats web)
check_eq "table: a header, 4 containers, the drop line" 6 "$(echo "$out" | wc -l)"
case $out in *"network web: $d1 packets"*"dropped by policy"*) ok "table shows the policy drops" ;;
*) fail "table shows the policy drops" "$out" ;; esac
check_eq "stats CONTAINER shows one container" "web-2" \
	"$("$NETCTL" stats web-2 --json | jq -r '[.networks[].containers[].name] | join(" ")')"
check_eq "stats by address" "pg" \
	"$("$NETCTL" stats "$(addr pg)" --json | jq -r '.networks[0].containers[0].name')"
"$NETCTL" stats nosuch >/dev/null 2>&1
check_eq "stats of an unknown name: exit 1" 1 $?
out=$("$NETCTL" stats web-1 --watch 1 --count 2)
check_eq "--watch 1 --count 2: two tables, the second with rates" "2 1" \
	"$(echo "$out" | grep -c '^NETWORK') $(echo "$out" | grep -c 'RX_B/S')"

for n in web-1 web-2 pg misc; do
	check "DEL $n" "$NETCTL" cni del "$T/web.conflist" "/run/netns/$n" --id "id-$n"
done
done_testing
