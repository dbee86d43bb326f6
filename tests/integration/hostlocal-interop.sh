#!/usr/bin/env bash
# host-local interop with Debian's reference plugins, both ways: the reference bridge
# delegating to our host-local gives working connectivity, and either host-local
# takes over (and frees) the other's reservations.
. "$(dirname "$0")/../lib/common.sh"

DD=$T/data
S=$DD/ionet
for p in bridge host-local; do
	[ -x "$REF/$p" ] || fail "reference $p is installed" "$REF/$p missing"
done
br='{"cniVersion":"1.0.0","name":"ionet","type":"bridge","bridge":"cni-io0","isGateway":true,"ipam":{"type":"host-local","subnet":"10.70.0.0/24","dataDir":"'$DD'","routes":[{"dst":"0.0.0.0/0"}]}}'

# ---- the reference bridge, our host-local first on CNI_PATH ----
mkns a && mkns b
export CNI_PATH_OVERRIDE=$BIN:$REF
outa=$(ref_plugin bridge ADD ctr-a /run/netns/a eth0 <<<"$br")
check_eq "reference bridge + our host-local: ADD a" "10.70.0.2/24" "$(jq -r '.ips[0].address' <<<"$outa")"
outb=$(ref_plugin bridge ADD ctr-b /run/netns/b eth0 <<<"$br")
check_eq "reference bridge + our host-local: ADD b" "10.70.0.3/24" "$(jq -r '.ips[0].address' <<<"$outb")"
# Ours writes 0600 files (the reference 1.1.1 writes 0644): proof ours did the work.
check_eq "the reservation was written by our host-local" "600 ctr-a/eth0" \
	"$(stat -c %a "$S/10.70.0.2") $(tr '\r\n' '/ ' <"$S/10.70.0.2" | sed 's#/ #/#')"
check "a pings b through the bridge" ip netns exec a ping -c 1 -W 2 10.70.0.3
check "b pings a through the bridge" ip netns exec b ping -c 1 -W 2 10.70.0.2
check "a pings the gateway" ip netns exec a ping -c 1 -W 2 10.70.0.1
check "reference bridge CHECK delegating to our host-local" ref_plugin bridge CHECK ctr-a \
	/run/netns/a eth0 <<<"$(jq -c --argjson p "$outa" '. + {prevResult: $p}' <<<"$br")"
check "reference bridge DEL a" ref_plugin bridge DEL ctr-a /run/netns/a eth0 <<<"$br"
check "reference bridge DEL b" ref_plugin bridge DEL ctr-b /run/netns/b eth0 <<<"$br"
check_eq "after DEL: only lock and last_reserved_ip.0" "last_reserved_ip.0 lock" "$(ls "$S" | xargs)"
check_eq "after DEL: no interface left in a" "lo" "$(ip -n a -o link show | awk -F': ' '{print $2}' | xargs)"
unset CNI_PATH_OVERRIDE

# ---- store takeover, both ways ----
hl='{"cniVersion":"1.0.0","name":"ionet","type":"host-local","ipam":{"type":"host-local","subnet":"10.70.0.0/24","dataDir":"'$DD'"}}'
NS=/run/netns/a
ours=$(plugin host-local ADD o1 $NS eth0 <<<"$hl" | jq -r '.ips[0].address')
theirs=$(ref_plugin host-local ADD r1 $NS eth0 <<<"$hl" | jq -r '.ips[0].address')
check_eq "round robin continues across implementations (ours, then reference)" \
	"10.70.0.4/24 10.70.0.5/24" "$ours $theirs"
ours2=$(plugin host-local ADD o2 $NS eth0 <<<"$hl" | jq -r '.ips[0].address')
check_eq "round robin continues across implementations (reference, then ours)" \
	"10.70.0.6/24" "$ours2"
check_eq "reference file format is the one we write" "r1/eth0 o1/eth0" \
	"$(tr '\r\n' '/ ' <"$S/10.70.0.5" | sed 's#/ #/#') $(tr '\r\n' '/ ' <"$S/10.70.0.4" | sed 's#/ #/#')"
check "our CHECK accepts the reference's reservation" plugin host-local CHECK r1 $NS eth0 <<<"$hl"
check "reference CHECK accepts our reservation" ref_plugin host-local CHECK o1 $NS eth0 <<<"$hl"
check "reference host-local DEL of our reservation" ref_plugin host-local DEL o1 $NS eth0 <<<"$hl"
check_eq "reference DEL freed our file" "no" "$([ -e "$S/10.70.0.4" ] && echo yes || echo no)"
check "our DEL of the reference's reservation" plugin host-local DEL r1 $NS eth0 <<<"$hl"
check_eq "our DEL freed the reference's file" "no" "$([ -e "$S/10.70.0.5" ] && echo yes || echo no)"
out=$(ref_plugin host-local ADD r2 $NS eth0 <<<"${hl/\"subnet\"/\"rangeStart\":\"10.70.0.6\",\"rangeEnd\":\"10.70.0.6\",\"subnet\"}")
check_eq "reference sees our reservation as taken" "999" "$(jq -r .code <<<"$out")"
check "our DEL o2" plugin host-local DEL o2 $NS eth0 <<<"$hl"
check_eq "store ends with only lock and last_reserved_ip.0" "last_reserved_ip.0 lock" "$(ls "$S" | xargs)"

# Both implementations at once on one store: they serialise on the same flock.
mkdir -p "$T/mix"
for i in $(seq 1 40); do
	plugin host-local ADD m$i $NS eth0 <<<"$hl" >"$T/mix/o$i" 2>&1 &
	ref_plugin host-local ADD n$i $NS eth0 <<<"$hl" >"$T/mix/r$i" 2>&1 &
done
wait
check_eq "40 of ours + 40 reference ADDs in parallel: 80 distinct addresses" 80 \
	"$(cat "$T"/mix/* | jq -r '.ips[0].address' 2>/dev/null | sort -u | grep -c '^10\.70\.')"
for i in $(seq 1 40); do
	ref_plugin host-local DEL m$i $NS eth0 <<<"$hl" &
	plugin host-local DEL n$i $NS eth0 <<<"$hl" &
done
wait
check_eq "crossed parallel DELs leave only lock and last_reserved_ip.0" "last_reserved_ip.0 lock" \
	"$(ls "$S" | xargs)"
done_testing
