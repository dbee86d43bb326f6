#!/usr/bin/env bash
# kill -9 of a plugin at a random point of ADD, 200 trials over the whole chain
# (bridge, the host-local it execs, firewall; bandwidth and portmap when built).
# Each trial: the chain ADD through `netctl cni add` with one plugin SIGKILLed at a
# random one of its system calls (4 trials in 5) or 0..N ms after its exec (1 in 5),
# 1 trial in 10 on a network GC just removed (the ADD makes it again);
# then DEL (even trials) or `netctl cni gc` with no valid attachment (odd trials);
# then nothing may be left (veth, address, reservation, attachment index, held store
# lock, nft element, cache; after DEL a killed store write's temp file may stay,
# which GC removes); then the same container's ADD must succeed and its DEL
# leave nothing. No signal exit but ours, no sanitizer report. FAULT_TRIALS: count.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/leaks.sh"
TRIALS=${FAULT_TRIALS:-120}	# more by hand: FAULT_TRIALS=500

need bridge host-local firewall netctl
need_tool strace
# max kill delay per plugin for the timed kills, in ms: about the plugin's ADD time
declare -A MAXMS=([bridge]=14 [host-local]=5 [firewall]=7)
targets=(bridge host-local firewall)
for p in bandwidth portmap; do
	[ -x "$BIN/$p" ] || continue
	targets+=("$p")
	MAXMS[$p]=8
done

# $T/kbin: one wrapper per plugin. On ADD, the plugin named in KILL_TYPE dies by
# SIGKILL either at the system call KILL_SYSCALL ("NAME:N", the Nth call of NAME:
# strace's signal injection, whose counters are per call; any point of the plugin's
# life can be hit, however fast it runs) or, with KILL_S, from
# a killer process after KILL_S seconds (a timed read on a FIFO nobody writes: bash
# builtins only, no exec on the way; the pid survives the exec). With COUNT_DIR set
# the wrapper records the plugin's system calls instead, to draw KILL_SYSCALL from.
mkdir -p "$T/kbin" "$T/count"
mkfifo "$T/never"
for p in "$BIN"/*; do
	n=${p##*/}
	[ "$n" = netctl ] && continue
	cat >"$T/kbin/$n" <<-WRAP
	#!/bin/bash
	[ "\$CNI_COMMAND" = ADD ] || exec $p
	# (LeakSanitizer cannot run under ptrace: off for the traced runs of a SAN build)
	nolsan=\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}detect_leaks=0
	[ -z "\${COUNT_DIR:-}" ] || ASAN_OPTIONS=\$nolsan exec strace -qq -o "\$COUNT_DIR/$n" $p
	[ "\${KILL_TYPE:-}" = $n ] || exec $p
	[ -z "\${KILL_SYSCALL:-}" ] ||
		ASAN_OPTIONS=\$nolsan exec strace -qq -o /dev/null -e trace=all -e inject=\${KILL_SYSCALL%:*}:signal=KILL:when=\${KILL_SYSCALL#*:} $p
	(read -r -t "\$KILL_S" <>"$T/never"; kill -9 \$\$) </dev/null >/dev/null 2>&1 &
	exec $p
	WRAP
	chmod +x "$T/kbin/$n"
done
conf=$T/flt.conflist
cat >"$conf" <<EOF
{ "cniVersion": "1.1.0", "name": "flt", "plugins": [
  { "type": "bridge", "bridge": "nflt0", "isGateway": true, "ipMasq": true,
    "ipam": { "type": "host-local", "dataDir": "$T/ipam", "ranges": [[{ "subnet": "10.80.0.0/24" }]] } },
  { "type": "firewall" }$(later_plugins) ] }
EOF
caps='{"portMappings":[{"hostPort":18080,"containerPort":80,"protocol":"tcp"}]}'
mkns c
export CNI_PATH=$T/kbin

# add ID [KILL_TYPE SYSCALL|SECONDS]: the chain ADD in its own process group; waits
# until every live process of that group (an orphaned host-local too) is gone, so
# the DEL does not race it. (Killers left unreaped by the plugin they killed stay as
# zombies: not counted.)
add() {
	local id=$1 st pg ks= kn=
	case ${3:-} in *:*) kn=$3 ;; *) ks=${3:-} ;; esac
	KILL_TYPE=${2:-} KILL_S=$ks KILL_SYSCALL=$kn setsid netctl cni add "$conf" /run/netns/c \
		--id "$id" --cap-args "$caps" >"$T/out" 2>"$T/err" &
	pg=$!
	wait "$pg"
	st=$?
	for _ in $(seq 200); do pgrep -r R,S,D -g "$pg" >/dev/null || break; sleep 0.01; done
	pgrep -r R,S,D -g "$pg" >/dev/null && echo "process group $pg still alive" >>"$T/err"
	return "$st"
}
del() { netctl cni del "$conf" /run/netns/c --id "$1" --cap-args "$caps" >"$T/out" 2>>"$T/err"; }
gc() { netctl cni gc "$conf" --valid '' >"$T/out" 2>>"$T/err"; }
sanitizer() { grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$T/err"; }

# Each plugin's system calls in an ADD, to draw kill points from: the first ADD on
# the network (it makes the bridge, chains, sets, maps) and a later one.
# (one "NAME:N" per call, in order: kill point I is line I)
for phase in fresh steady; do
	mkdir -p "$T/count/$phase"
	COUNT_DIR=$T/count/$phase add calib ||
		{ fail "calibration ADD ($phase)" "$(cat "$T/out" "$T/err")"; done_testing; exit 1; }
	del calib
	for t in "${targets[@]}"; do
		awk -F'(' '/^[a-z0-9_]+\(/ { print $1 ":" ++n[$1] }' "$T/count/$phase/$t" \
			>"$T/count/$t.$phase"
	done
done
for t in "${targets[@]}"; do
	echo "# $t: $(wc -l <"$T/count/$t.fresh") system calls in a first ADD, $(wc -l <"$T/count/$t.steady") in a later one"
done

declare -A killed=() finished=()
bad_leak=0 bad_readd=0 bad_crash=0 first_fail=
start=$(date +%s%N)
for ((k = 0; k < TRIALS; k++)); do
	tgt=${targets[k % ${#targets[@]}]}
	id=fk-$k
	: >"$T/err"
	phase=steady
	if ((k % 10 == 9)); then
		phase=fresh
		gc	# nothing of the network left: this ADD makes it again
	fi
	if (((k / ${#targets[@]}) % 5 == 4)); then	# each plugin gets both kinds
		at=$(printf '0.%06d' $((RANDOM % (MAXMS[$tgt] * 1000))))   # seconds
	else
		at=$(shuf -n 1 "$T/count/$tgt.$phase")                     # system call
	fi
	add "$id" "$tgt" "$at"
	st=$?
	if [ $st = 0 ]; then
		finished[$tgt]=$((${finished[$tgt]:-0} + 1))
	else
		killed[$tgt]=$((${killed[$tgt]:-0} + 1))
	fi
	if [ $st -ge 128 ] || sanitizer; then
		bad_crash=$((bad_crash + 1))
		[ -n "$first_fail" ] || first_fail="trial $k ($tgt at $at): netctl exit $st: $(tail -n 3 "$T/err")"
	fi
	if ((k % 2 == 0)); then del "$id"; else gc; fi
	st=$?
	# A store write killed before its rename leaves .netctl-tmp/NAME.tmp.PID: the DEL
	# (or GC) that follows takes the store's lock and removes it, PID being dead.
	l=$(leaks "$T/ipam/flt" c)
	if [ $st != 0 ] || [ -n "$l" ] || sanitizer; then
		bad_leak=$((bad_leak + 1))
		[ -n "$first_fail" ] || first_fail="trial $k ($tgt at $at): cleanup exit $st: $(cat "$T/out" "$T/err") $l"
		gc
	fi
	if ! add "$id" || ! del "$id" || sanitizer; then
		bad_readd=$((bad_readd + 1))
		[ -n "$first_fail" ] || first_fail="trial $k ($tgt at $at): the next ADD/DEL failed: $(cat "$T/out" "$T/err")"
		gc
	fi
done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
nk=0
for t in "${targets[@]}"; do
	echo "# $t: ${killed[$t]:-0} ADDs killed, ${finished[$t]:-0} finished before the kill"
	nk=$((nk + ${killed[$t]:-0}))
done
echo "# $TRIALS trials in $ms ms"
[ -z "$first_fail" ] || echo "# first failure: $first_fail"
check_eq "$TRIALS trials: no crash, no sanitizer report" 0 "$bad_crash"
check_eq "$TRIALS trials: DEL or GC after a killed ADD leaves nothing" 0 "$bad_leak"
check_eq "$TRIALS trials: the same container's next ADD and DEL succeed" 0 "$bad_readd"
check "most ADDs were really killed ($nk of $TRIALS)" test "$nk" -ge $((TRIALS * 2 / 3))
check "GC after the trials" gc
check_eq "no temporary file of a killed store write is left" "" \
	"$(ls -A "$T/ipam/flt" "$T/ipam/flt/.netctl-tmp" 2>/dev/null | grep '\.tmp\.')"
# the windows found by trials: killed between creating a link and naming it (ifalias)
ip link add veth0badf00 master nflt0 type veth peer name p0badf00
check "GC removes a veth of ours on the bridge left without alias" gc
check_eq "... it is gone" "" "$(ip -o link show type veth)"
if [ -x "$BIN/bandwidth" ]; then
	ip link add nbw0badf00 type ifb
	check "GC removes an IFB of ours left without alias" gc
	check_eq "... it is gone" "" "$(ip -o link show type ifb)"
fi
check_eq "nothing left at the end" "" "$(leaks "$T/ipam/flt" c)"
check_eq "the bridge is still there, alone with lo" "lo nflt0" \
	"$(ip -o link show | awk -F': ' '{print $2}' | sort | xargs)"
done_testing
