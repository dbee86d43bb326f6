#!/usr/bin/env bash
# host-local: 100 concurrent ADDs on one network get 100 distinct addresses (they
# serialise on the store's flock); 100 concurrent DELs leave only lock and
# last_reserved_ip.* behind.
. "$(dirname "$0")/../lib/common.sh"

NS=/run/netns/none
DD=$T/data
N=100
conf='{"cniVersion":"1.0.0","name":"busy","type":"host-local","ipam":{"type":"host-local","dataDir":"'$DD'","ranges":[[{"subnet":"10.60.0.0/24"}],[{"subnet":"fd60::/64"}]]}}'

mkdir -p "$T/out"
for i in $(seq 1 $N); do
	plugin host-local ADD "ctr$i" $NS eth0 <<<"$conf" >"$T/out/$i" 2>&1 &
done
wait
failed=0
for i in $(seq 1 $N); do
	jq -e '.ips | length == 2' "$T/out/$i" >/dev/null 2>&1 || failed=$((failed + 1))
done
check_eq "all $N concurrent ADDs succeeded" 0 "$failed"
check_eq "$N distinct IPv4 addresses" $N \
	"$(cat "$T"/out/* | jq -r '.ips[0].address' | sort -u | grep -c '^10\.60\.0\.')"
check_eq "$N distinct IPv6 addresses" $N \
	"$(cat "$T"/out/* | jq -r '.ips[1].address' | sort -u | grep -c '^fd60::')"
check_eq "$N v4 + $N v6 reservation files" $((2 * N)) \
	"$(ls "$DD/busy" | grep -cv '^lock$\|^last_reserved_ip\.')"
bad=0
for i in $(seq 1 $N); do
	a=$(jq -r '.ips[0].address' "$T/out/$i")
	[ "$(tr -d '\r' <"$DD/busy/${a%/*}" | head -n1)" = "ctr$i" ] || bad=$((bad + 1))
done
check_eq "each store file names the container that got the address" 0 "$bad"
check_eq "no temporary files left" "" "$(ls "$DD/busy" | grep tmp)"

for i in $(seq 1 $N); do
	plugin host-local DEL "ctr$i" $NS eth0 <<<"$conf" >"$T/out/del$i" 2>&1 &
done
wait
check_eq "all DELs printed nothing" "" "$(cat "$T"/out/del*)"
check_eq "after DEL of all: only lock and last_reserved_ip.*" \
	"last_reserved_ip.0 last_reserved_ip.1 lock" "$(ls "$DD/busy" | xargs)"

# The store's lock is a plain flock on <store>/lock, as the reference's go-filemutex
# takes it: while anyone holds it, ADD waits; a waiter killed with -9 leaves nothing.
S=$DD/busy
before=$(ls -l --time-style=+%s.%N "$S"; cat "$S"/last_reserved_ip.*)
flock "$S/lock" sleep 2 &
holder=$!
sleep 0.3
# A simple command, so that $! is the plugin itself and not a subshell.
CNI_COMMAND=ADD CNI_CONTAINERID=waiter CNI_NETNS=$NS CNI_IFNAME=eth0 CNI_PATH=$BIN \
	"$BIN/host-local" <<<"$conf" >"$T/out/waiter" 2>&1 &
waiter=$!
sleep 0.5
check_eq "ADD waits while another process holds the store lock" "host-local running" \
	"$(cat /proc/$waiter/comm 2>/dev/null) $(kill -0 $waiter 2>/dev/null && echo running)"
kill -9 $waiter
wait $waiter 2>/dev/null
wait $holder
check_eq "a waiter killed with -9 left the store as it was" "$before" \
	"$(ls -l --time-style=+%s.%N "$S"; cat "$S"/last_reserved_ip.*)"
flock "$S/lock" sleep 1 &
holder=$!
sleep 0.3
t0=${EPOCHREALTIME/./}
out=$(plugin host-local ADD late $NS eth0 <<<"$conf")
t1=${EPOCHREALTIME/./}
wait $holder
check_eq "ADD completes once the lock is released" "10.60.0.102/24" "$(jq -r '.ips[0].address' <<<"$out")"
check_eq "... and not before (waited at least 0.5 s)" "yes" "$([ $((t1 - t0)) -ge 500000 ] && echo yes)"
check "DEL late" plugin host-local DEL late $NS eth0 <<<"$conf"
done_testing
