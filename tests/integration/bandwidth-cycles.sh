#!/usr/bin/env bash
# bandwidth: 200 ADD/DEL cycles of bridge + host-local + bandwidth (both directions)
# through netctl cni leave no IFB device and no qdisc but the defaults; CHECK passes on
# every 20th; a concurrent second container keeps its own limits all along.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/bwlib/bw.bash"

[ -x "$BIN/bandwidth" ] || { fail "bandwidth plugin is built" "$BIN/bandwidth missing"; done_testing; exit 1; }
N=${BW_CYCLES:-200}
bw_conflist ours "$T/bw-ours.conflist" "$(bw_limits 10000000)"
mkns keep
check "a long-lived limited container" bw_cni ours add "$T/bw-ours.conflist" keep
keep_q=$(tc qdisc show | grep -c tbf)
mkns c
bad=0 checked=0
start=$SECONDS
for i in $(seq "$N"); do
	if ! bw_cni ours add "$T/bw-ours.conflist" c --id "cyc$i" >/dev/null 2>"$T/err"; then
		bad=$((bad + 1)); cat "$T/err"; continue
	fi
	if [ $((i % 20)) = 0 ]; then
		bw_cni ours check "$T/bw-ours.conflist" c --id "cyc$i" >/dev/null 2>>"$T/err" ||
			bad=$((bad + 1))
		checked=$((checked + 1))
	fi
	bw_cni ours del "$T/bw-ours.conflist" c --id "cyc$i" >/dev/null 2>>"$T/err" ||
		{ bad=$((bad + 1)); cat "$T/err"; }
done
echo "# $N cycles in $((SECONDS - start)) s"
check_eq "$N ADD/CHECK/DEL cycles without an error ($checked CHECKs)" 0 "$bad"
check_eq "one IFB left: the long-lived container's" 1 "$(ip -o link show type ifb | wc -l)"
check_eq "no veth but the long-lived container's" 1 "$(ip -o link show type veth | wc -l)"
check_eq "the long-lived container's two TBFs, no other" "$keep_q" "$(tc qdisc show | grep -c tbf)"
check_eq "one ingress qdisc (the long-lived one's)" 1 "$(tc qdisc show | grep -c 'qdisc ingress')"
check "the long-lived container passes CHECK" bw_cni ours check "$T/bw-ours.conflist" keep
check "DEL of the long-lived container" bw_cni ours del "$T/bw-ours.conflist" keep
check_eq "no IFB device at the end" "" "$(ip -o link show type ifb)"
check_eq "only default qdiscs at the end" "" "$(tc qdisc show | grep -v '^qdisc noqueue 0: dev')"
done_testing
