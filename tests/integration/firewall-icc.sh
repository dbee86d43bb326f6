#!/usr/bin/env bash
# firewall plugin, icc=false: nothing between containers of a network but what the
# policy file allows (whitelist); replies pass; gateway and outside still reach; a
# changed policy is applied atomically (an established connection survives, a newly
# forbidden one cannot be opened); invalid policies are refused and change nothing.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"

[ -x "$BIN/firewall" ] || { fail "firewall plugin is built" "$BIN/firewall missing"; done_testing; exit 1; }
nosum() { nft list ruleset | sed 's/packets [0-9]* bytes [0-9]*//'; }

outside_up
# Network q: icc off ("isolated"), no policy file.
net_up br-q 10.20.0.1/24
ctr q1 br-q 10.20.0.2/24 10.20.0.1
ctr q2 br-q 10.20.0.3/24 10.20.0.1
check "ADD q1 (ingressPolicy isolated)" fw ADD q br-q q1 10.20.0.2/24 '"ingressPolicy":"isolated"'
check "ADD q2 (icc false)" fw ADD q br-q q2 10.20.0.3/24 '"icc":false'
check_eq "q1's bridge port is isolated" 1 "$(cat /sys/class/net/vh-q1/brport/isolated)"

# Network web: policy file in the netctl policy dir.
mkdir -p /etc/netctl/policy.d
cat >/etc/netctl/policy.d/web.json <<'JSON'
{
  "version": 1,
  "network": "web",
  "icc": false,
  "groups": { "frontend": ["web-*"], "db": ["pg"] },
  "allow": [
    { "from": "frontend", "to": "db", "ports": ["5432/tcp", "6000/tcp"] }
  ]
}
JSON
net_up br-w 10.30.0.1/24
ctr web-1 br-w 10.30.0.2/24 10.30.0.1
ctr pg br-w 10.30.0.3/24 10.30.0.1
ctr misc br-w 10.30.0.4/24 10.30.0.1
check "ADD web-1" fw ADD web br-w web-1 10.30.0.2/24
check "ADD pg" fw ADD web br-w pg 10.30.0.3/24
check "ADD misc" fw ADD web br-w misc 10.30.0.4/24
check_eq "group frontend = web-1" 10.30.0.2 "$(set_elems grp-web-frontend)"
check_eq "group db = pg" 10.30.0.3 "$(set_elems grp-web-db)"

for c in q1 q2 web-1 pg misc; do
	serve "$c" tcp 5432; serve "$c" udp 5432; serve "$c" tcp 5433; serve "$c" tcp 6000
done
serve - tcp 5432
serve out tcp 5432
sleep 0.6

for brnf in 1 0; do
	echo "$brnf" >/proc/sys/net/bridge/bridge-nf-call-iptables
	w="(bridge-nf-call-iptables=$brnf)"
	check_fails "icc off, no policy: q1 -> q2 TCP refused $w" reach q1 tcp 10.20.0.3 5432
	check_fails "icc off, no policy: q2 -> q1 UDP refused $w" reach q2 udp 10.20.0.2 5432
	check_fails "icc off, no policy: ping q1 -> q2 refused $w" ip netns exec q1 ping -c 1 -W 1 10.20.0.3
	check_fails "icc off: host services on the gateway closed (host access dns) $w" \
		reach q1 tcp 10.20.0.1 5432
	check "icc off: outside reachable from q1 $w" reach q1 tcp 192.168.50.2 5432
	check "policy: frontend -> db 5432/tcp works $w" reach web-1 tcp 10.30.0.3 5432
	check_fails "policy: db -> frontend 5432/tcp refused $w" reach pg tcp 10.30.0.2 5432
	check_fails "policy: frontend -> db 5433/tcp refused $w" reach web-1 tcp 10.30.0.3 5433
	check_fails "policy: frontend -> db 5432/udp refused $w" reach web-1 udp 10.30.0.3 5432
	check_fails "policy: misc -> db 5432/tcp refused $w" reach misc tcp 10.30.0.3 5432
	check_fails "policy: ping frontend -> db refused $w" ip netns exec web-1 ping -c 1 -W 1 10.30.0.3
	check "policy: outside reachable from pg $w" reach pg tcp 192.168.50.2 5432
done
echo 1 >/proc/sys/net/bridge/bridge-nf-call-iptables
drops=$(nft list chain inet netctl net-web-policy | grep -E '^\s*counter .* drop' | grep -o 'packets [0-9]*' | cut -d' ' -f2)
check "policy drops are counted" test "${drops:-0}" -gt 0
check "frontend -> db 6000/tcp works under policy v1" reach web-1 tcp 10.30.0.3 6000

# Policy v2 drops 6000/tcp. An established 5432 connection must survive the apply.
ip netns exec web-1 /usr/bin/python3 "$PROBE" hold 10.30.0.3 5432 3 >"$T/hold" 2>&1 &
hold=$!
sleep 1
# v2: 6000/tcp gone, and a new group "tools" (misc, already running) may reach db 5433.
cat >/etc/netctl/policy.d/web.json <<'JSON'
{
  "version": 1,
  "network": "web",
  "icc": false,
  "groups": { "frontend": ["web-*"], "db": ["pg"], "tools": ["misc"] },
  "allow": [
    { "from": "frontend", "to": "db", "ports": ["5432/tcp"] },
    { "from": "tools", "to": "db", "ports": ["5433/tcp"] }
  ]
}
JSON
ctr web-2 br-w 10.30.0.5/24 10.30.0.1
check "ADD web-2 applies the changed policy" fw ADD web br-w web-2 10.30.0.5/24
wait "$hold"
hs=$?
check_eq "established 5432 connection survived the apply (exchanges: $(cat "$T/hold"))" 0 "$hs"
check_fails "6000/tcp can no longer be opened" reach web-1 tcp 10.30.0.3 6000
check "5432/tcp still opens" reach web-1 tcp 10.30.0.3 5432
check "web-2 (new frontend member) reaches db 5432" reach web-2 tcp 10.30.0.3 5432
check "misc (running before v2, new group tools) reaches db 5433" reach misc tcp 10.30.0.3 5433
check_fails "misc still cannot reach db 5432" reach misc tcp 10.30.0.3 5432
check_eq "group tools was filled from the members' names" 10.30.0.4 "$(set_elems grp-web-tools)"
check_eq "one policy mark chain" 1 "$(nft list table inet netctl | grep -c 'chain pol-web-')"

# Invalid policies: ADD refused with the line/key, nothing changes.
cp /etc/netctl/policy.d/web.json "$T/good.json"
ctr web-3 br-w 10.30.0.6/24 10.30.0.1
bad() {
	local desc=$1 want=$2 snap out
	cat >/etc/netctl/policy.d/web.json
	snap=$(nosum)
	out=$(fw ADD web br-w web-3 10.30.0.6/24)
	check_eq "invalid policy ($desc): code 7" 7 "$(echo "$out" | jq -r .code)"
	case $(echo "$out" | jq -r .details) in *"$want"*) ok "invalid policy ($desc): error names $want" ;;
	*) fail "invalid policy ($desc): error names $want" "$out" ;; esac
	check_eq "invalid policy ($desc): nothing changed" "$snap" "$(nosum)"
}
bad "unknown group" "line 4: allow[0].to" <<'JSON'
{ "version": 1,
  "groups": { "frontend": ["web-*"] },
  "allow": [ { "from": "frontend",
               "to": "nosuch" } ] }
JSON
bad "bad port" "line 3: allow[0].ports[0]" <<'JSON'
{ "version": 1, "groups": { "a": ["x"] },
  "allow": [ { "from": "a", "to": "a",
    "ports": ["99999/tcp"] } ] }
JSON
bad "reversed range" "reversed range" <<'JSON'
{ "version": 1, "groups": { "a": ["x"] },
  "allow": [ { "from": "a", "to": "a", "ports": ["90-80/tcp"] } ] }
JSON
bad "duplicate group" "line 3: duplicate object key" <<'JSON'
{ "version": 1,
  "groups": { "a": ["x"],
              "a": ["y"] } }
JSON
bad "wrong version" "line 2: version" <<'JSON'
{
  "version": 3 }
JSON
{ printf '{"version":1,"groups":{"a":["x"]},"allow":['; head -c 1100000 /dev/zero | tr '\0' ' '; printf ']}'; } >"$T/big.json"
bad "over 1 MiB" "limit" <"$T/big.json"
cp "$T/good.json" /etc/netctl/policy.d/web.json

# DEL everything: sets empty, idempotent.
for c in web-1:10.30.0.2 pg:10.30.0.3 misc:10.30.0.4 web-2:10.30.0.5; do
	check "DEL ${c%%:*}" fw DEL web br-w "${c%%:*}" "${c#*:}/24"
done
check "DEL web-3 (never added)" fw DEL web br-w web-3 10.30.0.6/24
check "DEL q1" fw DEL q br-q q1 10.20.0.2/24
check "DEL q2" fw DEL q br-q q2 10.20.0.3/24
check_eq "all member and group sets empty" "" \
	"$(for s in members-web members-q grp-web-frontend grp-web-db grp-web-tools; do set_elems $s; done)"
stop_servers
done_testing
