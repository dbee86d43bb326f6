#!/usr/bin/env bash
# bench/spoofchk.sh [SECONDS] [ROUNDS] [N] [ADDS] : what the bridge's per-port source
# binding (spoofchk, ruleset/spoofchk.h) costs, on one bridge with N containers (default
# 1000), every one of them bound:
#   - data plane: TCP throughput (iperf3, one stream, SECONDS each after 1 s of warm-up,
#     default 2; ROUNDS default 15) between two bound
#     containers of that bridge, rules on (table bridge netctl with every element) and
#     off (its base chain deleted: no hook left; then made again), alternating,
#     ROUNDS times each; medians and their ratio;
#   - ADD: the bridge plugin's ADD (exec to exit, with host-local) of one more container
#     with "spoofchk": true and false, interleaved, ADDS times each (DELed afterwards,
#     untimed); medians and the difference. That difference
#     drowns in the ADD's own noise (veth creation at N ports, a loaded machine), so
#     the spoofchk step is also timed on its own: bench/spoofchk-add.c calls the
#     plugin's nft_spoofchk_attach 200 times at N ports, then _detach for each.
# br_netfilter off, as on most hosts. Runs itself in a throwaway sandbox.
. "$(dirname "$0")/sandboxed.sh"
S=${1:-2}
R=${2:-15}
N=${3:-1000}
ADDS=${4:-40}
command -v iperf3 >/dev/null || { echo "bench: iperf3 missing" >&2; exit 1; }
echo 0 >/proc/sys/net/bridge/bridge-nf-call-iptables

conf() { # SPOOFCHK
	echo '{"cniVersion":"1.0.0","name":"sp","type":"bridge","bridge":"br-sp","isGateway":true,
 "spoofchk":'"$1"',"ipam":{"type":"host-local","dataDir":"'"$T"'/ipam",
 "ranges":[[{"subnet":"10.120.0.0/16"}]]}}'
}
ON=$(conf true) OFF=$(conf false)
add() { # ID CONF
	CNI_COMMAND=ADD CNI_CONTAINERID=$1 CNI_NETNS=/run/netns/$1 CNI_IFNAME=eth0 \
		CNI_PATH=$BIN "$BIN/bridge" <<<"$2" >"$T/$1.json"
}
del() { # ID CONF
	CNI_COMMAND=DEL CNI_CONTAINERID=$1 CNI_NETNS=/run/netns/$1 CNI_IFNAME=eth0 \
		CNI_PATH=$BIN "$BIN/bridge" <<<"$2" >/dev/null
}
addr() { jq -r '.ips[0].address | split("/")[0]' "$T/$1.json"; }

t0=$SECONDS
for i in $(seq 1 "$N"); do
	mkns "c$i" && add "c$i" "$ON" ||
		{ echo "bench: ADD c$i failed: $(cat "$T/c$i.json")" >&2; exit 1; }
done
ports=$(nft list set bridge netctl spoof-ports | grep -o '"veth' | wc -l)
echo "$N containers on br-sp, each bound ($ports ports in spoof-ports), in $((SECONDS - t0)) s"

# --- data plane: c1 -> c2 through two bound ports ---
ip netns exec c2 iperf3 -s -D --pidfile "$T/iperf.pid"
sleep 0.3
dst=$(addr c2)
rate() { ip netns exec c1 iperf3 -c "$dst" -t "$S" -O 1 -J 2>/dev/null |
	jq -r '.end.sum_received.bits_per_second / 1e7 | floor / 100'; }
# off: the base chain deleted (no hook at all), then made again as the plugin makes it
base='add chain bridge netctl spoofchk { type filter hook prerouting priority -300; }
add rule bridge netctl spoofchk iifname @spoof-ports jump spoof-port'
for r in $(seq 1 "$R"); do
	echo "on $(rate)"
	nft delete chain bridge netctl spoofchk
	echo "off $(rate)"
	nft -f - <<<"$base"
done >"$T/rates"
kill "$(cat "$T/iperf.pid")"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
pick() { awk -v k="$1" '$1 == k {print $2}' "$T/rates" | median; }
on=$(pick on) off=$(pick off)
echo "all runs (Gbit/s): on:$(awk '$1=="on"{printf " %s", $2}' "$T/rates");" \
	"off:$(awk '$1=="off"{printf " %s", $2}' "$T/rates")"
# each round's on/off pair ran back to back: the median of their ratios resists the
# machine's drift better than the ratio of the medians
paired=$(paste - - <"$T/rates" | awk '$4 > 0 {print $2 / $4}' | median)
printf '%-46s %8s Gbit/s\n' "TCP c1 -> c2, spoofchk rules on" "$on"
printf '%-46s %8s Gbit/s\n' "TCP c1 -> c2, spoofchk base chain deleted" "$off"
echo "throughput on / off: $(ratio "$on" "$off") (medians);" \
	"$(awk -v p="$paired" 'BEGIN { printf "%.3fx (%+.1f%%)", p, (p - 1) * 100 }')" \
	"(median of the $R paired rounds)"

# --- ADD with and without spoofchk at N ports ---
: >"$T/add.on"
: >"$T/add.off"
# A bridge takes 1023 ports: make room for the timed ADDs (untimed DELs of fillers),
# so they bring the bridge back to N. Every timed ADD, then the DELs: a DEL between
# them would make the next ADD's nft commit wait for its deferred destroy work.
for i in $(seq $((N - 2 * ADDS + 1)) "$N"); do
	[ "$i" -gt 2 ] && del "c$i" "$ON" && ip netns del "c$i"
done
sleep 1
for i in $(seq 1 "$ADDS"); do
	for w in on off; do
		id=x$w$i
		mkns "$id"
		c=$([ $w = on ] && echo "$ON" || echo "$OFF")
		s=${EPOCHREALTIME/./}
		add "$id" "$c" || { echo "bench: ADD $id failed: $(cat "$T/$id.json")" >&2; exit 1; }
		echo $((${EPOCHREALTIME/./} - s)) >>"$T/add.$w"
	done
done
for i in $(seq 1 "$ADDS"); do
	for w in on off; do
		del "x$w$i" "$([ $w = on ] && echo "$ON" || echo "$OFF")"
		ip netns del "x$w$i"
	done
done
a_on=$(pct "$T/add.on" 50) a_off=$(pct "$T/add.off" 50)
printf '%-46s %8s ms (p90 %s)\n' "bridge ADD at $N ports, spoofchk true" "$a_on" \
	"$(pct "$T/add.on" 90)"
printf '%-46s %8s ms (p90 %s)\n' "bridge ADD at $N ports, spoofchk false" "$a_off" \
	"$(pct "$T/add.off" 90)"
echo "ADD with / without: $(ratio "$a_on" "$a_off")" \
	"($(awk -v a="$a_on" -v b="$a_off" 'BEGIN { printf "%+.2f ms", a - b }'))"
# --- the spoofchk step alone, in the plugin's own calls ---
PKGS="libmnl libnftnl jansson"
cc -O2 -std=gnu11 -D_GNU_SOURCE -I"$ROOT" $(pkg-config --cflags $PKGS) \
	"$HERE/spoofchk-add.c" "$BUILD/libnetctl.a" $(pkg-config --libs $PKGS) -o "$T/spoofadd" ||
	{ echo "bench: cannot build bench/spoofchk-add.c" >&2; exit 1; }
"$T/spoofadd" 200 >"$T/step" || exit 1
awk '$1 == "add" {print $2}' "$T/step" >"$T/step.add"
awk '$1 == "del" {print $2}' "$T/step" >"$T/step.del"
printf '%-46s %8s ms (p90 %s)\n' "spoofchk step of ADD at $N ports (attach)" \
	"$(pct "$T/step.add" 50)" "$(pct "$T/step.add" 90)"
printf '%-46s %8s ms (p90 %s)\n' "spoofchk step of DEL at $N ports (by key)" \
	"$(pct "$T/step.del" 50)" "$(pct "$T/step.del" 90)"
left=$(nft list set bridge netctl spoof-ports | grep -c 'comment "x')
[ "$left" = 0 ] || echo "bench: $left ports of the timed ADDs left bound" >&2
