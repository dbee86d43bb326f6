#!/usr/bin/env bash
# bandwidth, the data plane: iperf3 between a limited container and an unshaped peer on
# the same bridge, TCP (cubic) and UDP, ingress (to the container) and egress (from it),
# ours and the reference (/usr/lib/cni) on the same config in the same run. The rate
# the shaper let through comes from the receiver's interface counters (bwlib/rate.py)
# and must be within 2 % of the configured rate, each second after the first within
# 10 % (asserted for ours; the reference's rows are printed beside them). Then a
# container without limits on the same bridge is not slowed by a limited neighbour.
#   BW_RATES="1000000 10000000 100000000"  BW_SECS=3   (bench/bandwidth.sh: more)
#   BW_REF_RATES="10000000": the rates at which the reference's rows are printed too (they
#   are reported, not judged; bench/bandwidth.sh has every rate side by side)
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/bwlib/bw.bash"

[ -x "$BIN/bandwidth" ] || { fail "bandwidth plugin is built" "$BIN/bandwidth missing"; done_testing; exit 1; }
command -v iperf3 >/dev/null || { fail "iperf3 is installed (scripts/deps.sh)" "iperf3 missing"; done_testing; exit 1; }
RATES=${BW_RATES:-1000000 10000000 100000000}
SECS=${BW_SECS:-3}
REF_RATES=${BW_REF_RATES:-10000000}
declare -A peer
for who in ours ref; do
	peer[$who]=$(bw_peer_up $who)
	[ -n "${peer[$who]}" ] || fail "the $who peer container is up"
done

echo "# $SECS-second runs; shaper = receiver's L2 rate after the first second; 1s-dev = worst"
echo "# second after the first; goodput = iperf3's; retr = TCP retransmits (cubic)"
bw_header | sed 's/^/# /'
for rate in $RATES; do
	for who in ours ref; do
		[ $who = ours ] || case " $REF_RATES " in *" $rate "*) ;; *) continue ;; esac
		ip=$(bw_ctr_up $who c1 "$(bw_limits "$rate")")
		[ -n "$ip" ] || { fail "$who: limited container up at $rate"; continue; }
		for proto in tcp udp; do
			for dir in ingress egress; do
				if [ $dir = egress ]; then
					res=$(BW_CC=cubic bw_run c1 "srv-$who" "${peer[$who]}" $proto "$rate" "$SECS")
				else
					res=$(BW_CC=cubic bw_run "srv-$who" c1 "$ip" $proto "$rate" "$SECS")
				fi
				row=$(bw_row $who $dir $proto "$rate" "$res")
				rc=$?
				echo "# $row"
				desc="ours $dir $proto $((rate / 1000000)) Mbit/s within 2 % (seconds within 10 %)"
				if [ $who = ours ]; then
					case $rc in
					0) ok "$desc" ;;
					# the UDP sender could not offer the rate: said, not judged
					2) ok "$desc: not judged, the sender was CPU-bound" ;;
					*) fail "$desc" "$row" ;;
					esac
				fi
			done
		done
		bw_ctr_down $who c1
	done
done

# --- an unshaped container beside a limited one is not slowed ---
ip=$(bw_ctr_up ours c1 "$(bw_limits 10000000)")
mkns u1
bw_cni ours add "$T/plain-ours.conflist" u1 >/dev/null
alone=$(bw_run u1 srv-ours "${peer[ours]}" tcp 1000000000 2 | cut -d' ' -f1)
ip netns exec srv-ours iperf3 -s -1 -p 5999 >/dev/null 2>&1 &
sleep 0.3
ip netns exec c1 iperf3 -c "${peer[ours]}" -p 5999 -t 6 >/dev/null 2>&1 &
nb=$!
sleep 1
beside=$(bw_run u1 srv-ours "${peer[ours]}" tcp 1000000000 2 | cut -d' ' -f1)
wait $nb
echo "# unshaped container to the peer: alone $((alone / 1000000)) Mbit/s, beside a limited neighbour sending at its limit $((beside / 1000000)) Mbit/s"
check "the unshaped neighbour keeps at least half of its throughput" \
	awk -v a="$alone" -v b="$beside" 'BEGIN { exit !(a > 0 && b >= 0.5 * a) }'
done_testing
