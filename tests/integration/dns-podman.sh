#!/usr/bin/env bash
# podman 4.3 (CNI backend, our plugin directory only): `podman network create` with
# DNS chains our dnsname, and `podman run --name` containers find each other by name,
# by --network-alias and by short ID (busybox nslookup, which reads the resolv.conf
# podman wrote from our ADD result); a container of another network does not resolve;
# podman chains no dnsname on an --internal network; `podman rm` and
# `podman network rm` leave no dnsmasq.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/leaks.sh"
. "$(dirname "$0")/../lib/podman.bash"
. "$(dirname "$0")/dnslib/dns.bash"

need bridge host-local firewall portmap tuning dnsname
podman_setup
check "podman network create dn1 (DNS on)" pm network create dn1 --subnet 10.99.1.0/24
check "podman network create dn2 (DNS on)" pm network create dn2 --subnet 10.99.2.0/24
check_eq "podman chained our dnsname as it does the reference's" \
	'{"type":"dnsname","domainName":"dns.podman","capabilities":{"aliases":true}}' \
	"$(jq -c '.plugins[-1]' "$T/cni/dn1.conflist")"
sleeper() { pm run -d --name "$1" --network "$2" --timeout 120 "${@:3}" --rootfs "$T/rootfs" /bin/sleep 120; }
ask() { timeout 20 podman run --rm --network "$1" --timeout 15 --rootfs "$T/rootfs" /bin/nslookup "$2" 2>&1; }
addr_of() { timeout 10 podman exec "$1" ip -o -4 addr show dev eth0 | awk '{print $4}' | cut -d/ -f1; }

check "run db on dn1 with --network-alias pg" sleeper db dn1 --network-alias pg
check "run far on dn2" sleeper far dn2
dbip=$(addr_of db)
dbid=$(pm inspect -f '{{.ID}}' db)
check "the resolv.conf podman wrote names our server" \
	sh -c "timeout 10 podman exec db cat /etc/resolv.conf | grep -q 'nameserver 10.99.1.1'"
out=$(ask dn1 db)
check_eq "a container finds db by name" "$dbip" "$(grep -A2 '^Name:' <<<"$out" | awk '/^Address/ {print $2}' | head -1)"
out=$(ask dn1 pg.dns.podman)
check_eq "... by its alias" "$dbip" "$(grep -A2 '^Name:' <<<"$out" | awk '/^Address/ {print $2}' | head -1)"
out=$(ask dn1 "${dbid:0:12}")
check_eq "... by its short ID" "$dbip" "$(grep -A2 '^Name:' <<<"$out" | awk '/^Address/ {print $2}' | head -1)"
out=$(ask dn2 db)
check_eq "a container of another network does not find db" "" \
	"$(grep -A2 '^Name:' <<<"$out" | awk '/^Address/ {print $2}')"
check "podman network create dni --internal (DNS on)" pm network create dni --internal --subnet 10.99.3.0/24
check_eq "podman leaves dnsname out of an --internal network (no gateway to serve on)" \
	'false ["bridge","portmap","firewall","tuning"]' \
	"$(jq -c '.plugins[0].isGateway' "$T/cni/dni.conflist") $(jq -c '[.plugins[].type]' "$T/cni/dni.conflist")"
check "a container starts on it" sleeper inner dni
check "podman rm -f db far inner" pm rm -f -t 0 db far inner
check_eq "podman has no container left" "" "$(pm ps -aq)"
check_eq "no dnsmasq left after the last container" "" "$(dnsmasq_pids)"
check "podman network rm dn1 dn2 dni" pm network rm dn1 dn2 dni
check_eq "nothing left (veths, store, nft elements, DNS state)" "" \
	"$(for n in dn1 dn2; do leaks /var/lib/cni/networks/$n; done | sort -u; ls /run/netctl/dnsname 2>/dev/null)"
done_testing
