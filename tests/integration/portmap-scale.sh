#!/usr/bin/env bash
# portmap at scale: 500 containers each publish one port (portmap alone, a written
# prevResult, no veth), all in the maps with their own IDs; a conflict is still found
# at 500; then all DEL (half of them without runtimeConfig) and the maps are empty.
# ADD/DEL times of the first and last 50 are printed.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"
. "$(dirname "$0")/fwlib/pm.bash"

[ -x "$BIN/portmap" ] || { fail "portmap plugin is built" "$BIN/portmap missing"; done_testing; exit 1; }
N=500
addr() { echo "[\"10.$((80 + $1 / 250)).$(($1 % 250)).10/16\",\"fd80::$(printf %x "$1")/64\"]"; }
now() { date +%s%N; }

# The bridge named in prevResult: snat sets route_localnet on it.
ip link add br0 type bridge
# ADD wants a real network namespace; portmap never enters it, so all share one.
mkns pmscale
mkns dup
for i in $(seq 1 $N); do
	pm_conf "c$i" "$(addr "$i")" "[{\"hostPort\":$((20000 + i)),\"containerPort\":80}]" >"$T/c$i.json"
	pm_conf "c$i" "[]" "" >"$T/c$i.bare.json"
done
# Each ADD timed on its own: medians of the first and last 50 (noise-resistant).
fails=0
for i in $(seq 1 $N); do
	t0=$(now)
	plugin portmap ADD "id-c$i" /run/netns/pmscale eth0 <"$T/c$i.json" >/dev/null || fails=$((fails + 1))
	echo $(( ($(now) - t0) / 1000 )) >>"$T/add.us"
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
first=$(head -n 50 "$T/add.us" | median)
last=$(tail -n 50 "$T/add.us" | median)
check_eq "$N ADDs succeed" 0 "$fails"
echo "# ADD medians (exec included): first 50 $((first / 1000)).$((first % 1000 / 100)) ms, last 50 $((last / 1000)).$((last % 1000 / 100)) ms"
check_eq "dnat-v4 holds $N elements" $N "$(map_elems dnat-v4 | wc -l)"
check_eq "dnat-v6 holds $N elements" $N "$(map_elems dnat-v6 | wc -l)"
check_eq "c321's element carries its ID" "tcp.20321 id-c321 pmnet 10.81.71.10.80" \
	"$(map_elems dnat-v4 | grep 'id-c321 ')"
check_eq "pub-v4 holds $N elements" $N "$(set_count pub-v4)"
out=$(pm ADD dup "[\"10.99.0.1/16\"]" '[{"hostPort":20250,"containerPort":80}]')
check_eq "host port 20250 asked again: refused naming id-c250" yes \
	"$(echo "$out" | jq -r 'if (.details | test("id-c250 ")) then "yes" else . end')"
check "CHECK c400" sh -c "$(declare -f plugin); BIN=$BIN; plugin portmap CHECK id-c400 /run/netns/pmscale eth0 <$T/c400.json"
# Last 50 ADDs must not cost much more than the first 50 (flat, element ops only).
# Generous: other work on this 2-core machine makes single runs noisy.
check "ADD cost flat: median of the last 50 within 2x + 3 ms of the first 50's ($first vs $last us)" \
	test "$last" -le $((2 * first + 3000))

# Even containers: DEL with runtimeConfig and prevResult (elements by key); odd:
# neither (a walk of the maps by container ID).
fails=0 tk=0 tw=0
for i in $(seq 1 $N); do
	t0=$(now)
	if [ $((i % 2)) = 0 ]; then
		plugin portmap DEL "id-c$i" "/run/netns/c$i" eth0 <"$T/c$i.json" >/dev/null
	else
		plugin portmap DEL "id-c$i" "/run/netns/c$i" eth0 <"$T/c$i.bare.json" >/dev/null
	fi || fails=$((fails + 1))
	if [ $((i % 2)) = 0 ]; then tk=$((tk + $(now) - t0)); else tw=$((tw + $(now) - t0)); fi
done
echo "# DEL: by key $((tk / (N / 2) / 1000)) us each, by walk $((tw / (N / 2) / 1000)) us each (maps shrinking from $N)"
check_eq "$N DELs succeed" 0 "$fails"
check_eq "every map and set is empty" "" \
	"$(for m in dnat-v4 dnat-v6 dnat-ip-v4 dnat-ip-v6; do map_elems $m; done; set_elems pub-v4; set_elems pub-v6)"
done_testing
