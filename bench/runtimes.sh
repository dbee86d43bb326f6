#!/usr/bin/env bash
# bench/runtimes.sh [N] : the network's share of real runtimes' commands, our plugins
# against Debian's reference plugins (/usr/lib/cni) and, for podman, netavark 1.4, in
# one run, interleaved (each round does every backend and variant once; podman's
# rounds first, then containerd's, which needs another cgroup view).
#   podman 4.3: `podman run -d` and `podman rm -f`, on a bridge network and on the same
#     with a published port (-p 18080:80), less the same backend's `--network none`
#     (the network share: what the backend adds to the command). Every backend's
#     network is made by `podman network create --disable-dns` (CNI: bridge,
#     portmap, firewall, tuning; no DNS on either side).
#   containerd 1.6: `ctr run -d --cni` less `ctr run -d`; ctr sends no DEL for -d, so
#     each container's DEL is made untimed afterwards through go-cni
#     (tests/tools/gocni-driver, netns ""), as CRI's RemovePodSandbox would.
# Medians of N (default 11) rounds' paired differences; wall-clock, in ms.
. "$(dirname "$0")/sandboxed.sh"
. "$ROOT/tests/lib/podman.bash"
. "$ROOT/tests/lib/containerd.bash"
N=${1:-11}
DRIVER=$ROOT/build/tools/gocni-driver
[ -x "$DRIVER" ] || { echo "bench/runtimes.sh: no $DRIVER (scripts/build-cnitool.sh)" >&2; exit 1; }
[ -x /usr/lib/podman/netavark ] || { echo "bench/runtimes.sh: netavark is not installed" >&2; exit 1; }
OUT=$T/times
mkdir -p "$OUT"

# timed FILE CMD... : run CMD (quietly), append its wall-clock time (us) to FILE.
timed() {
	local f=$1 t0 t1
	shift
	t0=${EPOCHREALTIME/./}
	"$@" >/dev/null 2>"$T/last.err" || { echo "failed: $*: $(tail -2 "$T/last.err")" >&2; return 1; }
	t1=${EPOCHREALTIME/./}
	echo $((t1 - t0)) >>"$OUT/$f"
}

# ---- podman: three backends, each its own containers.conf and storage ----
podman_setup
podman_backends
declare -A SUB=([ours]=10.90.1 [ref]=10.90.2 [nav]=10.90.3)
# Both CNI configurations would name their bridge cni-podman1: a placeholder network
# takes that name in the reference's.
pmw ref network create --disable-dns --subnet 10.90.9.0/24 placeholder >/dev/null
for who in ours ref nav; do
	pmw $who network create --disable-dns --subnet "${SUB[$who]}.0/24" bench >/dev/null ||
		{ echo "bench/runtimes.sh: podman network create ($who) failed" >&2; exit 1; }
done

# one podman round for backend WHO: none, bridge, bridge + port; run then rm each
podman_round() {
	local who=$1 i=$2 v net pub
	for v in none bridge port; do
		net=bench pub=()
		[ $v = none ] && net=none
		[ $v = port ] && pub=(-p 18080:80)
		timed "pm-$who-$v-run" pmw "$who" run -d --name "b$i-$v" --network "$net" "${pub[@]}" \
			--rootfs "$T/rootfs" /bin/sleep 300 || return 1
		timed "pm-$who-$v-rm" pmw "$who" rm -f -t 0 "b$i-$v" || return 1
	done
}

# warm-up round (page cache, first nft/iptables table creation), not counted
for who in ours ref nav; do podman_round $who w || exit 1; done
rm -f "$OUT"/*
for i in $(seq "$N"); do
	for who in ours ref nav; do podman_round $who "$i" || exit 1; done
done
for who in ours ref nav; do pmw $who rm -a -f -t 0 >/dev/null 2>&1; done
umount /sys/fs/cgroup	# podman's empty cgroup view; containerd's runc wants v1 back

# ---- containerd: ours and the reference, each its conflist and plugin directory ----
ctrd_setup "$BIN"
for who in ours ref; do
	mkdir -p "$T/ctr-$who"
	cat >"$T/ctr-$who/10-bench.conflist" <<-EOF
	{ "cniVersion": "1.0.0", "name": "ctr-$who", "plugins": [
	  { "type": "bridge", "bridge": "cb-$who", "isGateway": true, "ipMasq": true,
	    "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.91.$([ $who = ours ] && echo 1 || echo 2).0/24" }]],
	              "routes": [{ "dst": "0.0.0.0/0" }] } },
	  { "type": "firewall" },
	  { "type": "portmap", "capabilities": { "portMappings": true } } ] }
	EOF
done
# ctr_use WHO : go-cni's fixed directories now hold WHO's conflist and plugins
ctr_use() {
	umount /etc/cni/net.d /opt/cni/bin 2>/dev/null
	mount --bind "$T/ctr-$1" /etc/cni/net.d
	mount --bind "$([ "$1" = ours ] && echo "$BIN" || echo "$REF")" /opt/cni/bin
}
ctr_round() {
	local who=$1 i=$2 pid
	ctr_use "$who"
	timed "ctr-$who-none" CTR run -d --snapshotter native "$CTRD_IMAGE" "n$who$i" /bin/sleep 300 || return 1
	timed "ctr-$who-cni" CTR run -d --cni --snapshotter native "$CTRD_IMAGE" "c$who$i" /bin/sleep 300 || return 1
	for c in "n$who$i" "c$who$i"; do
		CTR tasks kill -s KILL "$c" >/dev/null 2>&1
		for _ in $(seq 40); do CTR tasks ls | grep -q "^$c .*STOPPED" && break; sleep 0.05; done
		CTR tasks rm "$c" >/dev/null 2>&1
		CTR containers rm "$c" >/dev/null 2>&1
	done
	timeout 20 "$DRIVER" del "$T/ctr-$who" /opt/cni/bin "$CTRD_NS-c$who$i" "" default "c$who$i" \
		>/dev/null 2>&1 || echo "warning: DEL of $CTRD_NS-c$who$i failed" >&2
}

for who in ours ref; do ctr_round $who w || exit 1; done
rm -f "$OUT"/ctr-*
for i in $(seq "$N"); do
	for who in ours ref; do ctr_round $who "$i" || exit 1; done
done
ctrd_stop

p50() { pct "$OUT/$1" 50; }
# share A B : the median of the per-round differences A - B (paired: a round's two
# commands ran seconds apart, so a busy machine's drift cancels), in ms
share() {
	paste "$OUT/$1" "$OUT/$2" | awk '{ print $1 - $2 }' >"$OUT/d.$1"
	pct "$OUT/d.$1" 50 | awk '{ printf "%.1f", $1 }'
}
rat() { awk -v o="$1" -v r="$2" 'BEGIN { if (r <= 0) print "-"; else printf "%.2fx", o / r }'; }
echo "# $N interleaved rounds, wall-clock ms; network share = the median of each round's"
echo "# command less the same round's --network none (podman) or run without --cni (ctr)"
echo "# on the same backend; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-28s %9s %9s %9s %9s %9s\n' "" ours ref netavark "ours/ref" "ours/nav"
for op in run rm; do
	for v in bridge port; do
		o=$(share "pm-ours-$v-$op" "pm-ours-none-$op")
		r=$(share "pm-ref-$v-$op" "pm-ref-none-$op")
		n=$(share "pm-nav-$v-$op" "pm-nav-none-$op")
		printf '%-28s %9s %9s %9s %9s %9s\n' "podman $op, $([ $v = bridge ] && echo bridge || echo '+ port'): share" \
			"$o" "$r" "$n" "$(rat "$o" "$r")" "$(rat "$o" "$n")"
	done
done
printf '%-28s %9s %9s %9s\n' "podman run --network none" "$(p50 pm-ours-none-run)" \
	"$(p50 pm-ref-none-run)" "$(p50 pm-nav-none-run)"
printf '%-28s %9s %9s %9s\n' "podman rm, --network none" "$(p50 pm-ours-none-rm)" \
	"$(p50 pm-ref-none-rm)" "$(p50 pm-nav-none-rm)"
o=$(share ctr-ours-cni ctr-ours-none)
r=$(share ctr-ref-cni ctr-ref-none)
printf '%-28s %9s %9s %9s %9s %9s\n' "ctr run -d --cni: share" "$o" "$r" - "$(rat "$o" "$r")" -
printf '%-28s %9s %9s\n' "ctr run -d (no cni)" "$(p50 ctr-ours-none)" "$(p50 ctr-ref-none)"
