#!/usr/bin/env bash
# A Kubernetes pod through containerd's CRI plugin, as far as CNI sees it: the real
# go-cni library (tests/tools/gocni-driver) makes CRI's calls with our plugins as the
# only ones in the plugin directory: loopback + the pod network (bridge, host-local,
# firewall, portmap, bandwidth), the K8S_POD_* args, a hostPort and bandwidth
# annotations as go-cni serialises them ({"HostPort": ..}, {"IngressRate": ..,
# "IngressBurst": 4294967295}). The hostPort answers from another netns, from the host
# and by hairpin from the pod itself; the rates hold within 2 % (iperf3 with a second
# pod, receiver's counters); CRI's two DELs (netns present, then netns path "") succeed and leave
# nothing.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/leaks.sh"
. "$(dirname "$0")/fwlib/fw.bash"
. "$(dirname "$0")/bwlib/bw.bash"

DRIVER=$ROOT/build/tools/gocni-driver
[ -x "$DRIVER" ] || { fail "gocni-driver is built" "no $DRIVER (scripts/build-cnitool.sh)"; done_testing; exit 1; }
for p in bridge host-local firewall portmap bandwidth loopback; do
	[ -x "$BIN/$p" ] || { fail "$p is built" "$BIN/$p missing"; done_testing; exit 1; }
done
command -v iperf3 >/dev/null || { fail "iperf3 is installed" "iperf3 missing"; done_testing; exit 1; }
mkdir -p "$T/netd" "$T/plugins"
ln -s "$BIN"/{bridge,host-local,firewall,portmap,bandwidth,loopback} "$T/plugins/"
# containerd's documented pod network conflist (hairpinMode instead of its promiscMode:
# hairpin with br_netfilter on, doc/portmap.md), plus firewall and bandwidth
cat >"$T/netd/10-k8s.conflist" <<EOF
{ "cniVersion": "1.0.0", "name": "k8s-pod-network", "plugins": [
  { "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true,
    "hairpinMode": true,
    "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.85.0.0/24" }]],
              "routes": [{ "dst": "0.0.0.0/0" }], "dataDir": "$T/ipam" } },
  { "type": "firewall" },
  { "type": "portmap", "capabilities": { "portMappings": true } },
  { "type": "bandwidth", "capabilities": { "bandwidth": true } } ] }
EOF
SB=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
RATE=10000000
cri() { timeout 20 "$DRIVER" "$1" "$T/netd" "$T/plugins" "$SB" "$2" default web-0 "${@:3}"; }

mkns pod
mkns client
ip link add vc-host type veth peer name eth0 netns client
ip addr add 192.168.60.1/24 dev vc-host
ip link set vc-host up
ip -n client addr add 192.168.60.2/24 dev eth0
ip -n client link set eth0 up
ip -n client route add default via 192.168.60.1

ip=$(cri add /run/netns/pod -p 8080:80/TCP -i $RATE -e $RATE 2>"$T/add.err")
check_eq "RunPodSandbox: go-cni's Setup gives the pod an address in 10.85.0.0/24" 10.85.0 "${ip%.*}"
[ -s "$T/add.err" ] && fail "Setup printed nothing on stderr" "$(cat "$T/add.err")"
check_eq "loopback is up in the pod" 1 "$(ip -n pod -o link show lo | grep -c ',UP')"
check_eq "the firewall knows the pod by K8S_POD_NAME (element comment)" "$SB web-0" \
	"$(nft -j list set inet netctl members-k8s-pod-network | jq -r '.nftables[].set.elem[]?.elem.comment')"

ip netns exec pod /usr/bin/python3 "$PROBE" peer tcp 80 &
SERVERS+=($!)
sleep 0.3
check_eq "hostPort 8080 from another netns reaches the pod's port 80" 192.168.60.2 \
	"$(reach client tcp 192.168.60.1 8080)"
check_eq "hostPort 8080 from the host (to its own address)" 192.168.60.1 \
	"$(timeout 3 /usr/bin/python3 "$PROBE" connect tcp 192.168.60.1 8080)"
got=$(reach pod tcp 192.168.60.1 8080)
check "hairpin: the pod reaches itself through its hostPort" test -n "$got"
stop_servers

# Bandwidth, both ways, with an unshaped pod of the same network as the partner (from
# outside, a masquerading network's pods answer on published ports only): within 2 %
# after the first second.
SB2=fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210
mkns peer
ip2=$(timeout 20 "$DRIVER" add "$T/netd" "$T/plugins" "$SB2" /run/netns/peer default web-1)
check_eq "a second pod (no limits) for the iperf3 partner" 10.85.0 "${ip2%.*}"
ingress=$(bw_run peer pod "$ip" udp $RATE 3)
check "ingress (to the pod) within 2 % of 10 Mbit/s: $(bw_row ours ingress udp $RATE "$ingress")" \
	bw_row ours ingress udp $RATE "$ingress"
egress=$(bw_run pod peer "$ip2" udp $RATE 3)
check "egress (from the pod) within 2 % of 10 Mbit/s: $(bw_row ours egress udp $RATE "$egress")" \
	bw_row ours egress udp $RATE "$egress"
check "the second pod's DEL" timeout 20 "$DRIVER" del "$T/netd" "$T/plugins" "$SB2" /run/netns/peer default web-1

check "StopPodSandbox: go-cni's Remove with the netns present" \
	cri del /run/netns/pod -p 8080:80/TCP -i $RATE -e $RATE
ip netns del pod
check "RemovePodSandbox: Remove again with an empty netns path" \
	cri del "" -p 8080:80/TCP -i $RATE -e $RATE
check_fails "hostPort 8080 no longer answers" reach client tcp 192.168.60.1 8080
check_eq "nothing left (veths, IFBs, store, nft elements, caches)" "" \
	"$(leaks "$T/ipam/k8s-pod-network" | grep -v '^veth: vc-host')"
check_eq "no qdisc left on any interface" "" "$(tc qdisc show | grep -E 'tbf|ingress')"
done_testing
