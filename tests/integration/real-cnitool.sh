#!/usr/bin/env bash
# The real libcni client (cnitool 1.1.2, built by scripts/build-cnitool.sh) drives our
# plugins, and only ours (CNI_PATH = build/bin): bridge + host-local + firewall.
# Two containers: ADD, ping each other and the gateway, HTTP between them, CHECK,
# a CHECK that must fail, DEL; nothing left (links, addresses, store, nft elements,
# libcni's cache). A second DEL succeeds (idempotent).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/leaks.sh"

CNITOOL=${CNITOOL:-$ROOT/build/tools/cnitool}
[ -x "$CNITOOL" ] || { fail "cnitool is built" "no $CNITOOL (scripts/build-cnitool.sh)"; done_testing; exit 1; }
for p in bridge host-local firewall; do
	[ -x "$BIN/$p" ] || { fail "$p plugin is built" "$BIN/$p missing"; done_testing; exit 1; }
done
export CNI_PATH=$BIN NETCONFPATH=$T/netd
mkdir -p "$T/netd"
cat >"$T/netd/real.conflist" <<EOF
{ "cniVersion": "1.0.0", "name": "real", "plugins": [
  { "type": "bridge", "bridge": "nrc0", "isGateway": true, "ipMasq": true,
    "ipam": { "type": "host-local", "dataDir": "$T/ipam",
              "ranges": [[{ "subnet": "10.78.0.0/24" }]],
              "routes": [{ "dst": "0.0.0.0/0" }] } },
  { "type": "firewall" } ] }
EOF
mkns a
mkns b
addr() { ip -n "$1" -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1; }

check "cnitool add a (our plugins only)" "$CNITOOL" add real /run/netns/a
check "cnitool add b" "$CNITOOL" add real /run/netns/b
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
kill "$srv"
wait "$srv" 2>/dev/null

check "cnitool check a" "$CNITOOL" check real /run/netns/a
check "cnitool check b" "$CNITOOL" check real /run/netns/b
ip -n b addr flush dev eth0
check_fails "cnitool check b fails once its address is gone" "$CNITOOL" check real /run/netns/b

check "cnitool del a" "$CNITOOL" del real /run/netns/a
check "cnitool del b" "$CNITOOL" del real /run/netns/b
check "cnitool del b again (idempotent)" "$CNITOOL" del real /run/netns/b

check_eq "nothing left (links, store, lock, nft elements, caches)" "" "$(leaks "$T/ipam/real" a b)"
done_testing
