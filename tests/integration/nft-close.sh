#!/usr/bin/env bash
# After a batch that deleted something, the kernel makes whoever drops the last
# reference to the nf_tables socket wait for an RCU grace period. Our plugins hand
# that reference to a short-lived grandchild: the DEL itself is complete (element
# gone) when the plugin exits, the socket is released by the grandchild afterwards,
# no process is left behind, and NETCTL_NFT_SYNC_CLOSE=1 keeps the plain close.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"
command -v strace >/dev/null || fail "strace is installed (scripts/deps.sh)"

net_up br-c 10.32.0.1/24
ctr c1 br-c 10.32.0.2/24 10.32.0.1
check "ADD c1" fw ADD cn br-c c1 10.32.0.2/24
# the socket is the only AF_NETLINK fd: follow the closes of every process
fw_conf cn br-c c1 10.32.0.2/24 | CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=c1" \
	CNI_COMMAND=DEL CNI_CONTAINERID=id-c1 CNI_NETNS=/run/netns/c1 CNI_IFNAME=eth0 \
	CNI_PATH=$BIN strace -f -qq -e trace=socket,close,exit_group,fork,clone,clone3 \
	-o "$T/trace" "$BIN/firewall" >"$T/out"
check_eq "DEL succeeded (no output)" "" "$(cat "$T/out")"
check_eq "c1's element is gone" "" "$(set_elems members-cn)"
main=$(head -n 1 "$T/trace" | awk '{print $1}')
pids=$(awk '{print $1}' "$T/trace" | sort -u)
check_eq "three processes: the plugin, a child, the grandchild that closes" 3 "$(wc -l <<<"$pids")"
gc=$(grep -v "^$main " "$T/trace" | grep 'close(' | tail -n 1 | awk '{print $1}')
check "the grandchild drops the socket, then exits" \
	grep -q "^$gc .*exit_group" <<<"$(grep -v "^$main " "$T/trace")"
sleep 0.5
# (an exited orphan may wait as a zombie for the sandbox's init to reap it)
left=$(for p in $pids; do
	st=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) && [ "$st" != Z ] && echo "$p $st"
done)
check_eq "none of them is still running" "" "$left"

check "ADD c1 again" fw ADD cn br-c c1 10.32.0.2/24
fw_conf cn br-c c1 10.32.0.2/24 | NETCTL_NFT_SYNC_CLOSE=1 CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=c1" \
	CNI_COMMAND=DEL CNI_CONTAINERID=id-c1 CNI_NETNS=/run/netns/c1 CNI_IFNAME=eth0 \
	CNI_PATH=$BIN strace -f -qq -e trace=close,exit_group,clone,clone3 -o "$T/trace2" \
	"$BIN/firewall" >"$T/out"
check_eq "NETCTL_NFT_SYNC_CLOSE=1: one process, plain close" 1 \
	"$(awk '{print $1}' "$T/trace2" | sort -u | wc -l)"
check_eq "... and the element is gone" "" "$(set_elems members-cn)"
done_testing
