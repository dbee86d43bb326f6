#!/usr/bin/env bash
# The bridge plugin runs our host-local in its own process when the host-local that
# CNI_PATH resolves to is the very file beside the bridge binary, and execs it
# otherwise: the results, errors, store files and audit lines are the same either way.
. "$(dirname "$0")/../lib/common.sh"
command -v strace >/dev/null || fail "strace is installed (scripts/deps.sh)"

conf() { # conf SUBNET [BRIDGE]
	printf '{"cniVersion":"1.0.0","name":"ipn","type":"bridge","bridge":"%s","isGateway":true,"ipam":{"type":"host-local","subnet":"%s","dataDir":"%s/ipam-%s"}}' \
		"${2:-br-ip}" "$1" "$T" "${2:-br-ip}"
}
# execs CNI_PATH ENVVAR... : the number of execve calls of one bridge ADD (container c)
execs() {
	local path=$1
	shift
	conf 10.62.0.0/24 | env "$@" CNI_COMMAND=ADD CNI_CONTAINERID=c CNI_NETNS=/run/netns/c \
		CNI_IFNAME=eth0 CNI_PATH="$path" strace -f -qq -e trace=execve -o "$T/strace" \
		"$BIN/bridge" >"$T/out"
	grep -c 'execve(' "$T/strace"
}
del() { conf 10.62.0.0/24 | CNI_COMMAND=DEL CNI_CONTAINERID=c CNI_NETNS=/run/netns/c \
	CNI_IFNAME=eth0 CNI_PATH="$1" "$BIN/bridge"; }
mkns c
export NETCTL_AUDIT_FILE=$T/audit

check_eq "CNI_PATH=build/bin: one exec, host-local ran in the bridge" 1 "$(execs "$BIN")"
check_eq "... and the container got its address" "10.62.0.2/24" "$(jq -r '.ips[0].address' "$T/out")"
check "... reserved in the store" test -f "$T/ipam-br-ip/ipn/10.62.0.2"
check "... and host-local's own audit line is there" grep -q 'netctl-host-local.*op=ADD.*container=c' "$T/audit"
check "DEL (in-process host-local)" del "$BIN"
check_eq "... released" "" "$(ls "$T/ipam-br-ip/ipn" | grep '^10\.' || true)"

check_eq "NETCTL_DELEGATE_EXEC=1: host-local is exec'd" 2 "$(execs "$BIN" NETCTL_DELEGATE_EXEC=1)"
check "DEL" del "$BIN"
mkdir -p "$T/other"
cp "$BIN/host-local" "$T/other/host-local"
check_eq "another host-local first on CNI_PATH (a copy): exec'd" 2 "$(execs "$T/other:$BIN")"
check "DEL" del "$T/other:$BIN"
mkdir -p "$T/ref"; ln -s "$REF/host-local" "$T/ref/host-local"
check_eq "the reference host-local first on CNI_PATH: exec'd" 2 "$(execs "$T/ref:$BIN")"
check "... and it allocated (round robin: its own choice)" grep -q '"10\.62\.0\.[0-9]*/24"' "$T/out"
check "DEL through the reference" del "$T/ref:$BIN"

# The same error either way: a full /30 has no address left for a second container.
for how in in-process exec; do
	e=(); [ $how = exec ] && e=(NETCTL_DELEGATE_EXEC=1)
	for id in a b; do
		mkns "$how-$id"
		conf 10.63.0.0/30 br-$how | env "${e[@]}" CNI_COMMAND=ADD CNI_CONTAINERID=$how-$id \
			CNI_NETNS=/run/netns/$how-$id CNI_IFNAME=eth0 CNI_PATH=$BIN "$BIN/bridge" \
			>"$T/$how-$id.json"
	done
	conf 10.63.0.0/30 br-$how | env "${e[@]}" CNI_COMMAND=DEL CNI_CONTAINERID=$how-a \
		CNI_NETNS=/run/netns/$how-a CNI_IFNAME=eth0 CNI_PATH=$BIN "$BIN/bridge"
done
check_eq "an exhausted range gives the same error in-process as exec'd" \
	"$(jq -c '{code, msg, details}' "$T/exec-b.json")" "$(jq -c '{code, msg, details}' "$T/in-process-b.json")"
check_eq "... a clear one (code 11, try again later)" "11 no free address is left in the range set" "$(jq -r '"\(.code) \(.msg)"' "$T/in-process-b.json")"
check_eq "... and left no veth behind" "" "$(ip -o link show type veth)"
done_testing
