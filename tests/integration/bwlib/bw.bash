# shellcheck shell=bash
# Rate-limit measurements shared by tests/integration/bandwidth-*.sh and bench/bandwidth.sh
# (sourced after tests/lib/common.sh, inside the sandbox). For each implementation WHO
# (ours: $BIN, ref: /usr/lib/cni) a network bw-WHO on bridge br-WHO: one unshaped peer
# container (the iperf3 partner) and one limited container, both through `netctl cni`.
BWLIB=$ROOT/tests/integration/bwlib
declare -A BW_CP=([ours]=$BIN [ref]=$REF) BW_SUB=([ours]=10.71 [ref]=10.72)

# bw_conflist WHO FILE [BANDWIDTH_JSON] : bridge + host-local (+ bandwidth with the keys).
bw_conflist() {
	local who=$1 file=$2 bw=${3:-}
	{
		printf '{"cniVersion":"1.0.0","name":"bw-%s","plugins":[' "$who"
		printf '{"type":"bridge","bridge":"br-%s","isGateway":true,' "$who"
		printf '"ipam":{"type":"host-local","subnet":"%s.0.0/24","dataDir":"%s/ipam"}}' \
			"${BW_SUB[$who]}" "$T"
		[ -n "$bw" ] && printf ',{"type":"bandwidth",%s}' "$bw"
		printf ']}\n'
	} >"$file"
}

# bw_cni WHO CMD CONFLIST NS [args...] : the chain through netctl cni with WHO's plugins.
bw_cni() {
	local who=$1 cmd=$2 conf=$3 ns=$4
	shift 4
	NETCTL_STATEDIR=$T/state-$who CNI_PATH=${BW_CP[$who]} "$BIN/netctl" cni "$cmd" "$conf" \
		"/run/netns/$ns" --id "$ns" "$@"
}

# bw_peer_up WHO : the unshaped partner srv-WHO on the network; prints its address.
bw_peer_up() {
	local who=$1
	bw_conflist "$who" "$T/plain-$who.conflist"
	mkns "srv-$who" || return 1
	bw_cni "$who" add "$T/plain-$who.conflist" "srv-$who" | jq -r '.ips[0].address' |
		cut -d/ -f1
}

# bw_ctr_up WHO NAME BANDWIDTH_JSON : a limited container; prints its address.
bw_ctr_up() {
	local who=$1 name=$2
	bw_conflist "$who" "$T/bw-$who.conflist" "$3"
	mkns "$name" || return 1
	bw_cni "$who" add "$T/bw-$who.conflist" "$name" | jq -r '.ips[0].address' | cut -d/ -f1
}

# bw_ctr_down WHO NAME
bw_ctr_down() {
	bw_cni "$1" del "$T/bw-$1.conflist" "$2" >/dev/null && ip netns del "$2"
}

# bw_limits RATE : the JSON keys for RATE bits/s both ways, burst 10 ms (at least 4000 B).
bw_limits() {
	local b=$(($1 / 100))
	[ $b -ge 32000 ] || b=32000
	printf '"ingressRate":%s,"ingressBurst":%s,"egressRate":%s,"egressBurst":%s' \
		"$1" "$b" "$1" "$b"
}

# bw_run SENDER_NS RECEIVER_NS RECEIVER_IP PROTO RATE SECS
# One iperf3 run; prints "shaper_bps per_second_bps(comma list) goodput_bps retrans
# sender_bps": the shaper's rate is the receiver's eth0 rx bytes after the first second.
bw_run() {
	local snd=$1 rcv=$2 ip=$3 proto=$4 rate=$5 secs=$6 port=$((5200 + RANDOM % 500))
	local opts=() srv client js total per
	[ "$proto" = udp ] && opts=(-u -b "$((rate * 12 / 10))" -l 1400)
	[ "$proto" = tcp ] && [ -n "${BW_CC:-}" ] && opts=(-C "$BW_CC")
	ip netns exec "$rcv" iperf3 -s -1 -p "$port" >/dev/null 2>&1 &
	srv=$!
	for _ in $(seq 50); do
		ip netns exec "$rcv" ss -ltn | grep -q ":$port " && break
		sleep 0.05
	done
	# iperf3 runs a second longer than the sampler, so every sample is inside the run.
	ip netns exec "$snd" timeout $((secs + 12)) iperf3 -c "$ip" -p "$port" -t "$((secs + 1))" \
		-J "${opts[@]}" >"$T/iperf.json" 2>/dev/null &
	client=$!
	ip netns exec "$rcv" python3 "$BWLIB/rate.py" eth0 "$secs" "$proto" >"$T/rate.out"
	wait "$client"
	js=$(cat "$T/iperf.json")
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	read -r total per <"$T/rate.out"
	printf '%s %s %s\n' "$total" "$(echo "$per" | tr ' ' ,)" "$(echo "$js" | jq -r \
		'if .end.sum_received then "\(.end.sum_received.bits_per_second) \(.end.sum_sent.retransmits // 0) \(.end.sum_sent.bits_per_second)"
		 else "\(.end.sum.bits_per_second) 0 \(.end.sum.bits_per_second)" end' 2>/dev/null ||
		echo "0 0 0")"
}

# bw_row WHO DIR PROTO RATE RESULT : one table row; exit 1 when the rate is off by more
# than 2 % or a second after the first by more than 10 %, 2 when a UDP sender could not
# even offer the rate (nothing to judge).
bw_row() {
	local who=$1 dir=$2 proto=$3 rate=$4 total per good retr sent
	read -r total per good retr sent <<<"$5"
	awk -v who="$who" -v dir="$dir" -v proto="$proto" -v rate="$rate" -v total="$total" \
		-v per="$per" -v good="$good" -v retr="$retr" -v sent="$sent" 'BEGIN {
		n = split(per, p, ","); lo = 1e18; hi = 0
		for (i = 2; i <= n; i++) { if (p[i] < lo) lo = p[i]; if (p[i] > hi) hi = p[i] }
		if (n < 2) { lo = 0; hi = 0 }
		dev = 100 * (total - rate) / rate
		worst = 100 * ((hi - rate > rate - lo) ? hi - rate : rate - lo) / rate
		ok = (dev <= 2 && dev >= -2 && worst <= 10)
		# UDP: a sender that could not offer the rate (CPU) leaves nothing to judge
		short = (proto == "udp" && sent * 1442 / 1400 < rate)
		verdict = ok ? "ok" : (short ? "n/a (sender below the rate: CPU-bound)" : "OFF")
		printf "%-4s %-7s %-3s %6.0f %9.3f %+6.2f%% %6.1f%% %9.3f %6.1f%% %6s %s\n",
			who, dir, proto, rate / 1e6, total / 1e6, dev, worst, good / 1e6,
			100 * good / rate, (proto == "tcp" ? retr : "-"), verdict
		exit ok ? 0 : (short ? 2 : 1) }'
}

bw_header() {
	printf '%-4s %-7s %-3s %6s %9s %7s %7s %9s %7s %6s\n' who dir pro Mbit/s shaper dev \
		"1s-dev" goodput "good%" retr
}
