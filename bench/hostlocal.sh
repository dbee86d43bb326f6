#!/usr/bin/env bash
# bench/hostlocal.sh [N] : our host-local against Debian's /usr/lib/cni/host-local in one
# run: N ADDs then N DELs each (default 200), interleaved so both see the same machine
# noise and the same store size, on a tmpfs dataDir. Prints medians, p90 and the ratio.
#
# Runs itself in a throwaway sandbox (tests/lib/sandbox.sh: unshare --net --mount,
# tmpfs state dirs) and refuses to run in the host's network namespace.
. "$(dirname "$0")/sandboxed.sh"
# The guard of every test: not the host netns, not pid 1's, nothing but lo here.

N=${1:-200}
OURS=$BIN/host-local
THEIRS=$REF/host-local
for b in "$OURS" "$THEIRS"; do
	[ -x "$b" ] || { echo "bench: $b is missing (build first: make BUILD=...)" >&2; exit 1; }
done
mountpoint -q /var/lib/cni || { echo "bench: /var/lib/cni is not a tmpfs here" >&2; exit 1; }

for who in ours ref floor; do
	printf '{"cniVersion":"1.0.0","name":"bench","type":"host-local","ipam":{"type":"host-local","subnet":"10.128.0.0/16","dataDir":"/var/lib/cni/%s","routes":[{"dst":"0.0.0.0/0"}]}}' \
		"$who" >"$T/$who.json"
done

export CNI_NETNS=/run/netns/bench CNI_IFNAME=eth0 CNI_PATH=$BIN:$REF

# one WHO BIN CMD ID : exec the plugin once; append its wall time in microseconds.
# Only bash builtins around the exec: EPOCHREALTIME, arithmetic, printf to a file.
one() {
	local t0 t1 s
	t0=${EPOCHREALTIME/./}
	CNI_COMMAND=$3 CNI_CONTAINERID=$4 "$2" <"$T/$1.json" >/dev/null 2>>"$T/$1.err"
	s=$?
	t1=${EPOCHREALTIME/./}
	if [ $s != 0 ]; then
		echo "bench: $1 $3 $4 failed (exit $s); see below" >&2
		cat "$T/$1.err" >&2
		exit 1
	fi
	printf '%d\n' $((t1 - t0)) >>"$T/$1.$3"
}

# Warm the page cache for both binaries and their libraries.
for i in 1 2 3; do
	one ours "$OURS" ADD warm$i
	one ref "$THEIRS" ADD warm$i
	one ours "$OURS" DEL warm$i
	one ref "$THEIRS" DEL warm$i
done
rm -f "$T"/*.ADD "$T"/*.DEL

for ((i = 1; i <= N; i++)); do
	one ours "$OURS" ADD c$i
	one ref "$THEIRS" ADD c$i
	one floor /bin/true ADD c$i
done
for ((i = 1; i <= N; i++)); do
	one ours "$OURS" DEL c$i
	one ref "$THEIRS" DEL c$i
done

# pct FILE P : the P-th percentile (nearest rank) in milliseconds.
pct() {
	sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END {
		r = int((p / 100) * NR + 0.999); if (r < 1) r = 1; printf "%.2f", v[r] / 1000 }'
}

left=$(ls /var/lib/cni/ours/bench /var/lib/cni/ref/bench | grep -v '^lock$\|^last_reserved\|:$\|^$' | wc -l)
printf 'host-local: ours (%s) vs reference (%s), N=%d each, tmpfs dataDir, ms\n' \
	"$OURS" "$THEIRS" "$N"
printf '%-5s %10s %10s %10s %10s %8s\n' op "ours p50" "ref p50" "ours p90" "ref p90" "ratio"
for op in ADD DEL; do
	o=$(pct "$T/ours.$op" 50)
	r=$(pct "$T/ref.$op" 50)
	printf '%-5s %10s %10s %10s %10s %8s\n' "$op" "$o" "$r" "$(pct "$T/ours.$op" 90)" \
		"$(pct "$T/ref.$op" 90)" "$(awk -v o="$o" -v r="$r" 'BEGIN { printf "%.2fx", o / r }')"
done
# The store grows during the ADDs: cost of the first 10 against the last 10.
head -n 10 "$T/ours.ADD" >"$T/o.first"; tail -n 10 "$T/ours.ADD" >"$T/o.last"
head -n 10 "$T/ref.ADD" >"$T/r.first"; tail -n 10 "$T/ref.ADD" >"$T/r.last"
printf 'ADD first-10 -> last-10 medians: ours %s -> %s, reference %s -> %s\n' \
	"$(pct "$T/o.first" 50)" "$(pct "$T/o.last" 50)" "$(pct "$T/r.first" 50)" \
	"$(pct "$T/r.last" 50)"
printf '%-5s %10s   (exec of /bin/true from the same loop: the floor for any plugin)\n' \
	floor "$(pct "$T/floor.ADD" 50)"
echo "(ratio = ours / reference median; below 1 is faster. Reservations left: $left)"
