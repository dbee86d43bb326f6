#!/usr/bin/env bash
# podman 4 (libcni inside, network_backend "cni", our plugins only) publishes ports
# through our portmap: `podman run -p 18080:8080` on a bridge(ipMasq) + host-local +
# firewall + portmap network; busybox httpd reached through the host port from an
# outside netns, from the host (its address and 127.0.0.1) and from another container;
# the element carries podman's container ID; a second container asking for the same
# host port is refused naming the first; CHECK of podman's attachment; podman rm
# leaves the maps empty. The private podman: tests/lib/podman.bash.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/leaks.sh"
. "$(dirname "$0")/../lib/podman.bash"
. "$(dirname "$0")/fwlib/fw.bash"

for p in bridge host-local firewall portmap netctl; do
	[ -x "$BIN/$p" ] || { fail "$p is built" "$BIN/$p missing"; done_testing; exit 1; }
done
podman_setup
cat >"$T/cni/pubnet.conflist" <<'CONF'
{ "cniVersion": "1.0.0", "name": "pubnet", "plugins": [
  { "type": "bridge", "bridge": "npub0", "isGateway": true, "ipMasq": true,
    "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.78.0.0/24" }]],
              "routes": [{ "dst": "0.0.0.0/0" }] } },
  { "type": "firewall" },
  { "type": "portmap", "capabilities": { "portMappings": true }, "snat": true } ] }
CONF
outside_up noroute
# run_ctr NAME PUBLISH CMD... : PUBLISH "-p H:C" or "" (podman options go before --rootfs).
run_ctr() {
	# shellcheck disable=SC2086
	pm run -d --name "$1" --network pubnet --timeout 170 $2 --rootfs "$T/rootfs" "${@:3}"
}
# http URL [NETNS] : the body of one GET (python: no curl/wget on the host).
http() {
	local py='import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1], timeout=3).read().decode().strip())'
	if [ -n "${2:-}" ]; then
		ip netns exec "$2" timeout 5 /usr/bin/python3 -c "$py" "$1" 2>&1
	else
		timeout 5 /usr/bin/python3 -c "$py" "$1" 2>&1
	fi
}

check "podman run -p 18080:8080 w1 (httpd)" run_ctr w1 "-p 18080:8080" /bin/httpd -f -p 8080 -h /www
check "podman run w2" run_ctr w2 "" /bin/sleep 170
id1=$(pm inspect -f '{{.ID}}' w1)
ip1=$(pm inspect -f '{{(index .NetworkSettings.Networks "pubnet").IPAddress}}' w1)
check_eq "dnat-v4: tcp . 18080 -> w1:8080, comment = podman's container ID and the network" \
	"tcp 18080 $id1 pubnet $ip1 8080" \
	"$(nft -j list map inet netctl dnat-v4 | jq -r '.nftables[].map.elem[]? |
	   "\(.[0].elem.val.concat | map(tostring) | join(" ")) \(.[0].elem.comment) \(.[1].concat | map(tostring) | join(" "))"')"
for _ in 1 2 3 4 5 6 7 8 9 10; do
	[ "$(http http://10.78.0.1:18080/)" = "hello from c1" ] && break
	sleep 0.3
done
check_eq "host -> 10.78.0.1:18080" "hello from c1" "$(http http://10.78.0.1:18080/)"
check_eq "host -> 127.0.0.1:18080 (snat)" "hello from c1" "$(http http://127.0.0.1:18080/)"
check_eq "outside netns -> 192.168.50.1:18080" "hello from c1" "$(http http://192.168.50.1:18080/ out)"
check_eq "w2 -> 10.78.0.1:18080 (hairpin)" "hello from c1" \
	"$(timeout 10 podman exec w2 wget -q -O - "http://10.78.0.1:18080/" 2>&1)"
check_fails "host -> 10.78.0.1:18081 (not published)" http http://10.78.0.1:18081/

out=$(run_ctr w3 "-p 18080:8080" /bin/sleep 170 2>&1)
case $out in
*"$id1"*) ok "podman run -p 18080 for w3 is refused naming w1's ID" ;;
*) fail "podman run -p 18080 for w3 is refused naming w1's ID" "$out" ;;
esac
pm rm -f -t 0 w3 >/dev/null 2>&1
check_eq "w1 still reached after the refused w3" "hello from c1" "$(http http://10.78.0.1:18080/)"

ns1=$(pm inspect -f '{{.NetworkSettings.SandboxKey}}' w1)
check "libcni CHECK of podman's attachment w1 (portMappings from libcni's cache)" \
	env CNI_PATH="$BIN" "$ROOT/build/tools/libcni-check" "$T/cni/pubnet.conflist" "$id1" "$ns1"
check "CHECK w1 on podman's attachment (libcni cache)" \
	env NETCTL_STATEDIR=/var/lib/cni CNI_PATH="$BIN" netctl cni check "$T/cni/pubnet.conflist" "$ns1" \
	--id "$id1" --cap-args '{"portMappings":[{"hostPort":18080,"containerPort":8080,"protocol":"tcp"}]}'

check "podman rm -f w1 w2" pm rm -f -t 0 w1 w2
check_eq "podman has no container left" "" "$(pm ps -aq)"
ip link del vo-host
check_eq "nothing left (links, store, nft elements incl. dnat maps, caches)" "" \
	"$(leaks /var/lib/cni/networks/pubnet)"
done_testing
