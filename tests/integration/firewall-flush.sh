#!/usr/bin/env bash
# Someone flushes our table (`nft flush table inet netctl`: the chains and sets stay,
# every rule goes, and the network is silently wide open). CHECK must say so, and the
# next ADD on the network puts the rules back, the compiled policy included, so what
# the policy forbids is forbidden again. (Other networks of ours get theirs back at
# their next ADD or from `netctl gc`: only their own config says how.)
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"

[ -x "$BIN/firewall" ] || { fail "firewall plugin is built" "$BIN/firewall missing"; done_testing; exit 1; }
# rules : forward's and network web's chains, counters left out
rules() {
	local c
	for c in forward net-web-from net-web-to net-web-policy; do
		nft list chain inet netctl $c | sed 's/packets [0-9]* bytes [0-9]*//'
	done
}

mkdir -p /etc/netctl/policy.d
cat >/etc/netctl/policy.d/web.json <<'JSON'
{ "version": 1, "network": "web", "icc": false,
  "groups": { "frontend": ["web-*"], "db": ["pg"] },
  "allow": [ { "from": "frontend", "to": "db", "ports": ["5432/tcp"] } ] }
JSON
net_up br-w 10.30.0.1/24
net_up br-o 10.31.0.1/24
ctr web-1 br-w 10.30.0.2/24 10.30.0.1
ctr pg br-w 10.30.0.3/24 10.30.0.1
ctr web-2 br-w 10.30.0.4/24 10.30.0.1
ctr other br-o 10.31.0.2/24 10.31.0.1
check "ADD web-1" fw ADD web br-w web-1 10.30.0.2/24
check "ADD pg" fw ADD web br-w pg 10.30.0.3/24
check "ADD other (network o)" fw ADD o br-o other 10.31.0.2/24
for c in web-1 pg web-2 other; do serve "$c" tcp 5432; serve "$c" tcp 5433; done
sleep 0.6
check "frontend -> db 5432 works" reach web-1 tcp 10.30.0.3 5432
check_fails "frontend -> db 5433 refused" reach web-1 tcp 10.30.0.3 5433
check_fails "other network -> db refused" reach other tcp 10.30.0.3 5432
check "CHECK pg passes" fw CHECK web br-w pg 10.30.0.3/24
before=$(rules)

nft flush table inet netctl
check "after the flush, the forbidden flow goes through (what an unnoticed flush means)" \
	reach web-1 tcp 10.30.0.3 5433
out=$(fw CHECK web br-w pg 10.30.0.3/24)
check_eq "CHECK pg fails: the rules are missing" "the network's firewall rules are missing" \
	"$(jq -r .msg <<<"$out")"
check "CHECK's details say which chain and what puts it back" \
	grep -q 'has no rules.*netctl gc' <<<"$(jq -r .details <<<"$out")"

check "ADD web-2 on the flushed network" fw ADD web br-w web-2 10.30.0.4/24
check "frontend -> db 5432 works again" reach web-1 tcp 10.30.0.3 5432
check "web-2 (frontend) -> db 5432 works" reach web-2 tcp 10.30.0.3 5432
check_fails "frontend -> db 5433 refused again" reach web-1 tcp 10.30.0.3 5433
check_fails "db -> frontend refused again" reach pg tcp 10.30.0.2 5432
check_fails "other network -> db refused again" reach other tcp 10.30.0.3 5432
check "CHECK pg passes again" fw CHECK web br-w pg 10.30.0.3/24
check_eq "forward and web's chains are what they were" "$before" "$(rules)"
# Network o had no ADD since the flush: only its own config knows how to refill it.
check_eq "CHECK of network o's container still says its rules are missing" \
	"the network's firewall rules are missing" "$(fw CHECK o br-o other 10.31.0.2/24 | jq -r .msg)"
stop_servers
fw DEL web br-w web-1 10.30.0.2/24 >/dev/null
fw DEL web br-w pg 10.30.0.3/24 >/dev/null
fw DEL web br-w web-2 10.30.0.4/24 >/dev/null
fw DEL o br-o other 10.31.0.2/24 >/dev/null
check_eq "after the DELs the member sets are empty" "" "$(set_elems members-web)$(set_elems members-o)"
done_testing
