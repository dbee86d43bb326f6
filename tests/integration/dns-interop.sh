#!/usr/bin/env bash
# dnsname next to others: the reference dnsname (Debian's, /usr/lib/cni) and ours run
# the same podman-style conflist (cniVersion 0.4.0, domainName, capability aliases)
# side by side, and both resolve their containers; an icc=false network resolves
# names (UDP and TCP to the gateway) while its policy still blocks the traffic;
# 100 containers added at once all resolve.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/dnslib/dns.bash"
[ -x "$REF/dnsname" ] || { fail "the reference dnsname is installed" "no $REF/dnsname"; done_testing; exit 1; }

# podman_conflist NAME BRIDGE SUBNET : what `podman network create` (CNI) writes, DNS on
podman_conflist() {
	cat >"$T/netd/$1.conflist" <<JSON
{ "cniVersion": "0.4.0", "name": "$1", "plugins": [
  { "type": "bridge", "bridge": "$2", "isGateway": true, "ipMasq": true, "hairpinMode": true,
    "ipam": { "type": "host-local", "routes": [{ "dst": "0.0.0.0/0" }],
              "ranges": [[{ "subnet": "$3", "gateway": "${3%.0/24}.1" }]] } },
  { "type": "portmap", "capabilities": { "portMappings": true } },
  { "type": "firewall", "backend": "" },
  { "type": "tuning" },
  { "type": "dnsname", "domainName": "dns.podman", "capabilities": { "aliases": true } } ] }
JSON
}
podman_conflist refnet ref0 10.95.0.0/24
podman_conflist ournet our0 10.96.0.0/24
check_eq "the two conflists differ only in name, bridge, subnet and gateway" 4 \
	"$(diff <(jq -S . "$T/netd/refnet.conflist") <(jq -S . "$T/netd/ournet.conflist") | grep -c '^<')"
for n in r1 r2 o1 o2; do mkns $n; done
ns_resolv r2 10.95.0.1
ns_resolv o2 10.96.0.1
radd() { CNI_PATH=$REF CAP_ARGS="{\"aliases\":{\"refnet\":[\"$3\"]}}" CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=$2" "$CNITOOL" add refnet "/run/netns/$1"; }
check "reference: ADD r1 (name web, alias db)" radd r1 web db
check "reference: ADD r2" radd r2 client cl
check "ours: ADD o1 (name web, alias db)" dns_add ournet o1 web '["db"]'
check "ours: ADD o2" dns_add ournet o2 client '["cl"]'
check_eq "reference: web resolves" "10.95.0.2" "$(lookup r2 web)"
check_eq "ours: web resolves" "10.96.0.2" "$(lookup o2 web)"
check_eq "both: web.dns.podman" "10.95.0.2 10.96.0.2" "$(lookup r2 web.dns.podman) $(lookup o2 web.dns.podman)"
check_eq "ours: the alias resolves" "10.96.0.2" "$(lookup o2 db)"
check_eq "ours: the ADD result names the server and the domain, as the reference's" \
	"$(CNI_PATH=$REF CNI_ARGS=K8S_POD_NAME=x "$CNITOOL" add refnet /run/netns/r1 2>/dev/null | jq -c '.dns.search')" \
	"$(CNI_ARGS=K8S_POD_NAME=x "$CNITOOL" add ournet /run/netns/o1 2>/dev/null | jq -c '.dns.search')"
CNI_PATH=$REF "$CNITOOL" del refnet /run/netns/r1 >/dev/null 2>&1
"$CNITOOL" del ournet /run/netns/o1 >/dev/null 2>&1
for n in r2; do CNI_PATH=$REF "$CNITOOL" del refnet "/run/netns/$n" >/dev/null 2>&1; done
check "ours: DEL" dns_del ournet o2
check_eq "ours: no dnsmasq of ours left" "" \
	"$(for p in $(dnsmasq_pids); do grep -l /run/netctl/dnsname "/proc/$p/cmdline"; done 2>/dev/null)"

# icc=false: names resolve, traffic stays blocked
NETCTL=$BIN/netctl
export NETCTL_CONFDIR=$T/conf
check "netctl create iso --icc=false (DNS on)" "$NETCTL" create iso --icc=false --subnet 10.97.0.0/24
for n in i1 i2; do mkns $n; ns_resolv $n 10.97.0.1; done
check "connect i1 --name alpha --alias first" "$NETCTL" connect iso i1 --name alpha --alias first
check "connect i2 --name beta" "$NETCTL" connect iso i2 --name beta
check_eq "icc=false: beta resolves (UDP)" "10.97.0.3" "$(lookup i1 beta)"
check_eq "icc=false: beta resolves (TCP)" "10.97.0.3" "$(in_ns i1 dig +tcp +short +time=1 +tries=2 beta)"
check_eq "icc=false: getaddrinfo of alpha" "10.97.0.2" "$(gai i2 alpha v4)"
check_eq "icc=false: alpha's alias (netctl connect --alias)" "10.97.0.2" "$(lookup i2 first)"
check_fails "connect --alias 'a/b' is refused" "$NETCTL" connect iso i2 --alias a/b
check_fails "icc=false: the policy still blocks alpha -> beta" ip netns exec i1 ping -c1 -W1 10.97.0.3
check "rm iso --force" "$NETCTL" rm iso --force

# 100 containers added at once: every one resolves
dns_conflist many many0 10.98.0.0/24
mkns asker
ns_resolv asker 10.98.0.1
for i in $(seq 100); do mkns "m$i"; done
t0=$(date +%s%N)
for i in $(seq 100); do
	CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=m$i" "$CNITOOL" add many "/run/netns/m$i" >"$T/add.$i" 2>&1 &
done
wait
echo "# 100 concurrent ADDs in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
check_eq "100 concurrent ADDs succeeded" 100 "$(cat "$T"/add.* | jq -r '.ips[0].address' 2>/dev/null | grep -c '^10.98.0')"
check "the asker joins" dns_add many asker asker
for i in $(seq 100); do echo "m$i.dns.podman"; done >"$T/names"
got=$(in_ns asker dig +short +time=1 +tries=2 -f "$T/names" | sort -u | grep -c '^10.98.0')
check_eq "all 100 resolve to distinct addresses" 100 "$got"
check_eq "one server for the network" 1 "$(for p in $(dnsmasq_pids); do grep -l many "/proc/$p/cmdline"; done 2>/dev/null | wc -l)"
for i in $(seq 100); do "$CNITOOL" del many "/run/netns/m$i" >/dev/null 2>&1 & done
wait
check "DEL the asker" dns_del many asker
check_eq "no dnsmasq of ours left after the last DEL" "" \
	"$(for p in $(dnsmasq_pids); do grep -l /run/netctl/dnsname "/proc/$p/cmdline"; done 2>/dev/null)"
done_testing
