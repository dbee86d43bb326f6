# shellcheck shell=bash
# Helpers for the dns-* tests: conflists with dnsname, a test upstream resolver inside
# the sandbox, lookups from a container, and counting the dnsmasq servers of this sandbox.

CNITOOL=${CNITOOL:-$ROOT/build/tools/cnitool}
[ -x "$CNITOOL" ] || { fail "cnitool is built" "no $CNITOOL (scripts/build-cnitool.sh)"; done_testing; exit 1; }
[ -x /usr/sbin/dnsmasq ] || { fail "dnsmasq is installed" "no /usr/sbin/dnsmasq"; done_testing; exit 1; }
command -v dig >/dev/null || { fail "dig is installed (dnsutils)" "no dig"; done_testing; exit 1; }
export NETCONFPATH=$T/netd CNI_PATH=$BIN
mkdir -p "$T/netd"

# The live (not zombie) dnsmasq processes but the test upstream, of this sandbox's netns: the
# machine's pid namespace is shared, so never count anyone else's.
dnsmasq_pids() {
	local me p
	me=$(readlink /proc/self/ns/net)
	for p in $(pgrep -x dnsmasq); do
		[ "$(readlink "/proc/$p/ns/net" 2>/dev/null)" = "$me" ] || continue
		grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null && continue
		[ "$p" = "$(cat "$T/upstream.pid" 2>/dev/null)" ] && continue
		echo "$p"
	done
}

# dns_upstream ADDR : a test resolver on ADDR:53 (on lo) answering example.test names;
# $T/upstream.conf is a resolv.conf naming it, for the plugin's "resolvConf".
dns_upstream() {
	ip addr add "$1/32" dev lo 2>/dev/null
	/usr/sbin/dnsmasq --conf-file=/dev/null --listen-address="$1" --bind-interfaces \
		--port=53 --no-resolv --no-hosts --user=dnsmasq --group=nogroup \
		--address=/example.test/192.0.2.7 --address=/example.test/2001:db8::7 \
		--pid-file="$T/upstream.pid"
	echo "nameserver $1" >"$T/upstream.conf"
}
dns_upstream_stop() {
	[ -f "$T/upstream.pid" ] && kill "$(cat "$T/upstream.pid")" 2>/dev/null
	rm -f "$T/upstream.pid"
}

# dns_conflist NAME BRIDGE V4SUBNET [V6SUBNET] [EXTRA_PLUGIN_JSON] : a bridge network with
# dnsname (as podman 4 writes it, plus resolvConf for the test upstream).
dns_conflist() {
	local name=$1 br=$2 v4=$3 v6=${4:-} extra=${5:-} ranges
	ranges="[{ \"subnet\": \"$v4\" }]"
	[ -n "$v6" ] && ranges+=", [{ \"subnet\": \"$v6\" }]"
	cat >"$T/netd/$name.conflist" <<JSON
{ "cniVersion": "1.0.0", "name": "$name", "plugins": [
  { "type": "bridge", "bridge": "$br", "isGateway": true,
    "ipam": { "type": "host-local", "dataDir": "$T/ipam", "ranges": [ $ranges ] } },$extra
  { "type": "dnsname", "domainName": "dns.podman", "resolvConf": "$T/upstream.conf",
    "capabilities": { "aliases": true } } ] }
JSON
}

# dns_add NET NS NAME [ALIASES_JSON_LIST] : cnitool ADD with podman's args and aliases.
dns_add() {
	local caps='{}'
	[ -n "${4:-}" ] && caps="{\"aliases\":{\"$1\":$4}}"
	CAP_ARGS=$caps CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=$3" "$CNITOOL" add "$1" "/run/netns/$2"
}
dns_del() { "$CNITOOL" del "$1" "/run/netns/$2"; }

# ns_resolv NS GATEWAY : the container's resolv.conf (what netctl run binds for a run).
ns_resolv() {
	printf 'nameserver %s\nsearch dns.podman\noptions timeout:1 attempts:2\n' "$2" >"$T/resolv-$1.conf"
}
# in_ns NS CMD... : CMD in the container's netns with its resolv.conf bound over
# /etc/resolv.conf (ip netns exec runs CMD in a mount namespace of its own).
in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' \
		"$T/resolv-$ns.conf" timeout 5 "$@"
}
# lookup NS NAME [TYPE] : dig's short answer from the container's resolver.
lookup() {
	in_ns "$1" dig +short +time=1 +tries=2 "$2" "${3:-A}" 2>/dev/null | sort | tr '\n' ' ' | sed 's/ $//'
}
# gai NS NAME FAMILY : libc's getaddrinfo in the container (getent ahostsv4/v6).
gai() {
	in_ns "$1" getent "ahosts$3" "$2" | awk '{print $1}' | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# kill9 PID : kill -9 and wait (at most 2 s) until it runs no more (a zombie has no cmdline).
kill9() {
	kill -9 "$1" 2>/dev/null
	for _ in $(seq 100); do
		# (procfs files have size 0: read it)
		[ -n "$(tr -d '\0' <"/proc/$1/cmdline" 2>/dev/null)" ] || return 0
		sleep 0.02
	done
}
