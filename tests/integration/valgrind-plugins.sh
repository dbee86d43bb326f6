#!/usr/bin/env bash
# valgrind (memcheck, --leak-check=full, definite leaks are errors) on every plugin
# of the chain bridge + host-local + firewall (+ bandwidth, portmap, tuning, dnsname when built) and
# loopback, through ADD, CHECK, DEL and GC, and on netctl itself: no error, no leak.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/leaks.sh"

need_tool valgrind
need bridge host-local firewall loopback netctl
VG=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99)
# $T/vbin: every plugin under valgrind, one log per process
mkdir -p "$T/vbin" "$T/vg"
for p in "$BIN"/*; do
	n=${p##*/}
	[ "$n" = netctl ] && continue
	printf '#!/bin/bash\nexec %s --log-file=%s/%s.%%p.$CNI_COMMAND %s\n' \
		"${VG[*]}" "$T/vg" "$n" "$p" >"$T/vbin/$n"
	chmod +x "$T/vbin/$n"
done
caps='{}'
dnsname_plugin() {
	[ ! -x "$BIN/dnsname" ] || printf ', { "type": "dnsname", "domainName": "vg.test", "resolvConf": "/dev/null" }'
}
tuning_plugin() {
	[ ! -x "$BIN/tuning" ] || printf ', { "type": "tuning", "dataDir": "%s", "mtu": 1400, "txQLen": 500, "sysctl": { "net.ipv4.conf.IFNAME.arp_filter": "1" } }' "$T/tuning"
}
[ ! -x "$BIN/portmap" ] || caps='{"portMappings":[{"hostPort":18080,"containerPort":80,"protocol":"tcp"}]}'
conf=$T/vg.conflist
cat >"$conf" <<EOF
{ "cniVersion": "1.1.0", "name": "vg", "plugins": [
  { "type": "bridge", "bridge": "nvg0", "isGateway": true, "ipMasq": true, "spoofchk": true,
    "ipam": { "type": "host-local", "dataDir": "$T/ipam", "ranges": [[{ "subnet": "10.83.0.0/24" }]] } },
  { "type": "firewall" }$(later_plugins)$(tuning_plugin)$(dnsname_plugin) ] }
EOF
cat >"$T/lo.conf" <<'EOF'
{ "cniVersion": "1.1.0", "name": "lo", "type": "loopback" }
EOF
export CNI_PATH=$T/vbin
mkns v1
mkns v2
# cni VERB CONF NETNS --id ID : container vN publishes host port 1808N
cni() { netctl cni "$@" --cap-args "${caps//18080/1808${5#v}}"; }
check "ADD v1 (every plugin under valgrind)" cni add "$conf" /run/netns/v1 --id v1
check "ADD v2" cni add "$conf" /run/netns/v2 --id v2
check "CHECK v1" cni check "$conf" /run/netns/v1 --id v1
check "v1 reaches v2" ip netns exec v1 ping -c 1 -W 2 "$(ip -n v2 -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)"
check "DEL v1" cni del "$conf" /run/netns/v1 --id v1
check "DEL v1 again" cni del "$conf" /run/netns/v1 --id v1
check "GC keeping nothing (v2 goes)" netctl cni gc "$conf" --valid ''
check "loopback ADD, CHECK, DEL" sh -c "for c in add check del; do netctl cni \$c $T/lo.conf /run/netns/v1 --id lo || exit 1; done"
cat >"$T/bad.conflist" <<EOF
{ "cniVersion": "1.1.0", "name": "vg", "plugins": [ { "type": "bridge", "bridge": "bad/name",
  "ipam": { "type": "host-local", "subnet": "10.84.0.0/24", "dataDir": "$T/ipam" } } ] }
EOF
check_fails "a refused ADD (bad bridge name) under valgrind" netctl cni add "$T/bad.conflist" /run/netns/v1 --id bad
runs=$(ls "$T/vg" | wc -l)
echo "# $runs plugin processes ran under valgrind: $(ls "$T/vg" | cut -d. -f1 | sort | uniq -c | xargs)"
check "every plugin of the chain ran under valgrind" sh -c \
	"for p in bridge host-local firewall loopback $(cd "$BIN" && ls bandwidth portmap tuning 2>/dev/null | xargs); do ls $T/vg | grep -q \"^\$p\\.\" || exit 1; done"
# vgreport FILE... : valgrind's reports, but its notes on ioctls it cannot model
# (the netns ioctls: "noted but unhandled ioctl 0xb7.." and its two hint lines)
vgreport() { cat "$@" | sed '/noted but unhandled ioctl 0xb7/,+2d' | head -n 60; }
check_eq "no valgrind error or definite leak in any plugin" "" "$(vgreport "$T"/vg/*)"

# netctl itself, one ADD and DEL with the plain plugins
export CNI_PATH=$BIN
check "netctl cni add under valgrind" "${VG[@]}" --log-file="$T/netctl.vg" "$BIN/netctl" cni add "$conf" /run/netns/v1 --id n1 --cap-args "$caps"
check "netctl cni del under valgrind" "${VG[@]}" --log-file="$T/netctl.vg2" "$BIN/netctl" cni del "$conf" /run/netns/v1 --id n1 --cap-args "$caps"
check_eq "no valgrind error or definite leak in netctl" "" "$(vgreport "$T"/netctl.vg*)"
check_eq "nothing left" "" "$(leaks "$T/ipam/vg" v1 v2)"
done_testing
