#!/usr/bin/env bash
# netctl create / connect / rm on networks netctl writes itself: default subnets,
# real pings inside a network and none across two, icc=false, the bad input matrix
# (one line, non-zero exit, nothing changed: conflists, links, nft table), rm refusing
# while containers are attached and --force leaving nothing.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/cli.sh"

NETCTL=$BIN/netctl
export NETCTL_CONFDIR=$T/conf NETCTL_STATEDIR=$T/state CNI_PATH=$BIN
export NETCTL_AUDIT_FILE=$T/audit.log
[ -x "$NETCTL" ] || { fail "netctl is built" "missing $NETCTL"; done_testing; exit 1; }
ND=$NETCTL_CONFDIR/net.d

out=$("$NETCTL" create web 2>&1)
check_eq "create web: exit 0" 0 $?
check_eq "create web: says what it made" "created network web: bridge nctl-web, subnets 10.88.0.0/24, icc on, host access all" "$out"
check "the conflist is valid JSON" jq -e . "$ND/web.conflist"
# portmap, bandwidth and dnsname join the chain when their binaries are in CNI_PATH.
want="bridge firewall"
for p in portmap bandwidth dnsname; do [ -x "$BIN/$p" ] && want="$want $p"; done
check_eq "plugins of the chain" "$want" "$(jq -r '[.plugins[].type] | join(" ")' "$ND/web.conflist")"
caps=$(jq -c '[.plugins[] | select(.capabilities) | {(.type): .capabilities}] | add' "$ND/web.conflist")
case $caps in *'"bridge":{"ips":true}'*) ok "bridge declares the ips capability" ;; *) fail "bridge declares the ips capability" "$caps" ;; esac
[ ! -x "$BIN/portmap" ] || case $caps in *'"portmap":{"portMappings":true}'*) ok "portmap declares portMappings" ;; *) fail "portmap declares portMappings" "$caps" ;; esac
[ ! -x "$BIN/bandwidth" ] || case $caps in *'"bandwidth":{"bandwidth":true}'*) ok "bandwidth declares bandwidth" ;; *) fail "bandwidth declares bandwidth" "$caps" ;; esac
check_eq "cniVersions" '1.0.0 1.0.0,1.1.0' "$(jq -r '.cniVersion + " " + (.cniVersions | join(","))' "$ND/web.conflist")"
check "the bridge exists and is up" sh -c "ip -o link show nctl-web | grep -q 'UP'"
check_eq "the bridge's MAC is set explicitly (stays put as ports come and go)" 3 \
	"$(cat /sys/class/net/nctl-web/addr_assign_type)"
mac=$(cat /sys/class/net/nctl-web/address)
check "create db: second default /24, icc off, masquerade, mtu" \
	"$NETCTL" create db --icc=false --masquerade --mtu 1400
check_eq "db got 10.88.1.0/24" "10.88.1.0/24" "$(jq -r '.plugins[0].ipam.ranges[0][0].subnet' "$ND/db.conflist")"
check_eq "db: icc false, ipMasq true, mtu 1400" "false true 1400" \
	"$(jq -r '"\(.plugins[1].icc) \(.plugins[0].ipMasq) \(.plugins[0].mtu)"' "$ND/db.conflist")"
check "create v6 with two subnets, a gateway and a bridge name" "$NETCTL" create v6net \
	--subnet 10.77.0.0/24 --subnet fd77::/64 --gateway 10.77.0.254 --bridge brv6
check_eq "v6net ranges" "10.77.0.0/24 fd77::/64 10.77.0.254" \
	"$(jq -r '[.plugins[0].ipam.ranges[][0].subnet] + [.plugins[0].ipam.ranges[0][0].gateway] | join(" ")' "$ND/v6net.conflist")"
printf 'default_subnet_pool = 10.66.0.0/16\n' >"$NETCTL_CONFDIR/netctl.conf"
check "create with a pool from netctl.conf" "$NETCTL" create pooled --ipv6
check_eq "pooled: the pool's first /24, and a /64" "10.66.0.0/24 fd88::/64" \
	"$(jq -r '[.plugins[0].ipam.ranges[][0].subnet] | join(" ")' "$ND/pooled.conflist")"
rm "$NETCTL_CONFDIR/netctl.conf"
check_eq "policyDir is <confdir>/policy.d" "$NETCTL_CONFDIR/policy.d" "$(jq -r '.plugins[1].policyDir' "$ND/web.conflist")"
(cd "$T" && NETCTL_CONFDIR=conf "$NETCTL" create relconf --subnet 10.79.0.0/24 >/dev/null)
check_eq "a relative --confdir still writes an absolute policyDir" "$T/conf/policy.d" \
	"$(jq -r '.plugins[1].policyDir' "$ND/relconf.conflist")"
check "rm relconf" "$NETCTL" rm relconf

# --- bad input: one line, non-zero, nothing changed ---
snap() {
	ls -l "$ND" | md5sum
	cat "$ND"/* | md5sum
	ip -o link show | awk '{print $2}' | sort
	ls -R "$NETCTL_STATEDIR" 2>/dev/null
	nft list ruleset | sed 's/packets [0-9]* bytes [0-9]*//'
}
mkns c1
before=$(snap)
cli_bad 1 "duplicate name" create web --subnet 10.50.0.0/24
cli_bad 1 "subnet overlap" create other --subnet 10.88.0.128/25
cli_bad 1 "subnet overlap (IPv6)" create other --subnet fd77::/48
cli_bad 2 "bad CIDR" create other --subnet 10.1.2.0/33
cli_bad 2 "bad CIDR (junk)" create other --subnet nonsense
cli_bad 2 "bad network name" create '../etc'
cli_bad 2 "bad --icc" create other --icc=maybe
cli_bad 2 "bad --mtu" create other --mtu 12
cli_bad 1 "gateway outside the subnets" create other --subnet 10.51.0.0/24 --gateway 10.52.0.1
cli_bad 1 "bridge of another network" create other --subnet 10.51.0.0/24 --bridge nctl-web
cli_bad 2 "unknown option" create other --frob
cli_bad 1 "connect: unknown network" connect nosuch c1
cli_bad 1 "connect: netns that does not exist" connect web nosuchns
cli_bad 2 "connect: bad port" connect web c1 --publish 8080:0/tcp
cli_bad 2 "connect: bad protocol" connect web c1 --publish 8080:80/icmp
cli_bad 1 "rm: unknown network" rm nosuch
[ -x "$BIN/portmap" ] || cli_bad 1 "connect --publish to a network without portmap" connect web c1 --publish 8080:80
check_eq "bad input changed nothing" "$before" "$(snap)"
mkdir -p "$T/cni-min" && ln -sf "$BIN"/{bridge,host-local,firewall} "$T/cni-min/"
check "create a network in a CNI_PATH without bandwidth" env CNI_PATH="$T/cni-min" "$NETCTL" create nobw
nobw_before=$(snap)
cli_bad 1 "connect --rate-in to a network without bandwidth" connect nobw c1 --rate-in 1mbit
check_eq "...says what to do" "netctl connect: nobw: no plugin of this network's chain limits rates: no plugin declares the bandwidth capability (a bandwidth plugin): recreate the network with bandwidth in CNI_PATH, or connect without --rate-in/--rate-out" \
	"$("$NETCTL" connect nobw c1 --rate-in 1mbit 2>&1)"
check_eq "the refused connects changed nothing" "$nobw_before" "$(snap)"
check "rm nobw" "$NETCTL" rm nobw

# --- containers: pings inside a network, none across ---
for n in w1 w2; do mkns $n; check "connect $n to web" "$NETCTL" connect web $n; done
for n in d1 d2; do mkns $n; check "connect $n to db" "$NETCTL" connect db $n; done
addr() { ip -n "$1" -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1; }
check "w1 pings w2 (same network)" ip netns exec w1 ping -c1 -W2 "$(addr w2)"
check_fails "w1 cannot reach d1 (another network)" ip netns exec w1 ping -c1 -W1 "$(addr d1)"
check_fails "d1 cannot reach d2 (icc off)" ip netns exec d1 ping -c1 -W1 "$(addr d2)"
check_eq "db containers have MTU 1400" 1400 "$(cat /sys/class/net/nctl-db/mtu 2>/dev/null || ip -n d1 -o link show eth0 | sed 's/.*mtu \([0-9]*\).*/\1/')"
check "check (all attachments)" "$NETCTL" check
check_eq "--masquerade: db's containers are in its masquerade set" "$(printf '%s\n' "$(addr d1)" "$(addr d2)" | sort | tr '\n' ' ')" \
	"$(nft -j list set inet netctl masq-db | jq -r '.nftables[1].set.elem[] | if type == "object" then .elem.val else . end' | sort | tr '\n' ' ')"
check_eq "the bridge kept its MAC with ports added" "$mac" "$(cat /sys/class/net/nctl-web/address)"

# --- ls and inspect ---
out=$("$NETCTL" ls)
check_eq "ls: header" "NAME BRIDGE SUBNETS ICC CONTAINERS" "$(printf '%s\n' "$out" | head -1 | tr -s ' ')"
check_eq "ls: web row" "web nctl-web 10.88.0.0/24 on 2" "$(printf '%s\n' "$out" | grep '^web ' | tr -s ' ')"
check_eq "ls: db row" "db nctl-db 10.88.1.0/24 off 2" "$(printf '%s\n' "$out" | grep '^db ' | tr -s ' ')"
check_eq "ls: v6net row" "v6net brv6 10.77.0.0/24,fd77::/64 on 0" "$(printf '%s\n' "$out" | grep '^v6net ' | tr -s ' ')"
js=$("$NETCTL" ls --json)
check_eq "ls --json: names and counts" "db:2 pooled:0 v6net:0 web:2" \
	"$(printf '%s' "$js" | jq -r '[.[] | "\(.name):\(.containers)"] | join(" ")')"
check_eq "ls --json: stable fields" '["bridge","conflist","containers","dns","host_access","icc","masquerade","mtu","name","plugins","policy","routed","subnets"]' \
	"$(printf '%s' "$js" | jq -c '.[0] | keys')"
check_eq "ls --json: db fields" "nctl-db false true 1400 $want" \
	"$(printf '%s' "$js" | jq -c -r '.[] | select(.name=="db") | "\(.bridge) \(.icc) \(.masquerade) \(.mtu) \(.plugins | join(" "))"')"
js=$("$NETCTL" inspect web --json)
check_eq "inspect NET --json: containers by name" "w1 w2" "$(printf '%s' "$js" | jq -r '[.containers[].name] | sort | join(" ")')"
check_eq "inspect NET --json: attachment fields" '["aliases","bandwidth","container_id","host_veth","ifname","ips","mac","name","netns","network","port_mappings"]' \
	"$(printf '%s' "$js" | jq -c '.containers[0] | keys')"
check_eq "inspect NET --json: w1's address" "$(addr w1)/24" "$(printf '%s' "$js" | jq -r '.containers[] | select(.name=="w1") | .ips[0]')"
check_eq "inspect NET --json: w1's MAC" "$(ip -n w1 -o link show eth0 | sed 's/.*ether \([0-9a-f:]*\).*/\1/')" \
	"$(printf '%s' "$js" | jq -r '.containers[] | select(.name=="w1") | .mac')"
out=$("$NETCTL" inspect web)
case $out in *"network     web"*"bridge      nctl-web"*"icc         on"*"containers  2"*"w1 "*"$(addr w1)/24"*) ok "inspect NET: human form" ;;
*) fail "inspect NET: human form" "$out" ;; esac
js=$("$NETCTL" inspect d1 --json)
check_eq "inspect CONTAINER (netns name) --json" "d1 db $(addr d1)/24" \
	"$(printf '%s' "$js" | jq -r '"\(.container) \(.attachments[0].network) \(.attachments[0].ips[0])"')"
id=$(printf '%s' "$js" | jq -r '.attachments[0].container_id')
check_eq "inspect CONTAINER by its ID" "d1" "$("$NETCTL" inspect "$id" --json | jq -r '.attachments[0].name')"
check_eq "inspect CONTAINER by its netns path" "$id" "$("$NETCTL" inspect /run/netns/d1 --json | jq -r '.attachments[0].container_id')"
hv=$("$NETCTL" inspect web --json | jq -r '.containers[] | select(.name=="w1") | .host_veth')
check_eq "inspect NET --json: w1's host veth is its peer" "$(ip -n w1 -o link show eth0 | sed 's/.*@if\([0-9]*\):.*/\1/')" \
	"$(cat /sys/class/net/"$hv"/ifindex 2>/dev/null)"

# --- rates: the bandwidth capability reaches the bandwidth plugin ---
if [ -x "$BIN/bandwidth" ]; then
	mkns w3
	check "connect w3 with --rate-in 10mbit --rate-out 5mbit" "$NETCTL" connect web w3 \
		--rate-in 10mbit --rate-out 5mbit
	js=$("$NETCTL" inspect w3 --json)
	check_eq "inspect shows the rates and buckets" '{"egressBurst":131072,"egressRate":5000000,"ingressBurst":131072,"ingressRate":10000000}' \
		"$(printf '%s' "$js" | jq -c -S '.attachments[0].bandwidth')"
	qd=$(tc qdisc show; for l in $(ls /sys/class/net); do tc qdisc show dev "$l"; done)
	case $qd in *"rate 10Mbit"*) ok "a 10Mbit TBF is installed" ;; *) fail "a 10Mbit TBF is installed" "$qd" ;; esac
	case $qd in *"rate 5Mbit"*) ok "a 5Mbit TBF is installed" ;; *) fail "a 5Mbit TBF is installed" "$qd" ;; esac
	check "disconnect w3" "$NETCTL" disconnect web w3
	qd=$(tc qdisc show | grep -c tbf)
	check_eq "no TBF left after disconnect" 0 "$qd"
else
	fail "the bandwidth plugin is built" "no $BIN/bandwidth: --rate-in/--rate-out untested"
fi
# --- a published port: the portMappings capability reaches portmap ---
PROBE=$ROOT/tests/integration/fwlib/probe.py
if [ -x "$BIN/portmap" ]; then
	mkns w4
	mkns w5
	check "connect w4 --publish 8080:80" "$NETCTL" connect web w4 --publish 8080:80
	ip netns exec w4 python3 "$PROBE" serve tcp 80 &
	srv=$!
	for i in $(seq 50); do ip netns exec w4 ss -ltn | grep -q ':80 ' && break; sleep 0.05; done
	check "published 8080 -> w4:80, reached from the host" timeout 3 python3 "$PROBE" connect tcp 10.88.0.1 8080
	check_eq "inspect shows the mapping" '[{"containerPort":80,"hostPort":8080,"protocol":"tcp"}]' \
		"$("$NETCTL" inspect w4 --json | jq -c -S '.attachments[0].port_mappings')"
	before=$(snap)
	cli_bad 1 "a host port another container publishes" connect web w5 --publish 8080:81
	check_eq "the refused publish changed nothing" "$before" "$(snap)"
	kill $srv; wait $srv 2>/dev/null
	check "disconnect w4" "$NETCTL" disconnect web w4
	check_fails "8080 is not published any more" timeout 2 python3 "$PROBE" connect tcp 10.88.0.1 8080
else
	fail "the portmap plugin is built" "no $BIN/portmap: --publish untested"
fi
out=$("$NETCTL" inspect nosuch 2>&1)
check_eq "inspect of nothing: exit 1" 1 $?
check_eq "inspect of nothing: one line" 'netctl inspect: no network and no attached container "nosuch" (see `netctl ls`)' "$out"

# a policy on db (icc off): d1 may ping d2, its group sets and chains are db's
cat >"$T/db.json" <<'JSON'
{ "version": 1, "network": "db", "groups": { "a": ["d1"], "b": ["d2"] },
  "allow": [ { "from": "a", "to": "b" } ] }
JSON
check "policy apply db" "$NETCTL" policy apply db "$T/db.json"
check "with the policy d1 pings d2" ip netns exec d1 ping -c1 -W2 "$(addr d2)"
check "db has group sets" sh -c "nft list table inet netctl | grep -q 'set grp-db-a '"

# --- rm: refused with containers, --force removes everything ---
before=$(snap)
out=$("$NETCTL" rm web 2>&1)
check_eq "rm with containers: exit 1" 1 $?
check_eq "rm with containers: the reason" "netctl rm: web: 2 containers are attached: \`netctl disconnect\` them first, or rm --force" "$out"
check_eq "the refused rm changed nothing" "$before" "$(snap)"
check "disconnect w2" "$NETCTL" disconnect web w2
out=$("$NETCTL" rm web --force)
check_eq "rm --force" "removed network web (its containers disconnected)" "$out"
check_fails "web's bridge is gone" ip link show nctl-web
check_fails "web's conflist is gone" test -e "$ND/web.conflist"
check_eq "web's store is gone" "" "$(ls /var/lib/cni/networks/ 2>/dev/null | grep -x web)"
check_eq "no web cache entry" "" "$(ls -A "$NETCTL_STATEDIR/results" | grep web)"
check_eq "no web object in nft" "" "$(nft list table inet netctl | grep -- '-web\b\|"nctl-web"')"
check_eq "no eth0 in w1" "" "$(ip -n w1 -o link show eth0 2>/dev/null)"
check "d1 still pings the gateway" ip netns exec d1 ping -c1 -W2 10.88.1.1
check "rm db --force" "$NETCTL" rm db --force
check_fails "db's policy file is gone" test -e "$NETCTL_CONFDIR/policy.d/db.json"
for n in v6net pooled; do check "rm $n" "$NETCTL" rm $n; done
# a conflist that cannot be read: ls says so, rm refuses, rm --force removes it
printf '{ "cniVersion": "1.0.0", "name": "broken", "plugins": [ { "type": ' >"$ND/broken.conflist"
case $("$NETCTL" ls) in *"broken"*"(unreadable: "*) ok "ls: an unreadable network is shown as such" ;;
*) fail "ls: an unreadable network is shown as such" "$("$NETCTL" ls)" ;; esac
cli_bad 1 "rm of an unreadable network" rm broken
check_eq "...and says --force" 1 "$("$NETCTL" rm broken 2>&1 | grep -c 'rm --force removes what it can')"
out=$("$NETCTL" rm broken --force)
check_eq "rm --force of an unreadable network: exit 0" 0 $?
case $out in "removed network broken (its conflist was unreadable: "*) ok "rm --force says what it could not do" ;;
*) fail "rm --force says what it could not do" "$out" ;; esac
check_fails "the unreadable conflist is gone" test -e "$ND/broken.conflist"

# concurrent creates serialise: distinct default subnets, distinct bridges
for i in 1 2 3 4 5 6 7 8; do "$NETCTL" create "par$i" >/dev/null 2>"$T/par$i.err" & done
wait
check_eq "8 concurrent creates: 8 networks" 8 "$(ls "$ND" | grep -c '^par')"
check_eq "...with 8 distinct subnets" 8 \
	"$(cat "$ND"/par*.conflist | jq -r '.plugins[0].ipam.ranges[0][0].subnet' | sort -u | wc -l)"
for i in 1 2 3 4 5 6 7 8; do "$NETCTL" rm "par$i" >/dev/null & done
wait
check_eq "8 concurrent rms: none left" 0 "$(ls "$ND" | grep -c '^par')"
check_eq "nothing left in net.d" "" "$(ls "$ND")"
check_eq "no veth, no bridge left" "lo" "$(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ' | sed 's/ $//')"
check_eq "no cache entry left" "" "$(ls "$NETCTL_STATEDIR/results")"
check_eq "no store left" "" "$(ls /var/lib/cni/networks 2>/dev/null)"
left=$(nft list table inet netctl 2>/dev/null | grep -E 'set (members|masq|grp)|chain (net|nat|pol)-')
check_eq "no network's set or chain left in table inet netctl" "" "$left"
grep -q '^netctl: op=rm net=db result=ok$' "$T/audit.log" && ok "audit: rm line" || fail "audit: rm line" "$(grep op=rm "$T/audit.log")"
grep -q '^netctl: op=create net=web result=ok bridge=nctl-web subnets=10.88.0.0/24$' "$T/audit.log" &&
	ok "audit: create line" || fail "audit: create line" "$(grep op=create "$T/audit.log")"
grep -q '^netctl: op=rm-disconnect net=web container=netctl-[0-9a-f]* ifname=eth0 result=ok' "$T/audit.log" &&
	ok "audit: rm --force disconnect line" || fail "audit: rm --force disconnect line"
done_testing
