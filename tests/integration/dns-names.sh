#!/usr/bin/env bash
# dnsname with real lookups (dig, and libc's getaddrinfo through getent) from inside
# containers driven by the real libcni client: A and AAAA by name, alias and short ID
# on a dual-stack network; another network's names not resolved; upstream names
# through a test resolver; a removed container unresolvable within 1 s; CHECK; kill -9
# of dnsmasq repaired by the next ADD and by GC; bad names refused with nothing
# written; no dnsmasq and no state left after the last DEL.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/dnslib/dns.bash"

dns_upstream 127.0.0.54
dns_conflist dn dn0 10.89.0.0/24 fd89::/64
dns_conflist far far0 10.90.0.0/24
for n in c1 c2 c3 c4; do mkns $n; done
ns_resolv c1 10.89.0.1
ns_resolv c2 10.89.0.1
ns_resolv c3 10.90.0.1
ns_resolv c4 10.89.0.1

check "ADD web (aliases db, pg) on a dual-stack network" dns_add dn c1 web '["db","pg"]'
check "ADD client on the same network" dns_add dn c2 client
check "ADD far on another network" dns_add far c3 far
check_eq "one dnsmasq per network" 2 "$(dnsmasq_pids | wc -l)"

# the one program product code starts: clean environment, no fd of ours, not our child
pid=$(cat /run/netctl/dnsname/dn/pid)
check_eq "dnsmasq runs with an empty environment" 0 "$(tr '\0' '\n' <"/proc/$pid/environ" | grep -c .)"
check_eq "dnsmasq holds no file of ours (lock, state), stdio on /dev/null" "/dev/null /dev/null /dev/null" \
	"$(ls -l "/proc/$pid/fd" | grep -E 'lock|/netctl|/tmp'; readlink "/proc/$pid/fd/0" "/proc/$pid/fd/1" "/proc/$pid/fd/2" | paste -sd' ')"
check_eq "dnsmasq is no child of its caller, in a session of its own, unprivileged" "1 dnsmasq" \
	"$(awk '/^PPid:/ {print ($2 != '"$$"')}' "/proc/$pid/status") $(ps -o user= -p "$pid")"
check_eq "dig A web" "10.89.0.2" "$(lookup c2 web)"
check_eq "dig AAAA web" "fd89::2" "$(lookup c2 web AAAA)"
check_eq "dig web.dns.podman (the domain)" "10.89.0.2" "$(lookup c2 web.dns.podman)"
check_eq "getaddrinfo web (IPv4)" "10.89.0.2" "$(gai c2 web v4)"
check_eq "getaddrinfo web (IPv6)" "fd89::2" "$(gai c2 web v6)"
check_eq "alias db" "10.89.0.2" "$(lookup c2 db)"
check_eq "alias pg (AAAA)" "fd89::2" "$(lookup c2 pg AAAA)"
check_eq "web finds client" "10.89.0.3" "$(gai c1 client v4)"
check_eq "another network's name: no answer" "" "$(lookup c2 far)"
check_fails "another network's name: getaddrinfo fails" in_ns c2 getent ahosts far
check_eq "far does not see web" "" "$(lookup c3 web)"
ip -n c3 route add 10.89.0.1/32 via 10.90.0.1	# a path to dn's gateway address (on the host)
check_eq "far asking dn's server directly (the host routes it there) gets no answer" "" \
	"$(in_ns c3 dig +short +time=1 +tries=1 @10.89.0.1 web 2>/dev/null | grep -v '^;')"
check "... while the route is there: far reaches dn's gateway" ip netns exec c3 ping -c1 -W2 10.89.0.1
check_eq "far resolves itself" "10.90.0.2" "$(lookup c3 far)"
check_eq "an upstream name through the test resolver" "192.0.2.7" "$(lookup c2 www.example.test)"
check_eq "getaddrinfo of an upstream name" "2001:db8::7" "$(gai c2 www.example.test v6)"
check "CHECK web" "$CNITOOL" check dn /run/netns/c1

# a removed container is gone at once
check "DEL web" dns_del dn c1
t0=$(date +%s%N) gone=
for _ in $(seq 10); do
	[ -z "$(lookup c2 web)" ] && gone=1 && break
	sleep 0.1
done
check_eq "web unresolvable within 1 s of its DEL" "1 1" "${gone:-0} $(( ($(date +%s%N) - t0) < 1500000000 ))"
check_eq "alias db gone too" "" "$(lookup c2 db)"
check_eq "client still resolves" "10.89.0.3" "$(lookup c2 client)"

# kill -9 of the server: the next ADD restarts it, and so does GC
pid=$(cat /run/netctl/dnsname/dn/pid)
kill9 "$pid"
check_fails "CHECK client fails with its server dead" "$CNITOOL" check dn /run/netns/c2
check "ADD web again" dns_add dn c1 web
a1=$(ip -n c1 -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
check_eq "a new server answers after the ADD" "$a1 10.89.0.3" "$(lookup c2 web) $(lookup c2 client)"
kill9 "$(cat /run/netctl/dnsname/dn/pid)"
gc_conf() {
	jq -c --arg id "$1" '.plugins[1] + {cniVersion: "1.1.0", name: "dn",
		"cni.dev/valid-attachments": [{containerID: $id, ifname: "eth0"}]}' "$T/netd/dn.conflist"
}
id2=$(sed -n 's/^# netctl-dnsname \([^ ]*\) eth0$/\1/p' /run/netctl/dnsname/dn/hosts | head -1)
gc_conf "$id2" >"$T/gc.json"
check "GC (only one container valid)" sh -c "CNI_COMMAND=GC '$BIN/dnsname' <'$T/gc.json'"
check_eq "GC restarted the server, and dropped the invalid attachment" "1 1" \
	"$(dnsmasq_pids | wc -l | awk '{print ($1 == 2)}') $(grep -c '^# netctl-dnsname' /run/netctl/dnsname/dn/hosts)"
check_eq "after GC the valid one resolves, the other not" "10.89.0.3 -" \
	"$(lookup c2 client) $(lookup c2 web)-"

# bad input: code 7, nothing written
before=$(md5sum /run/netctl/dnsname/dn/hosts)
# (the plugin itself, to see its error JSON; prevResult as bridge would give it)
bad_add() {
	jq -c --arg d "${3:-dns.podman}" --argjson rc "${2:-{\}}" '.plugins[1] + {cniVersion: "1.0.0",
		name: "dn", domainName: $d, runtimeConfig: $rc, prevResult: {cniVersion: "1.0.0",
		interfaces: [{name: "dn0"}, {name: "eth0", sandbox: "/run/netns/c4"}],
		ips: [{address: "10.89.0.99/24", gateway: "10.89.0.1", interface: 1}]}}' \
		"$T/netd/dn.conflist" | CNI_COMMAND=ADD CNI_CONTAINERID=bad CNI_NETNS=/run/netns/c4 \
		CNI_IFNAME=eth0 CNI_ARGS="K8S_POD_NAME=$1" "$BIN/dnsname" | jq -r .code
}
for name in 'a/b' 'a..b' "$(printf 'a\nb')" "$(printf 'x%.0s' $(seq 300))"; do
	check_eq "name $(printf '%q' "${name:0:20}"): code 7" 7 "$(bad_add "$name")"
done
check_eq "alias ../etc: code 7" 7 "$(bad_add ok '{"aliases":{"dn":["../etc"]}}')"
check_eq "alias with a space: code 7" 7 "$(bad_add ok '{"aliases":{"dn":["a b"]}}')"
check_eq "domainName 'not a domain': code 7" 7 "$(bad_add ok '{}' 'not a domain')"
check_eq "domainName 'a..b': code 7" 7 "$(bad_add ok '{}' 'a..b')"
# a hex container ID (podman's, Docker's): its first 12 resolve
hexid=0123456789abcdef0123456789abcdef
dn_direct() {
	jq -c '.plugins[1] + {cniVersion: "1.0.0", name: "dn", prevResult: {cniVersion: "1.0.0",
		interfaces: [{name: "dn0"}, {name: "eth0", sandbox: "/run/netns/c4"}],
		ips: [{address: "10.89.0.99/24", gateway: "10.89.0.1", interface: 1}]}}' \
		"$T/netd/dn.conflist" | CNI_COMMAND=$1 CNI_CONTAINERID=$hexid CNI_NETNS=/run/netns/c4 \
		CNI_IFNAME=eth0 CNI_ARGS="K8S_POD_NAME=hexy" "$BIN/dnsname" >/dev/null
}
check "ADD with a hex container ID" dn_direct ADD
check_eq "the short ID resolves" "10.89.0.99 10.89.0.99" "$(lookup c2 0123456789ab) $(lookup c2 0123456789ab.dns.podman)"
check "DEL it" dn_direct DEL
check_eq "IDs that are not hex give no (shared) short name" "" "$(grep -v '^#' /run/netctl/dnsname/dn/hosts | grep -o ' cnitool-[^ ]*')"
# no gateway in prevResult (an internal network): ADD succeeds, nothing is served
out=$(jq -c '.plugins[1] + {cniVersion: "1.0.0", name: "dn", prevResult: {cniVersion: "1.0.0",
	interfaces: [{name: "dn0"}, {name: "eth0", sandbox: "/run/netns/c4"}],
	ips: [{address: "10.89.0.98/24", interface: 1}]}}' "$T/netd/dn.conflist" |
	CNI_COMMAND=ADD CNI_CONTAINERID=nogw CNI_NETNS=/run/netns/c4 CNI_IFNAME=eth0 \
	CNI_ARGS=K8S_POD_NAME=nogw "$BIN/dnsname")
check_eq "no gateway: ADD passes prevResult through, no nameserver added" "null 10.89.0.98/24" "$(jq -r '"\(.dns.nameservers) \(.ips[0].address)"' <<<"$out")"
check_eq "nothing written for the bad input" "$before" "$(md5sum /run/netctl/dnsname/dn/hosts)"

# the gateway's port 53 taken: the network's first ADD fails with dnsmasq's words, leaves nothing
ip link add tk0 type bridge && ip addr add 10.88.77.1/24 dev tk0 && ip link set tk0 up
python3 -c 'import socket, time; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("10.88.77.1", 53)); time.sleep(5)' &
squatter=$!
sleep 0.3
out=$(printf '{"cniVersion":"1.0.0","name":"tk","type":"dnsname","prevResult":{"cniVersion":"1.0.0","interfaces":[{"name":"tk0"},{"name":"eth0","sandbox":"/run/netns/c4"}],"ips":[{"address":"10.88.77.2/24","gateway":"10.88.77.1","interface":1}]}}' |
	CNI_COMMAND=ADD CNI_CONTAINERID=tk CNI_NETNS=/run/netns/c4 CNI_IFNAME=eth0 CNI_ARGS=K8S_POD_NAME=tk "$BIN/dnsname")
check_eq "port 53 taken: code 5 with dnsmasq's reason" "5 dnsmasq: failed to create listening socket for 10.88.77.1: Address already in use" \
	"$(jq -r '"\(.code) \(.details)"' <<<"$out")"
check_eq "... and nothing left of the network's DNS state" "" "$(ls /run/netctl/dnsname/tk 2>&1 | grep -v 'No such')"
kill $squatter 2>/dev/null; wait $squatter 2>/dev/null
ip link del tk0

# the last DEL stops the server
check "DEL web" dns_del dn c1
check "DEL client" dns_del dn c2
check "DEL client again (idempotent)" dns_del dn c2
check "DEL far" dns_del far c3
dns_upstream_stop
check_eq "no dnsmasq left after the last DEL" "" "$(dnsmasq_pids)"
check_eq "no state left" "" "$(ls /run/netctl/dnsname)"
dns_upstream_stop
done_testing
