#!/usr/bin/env bash
# The real chain, as libcni runs it: bridge (ipMasq) + host-local, then firewall with
# the bridge's result as prevResult; icc=false with a policy file. Whitelist holds with
# the bridge plugin's interfaces; DEL in reverse leaves no element behind.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"

for p in bridge host-local firewall; do
	[ -x "$BIN/$p" ] || { fail "$p plugin is built" "$BIN/$p missing"; done_testing; exit 1; }
done
mkdir -p /etc/netctl/policy.d
cat >/etc/netctl/policy.d/web.json <<'JSON'
{ "version": 1, "network": "web", "icc": false,
  "groups": { "frontend": ["web-*"], "db": ["pg"] },
  "allow": [ { "from": "frontend", "to": "db", "ports": ["5432/tcp"] } ] }
JSON
br='{"cniVersion":"1.0.0","name":"web","type":"bridge","bridge":"netctl-web","isGateway":true,
 "ipMasq":true,"ipam":{"type":"host-local","subnet":"10.91.0.0/24","routes":[{"dst":"0.0.0.0/0"}]}}'
outside_up

# chain CMD NAME : bridge then firewall (ADD), or firewall then bridge (DEL).
chain() {
	local cmd=$1 n=$2 res fw
	if [ "$cmd" = ADD ]; then
		res=$(echo "$br" | CNI_ARGS="K8S_POD_NAME=$n" plugin bridge ADD "id-$n" "/run/netns/$n" eth0) ||
			{ echo "$res"; return 1; }
		echo "$res" >"$T/res-$n"
	fi
	fw=$(printf '{"cniVersion":"1.0.0","name":"web","type":"firewall","ingressPolicy":"isolated","prevResult":%s}' \
		"$(cat "$T/res-$n")")
	echo "$fw" | CNI_ARGS="K8S_POD_NAME=$n" plugin firewall "$cmd" "id-$n" "/run/netns/$n" eth0 || return 1
	if [ "$cmd" = DEL ]; then
		echo "$br" | plugin bridge DEL "id-$n" "/run/netns/$n" eth0 || return 1
	fi
}
addr() { ip -n "$1" -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1; }

for n in web-1 pg misc; do
	mkns "$n"
	check "chain ADD $n" chain ADD "$n"
done
pg=$(addr pg) web=$(addr web-1)
for n in web-1 pg misc; do serve "$n" tcp 5432; serve "$n" tcp 5433; done
serve out tcp 5432
sleep 0.5
for brnf in 1 0; do
	echo "$brnf" >/proc/sys/net/bridge/bridge-nf-call-iptables
	w="(bridge-nf-call-iptables=$brnf)"
	check "frontend -> db 5432 $w" reach web-1 tcp "$pg" 5432
	check_fails "frontend -> db 5433 refused $w" reach web-1 tcp "$pg" 5433
	check_fails "db -> frontend refused $w" reach pg tcp "$web" 5432
	check_fails "misc -> db refused $w" reach misc tcp "$pg" 5432
	check "outside reachable from db $w" reach pg tcp 192.168.50.2 5432
done
for n in web-1 pg misc; do check "chain DEL $n" chain DEL "$n"; done
check_eq "no element left in any set" "" \
	"$(for s in members-web grp-web-frontend grp-web-db masq-web; do set_elems $s; done)"
stop_servers
done_testing
