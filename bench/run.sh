#!/usr/bin/env bash
# bench/run.sh : `make bench`. Every benchmark, each comparing our plugins with Debian's
# /usr/lib/cni in the same run (each sandboxes itself), then bench/REPORT.md: a summary
# table of the chain medians and ratios, SVG plots of ADD latency against container
# count, and every benchmark's own output.
#   BENCH_SIZES="1 200 1000"   container counts for the bridge and full chains
#   BENCH_SMALL="1 200"        for the other chains
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
export BUILD=${BUILD:-build}
BIN=$ROOT/$BUILD/bin
SIZES=${BENCH_SIZES:-1 200 1000}
SMALL=${BENCH_SMALL:-1 200}
REPORT=$HERE/REPORT.md
export BENCH_OUT=$HERE/out
rm -rf "$BENCH_OUT"
mkdir -p "$BENCH_OUT"
TMP=$(mktemp)
BIG=$(echo $SIZES | awk '{ print $NF }')

full=firewall
[ -x "$BIN/portmap" ] && full=full
benches=(
	"startup.sh|plugin start time and peak RSS"
	"hostlocal.sh 200|host-local alone, ADD/DEL"
	"chain.sh bridge $SIZES|chain: bridge + host-local"
	"chain.sh masq $SMALL|chain: bridge(ipMasq) + host-local"
)
[ -x "$BIN/bandwidth" ] && benches+=("chain.sh bandwidth $SMALL|chain: bridge + host-local + bandwidth")
benches+=(
	"chain.sh $full $SIZES|chain: bridge(ipMasq) + host-local + firewall$([ $full = full ] && echo ' + portmap')"
	"firewall.sh|firewall plugin alone, growth to 1000"
	"firewall-dataplane.sh|data plane: iperf3 TCP between two containers"
	"spoofchk.sh|spoofchk: per-port source binding at 1000 containers, data plane and ADD"
	"policy-v2.sh|policy v2: 1000 entries and 10,000 CIDRs, apply time and TCP throughput"
)
[ -x "$HERE/bandwidth.sh" ] && benches+=("bandwidth.sh|rate limits: accuracy with iperf3")
# DNS: ours, the reference dnsname and aardvark-dns (netavark), lookups and chain cost
[ -x "$BIN/dnsname" ] && [ -x /usr/lib/cni/dnsname ] && command -v podman >/dev/null &&
	[ -x /usr/lib/podman/netavark ] && benches+=("dns.sh 3|DNS: lookups and the chain's cost, ours vs reference dnsname vs aardvark-dns")
# podman and containerd with our plugins, the reference's and netavark (needs
# scripts/build-cnitool.sh's gocni-driver for containerd's DELs)
[ -x "$ROOT/build/tools/gocni-driver" ] && command -v podman >/dev/null &&
	command -v containerd >/dev/null &&
	benches+=("runtimes.sh 15|real runtimes: network share of podman run/rm and ctr run --cni")

t_all=$SECONDS
: >"$TMP.body"
status=0
for b in "${benches[@]}"; do
	cmd=${b%%|*}
	title=${b#*|}
	echo "== $title (bench/$cmd)" >&2
	start=$SECONDS
	# The full chain's CHECK at the largest size is sampled: the reference's takes long.
	out=$(CHECK_EVERY=$([ "${cmd#chain.sh $full}" != "$cmd" ] && echo 5 || echo 1) \
		bash "$HERE"/$cmd 2>&1)
	rc=$?
	[ $rc = 0 ] || status=1
	{
		echo
		echo "### $title"
		echo
		echo "\`bench/$cmd\`: $((SECONDS - start)) s$([ $rc = 0 ] || echo ", FAILED (exit $rc)")"
		echo
		echo '```text'
		printf '%s\n' "$out"
		echo '```'
	} >>"$TMP.body"
	printf '%s\n' "$out" | tail -n 12 >&2
done

plots=""
for chain in bridge $full; do
	if [ -s "$BENCH_OUT/$chain.tsv" ] && [ "$BIG" != 1 ]; then
		"$HERE/plot.sh" "$BENCH_OUT/$chain.tsv" "$BIG" "$HERE/add-latency-$chain.svg"
		plots="$plots\n![ADD latency, $chain chain](add-latency-$chain.svg)\n"
	fi
done
{
	echo "# netctl benchmark report"
	echo
	echo "Produced by \`make bench\` on $(date -u +%Y-%m-%d) at commit" \
		"$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
		"in $(((SECONDS - t_all) / 60)) min; $(nproc) vCPU, kernel $(uname -r)."
	echo "Reference: Debian containernetworking-plugins" \
		"$(dpkg-query -W -f='${Version}' containernetworking-plugins 2>/dev/null)" \
		"(/usr/lib/cni), measured in the same run, interleaved with ours."
	echo "Chain times are the plugins' own time, as a runtime spends it (both driven by"
	echo "\`netctl cni\` with libcni's rules). Ratios are ours / reference: below 1 is faster."
	echo
	echo "## Chains: medians in ms"
	echo
	"$HERE/summary.sh" "$BENCH_OUT"/*.tsv
	printf "$plots"
	echo
	echo "## Every benchmark's output"
	cat "$TMP.body"
} >"$TMP"
mv "$TMP" "$REPORT"
rm -f "$TMP.body"
echo "wrote $REPORT in $(((SECONDS - t_all) / 60)) min" >&2
exit $status
