#!/usr/bin/env bash
# podman 4 (libcni inside) with network_backend = "cni" and cni_plugin_dirs = our
# build/bin only runs two busybox-static containers (--rootfs, no image registry) on a
# bridge + host-local + firewall network: ping, HTTP, CHECK of podman's attachments
# (through libcni, and netctl reading libcni's cache podman wrote), podman rm,
# nothing left. The private podman: tests/lib/podman.bash.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/leaks.sh"
. "$(dirname "$0")/../lib/podman.bash"

for p in bridge host-local firewall netctl; do
	[ -x "$BIN/$p" ] || { fail "$p is built" "$BIN/$p missing"; done_testing; exit 1; }
done
podman_setup
cat >"$T/cni/proofnet.conflist" <<'EOF'
{ "cniVersion": "1.0.0", "name": "proofnet", "plugins": [
  { "type": "bridge", "bridge": "npod0", "isGateway": true, "ipMasq": true,
    "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.79.0.0/24" }]],
              "routes": [{ "dst": "0.0.0.0/0" }] } },
  { "type": "firewall" } ] }
EOF
run_ctr() {
	pm run -d --name "$1" --network proofnet --cap-add NET_RAW --timeout 170 \
		--rootfs "$T/rootfs" "${@:2}"
}
check "podman lists our network (cni backend)" sh -c "podman network ls --format '{{.Name}} {{.Driver}}' | grep -q '^proofnet bridge'"
check "podman run c1 (httpd)" run_ctr c1 /bin/httpd -f -p 8080 -h /www
check "podman run c2" run_ctr c2 /bin/sleep 170
ip1=$(pm inspect -f '{{(index .NetworkSettings.Networks "proofnet").IPAddress}}' c1)
ip2=$(pm inspect -f '{{(index .NetworkSettings.Networks "proofnet").IPAddress}}' c2)
check_eq "two distinct addresses in 10.79.0.0/24" "2" \
	"$(printf '%s\n%s\n' "$ip1" "$ip2" | grep '^10\.79\.0\.' | sort -u | wc -l)"
check_eq "our firewall holds both (members-proofnet in table inet netctl)" "$(printf '%s\n%s\n' "$ip1" "$ip2" | sort | xargs)" \
	"$(nft -j list set inet netctl members-proofnet | jq -r '.nftables[].set.elem[]?.elem.val' | sort | xargs)"
check "c2 pings the gateway" pm exec c2 ping -c 1 -W 2 10.79.0.1
check "c2 pings c1" pm exec c2 ping -c 1 -W 2 "$ip1"
check "c1 pings c2" pm exec c1 ping -c 1 -W 2 "$ip2"
check_eq "HTTP c2 -> c1" "hello from c1" "$(timeout 10 podman exec c2 wget -q -O - "http://$ip1:8080/" 2>&1)"

# podman network reload: libcni DEL then ADD of each attachment, same address kept
check "podman network reload c1" pm network reload c1
check_eq "c1 keeps its address" "$ip1" \
	"$(pm inspect -f '{{(index .NetworkSettings.Networks "proofnet").IPAddress}}' c1)"
check "c2 still reaches c1" pm exec c2 ping -c 1 -W 2 "$ip1"

# CHECK: podman has no CHECK verb; libcni cached each ADD result under the container's
# ID. The CHECK runs through libcni itself (tests/tools/libcni-check: CheckNetworkList
# with podman's container ID, args from that cache) and through netctl's driver.
LIBCNI_CHECK=$ROOT/build/tools/libcni-check
[ -x "$LIBCNI_CHECK" ] || fail "libcni-check is built" "no $LIBCNI_CHECK (scripts/build-cnitool.sh)"
for c in c1 c2; do
	id=$(pm inspect -f '{{.ID}}' $c)
	ns=$(pm inspect -f '{{.NetworkSettings.SandboxKey}}' $c)
	check "libcni CHECK of podman's attachment $c" env CNI_PATH="$BIN" \
		"$LIBCNI_CHECK" "$T/cni/proofnet.conflist" "$id" "$ns"
	check "netctl cni CHECK of podman's attachment $c (libcni's cache)" \
		env NETCTL_STATEDIR=/var/lib/cni CNI_PATH="$BIN" \
		netctl cni check "$T/cni/proofnet.conflist" "$ns" --id "$id"
done
ns2=$(pm inspect -f '{{.NetworkSettings.SandboxKey}}' c2)
id2=$(pm inspect -f '{{.ID}}' c2)
nsenter --net="$ns2" ip addr flush dev eth0
check_fails "libcni CHECK of c2 fails once its address is gone" env CNI_PATH="$BIN" \
	"$LIBCNI_CHECK" "$T/cni/proofnet.conflist" "$id2" "$ns2"
check_fails "netctl cni CHECK of c2 fails too" env NETCTL_STATEDIR=/var/lib/cni CNI_PATH="$BIN" \
	netctl cni check "$T/cni/proofnet.conflist" "$ns2" --id "$id2"

check "podman rm -f c1 c2" pm rm -f -t 0 c1 c2
check_eq "podman has no container left" "" "$(pm ps -aq)"
check_eq "nothing left (links, store, lock, nft elements, caches)" "" \
	"$(leaks /var/lib/cni/networks/proofnet)"
check_eq "no netns left" "" "$(ls /run/netns)"
done_testing
