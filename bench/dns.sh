#!/usr/bin/env bash
# bench/dns.sh [ROUNDS] : DNS on a network, ours (dnsname + dnsmasq) against the
# reference dnsname (/usr/lib/cni, also dnsmasq) and aardvark-dns (podman's netavark
# backend), in one run, interleaved:
#   1. lookups: podman 4.3 runs containers "web" and "cli" on a DNS network of each
#      backend; from cli's netns, bench/tools/dnsload asks the network's server for
#      web.dns.podman: one query at a time (latency p50/p99), then 20 in flight
#      (queries/s, p50/p99 under load). Median of ROUNDS (default 3) rounds.
#   2. the chain's cost: bridge + host-local with and without dnsname, ours and the
#      reference's, through `netctl cni` (plugin time, as chain.sh): the first ADD of
#      a network (it starts the server), then 30 more ADDs and their DELs (the last DEL
#      stops it), medians; 5 rounds.
#   3. dnsname alone: CPU time (user+sys) per exec of ours and the reference's, less
#      the harness's own (the same loop exec'ing /bin/true): robust to a loaded machine.
. "$(dirname "$0")/sandboxed.sh"
. "$ROOT/tests/lib/podman.bash"

ROUNDS=${1:-3}
[ -x /usr/lib/podman/netavark ] && command -v aardvark-dns >/dev/null ||
	[ -x /usr/lib/podman/aardvark-dns ] || { echo "bench/dns.sh: netavark/aardvark-dns missing" >&2; exit 1; }
[ -x "$REF/dnsname" ] || { echo "bench/dns.sh: no $REF/dnsname" >&2; exit 1; }
gcc -O2 -o "$T/dnsload" "$HERE/tools/dnsload.c" || exit 1

# ---- 1. lookups through podman: three backends (as bench/runtimes.sh) ----
podman_setup
podman_backends
declare -A SUB=([ours]=10.92.1 [ref]=10.92.2 [nav]=10.92.3) NS=()
# both CNI configurations would name their bridge cni-podman1: a placeholder takes it
pmw ref network create --disable-dns --subnet 10.92.9.0/24 placeholder >/dev/null
for who in ours ref nav; do
	pmw $who network create --subnet "${SUB[$who]}.0/24" dnsb >/dev/null ||
		{ echo "bench/dns.sh: podman network create ($who) failed" >&2; exit 1; }
	for c in web cli; do
		pmw $who run -d --name $c --network dnsb --timeout 900 --rootfs "$T/rootfs" \
			/bin/sleep 900 >/dev/null || { echo "bench/dns.sh: podman run ($who)" >&2; exit 1; }
	done
	NS[$who]=$(pmw $who inspect -f '{{.NetworkSettings.SandboxKey}}' cli)
	nsenter --net="${NS[$who]}" "$T/dnsload" "${SUB[$who]}.1" web.dns.podman 200 1 >"$T/warm.$who" ||
		{ echo "bench/dns.sh: $who does not answer: $(cat "$T/warm.$who")" >&2; exit 1; }
done
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }
for ((r = 1; r <= ROUNDS; r++)); do
	for who in ours ref nav; do
		nsenter --net="${NS[$who]}" "$T/dnsload" "${SUB[$who]}.1" web.dns.podman 3000 1 >"$T/l"
		field p50_us <"$T/l" >>"$T/$who.lat50"; field p99_us <"$T/l" >>"$T/$who.lat99"
		field lost <"$T/l" >>"$T/$who.lost"
		nsenter --net="${NS[$who]}" "$T/dnsload" "${SUB[$who]}.1" web.dns.podman 30000 20 >"$T/l"
		field qps <"$T/l" >>"$T/$who.qps"; field p50_us <"$T/l" >>"$T/$who.ld50"
		field p99_us <"$T/l" >>"$T/$who.ld99"; field lost <"$T/l" >>"$T/$who.lost"
	done
done
med() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
sum() { awk '{ s += $1 } END { print s + 0 }' "$1"; }
echo "lookups of web.dns.podman from a podman container, median of $ROUNDS rounds"
printf '%-34s %10s %10s %10s %9s %9s\n' "" ours ref-dnsname aardvark ours/ref ours/aard
line() {
	local o r n
	o=$(med "$T/ours.$1"); r=$(med "$T/ref.$1"); n=$(med "$T/nav.$1")
	printf '%-34s %10s %10s %10s %9s %9s\n' "$2" "$o" "$r" "$n" "$(ratio "$o" "$r")" "$(ratio "$o" "$n")"
}
line lat50 "one at a time: p50 (us)"
line lat99 "one at a time: p99 (us)"
line qps "20 in flight: queries/s"
line ld50 "20 in flight: p50 (us)"
line ld99 "20 in flight: p99 (us)"
printf '%-34s %10s %10s %10s\n' "queries lost (of all)" "$(sum "$T/ours.lost")" "$(sum "$T/ref.lost")" \
	"$(sum "$T/nav.lost")"
echo "  servers: ours and the reference's dnsmasq $(dpkg-query -W -f='${Version}' dnsmasq-base 2>/dev/null), aardvark-dns $(dpkg-query -W -f='${Version}' aardvark-dns 2>/dev/null)"
for who in ours ref nav; do pmw $who rm -f -t 0 web cli >/dev/null 2>&1; done

# ---- 2. the chain with and without dnsname: plugin time through netctl cni ----
export NETCTL_STATEDIR=$T/state
declare -A CP=([ours]=$BIN [ref]=$REF) SB=([ours]=10.93 [ref]=10.94)
for who in ours ref; do
	for v in plain dns; do
		dn=
		[ $v = dns ] && dn=',{"type":"dnsname","domainName":"dns.podman","capabilities":{"aliases":true}}'
		printf '{"cniVersion":"1.0.0","name":"c%s%s","plugins":[{"type":"bridge","bridge":"b%s%s","isGateway":true,"ipam":{"type":"host-local","subnet":"%s.%d.0/24"}}%s]}\n' \
			$who $v $who $v "${SB[$who]}" "$([ $v = dns ] && echo 2 || echo 1)" "$dn" >"$T/$who.$v.conflist"
	done
done
# op WHO V CMD I TAG : one chain operation; its plugin time (us) appended to $T/TAG
op() {
	local s=0 d=0 c t us
	: >"$T/times"
	NETCTL_BENCH_TIMES=$T/times CNI_PATH=${CP[$1]} "$BIN/netctl" cni "$3" "$T/$1.$2.conflist" \
		"/run/netns/$1$2$4" --id "c$4" --args "IgnoreUnknown=1;K8S_POD_NAME=c$4" >"$T/out" 2>&1 ||
		{ echo "bench/dns.sh: $1 $2 $3 c$4 failed: $(head -c 300 "$T/out")" >&2; exit 1; }
	while read -r c t us; do
		s=$((s + us))
		[ "$t" = dnsname ] && d=$((d + us))
	done <"$T/times"
	echo "$s" >>"$T/$5"
	[ "$2" = dns ] && echo "$d" >>"$T/$5.dn"
	return 0
}
for ((r = 1; r <= 5; r++)); do
	for who in ours ref; do
		for v in plain dns; do
			for ((i = 0; i <= 30; i++)); do ip netns add $who$v$i; done
			op $who $v add 0 "$who.$v.first"
			for ((i = 1; i <= 30; i++)); do op $who $v add $i "$who.$v.add"; done
			for ((i = 1; i <= 30; i++)); do op $who $v del $i "$who.$v.del"; done
			op $who $v del 0 "$who.$v.last"
			for ((i = 0; i <= 30; i++)); do ip netns del $who$v$i; done
		done
	done
done
echo
echo "the chain bridge + host-local, without and with dnsname: plugin time in ms (p50, 5 rounds;"
echo "dnsname: that plugin's own exec within the chain)"
printf '%-30s %8s %8s %8s %8s %8s %8s %9s\n' "" "ours" "ours+dn" "dnsname" "ref" "ref+dn" "dnsname" "dn o/r"
cline() {
	local op=$1 a b c d e f
	a=$(pct "$T/ours.plain.$op" 50); b=$(pct "$T/ours.dns.$op" 50); c=$(pct "$T/ours.dns.$op.dn" 50)
	d=$(pct "$T/ref.plain.$op" 50); e=$(pct "$T/ref.dns.$op" 50); f=$(pct "$T/ref.dns.$op.dn" 50)
	printf '%-30s %8s %8s %8s %8s %8s %8s %9s\n' "$2" "$a" "$b" "$c" "$d" "$e" "$f" "$(ratio "$c" "$f")"
}
cline first "first ADD (starts the server)"
cline add "ADD (server running)"
cline del "DEL (others remain)"
cline last "last DEL (stops the server)"
echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- 3. dnsname alone, CPU time: robust to a loaded machine (wall time is not) ----
# 200 ADDs then DELs of the plugin by itself on a running network, each exec's user+sys
# time (the children's, from /proc/self/stat) against the reference's.
ip netns add x	# CNI_NETNS must be a network namespace
declare -A DNB=([ours]=10.95 [ref]=10.96)
for who in ours ref; do
	ip link add bdn$who type bridge && ip addr add "${DNB[$who]}.0.1/16" dev bdn$who &&
		ip link set bdn$who up
done
cputicks() { awk '{ print $16 + $17 }' "/proc/$$/stat"; }	# $$: the bash -c below
dn_conf() {
	local sub=10.95
	[ "$1" = ref ] && sub=10.96
	printf '{"cniVersion":"1.0.0","name":"cpu%s","type":"dnsname","domainName":"dns.podman","prevResult":{"cniVersion":"1.0.0","interfaces":[{"name":"bdn%s"},{"name":"eth0","sandbox":"/run/netns/x"}],"ips":[{"address":"%s.%d.%d/16","gateway":"%s.0.1","interface":1}]}}' \
		"$1" "$1" $sub $(($2 / 250)) $(($2 % 250 + 2)) $sub
}
dn_run() {	# WHO CMD I
	dn_conf "$1" "$3" | CNI_COMMAND=$2 CNI_CONTAINERID=id$3 CNI_NETNS=/run/netns/x CNI_IFNAME=eth0 \
		CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=c$3" CNI_PATH=/nonexistent "${CP[$1]}/dnsname" \
		>/dev/null || echo "bench/dns.sh: dnsname $1 $2 c$3 failed" >&2
}
echo
echo "dnsname alone on a running network: CPU time (user+sys) per exec, 200 each, in ms;"
echo "net: less the harness (the same loop exec'ing /bin/true)"
mkdir -p "$T/floor" && ln -sf /bin/true "$T/floor/dnsname"
printf '%-12s %9s %9s %9s %9s %9s %7s\n' "" ours ref harness "ours net" "ref net" ratio
declare -A CPU=()
for who in ours ref; do dn_run $who ADD 0; done	# the servers run
for cmd in ADD DEL; do
	for who in ours ref floor; do
		bash -c "$(declare -f dn_conf dn_run cputicks); declare -A CP=([ours]=$BIN [ref]=$REF [floor]=$T/floor)
			a=\$(cputicks); for ((i = 1; i <= 200; i++)); do dn_run $who $cmd \$i; done
			echo \$((\$(cputicks) - a))" >"$T/cpu.$who.$cmd"
		CPU[$who.$cmd]=$(awk -v t="$(cat "$T/cpu.$who.$cmd")" -v hz="$(getconf CLK_TCK)" \
			'BEGIN { printf "%.2f", t / hz * 1000 / 200 }')
	done
	o=$(awk -v a="${CPU[ours.$cmd]}" -v f="${CPU[floor.$cmd]}" 'BEGIN { printf "%.2f", a - f }')
	r=$(awk -v a="${CPU[ref.$cmd]}" -v f="${CPU[floor.$cmd]}" 'BEGIN { printf "%.2f", a - f }')
	printf '%-12s %9s %9s %9s %9s %9s %7s\n' "$cmd" "${CPU[ours.$cmd]}" "${CPU[ref.$cmd]}" \
		"${CPU[floor.$cmd]}" "$o" "$r" "$(ratio "$o" "$r")"
done
for who in ours ref; do dn_run $who DEL 0; done
