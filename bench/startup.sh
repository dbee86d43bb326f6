#!/usr/bin/env bash
# bench/startup.sh : each plugin's start time (VERSION, median of 100 execs, alternating with the reference's) and peak
# RSS (VERSION, and ADD of a single-plugin config where it makes sense), ours vs
# Debian's /usr/lib/cni. Runs itself in a throwaway sandbox.
. "$(dirname "$0")/sandboxed.sh"
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt install time)" >&2; exit 1; }

# version_times TYPE : 100 VERSION execs each of ours and the reference's, alternating
# so that both see the same machine noise; wall time (us) into $T/v.ours and $T/v.ref.
version_times() {
	local i t0 who dir
	: >"$T/v.ours"
	: >"$T/v.ref"
	for ((i = 0; i < 200; i++)); do
		who=ours dir=$BIN
		((i % 2)) && who=ref dir=$REF
		t0=${EPOCHREALTIME/./}
		CNI_COMMAND=VERSION "$dir/$1" </dev/null >/dev/null 2>&1
		echo $((${EPOCHREALTIME/./} - t0)) >>"$T/v.$who"
	done
}
# rss DIR TYPE CMD CONF : peak RSS (KiB) of one exec.
rss() {
	CNI_COMMAND=$3 CNI_CONTAINERID=rss CNI_NETNS=/run/netns/rss CNI_IFNAME=eth0 \
		CNI_PATH=$1 /usr/bin/time -f %M -o "$T/rss" "$1/$2" <"$4" >/dev/null 2>&1
	cat "$T/rss"
}

printf '%-11s %9s %9s %7s %10s %10s %12s %12s\n' plugin "ours ms" "ref ms" ratio \
	"ours KiB" "ref KiB" "ADD ours KiB" "ADD ref KiB"
ip netns add rss
printf '{"cniVersion":"1.0.0","name":"rss","type":"bridge","bridge":"brrss","isGateway":true,"ipam":{"type":"host-local","subnet":"10.77.0.0/24","dataDir":"%s/store"}}' "$T" >"$T/bridge.json"
for p in bridge host-local loopback firewall bandwidth portmap tuning; do
	[ -x "$BIN/$p" ] && [ -x "$REF/$p" ] || continue
	version_times $p
	o=$(pct "$T/v.ours" 50); r=$(pct "$T/v.ref" 50)
	add_o=-; add_r=-
	if [ $p = bridge ]; then
		add_o=$(rss "$BIN" bridge ADD "$T/bridge.json")
		rss "$BIN" bridge DEL "$T/bridge.json" >/dev/null
		add_r=$(rss "$REF" bridge ADD "$T/bridge.json")
		rss "$REF" bridge DEL "$T/bridge.json" >/dev/null
	fi
	printf '%-11s %9s %9s %7s %10s %10s %12s %12s\n' $p "$o" "$r" "$(ratio "$o" "$r")" \
		"$(rss "$BIN" $p VERSION /dev/null)" "$(rss "$REF" $p VERSION /dev/null)" \
		"$add_o" "$add_r"
done
echo "(VERSION: the cost of starting the binary; bridge ADD includes its host-local exec)"
