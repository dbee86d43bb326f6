#!/usr/bin/env bash
# podman 4 (network_backend "cni", our plugin directory only) on networks that
# `podman network create` writes itself: bridge, portmap, firewall and tuning (plus
# dnsname when DNS is on; DNS is off here, dns-*.sh test it). Networks without and with
# --subnet, --ipv6, --internal; `podman run -p`, --ip, --mac-address; `podman network
# connect/disconnect`; real packets between containers; `podman rm` and `podman network
# rm` leave nothing. The private podman: tests/lib/podman.bash.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/leaks.sh"
. "$(dirname "$0")/../lib/podman.bash"

need bridge host-local firewall portmap tuning
podman_setup
# net NAME ARGS... : podman network create NAME --disable-dns ARGS
net() { pm network create --disable-dns "$@" >/dev/null; }
# pa keeps DNS on: podman adds dnsname when the binary is in our directory
check "podman network create pa (podman picks the subnet, DNS on)" pm network create pa
check "podman network create pb --subnet 10.91.0.0/24" net pb --subnet 10.91.0.0/24
check "podman network create p6 --ipv6 --subnet 10.92.0.0/24" net p6 --ipv6 --subnet 10.92.0.0/24
check "podman network create pi --internal --subnet 10.93.0.0/24" net pi --internal --subnet 10.93.0.0/24
check_eq "pa: dnsname chained exactly when our directory has it" "$([ -x "$BIN/dnsname" ] && echo dnsname)" \
	"$(jq -r '.plugins[].type | select(. == "dnsname")' "$T/cni/pa.conflist")"
check_eq "podman's conflists chain bridge, portmap, firewall, tuning" \
	"bridge portmap firewall tuning" "$(jq -r '[.plugins[].type] | join(" ")' "$T/cni/pb.conflist")"
check_eq "--internal: no gateway, no masquerade, no route" "false null null" \
	"$(jq -r '.plugins[0] | "\(.isGateway) \(.ipMasq) \(.ipam.routes)"' "$T/cni/pi.conflist")"
for f in "$T"/cni/*.conflist; do cp "$f" "$T/${f##*/}.orig"; done

# ctr NAME NET OPTS... CMD : a container, bounded in time (podman's --timeout)
ctr() { pm run -d --name "$1" --network "$2" --timeout 120 "${@:3}"; }
sleeper() { ctr "$1" "$2" "${@:3}" --rootfs "$T/rootfs" /bin/sleep 120; }
inside() { timeout 10 podman exec "$@"; }
addr() { inside "$1" ip -o -"${3:-4}" addr show dev "${2:-eth0}" scope global | awk '{print $4}' | head -1; }

check "run a1 on pb with --ip 10.91.0.50 --mac-address 02:00:00:aa:bb:01 -p 18081:8080 (httpd)" \
	ctr a1 pb --ip 10.91.0.50 --mac-address 02:00:00:aa:bb:01 -p 18081:8080 \
	--rootfs "$T/rootfs" /bin/httpd -f -p 8080 -h /www
check_eq "a1 has the address it asked for" 10.91.0.50/24 "$(addr a1)"
check_eq "a1 has the MAC it asked for" 02:00:00:aa:bb:01 "$(inside a1 cat /sys/class/net/eth0/address)"
# podman hands --mac-address over in CNI_ARGS (MAC=), which tuning reads as well
check_eq "tuning saw it too: its saved state for a1" "$(pm inspect -f '{{.ID}}' a1)_eth0.json" \
	"$(ls /run/cni/tuning 2>/dev/null)"
check "run a2 on pb" sleeper a2 pb
check "a2 -> a1: ping" inside a2 ping -c1 -W2 10.91.0.50
check_eq "a2 -> a1:8080: HTTP" "hello from c1" "$(inside a2 wget -q -O - http://10.91.0.50:8080/ 2>&1)"
check_eq "host -> 10.91.0.1:18081 (published)" "hello from c1" \
	"$(timeout 5 /usr/bin/python3 -c 'import urllib.request as u; print(u.urlopen("http://10.91.0.1:18081/", timeout=3).read().decode().strip())' 2>&1)"
check_eq "a2 -> 10.91.0.1:18081 (hairpin to the published port)" "hello from c1" \
	"$(inside a2 wget -q -O - http://10.91.0.1:18081/ 2>&1)"

check "run b1 on pa" sleeper b1 pa
gw_a=$(jq -r '.plugins[0].ipam.ranges[0][0].gateway' "$T/cni/pa.conflist")
check "b1 -> its gateway $gw_a" inside b1 ping -c1 -W2 "$gw_a"
check "run c6 on p6 (dual stack)" sleeper c6 p6
check "run c7 on p6" sleeper c7 p6
v6=$(addr c7 eth0 6)
check "c7 has a global IPv6 address ($v6)" test -n "$v6"
check "c6 -> c7 over IPv6" inside c6 ping -6 -c1 -W2 "${v6%/*}"
check "c6 -> c7 over IPv4" inside c6 ping -c1 -W2 "$(addr c7 | cut -d/ -f1)"

check "run i1 on pi (--internal)" sleeper i1 pi
check "run i2 on pi" sleeper i2 pi
check "i1 -> i2 on the internal network" inside i1 ping -c1 -W2 "$(addr i2 | cut -d/ -f1)"
check_eq "i1 has no default route" "" "$(inside i1 ip route | grep ^default)"
check_fails "i1 cannot reach a1 on another network" inside i1 ping -c1 -W1 10.91.0.50

# connect / disconnect: a2 joins pa as eth1 and reaches b1 there
check "podman network connect pa a2" pm network connect pa a2
check "a2 has an address on pa (eth1)" test -n "$(addr a2 eth1)"
check "a2 -> b1 over pa" inside a2 ping -c1 -W2 "$(addr b1 | cut -d/ -f1)"
check "podman network disconnect pa a2" pm network disconnect pa a2
check_eq "a2's eth1 is gone" "" "$(inside a2 ls /sys/class/net | grep eth1)"
check "a2 -> a1 still works" inside a2 ping -c1 -W2 10.91.0.50

check "podman rm -f every container" pm rm -f -t 0 a1 a2 b1 c6 c7 i1 i2
check_eq "podman has no container left" "" "$(pm ps -aq)"
check_eq "nothing left (veths, store, nft elements, caches)" "" \
	"$(for n in pa pb p6 pi; do leaks /var/lib/cni/networks/$n; done | sort -u)"
check_eq "no tuning state left" "" "$(ls /run/cni/tuning 2>/dev/null)"
check_eq "podman's conflists are as it wrote them" "" \
	"$(for f in "$T"/cni/*.conflist; do cmp -s "$f" "$T/${f##*/}.orig" || echo "$f changed"; done)"
check "podman network rm pa pb p6 pi" pm network rm pa pb p6 pi
done_testing
