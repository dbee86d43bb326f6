#!/usr/bin/env bash
# tuning plugin: every key (sysctl with IFNAME, mac, mtu, promisc, allmulti, txQLen,
# dataDir; mac also from runtimeConfig, CNI_ARGS and args.cni) applied in the
# container's netns, the result passed through with the new MAC, real packets after the
# MAC change, CHECK fails after drift, DEL restores every original value, bad input
# refused with code 7 and nothing changed; the reference's own test shapes in every
# version; side by side with /usr/lib/cni/tuning (and DEL of what the other saved); GC.
. "$(dirname "$0")/../lib/common.sh"

[ -x "$BIN/tuning" ] || { fail "tuning plugin is built" "$BIN/tuning missing"; done_testing; exit 1; }
D=$T/tuning
mkns c1
ip link add vh1 type veth peer name eth0 netns c1
ip addr add 10.99.0.1/24 dev vh1
ip link set vh1 up
ip -n c1 addr add 10.99.0.2/24 dev eth0
ip -n c1 link set eth0 up
MAC0=$(ip -n c1 -j link show eth0 | jq -r '.[0].address')

# conf KEYS [VERSION] [PREV]: a tuning config after a bridge-like plugin's result.
PREV1='{"cniVersion":"1.0.0","interfaces":[{"name":"vh1"},{"name":"eth0","mac":"'$MAC0'","sandbox":"/run/netns/c1"}],
 "ips":[{"address":"10.99.0.2/24","gateway":"10.99.0.1","interface":1}]}'
conf() {
	printf '{"cniVersion":"%s","name":"tunenet","type":"tuning","dataDir":"%s"%s,"prevResult":%s}' \
		"${2:-1.0.0}" "$D" "${1:+,$1}" "${3:-$PREV1}"
}
tu() { conf "$2" | plugin tuning "$1" id-c1 /run/netns/c1 eth0; }
sys() { ip netns exec c1 cat "/proc/sys/$1" | tr -s '\t ' ' '; }
# the state a user would look at: link attributes, the sysctls we touch, dataDir
snapshot() {
	ip -n c1 -j -d link show eth0 | jq -c '.[0] | [.address, .mtu, .promiscuity, (.flags | index("ALLMULTI") != null), .txqlen]'
	for k in net/ipv4/conf/eth0/arp_filter net/core/somaxconn net/ipv4/tcp_rmem net/ipv4/conf/eth0/arp_ignore; do sys $k; done
	ls "$D" 2>/dev/null
}
BEFORE=$(snapshot)

ALL='"sysctl":{"net.ipv4.conf.IFNAME.arp_filter":"1","net.core.somaxconn":"512","net.ipv4.tcp_rmem":"4096 87380 6291456"},
 "mac":"c2:11:22:33:44:55","mtu":1400,"promisc":true,"allmulti":true,"txQLen":500'
out=$(tu ADD "$ALL")
check_eq "ADD with every key succeeds" "" "$(echo "$out" | jq -r '.code // empty')"
check_eq "eth0: the MAC, MTU 1400, promiscuous, all-multicast, txqueuelen 500" \
	'["c2:11:22:33:44:55",1400,1,true,500]' \
	"$(ip -n c1 -j -d link show eth0 | jq -c '.[0] | [.address, .mtu, .promiscuity, (.flags | index("ALLMULTI") != null), .txqlen]')"
check_eq "sysctls in the container's netns (IFNAME = eth0)" "1 512 4096 87380 6291456" \
	"$(sys net/ipv4/conf/eth0/arp_filter) $(sys net/core/somaxconn) $(sys net/ipv4/tcp_rmem)"
check_eq "... and not on the host" "0" "$(cat /proc/sys/net/ipv4/conf/vh1/arp_filter)"
check_eq "result: prevResult passed through, eth0's MAC updated" \
	"vh1  eth0 c2:11:22:33:44:55 10.99.0.2/24 10.99.0.1" \
	"$(echo "$out" | jq -r '[.interfaces[0].name, (.interfaces[0].mac // ""), .interfaces[1].name, .interfaces[1].mac, .ips[0].address, .ips[0].gateway] | join(" ")')"
check_eq "state saved under dataDir with the reference's keys" \
	"$MAC0 1500 false false 1000" \
	"$(jq -r '"\(.mac) \(.mtu) \(.promisc) \(.allmulti) \(.txQLen)"' "$D/id-c1_eth0.json")"
ip neigh flush dev vh1
check "ping through the new MAC" ip netns exec c1 ping -c1 -W2 10.99.0.1
check_eq "the host learned the new MAC" "c2:11:22:33:44:55" \
	"$(ip -j neigh show dev vh1 10.99.0.2 | jq -r '.[0].lladdr')"
check "CHECK passes" tu CHECK "$ALL"
check "ADD again (a retry) keeps the first originals" tu ADD "$ALL"
check_eq "... the saved MTU is still the original" 1500 "$(jq -r .mtu "$D/id-c1_eth0.json")"

# drift: CHECK names it
drift() {
	local what=$1 undo=$2 want=$3
	shift 3
	"$@"
	out=$(tu CHECK "$ALL")
	if echo "$out" | jq -e --arg w "$want" '.code == 5 and (.details | contains($w))' >/dev/null; then
		ok "CHECK fails after drift: $what"
	else
		fail "CHECK fails after drift: $what" "$out"
	fi
	eval "$undo"
}
drift "MTU" "ip -n c1 link set eth0 mtu 1400" "MTU 1300" ip -n c1 link set eth0 mtu 1300
drift "MAC" "ip -n c1 link set eth0 address c2:11:22:33:44:55" "MAC c2:11:22:33:44:66" \
	ip -n c1 link set eth0 address c2:11:22:33:44:66
drift "promisc off" "ip -n c1 link set eth0 promisc on" "not promiscuous" ip -n c1 link set eth0 promisc off
drift "allmulti off" "ip -n c1 link set eth0 allmulticast on" "all-multicast off" ip -n c1 link set eth0 allmulticast off
drift "txqueuelen" "ip -n c1 link set eth0 txqueuelen 500" "txqueuelen 900" ip -n c1 link set eth0 txqueuelen 900
drift "a sysctl" "ip netns exec c1 sysctl -qw net.core.somaxconn=512" '"net.core.somaxconn" is "100"' \
	ip netns exec c1 sysctl -qw net.core.somaxconn=100
check "CHECK passes again" tu CHECK "$ALL"

check "DEL" tu DEL "$ALL"
check_eq "DEL restored every value and removed the state" "$BEFORE" "$(snapshot)"
check "DEL again (idempotent)" tu DEL "$ALL"
ip neigh flush dev vh1
check "ping with the original MAC" ip netns exec c1 ping -c1 -W2 10.99.0.1

# Bad input: code 7 naming the problem, nothing changed (an MTU asked in the same config).
refused() {
	local keys=$1 want=$2 out
	out=$(tu ADD "\"args\":{\"cni\":{\"mtu\":1300}},$keys")
	if echo "$out" | jq -e --arg w "$want" '.code == 7 and ((.msg + " " + .details) | contains($w))' >/dev/null &&
		[ "$(snapshot)" = "$BEFORE" ]; then
		ok "refused (code 7), nothing changed: $keys"
	else
		fail "refused (code 7), nothing changed: $keys" "$out" "$(snapshot)"
	fi
}
refused '"sysctl":{"kernel.hostname":"x"}' "only the network namespace's net.* sysctls"
refused '"sysctl":{"net.ipv4.conf.eth0.arp_filter":"1","net/../kernel/hostname":"x"}' '".." parts are not allowed'
refused '"sysctl":{"net..core.somaxconn":"1"}' "empty"
refused '"sysctl":{"net.core.somaxconn/..":"1"}' '".." parts'
refused '"sysctl":{"/proc/sys/net/core/somaxconn":"1"}' "not allowed"
refused '"sysctl":{"net":"1"}' "net.*"
refused '"sysctl":{"net.ipv4.no_such_thing":"1"}' "no such sysctl"
refused '"sysctl":{"net.core.somaxconn":512}' "must be a string"
refused '"sysctl":{"net.ipv4.conf.IFNAME.arp_filter":"1","net.core.somaxconn":"abc"}' "net.core.somaxconn"
refused '"mac":"zz:11:22:33:44:55"' "not a MAC address"
refused '"mac":"01:00:5e:00:00:01"' "multicast"
refused '"mtu":10' "at least 68"
refused '"txQLen":-1' "txQLen"
refused '"promisc":"yes"' "promisc"
refused '"allmulti":1' "allmulti"
out=$(printf '{"cniVersion":"1.0.0","name":"tunenet","type":"tuning","dataDir":"rel/dir","mtu":1300,"prevResult":%s}' "$PREV1" |
	plugin tuning ADD id-c1 /run/netns/c1 eth0)
check_eq "a relative dataDir: code 7, nothing changed" "7 $BEFORE" "$(echo "$out" | jq -r .code) $(snapshot)"
out=$(tu ADD '"mtu":70000')
check_eq "mtu 70000 refused with code 7" 7 "$(echo "$out" | jq -r .code)"
# The kernel refusing a change: an IFB that is up cannot change its MAC. The sysctl
# and the MTU set before it are put back, no state is left.
ip -n c1 link add ifb9 type ifb
ip -n c1 link set ifb9 up
out=$(conf '"sysctl":{"net.ipv4.conf.IFNAME.arp_filter":"1"},"mac":"c2:00:00:00:00:09","mtu":1400' |
	plugin tuning ADD id-c1 /run/netns/c1 ifb9)
check_eq "a change the kernel refuses: an error with its words; the sysctl and MTU put back, no state" \
	"error 0 1500 " "$(echo "$out" | jq -r 'if .code then "error" else . end') $(sys net/ipv4/conf/ifb9/arp_filter) $(ip -n c1 -j link show ifb9 | jq -r '.[0].mtu') $(ls "$D")"
ip -n c1 link del ifb9
out=$(conf '"mtu":1400' 1.0.0 null | plugin tuning ADD id-c1 /run/netns/c1 eth0)
check_eq "no prevResult: code 7" 7 "$(echo "$out" | jq -r .code)"
out=$(conf '"mtu":1400,"runtimeConfig":{"portMappings":[]}' | plugin tuning ADD id-c1 /run/netns/c1 eth0)
check_eq "a runtimeConfig entry tuning cannot apply: code 7 naming it" "7 yes" \
	"$(echo "$out" | jq -r '"\(.code) \(if (.details | contains("runtimeConfig.portMappings")) then "yes" else .details end)"')"

# The sysctl allowlist of newer reference releases (/etc/cni/tuning/allowlist.conf, a
# regular expression a line): a private tmpfs over /etc/cni in this mount namespace.
mount -t tmpfs tmpfs /etc/cni
mkdir -p /etc/cni/tuning
printf '%s\n' '^net\.core\.somaxconn$' '^net\.ipv4\.conf\.IFNAME\.[a-z_]+$' >/etc/cni/tuning/allowlist.conf
check "allowlisted sysctls: ADD" tu ADD '"sysctl":{"net.core.somaxconn":"600","net.ipv4.conf.IFNAME.arp_filter":"1"}'
check "... DEL" tu DEL '"sysctl":{"net.core.somaxconn":"600","net.ipv4.conf.IFNAME.arp_filter":"1"}'
out=$(tu ADD '"mtu":1300,"sysctl":{"net.core.somaxconn":"600","net.ipv4.tcp_rmem":"4096 87380 6291456"}')
check_eq "a sysctl the allowlist does not name: code 7 naming it, nothing changed" "7 yes $BEFORE" \
	"$(echo "$out" | jq -r '"\(.code) \(if (.details | contains("net.ipv4.tcp_rmem")) then "yes" else .details end)"') $(snapshot)"
umount /etc/cni

# The MAC from everywhere the reference takes it: CNI_ARGS MAC, runtimeConfig (the mac
# capability, any case as Go reads it), args.cni over both.
mac_from() {
	local what=$1 keys=$2 args=$3 want=$4 out
	out=$(conf "$keys" | CNI_ARGS=$args plugin tuning ADD id-c1 /run/netns/c1 eth0)
	check_eq "mac from $what" "$want $want" \
		"$(ip -n c1 -j link show eth0 | jq -r '.[0].address') $(echo "$out" | jq -r '.interfaces[1].mac')"
	conf "$keys" | CNI_ARGS=$args plugin tuning DEL id-c1 /run/netns/c1 eth0
}
mac_from "CNI_ARGS MAC" '' "IgnoreUnknown=1;MAC=c2:00:00:00:00:01" c2:00:00:00:00:01
mac_from "runtimeConfig.mac over CNI_ARGS" '"RuntimeConfig":{"MAC":"c2:00:00:00:00:02"}' \
	"MAC=c2:00:00:00:00:01" c2:00:00:00:00:02
mac_from "args.cni.mac over both" '"runtimeConfig":{"mac":"c2:00:00:00:00:02"},"args":{"cni":{"mac":"c2:00:00:00:00:03"}}' \
	"MAC=c2:00:00:00:00:01" c2:00:00:00:00:03
out=$(conf '"args":{"cni":{"mtu":1280,"promisc":true,"allmulti":false,"txQLen":0,"sysctl":{"net.ipv4.conf.IFNAME.arp_ignore":"1"}}}' |
	plugin tuning ADD id-c1 /run/netns/c1 eth0)
check_eq "args.cni: mtu, promisc, allmulti, txQLen 0, sysctl" "1280 1 false 0 1" \
	"$(ip -n c1 -j -d link show eth0 | jq -r '.[0] | "\(.mtu) \(.promiscuity) \(.flags | index("ALLMULTI") != null) \(.txqlen // 0)"') $(sys net/ipv4/conf/eth0/arp_ignore)"
conf '"args":{"cni":{"mtu":1280}}' | plugin tuning DEL id-c1 /run/netns/c1 eth0
check_eq "... DEL restored them all" "$BEFORE" "$(snapshot)"

# --- the reference's own test shapes (tuning_test.go): type "iplink", a dummy0 whose
# prevResult has only a name and a sandbox, every version; CHECK with the ADD's result ---
mkns c2
ip -n c2 link add dummy0 type veth peer name dpeer
DUMMY0=$(ip -n c2 -j -d link show dummy0 | jq -c '.[0] | [.address, .mtu, .promiscuity, .txqlen]')
for v in 0.3.0 0.3.1 0.4.0 1.0.0; do
	for keys in '"sysctl":{"net.ipv4.conf.all.log_martians":"1"}' '"promisc":true' '"args":{"cni":{"promisc":true}}' \
		'"mtu":1454' '"args":{"cni":{"mtu":1454}}' '"mac":"c2:11:22:33:44:55"' '"args":{"cni":{"mac":"c2:11:22:33:44:55"}}' \
		'"allmulti":true' '"args":{"cni":{"allmulti":true}}'; do
		c='{"name":"test","type":"iplink","cniVersion":"'$v'",'$keys',"dataDir":"'$D'",
		  "prevResult":{"interfaces":[{"name":"dummy0","sandbox":"netns"}],
		  "ips":[{"version":"4","address":"10.0.0.2/24","gateway":"10.0.0.1","interface":0}]}}'
		r=$(echo "$c" | plugin tuning ADD dummy /run/netns/c2 dummy0)
		good=$(echo "$r" | jq -r '[(.interfaces | length), .interfaces[0].name, .ips[0].address] | join(" ")')
		case $v in 0.3.*) chk=0 ;; *) echo "$c" | jq --argjson r "$r" '.prevResult = $r | .name = "testConfig"' |
			plugin tuning CHECK dummy /run/netns/c2 dummy0 >/dev/null; chk=$? ;; esac
		echo "$c" | plugin tuning DEL dummy /run/netns/c2 dummy0 >/dev/null
		after=$(ip -n c2 -j -d link show dummy0 | jq -c '.[0] | [.address, .mtu, .promiscuity, .txqlen]')
		[ "$good $chk $after" = "1 dummy0 10.0.0.2/24 0 $DUMMY0" ] || echo "$v $keys: $good $chk $after $r"
	done
done >"$T/refshapes"
check_eq "the reference's test configs: ADD result, CHECK, DEL restore, in 0.3.0-1.0.0 (36 cases)" "" "$(cat "$T/refshapes")"

# --- side by side with the reference (1.1.1: no txQLen): same result, same effect,
# and either one's DEL restores what the other's ADD saved ---
SIDE='"sysctl":{"net.ipv4.conf.IFNAME.arp_filter":"1"},"mac":"c2:11:22:33:44:77","mtu":1300,"promisc":true,"allmulti":true'
PREV2='{"cniVersion":"1.0.0","interfaces":[{"name":"dummy0","mac":"'$(ip -n c2 -j link show dummy0 | jq -r '.[0].address')'","sandbox":"/run/netns/c2"}],"ips":[{"address":"10.0.0.2/24","interface":0}]}'
c=$(conf "$SIDE" 1.0.0 "$PREV2")
ours=$(echo "$c" | plugin tuning ADD dummy /run/netns/c2 dummy0)
ours_state=$(ip -n c2 -j -d link show dummy0 | jq -c '.[0] | [.address, .mtu, .promiscuity, .flags]')
echo "$c" | ref_plugin tuning DEL dummy /run/netns/c2 dummy0
check_eq "the reference's DEL restores what our ADD saved" "$DUMMY0" \
	"$(ip -n c2 -j -d link show dummy0 | jq -c '.[0] | [.address, .mtu, .promiscuity, .txqlen]')"
ref=$(echo "$c" | ref_plugin tuning ADD dummy /run/netns/c2 dummy0)
check_eq "the same result as the reference" "$(echo "$ref" | jq -S .)" "$(echo "$ours" | jq -S .)"
check_eq "the same interface state as the reference's" "$ours_state" \
	"$(ip -n c2 -j -d link show dummy0 | jq -c '.[0] | [.address, .mtu, .promiscuity, .flags]')"
check "our CHECK passes on the reference's work" sh -c "echo '$(echo "$c" | jq -c --argjson r "$ref" '.prevResult = $r')' | \
	CNI_COMMAND=CHECK CNI_CONTAINERID=dummy CNI_NETNS=/run/netns/c2 CNI_IFNAME=dummy0 $BIN/tuning"
check "our DEL restores what the reference saved" sh -c "echo '$c' | \
	CNI_COMMAND=DEL CNI_CONTAINERID=dummy CNI_NETNS=/run/netns/c2 CNI_IFNAME=dummy0 $BIN/tuning"
check_eq "... all of it" "$DUMMY0" "$(ip -n c2 -j -d link show dummy0 | jq -c '.[0] | [.address, .mtu, .promiscuity, .txqlen]')"
for bad in '"sysctl":{"kernel.hostname":"x"}' '"mac":"zz"'; do
	check_eq "refused by both: $bad" "refused refused" \
		"$(conf "$bad" 1.0.0 "$PREV2" | plugin tuning ADD dummy /run/netns/c2 dummy0 | jq -r 'if .code then "refused" else . end') $(conf "$bad" 1.0.0 "$PREV2" | ref_plugin tuning ADD dummy /run/netns/c2 dummy0 | jq -r 'if .code then "refused" else . end')"
done
# (the reference saves its state before it parses the MAC, and leaves the file)
rm -f "$D/dummy_dummy0.json"

# --- DEL when the netns is gone; GC (1.1.0) of dead attachments, this network only ---
mkns c3
ip -n c3 link add eth0 type veth peer name epeer
conf '"mtu":1400' 1.0.0 '{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/run/netns/c3"}]}' |
	plugin tuning ADD id-c3 /run/netns/c3 eth0 >/dev/null
ip netns del c3
check "DEL after the netns is gone" sh -c "$(declare -f conf plugin); D=$D PREV1='{}' BIN=$BIN; conf '\"mtu\":1400' | plugin tuning DEL id-c3 /run/netns/c3 eth0"
check_eq "... its state is gone" "" "$(ls "$D")"
for id in g1 g2; do
	mkns $id
	ip -n $id link add eth0 type veth peer name epeer
	conf '"mtu":1400' 1.0.0 '{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"x"}]}' |
		plugin tuning ADD id-$id /run/netns/$id eth0 >/dev/null
done
ip -n g1 link add eth1 type veth peer name e1peer
conf '"mtu":1400' 1.0.0 '{"cniVersion":"1.0.0","interfaces":[{"name":"eth1","sandbox":"x"}]}' | sed 's/"tunenet"/"othernet"/' |
	plugin tuning ADD id-g1 /run/netns/g1 eth1 >/dev/null
printf '{"cniVersion":"1.1.0","name":"tunenet","type":"tuning","dataDir":"%s","cni.dev/valid-attachments":[{"containerID":"id-g1","ifname":"eth0"}]}' "$D" |
	plugin tuning GC "" "" ""
check_eq "GC removed id-g2's state only (id-g1/eth0 is valid, id-g1/eth1 is othernet's)" \
	"id-g1_eth0.json id-g1_eth1.json " "$(ls "$D" | tr '\n' ' ')"
check_eq "STATUS succeeds" "" "$(printf '{"cniVersion":"1.1.0","name":"tunenet","type":"tuning"}' | plugin tuning STATUS "" "" "")"
check_eq "VERSION lists 1.1.0" yes "$(echo '{"cniVersion":"1.1.0"}' | plugin tuning VERSION "" "" "" |
	jq -r 'if (.supportedVersions | index("1.1.0")) then "yes" else . end')"
done_testing
