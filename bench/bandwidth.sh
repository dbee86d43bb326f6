#!/usr/bin/env bash
# bench/bandwidth.sh : rate-limit accuracy, ours vs the reference (/usr/lib/cni) on the
# same config in the same run. iperf3 between a limited container and an unshaped peer
# on the same bridge: TCP (the machine's default congestion control, as containers get
# it; BW_TCP_CC=cubic for the loss-based view the integration test uses) and UDP,
# ingress (to the container) and egress (from it), 1/10/100/1000 Mbit/s, 5-second runs
# (the rate is read over the last 4 seconds). Shaper rate = receiver's interface
# counters at wire size (tests/integration/bwlib/rate.py). About 3 minutes.
#   BW_RATES="1000000 10000000 100000000 1000000000"  BW_SECS=4  BW_TCP_CC=
. "$(dirname "$0")/sandboxed.sh"
. "$ROOT/tests/integration/bwlib/bw.bash"

for p in "$BIN/bandwidth" "$REF/bandwidth"; do
	[ -x "$p" ] || { echo "bench: $p is missing" >&2; exit 1; }
done
command -v iperf3 >/dev/null || { echo "bench: iperf3 is missing (scripts/deps.sh)" >&2; exit 1; }
RATES=${BW_RATES:-1000000 10000000 100000000 1000000000}
SECS=${BW_SECS:-4}
declare -A peer
for who in ours ref; do
	peer[$who]=$(bw_peer_up $who)
	[ -n "${peer[$who]}" ] || { echo "bench: $who peer did not come up" >&2; exit 1; }
done
CC=${BW_TCP_CC:-$(cat /proc/sys/net/ipv4/tcp_congestion_control)}

# measure WHO RATE CC PROTO DIR : one row
measure() {
	local who=$1 rate=$2 cc=$3 proto=$4 dir=$5 res
	if [ "$dir" = egress ]; then
		res=$(BW_CC=$cc bw_run c1 "srv-$who" "${peer[$who]}" "$proto" "$rate" "$SECS")
	else
		res=$(BW_CC=$cc bw_run "srv-$who" c1 "$IP" "$proto" "$rate" "$SECS")
	fi
	bw_row "$who" "$dir" "$proto" "$rate" "$res"
}

echo "Rate limits, ours vs reference: $((SECS + 1))-second iperf3 runs, shaper rate over the last"
echo "$SECS s from the receiver's counters at wire size, dev = its error, 1s-dev = worst second"
echo "after the first, goodput = iperf3's (TCP payload / UDP datagrams), retr = TCP retransmits."
echo "Burst: 10 ms at the rate (at least 4000 B). OFF = outside 2 % / 10 %."
echo
echo "TCP ($CC) and UDP:"
bw_header
fails=0 cpu=0
for rate in $RATES; do
	for who in ours ref; do
		IP=$(bw_ctr_up $who c1 "$(bw_limits "$rate")")
		for proto in tcp udp; do
			for dir in ingress egress; do
				measure $who "$rate" "$CC" $proto $dir
				case "$who$?" in ours1) fails=$((fails + 1)) ;; ours2) cpu=$((cpu + 1)) ;; esac
			done
		done
		bw_ctr_down $who c1
	done
done
echo
echo "ours: $fails row(s) outside the bounds, $cpu row(s) where the UDP sender could not offer"
echo "the rate on $(nproc) shared vCPU (marked n/a; the shaper had nothing to limit)."
