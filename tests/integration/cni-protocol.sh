#!/usr/bin/env bash
# The CNI protocol as every one of our plugins speaks it: VERSION, and bad input
# answered with the spec's error codes, stdout JSON and a non-zero exit.
. "$(dirname "$0")/../lib/common.sh"

plugins=()
for p in "$BIN"/*; do
	[ -x "$p" ] && [ "$(basename "$p")" != netctl ] && plugins+=("$(basename "$p")")
done
[ ${#plugins[@]} -gt 0 ] || fail "plugins were built" "nothing in $BIN"

# expect_code DESC CODE CMD... : CMD exits non-zero and prints an error with CODE.
expect_code() {
	local desc=$1 want=$2 out status code
	shift 2
	out=$("$@" 2>/dev/null)
	status=$?
	code=$(printf '%s' "$out" | jq -r '.code' 2>/dev/null)
	if [ "$status" != 0 ] && [ "$code" = "$want" ] &&
		[ -n "$(printf '%s' "$out" | jq -r '.msg // empty')" ]; then
		ok "$desc"
	else
		fail "$desc" "exit $status, want code $want" "output: $out"
	fi
}

for p in "${plugins[@]}"; do
	for v in 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0; do
		out=$(echo "{\"cniVersion\":\"$v\"}" | CNI_COMMAND=VERSION "$BIN/$p")
		got=$(printf '%s' "$out" | jq -r '[.cniVersion, (.supportedVersions | join(","))] | join(" ")')
		check_eq "$p VERSION answers $v and lists every version" \
			"$v 0.3.0,0.3.1,0.4.0,1.0.0,1.1.0" "$got"
	done
done

NS=/run/netns/none
good='{"cniVersion":"1.0.0","name":"net1","type":"loopback"}'
p=${plugins[0]}
for p in "${plugins[@]}"; do
	expect_code "$p: no CNI_COMMAND is code 4" 4 env -u CNI_COMMAND "$BIN/$p" </dev/null
	expect_code "$p: unknown CNI_COMMAND is code 4" 4 \
		env CNI_COMMAND=FROB "$BIN/$p" <<<"$good"
	expect_code "$p: ADD without CNI_NETNS is code 4" 4 \
		env CNI_COMMAND=ADD CNI_CONTAINERID=c1 CNI_IFNAME=eth0 "$BIN/$p" <<<"$good"
	expect_code "$p: ADD without CNI_IFNAME is code 4" 4 \
		env CNI_COMMAND=ADD CNI_CONTAINERID=c1 CNI_NETNS=$NS "$BIN/$p" <<<"$good"
	expect_code "$p: ADD without CNI_CONTAINERID is code 4" 4 \
		env CNI_COMMAND=ADD CNI_NETNS=$NS CNI_IFNAME=eth0 "$BIN/$p" <<<"$good"
	expect_code "$p: interface name of 16 bytes is code 4" 4 \
		plugin "$p" ADD c1 $NS abcdefghijklmnop <<<"$good"
	expect_code "$p: interface name with / is code 4" 4 plugin "$p" ADD c1 $NS 'et/h0' <<<"$good"
	expect_code "$p: container ID with / is code 4" 4 plugin "$p" ADD 'a/../b' $NS eth0 <<<"$good"
	expect_code "$p: malformed JSON is code 6" 6 plugin "$p" ADD c1 $NS eth0 <<<'{"cniVersion":'
	expect_code "$p: a JSON array is code 6" 6 plugin "$p" ADD c1 $NS eth0 <<<'[]'
	expect_code "$p: unknown cniVersion is code 1" 1 plugin "$p" ADD c1 $NS eth0 \
		<<<'{"cniVersion":"9.9.9","name":"n","type":"t"}'
	expect_code "$p: missing cniVersion is code 1" 1 plugin "$p" ADD c1 $NS eth0 \
		<<<'{"name":"n","type":"t"}'
	expect_code "$p: network name ../../etc is code 7" 7 plugin "$p" ADD c1 $NS eth0 \
		<<<'{"cniVersion":"1.0.0","name":"../../etc","type":"t"}'
	expect_code "$p: CHECK on a 0.3.1 config is code 1" 1 plugin "$p" CHECK c1 $NS eth0 \
		<<<'{"cniVersion":"0.3.1","name":"n","type":"t"}'
	expect_code "$p: GC on a 1.0.0 config is code 1" 1 env CNI_COMMAND=GC CNI_PATH=$BIN "$BIN/$p" \
		<<<'{"cniVersion":"1.0.0","name":"n","type":"t"}'
	expect_code "$p: stdin over 1 MiB is code 5" 5 plugin "$p" ADD c1 $NS eth0 \
		< <(printf '{"cniVersion":"1.0.0","name":"n","type":"t","pad":"'; head -c 1100000 /dev/zero | tr '\0' a; printf '"}')
done
check_eq "bad input left no state behind" "" "$(find /var/lib/cni /run/netns -mindepth 1 2>/dev/null)"
done_testing
