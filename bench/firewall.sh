#!/usr/bin/env bash
# bench/firewall.sh [N] : our firewall plugin against Debian's /usr/lib/cni/firewall in
# one run: N ADDs, interleaved, then N DELs, on one bridge network with
# ingressPolicy same-bridge for both. Prints ADD medians of the first 10 and last 10,
# DEL medians, and ratios. Runs itself in a throwaway sandbox.
. "$(dirname "$0")/sandboxed.sh"

N=${1:-200}
for b in "$BIN/firewall" "$REF/firewall"; do
	[ -x "$b" ] || { echo "bench: $b is missing" >&2; exit 1; }
done
mkns bench
ip link add br-ours type bridge
ip link add br-ref type bridge

conf() { # WHO BRIDGE I
	local i=$3
	printf '{"cniVersion":"1.0.0","name":"%s","type":"firewall","backend":"iptables","ingressPolicy":"same-bridge","prevResult":{"cniVersion":"1.0.0","interfaces":[{"name":"%s"},{"name":"veth%d"},{"name":"eth0","sandbox":"/run/netns/bench"}],"ips":[{"address":"10.%d.%d.%d/16","interface":2}]}}' \
		"$1" "$2" "$i" "$([ "$1" = ours ] && echo 128 || echo 129)" $((i / 250)) $((i % 250 + 2))
}
# ms WHO CMD I : run one exec, print its wall time in ms.
ms() {
	local who=$1 cmd=$2 i=$3 bin br t0 t1
	if [ "$who" = ours ]; then bin=$BIN/firewall br=br-ours; else bin=$REF/firewall br=br-ref; fi
	conf "$who" "$br" "$i" >"$T/c"
	t0=$EPOCHREALTIME
	CNI_COMMAND=$cmd CNI_CONTAINERID="c$i" CNI_NETNS=/run/netns/bench CNI_IFNAME=eth0 \
		CNI_PATH="$BIN" "$bin" <"$T/c" >"$T/out" 2>&1 || { echo "bench: $who $cmd $i failed: $(cat "$T/out")" >&2; exit 1; }
	t1=$EPOCHREALTIME
	echo "$(( (${t1/./} - ${t0/./}) ))" # microseconds
}
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

for i in $(seq 1 "$N"); do
	echo "$i $(ms ours ADD "$i") $(ms ref ADD "$i")"
done >"$T/add"
for i in $(seq 1 "$N"); do
	echo "$i $(ms ours DEL "$i") $(ms ref DEL "$i")"
done >"$T/del"
row() { # LABEL FILE FROM TO
	local o r
	o=$(awk -v a="$3" -v b="$4" '$1>=a && $1<=b {print $2}' "$2" | median)
	r=$(awk -v a="$3" -v b="$4" '$1>=a && $1<=b {print $3}' "$2" | median)
	printf '%-28s %9.2f ms %9.2f ms %7.2fx\n' "$1" "$(echo "$o/1000" | bc -l)" \
		"$(echo "$r/1000" | bc -l)" "$(echo "$r/$o" | bc -l)"
}
printf '%-28s %12s %12s %8s\n' "firewall, N=$N" ours reference "ref/ours"
row "ADD #1" "$T/add" 1 1
row "ADD first 10" "$T/add" 1 10
row "ADD last 10" "$T/add" $((N - 9)) "$N"
row "DEL first 10" "$T/del" 1 10
row "DEL last 10" "$T/del" $((N - 9)) "$N"
echo "table inet netctl after all DELs: $(nft list set inet netctl members-ours | grep -c elements) element lines"
