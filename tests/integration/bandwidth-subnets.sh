#!/usr/bin/env bash
# bandwidth with unshapedSubnets / shapedSubnets, real traffic: a container limited to
# 10 Mbit/s both ways talks to a peer on its bridge and to a host outside the subnet
# (192.168.50.2, routed through the gateway). unshapedSubnets [outside]: the peer is
# shaped, the outside is not; shapedSubnets [outside]: the reverse. Both directions.
# Shaped = TCP goodput at wire size (x 1514/1448) within 5 % of the rate; unshaped =
# at least 5 times the rate.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/bwlib/bw.bash"
. "$(dirname "$0")/fwlib/fw.bash"

[ -x "$BIN/bandwidth" ] || { fail "bandwidth plugin is built" "$BIN/bandwidth missing"; done_testing; exit 1; }
command -v iperf3 >/dev/null || { fail "iperf3 is installed (scripts/deps.sh)" "iperf3 missing"; done_testing; exit 1; }
RATE=10000000
peer=$(bw_peer_up ours)
outside_up	# netns "out" at 192.168.50.2, routed to 10/8 through this namespace
echo 1 >/proc/sys/net/ipv4/ip_forward

# judge DESC SHAPED RESULT
judge() {
	local desc=$1 shaped=$2 good
	good=$(echo "$3" | cut -d' ' -f3)
	echo "# $desc: goodput $(awk -v g="$good" 'BEGIN { printf "%.2f", g / 1e6 }') Mbit/s"
	if [ "$shaped" = yes ]; then
		check "$desc is shaped (within 5 %)" awk -v g="$good" -v r=$RATE \
			'BEGIN { w = g * 1514 / 1448; exit !(w > 0.95 * r && w < 1.05 * r) }'
	else
		check "$desc is not shaped" awk -v g="$good" -v r=$RATE 'BEGIN { exit !(g > 5 * r) }'
	fi
}

for mode in unshapedSubnets shapedSubnets; do
	bw_conflist ours "$T/bw-ours.conflist" "$(bw_limits $RATE),\"$mode\":[\"192.168.50.0/24\"]"
	sed -i 's/"isGateway":true/"isGateway":true,"isDefaultGateway":true/' "$T/bw-ours.conflist"
	mkns c1
	ip=$(bw_cni ours add "$T/bw-ours.conflist" c1 | jq -r '.ips[0].address' | cut -d/ -f1)
	check "$mode: ADD" test -n "$ip"
	check "$mode: CHECK" bw_cni ours check "$T/bw-ours.conflist" c1
	peer_shaped=yes out_shaped=no
	[ $mode = shapedSubnets ] && { peer_shaped=no; out_shaped=yes; }
	judge "$mode: container -> bridge peer" $peer_shaped "$(BW_CC=cubic bw_run c1 srv-ours "$peer" tcp $RATE 2)"
	judge "$mode: container -> outside" $out_shaped "$(BW_CC=cubic bw_run c1 out 192.168.50.2 tcp $RATE 2)"
	judge "$mode: bridge peer -> container" $peer_shaped "$(BW_CC=cubic bw_run srv-ours c1 "$ip" tcp $RATE 2)"
	judge "$mode: outside -> container" $out_shaped "$(BW_CC=cubic bw_run out c1 "$ip" tcp $RATE 2)"
	check "$mode: DEL" bw_ctr_down ours c1
done
check_eq "no IFB left" "" "$(ip -o link show type ifb)"
check_eq "only default qdiscs left" "" "$(tc qdisc show | grep -v '^qdisc noqueue 0: dev')"
done_testing
