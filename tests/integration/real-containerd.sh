#!/usr/bin/env bash
# containerd 1.6 (`ctr run --cni`, go-cni inside) with our plugins as the only ones in
# /opt/cni/bin and our conflist the only one in /etc/cni/net.d (private bind mounts):
# two busybox containers from an image imported from a local OCI tar get addresses on
# a bridge + host-local + firewall + portmap network, ping and HTTP each other, and
# after `ctr run --rm` ends (its CNI DEL comes with an empty netns path) nothing is
# left: no veth, no reservation, no nft element, no libcni cache. The private
# containerd: tests/lib/containerd.bash.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/leaks.sh"
. "$(dirname "$0")/../lib/containerd.bash"

for p in bridge host-local firewall portmap loopback; do
	[ -x "$BIN/$p" ] || { fail "$p is built" "$BIN/$p missing"; done_testing; exit 1; }
done
ctrd_setup
trap ctrd_stop EXIT
cat >"$T/netd/10-ctrnet.conflist" <<EOF
{ "cniVersion": "1.0.0", "name": "ctrnet", "plugins": [
  { "type": "bridge", "bridge": "nctr0", "isGateway": true, "ipMasq": true,
    "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.81.0.0/24" }]],
              "routes": [{ "dst": "0.0.0.0/0" }], "dataDir": "$T/ipam" } },
  { "type": "firewall" },
  { "type": "portmap", "capabilities": { "portMappings": true } } ] }
EOF

# ctr run --rm in the foreground of a background job: when the task ends, ctr calls
# go-cni's Remove (the CNI DEL) and deletes the container.
run_ctr() {
	local name=$1
	shift
	timeout 90 ctr --address "$T/ctrd/sock" --namespace "$CTRD_NS" run --rm --cni \
		--snapshotter native \
		"$CTRD_IMAGE" "$name" "$@" </dev/null >"$T/$name.out" 2>&1 &
}
running() { CTR tasks ls 2>/dev/null | grep -q "^$1 .*RUNNING"; }
wait_running() { for _ in $(seq 100); do running "$1" && return 0; sleep 0.05; done; return 1; }
cx() { local c=$1; shift; CTR tasks exec --exec-id "x$RANDOM" "$c" "$@"; }

run_ctr c1 /bin/httpd -f -p 8080 -h /www
c1=$!
run_ctr c2 /bin/sleep 60
c2=$!
check "ctr run --cni c1 (httpd) runs" wait_running c1
check "ctr run --cni c2 runs" wait_running c2
# addr C : C's eth0 address (a loaded machine may be slow to let the first exec in)
addr() {
	local a
	for _ in $(seq 20); do
		a=$(cx "$1" ip -4 -o addr show eth0 2>>"$T/exec.err" | awk '{print $4}' | cut -d/ -f1)
		[ -n "$a" ] && break
		sleep 0.25
	done
	echo "$a"
}
ip1=$(addr c1)
ip2=$(addr c2)
check_eq "two distinct addresses in 10.81.0.0/24" 2 \
	"$(printf '%s\n%s\n' "$ip1" "$ip2" | grep '^10\.81\.0\.' | sort -u | wc -l)"
[ -n "$ip1" ] && [ -n "$ip2" ] || sed 's/^/#   exec: /' "$T/exec.err"
check_eq "loopback is up in c2 (go-cni's loopback network)" 1 \
	"$(cx c2 ip -o link show lo | grep -c 'UP')"
check_eq "our firewall holds both (members-ctrnet)" "$(printf '%s\n%s\n' "$ip1" "$ip2" | sort | xargs)" \
	"$(nft -j list set inet netctl members-ctrnet | jq -r '.nftables[].set.elem[]?.elem.val' | sort | xargs)"
check_eq "the elements carry go-cni's container IDs (namespace-name)" "$CTRD_NS-c1 $CTRD_NS-c2" \
	"$(nft -j list set inet netctl members-ctrnet | jq -r '.nftables[].set.elem[]?.elem.comment' | sort | xargs)"
check "c2 pings the gateway" cx c2 ping -c 1 -W 2 10.81.0.1
check "c2 pings c1" cx c2 ping -c 1 -W 2 "$ip1"
check "c1 pings c2" cx c1 ping -c 1 -W 2 "$ip2"
check_eq "HTTP c2 -> c1" "hello from c1" "$(cx c2 timeout 5 wget -q -O - "http://$ip1:8080/" 2>&1)"
check_eq "HTTP from the host to c1" "hello from c1" \
	"$(timeout 5 busybox wget -q -O - "http://$ip1:8080/" 2>&1)"

CTR tasks kill -s KILL c1 >/dev/null
CTR tasks kill -s KILL c2 >/dev/null
wait "$c1" "$c2"
check_eq "ctr run --rm c1 and c2 end without an error (their DELs succeeded)" "" \
	"$(cat "$T/c1.out" "$T/c2.out")"
check_eq "containerd has no container left" "" "$(CTR containers ls -q)"
check_eq "nothing left (veths, store, nft elements, libcni cache)" "" "$(leaks "$T/ipam/ctrnet")"
pid=$CTRD_PID
ctrd_stop
check_fails "containerd is stopped" kill -0 "$pid"
check_eq "runc's cgroups are gone from the machine's hierarchies" "" \
	"$(ls -d /sys/fs/cgroup/*/"$CTRD_NS" 2>/dev/null)"
done_testing
