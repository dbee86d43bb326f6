#!/usr/bin/env bash
# bench/run.sh : `make bench`. Runs every benchmark (each compares our plugins with
# Debian's /usr/lib/cni in the same run and sandboxes itself) and writes
# bench/REPORT.md with each one's table, the machine and the commit it measured.
#   BENCH_SIZES="200 1000"  container counts for the chain benchmarks
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
export BUILD=${BUILD:-build}
SIZES=${BENCH_SIZES:-200 1000}
REPORT=$HERE/REPORT.md
TMP=$(mktemp)

benches=(
	"hostlocal.sh 200|host-local ADD/DEL"
	"bridge.sh $SIZES|bridge + host-local chain"
	"firewall.sh|firewall plugin alone"
	"chain-firewall.sh $SIZES|bridge(ipMasq) + host-local + firewall chain"
	"firewall-dataplane.sh|data plane: iperf3 between two containers"
)
for extra in bandwidth portmap; do
	[ -x "$HERE/$extra.sh" ] && benches+=("$extra.sh|$extra")
done

{
	echo "# netctl benchmark report"
	echo
	echo "Produced by \`make bench\` on $(date -u +%Y-%m-%d) at commit" \
		"$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown);" \
		"$(nproc) vCPU, kernel $(uname -r)."
	echo "Reference: Debian containernetworking-plugins" \
		"$(dpkg-query -W -f='${Version}' containernetworking-plugins 2>/dev/null)," \
		"in /usr/lib/cni, measured in the same run. Ratios < 1 mean netctl is faster."
} >"$TMP"
status=0
for b in "${benches[@]}"; do
	cmd=${b%%|*}
	title=${b#*|}
	echo "== $title ($cmd)" >&2
	start=$(date +%s)
	out=$(bash "$HERE"/$cmd 2>&1)
	rc=$?
	[ $rc = 0 ] || status=1
	{
		echo
		echo "## $title"
		echo
		echo "\`bench/$cmd\`, $(( $(date +%s) - start )) s$([ $rc = 0 ] || echo ", FAILED (exit $rc)")"
		echo
		echo '```text'
		printf '%s\n' "$out"
		echo '```'
	} >>"$TMP"
	printf '%s\n' "$out" | tail -n 15 >&2
done
mv "$TMP" "$REPORT"
echo "wrote $REPORT" >&2
exit $status
