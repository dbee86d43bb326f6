#!/usr/bin/env bash
# ADD into a CNI_NETNS that is missing or is no network namespace (a regular file, a
# directory, /dev/null, a UTS or mount namespace, a deleted netns's stale path): every
# plugin that attaches something (bridge, loopback, bandwidth, firewall, portmap,
# tuning, dnsname) refuses it with code 4 and the path in the details, and nothing
# changes: no link, no address, no nft object, no qdisc, no store file. The reference
# plugins are run on the same input and what they say is printed ("# reference:").
. "$(dirname "$0")/../lib/common.sh"

mkdir -p "$T/ipam" "$T/dir"
echo x >"$T/file"
mkns victim
ip netns add gone && ip netns delete gone	# a netns deleted under the runtime
ip link add brn0 type bridge && ip link set brn0 up
prev='{"cniVersion":"1.0.0","interfaces":[{"name":"brn0"},{"name":"vethx"},{"name":"eth0","sandbox":"/run/netns/victim"}],"ips":[{"address":"10.97.0.2/24","interface":2}]}'
# conf TYPE : a config for TYPE that would work with a real netns
conf() {
	case $1 in
	bridge) echo '{"cniVersion":"1.0.0","name":"fn","type":"bridge","bridge":"brn0","isGateway":true,
		"ipam":{"type":"host-local","dataDir":"'"$T/ipam"'","ranges":[[{"subnet":"10.97.0.0/24"}]]}}' ;;
	loopback) echo '{"cniVersion":"1.0.0","name":"fn","type":"loopback"}' ;;
	bandwidth) echo '{"cniVersion":"1.0.0","name":"fn","type":"bandwidth","ingressRate":1000000,
		"ingressBurst":100000,"prevResult":'"$prev"'}' ;;
	firewall) echo '{"cniVersion":"1.0.0","name":"fn","type":"firewall","prevResult":'"$prev"'}' ;;
	portmap) echo '{"cniVersion":"1.0.0","name":"fn","type":"portmap","capabilities":{"portMappings":true},
		"runtimeConfig":{"portMappings":[{"hostPort":9090,"containerPort":80,"protocol":"tcp"}]},
		"prevResult":'"$prev"'}' ;;
	tuning) echo '{"cniVersion":"1.0.0","name":"fn","type":"tuning","mtu":1400,"prevResult":'"$prev"'}' ;;
	dnsname) echo '{"cniVersion":"1.0.0","name":"fn","type":"dnsname","domainName":"fn.test",
		"prevResult":'"$prev"'}' ;;
	esac
}
state() {
	ip -o link show | sed 's/ state .*//'; ip -o addr show | sed 's/ tentative//'
	nft list ruleset 2>/dev/null | sed 's/packets [0-9]* bytes [0-9]*//'
	tc qdisc show; ls -A "$T/ipam"; ls /run/netctl 2>/dev/null
}
paths=("/run/netns/nope" "$T/file" "$T/dir" /dev/null /proc/self/ns/uts "/proc/$$/ns/mnt" "/run/netns/gone")
before=$(state)
for p in bridge loopback bandwidth firewall portmap tuning dnsname; do
	[ -x "$BIN/$p" ] || { fail "$p is built" "$BIN/$p missing"; continue; }
	for ns in "${paths[@]}"; do
		out=$(conf "$p" | plugin "$p" ADD id-fn "$ns" eth0)
		st=$?
		code=$(echo "$out" | jq -r .code 2>/dev/null)
		details=$(echo "$out" | jq -r .details 2>/dev/null)
		if [ "$st" != 0 ] && [ "$code" = 4 ] && [ "${details#CNI_NETNS=$ns: }" != "$details" ]; then
			ok "$p ADD CNI_NETNS=$ns: code 4, the path named"
		else
			fail "$p ADD CNI_NETNS=$ns: code 4, the path named" "exit $st: $out"
		fi
	done
done
check_eq "nothing changed: links, addresses, nft, qdiscs, store" "$before" "$(state)"
out=$(conf bridge | plugin bridge ADD id-fn /run/netns/victim eth0)
check_eq "the same ADD into a real netns works" 10.97.0.2/24 "$(echo "$out" | jq -r '.ips[0].address')"
echo '{"cniVersion":"1.0.0","name":"fn","type":"bridge","bridge":"brn0","ipam":{"type":"host-local","dataDir":"'"$T/ipam"'","ranges":[[{"subnet":"10.97.0.0/24"}]]}}' |
	plugin bridge DEL id-fn /run/netns/victim eth0 >/dev/null
# DEL of a netns that is gone stays idempotent (the spec: DEL must succeed).
out=$(conf bandwidth | plugin bandwidth DEL id-fn /run/netns/nope eth0)
check_eq "DEL with a missing netns still succeeds" "" "$out"

# The reference plugins on the same input (reported, not asserted).
for p in bridge loopback bandwidth firewall portmap tuning; do
	for ns in "/run/netns/nope" "$T/file" /proc/self/ns/uts; do
		out=$(conf "$p" | ref_plugin "$p" ADD id-ref "$ns" eth0 2>&1)
		st=$?
		echo "# reference: $p ADD CNI_NETNS=${ns##*/}: exit $st $(echo "$out" | tr -d '\n' | cut -c1-140)"
	done
done
done_testing
