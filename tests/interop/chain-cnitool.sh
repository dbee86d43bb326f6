#!/usr/bin/env bash
# netctl cni against the real libcni (cnitool, libcni 1.1.2): each reads the other's
# result cache, and plugins get the same stdin from both (but "capabilities", which
# the spec says must not be set and libcni leaves in). Not in `make check`: it needs
# cnitool, built by /work/shared/tools/build-cnitool.sh. Run:
#   CNITOOL=/path/to/cnitool BUILD=build/x tests/run.sh tests/interop/chain-cnitool.sh
. "$(dirname "$0")/../lib/common.sh"

CNITOOL=${CNITOOL:-$BUILD/tools/cnitool}
NETCTL=$BIN/netctl
[ -x "$CNITOOL" ] || { fail "cnitool is there" "no $CNITOOL (set CNITOOL)"; done_testing; exit 1; }
export CNI_PATH=$REF NETCONFPATH=$T/netd NETCTL_STATEDIR=/var/lib/cni
mkdir -p "$T/netd"
cat >"$T/netd/chaintest.conflist" <<EOF
{ "cniVersion": "1.0.0", "name": "chaintest", "plugins": [
  { "type": "bridge", "bridge": "nctb0", "isGateway": true,
    "ipam": { "type": "host-local", "dataDir": "$T/ipam",
              "ranges": [[{ "subnet": "10.77.0.0/24" }]] } } ] }
EOF
# cnitool names the container after a SHA-512 of the netns path
cid() { echo "cnitool-$(printf '%s' "$1" | sha512sum | cut -c1-20)"; }
mkns a
mkns b

check "netctl add" "$NETCTL" cni add "$T/netd/chaintest.conflist" /run/netns/a --id "$(cid /run/netns/a)"
check "cnitool check reads netctl's cache" "$CNITOOL" check chaintest /run/netns/a
ip -n a addr flush dev eth0
check_fails "cnitool check fails once the address is gone (it used the cached result)" \
	"$CNITOOL" check chaintest /run/netns/a
check "cnitool del on netctl's cache" "$CNITOOL" del chaintest /run/netns/a
check_eq "cnitool removed netctl's cache file" "" "$(ls /var/lib/cni/results)"
check_eq "no veth left" 0 "$(ip -o link show type veth | wc -l)"

check "cnitool add" "$CNITOOL" add chaintest /run/netns/b
check "netctl check reads cnitool's cache" \
	"$NETCTL" cni check "$T/netd/chaintest.conflist" /run/netns/b --id "$(cid /run/netns/b)"
ip -n b addr flush dev eth0
check_fails "netctl check fails once the address is gone" \
	"$NETCTL" cni check "$T/netd/chaintest.conflist" /run/netns/b --id "$(cid /run/netns/b)"
check "netctl del on cnitool's cache" \
	"$NETCTL" cni del "$T/netd/chaintest.conflist" /run/netns/b --id "$(cid /run/netns/b)"
check_eq "netctl removed cnitool's cache file" "" "$(ls /var/lib/cni/results)"
check_eq "no veth left" 0 "$(ip -o link show type veth | wc -l)"

# the same stdin from both, plugin by plugin (a recording fake plugin)
mkdir -p "$T/fake" "$T/in"
cat >"$T/fake/fake" <<EOF
#!/bin/bash
in=\$(cat)
tag=\$(printf '%s' "\$in" | jq -r .tag)
printf '%s' "\$in" | jq -cS 'del(.capabilities)' >"$T/in/\$WHO-\$CNI_COMMAND-\$tag"
[ "\$CNI_COMMAND" != ADD ] ||
echo '{"cniVersion":"1.0.0","interfaces":[{"name":"eth0"}],"ips":[{"address":"10.9.0.5/24","interface":0}]}'
EOF
chmod +x "$T/fake/fake"
cat >"$T/netd/fakenet.conflist" <<'EOF'
{ "cniVersion": "1.0.0", "name": "fakenet", "plugins": [
  { "type": "fake", "tag": "first", "capabilities": { "portMappings": true, "bandwidth": false } },
  { "type": "fake", "tag": "second" } ] }
EOF
caps='{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}],"bandwidth":{"ingressRate":1}}'
# (one after the other: both use the same container ID and cache)
for cmd in add check del; do
	WHO=cnitool CNI_PATH=$T/fake CAP_ARGS=$caps CNI_ARGS='A=1' "$CNITOOL" $cmd fakenet /run/netns/a >/dev/null
done
for cmd in add check del; do
	WHO=netctl CNI_PATH=$T/fake "$NETCTL" cni $cmd "$T/netd/fakenet.conflist" /run/netns/a \
		--id "$(cid /run/netns/a)" --cap-args "$caps" --args A=1 >/dev/null
done
for f in "$T"/in/cnitool-*; do
	n=${f##*/cnitool-}
	check_eq "same stdin as libcni: $n" "$(cat "$f")" "$(cat "$T/in/netctl-$n" 2>/dev/null)"
done
check_eq "six plugin calls compared" 6 "$(ls "$T"/in/cnitool-* | wc -l)"

done_testing
