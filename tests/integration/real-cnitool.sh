#!/usr/bin/env bash
# The real libcni client (cnitool 1.1.2, built by scripts/build-cnitool.sh) drives our
# plugins, and only ours (CNI_PATH = build/bin): bridge + host-local + firewall
# (+ portmap, + bandwidth when built; libcni turns CAP_ARGS into their runtimeConfig).
# Two containers: ADD, ping each other and the gateway, HTTP between them and through
# a published port (from outside, from the host, hairpin), CHECK,
# a CHECK that must fail, DEL; nothing left (links, addresses, store, nft elements,
# libcni's cache). A second DEL succeeds (idempotent).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/leaks.sh"
. "$(dirname "$0")/fwlib/fw.bash"

CNITOOL=${CNITOOL:-$ROOT/build/tools/cnitool}
[ -x "$CNITOOL" ] || { fail "cnitool is built" "no $CNITOOL (scripts/build-cnitool.sh)"; done_testing; exit 1; }
need bridge host-local firewall
extra= capl=()
if [ -x "$BIN/portmap" ]; then
	extra+=', { "type": "portmap", "capabilities": { "portMappings": true } }'
	capl+=('"portMappings":[{"hostPort":18080,"containerPort":8080,"protocol":"tcp"}]')
fi
if [ -x "$BIN/bandwidth" ]; then
	extra+=', { "type": "bandwidth", "capabilities": { "bandwidth": true } }'
	capl+=('"bandwidth":{"ingressRate":100000000,"ingressBurst":1000000,"egressRate":100000000,"egressBurst":1000000}')
fi
caps="{$(IFS=,; echo "${capl[*]}")}"
export CNI_PATH=$BIN NETCONFPATH=$T/netd
mkdir -p "$T/netd"
cat >"$T/netd/real.conflist" <<EOF
{ "cniVersion": "1.0.0", "name": "real", "plugins": [
  { "type": "bridge", "bridge": "nrc0", "isGateway": true, "ipMasq": true,
    "ipam": { "type": "host-local", "dataDir": "$T/ipam",
              "ranges": [[{ "subnet": "10.78.0.0/24" }]],
              "routes": [{ "dst": "0.0.0.0/0" }] } },
  { "type": "firewall" }$extra ] }
EOF
mkns a
mkns b
addr() { ip -n "$1" -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1; }

check "cnitool add a (our plugins only)" "$CNITOOL" add real /run/netns/a
check "cnitool add b (CAP_ARGS: $caps)" env CAP_ARGS="$caps" "$CNITOOL" add real /run/netns/b
A=$(addr a) B=$(addr b)
check_eq "two distinct addresses in 10.78.0.0/24" "2 2" \
	"$(printf '%s\n%s\n' "$A" "$B" | sort -u | grep -c '^10\.78\.0\.') $(printf '%s\n%s\n' "$A" "$B" | sort -u | wc -l)"
check "a pings the gateway" ip netns exec a ping -c 1 -W 2 10.78.0.1
check "a pings b" ip netns exec a ping -c 1 -W 2 "$B"
check "b pings a" ip netns exec b ping -c 1 -W 2 "$A"

mkdir -p "$T/www"
echo "hello from b" >"$T/www/index.html"
ip netns exec b python3 -m http.server --bind 0.0.0.0 --directory "$T/www" 8080 >/dev/null 2>&1 &
srv=$!
http_get() {
	ip netns exec "$1" timeout 5 python3 -c \
		'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=3).read().decode().strip())' "$2"
}
for _ in $(seq 50); do http_get a "http://$B:8080/" >/dev/null 2>&1 && break; sleep 0.1; done
check_eq "HTTP a -> b" "hello from b" "$(http_get a "http://$B:8080/" 2>&1)"
if [ -x "$BIN/portmap" ]; then
	outside_up
	check_eq "HTTP outside -> 192.168.50.1:18080 (published) -> b" "hello from b" \
		"$(http_get out "http://192.168.50.1:18080/" 2>&1)"
	check_eq "HTTP host -> 10.78.0.1:18080 -> b" "hello from b" \
		"$(timeout 5 python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=3).read().decode().strip())' http://10.78.0.1:18080/ 2>&1)"
	check_eq "HTTP a -> 10.78.0.1:18080 -> b (hairpin)" "hello from b" \
		"$(http_get a "http://10.78.0.1:18080/" 2>&1)"
else
	echo "# no portmap plugin built: no published port tested"
fi
[ ! -x "$BIN/bandwidth" ] || check_eq "bandwidth: b's IFB is there" 1 "$(ip -o link show type ifb | wc -l)"
kill "$srv"
wait "$srv" 2>/dev/null

check "cnitool check a" "$CNITOOL" check real /run/netns/a
check "cnitool check b" env CAP_ARGS="$caps" "$CNITOOL" check real /run/netns/b
ip -n b addr flush dev eth0
check_fails "cnitool check b fails once its address is gone" env CAP_ARGS="$caps" "$CNITOOL" check real /run/netns/b

check "cnitool del a" "$CNITOOL" del real /run/netns/a
check "cnitool del b" env CAP_ARGS="$caps" "$CNITOOL" del real /run/netns/b
check "cnitool del b again (idempotent)" env CAP_ARGS="$caps" "$CNITOOL" del real /run/netns/b
[ ! -x "$BIN/portmap" ] || check_fails "the published port is closed after DEL" http_get out "http://192.168.50.1:18080/"

ip link del vo-host 2>/dev/null   # the outside network of outside_up
check_eq "nothing left (links, store, lock, nft elements, caches)" "" "$(leaks "$T/ipam/real" a b)"
done_testing
