#!/usr/bin/env bash
# sandbox.sh CMD... : run CMD in a throwaway network + mount namespace with private
# tmpfs state dirs, so nothing it does reaches the machine's real network or state.
set -eu
if [ "${1:-}" != "--inside" ]; then
	# Loading the ifb module (the first IFB a bandwidth plugin makes) also creates
	# numifbs devices, by default ifb0 and ifb1, in the host's netns: load it first
	# with none, so no test or benchmark adds a device to the real network.
	grep -q '^ifb ' /proc/modules 2>/dev/null || modprobe ifb numifbs=0 2>/dev/null || true
	NETCTL_HOST_NETNS=$(readlink /proc/self/ns/net)
	export NETCTL_HOST_NETNS
	exec unshare --net --mount --propagation private -- "$0" --inside "$@"
fi
shift
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/netns
for d in /var/lib/cni /var/lib/netctl /etc/netctl /tmp/netctl-test; do
	mkdir -p "$d"
	mount -t tmpfs -o mode=0755 tmpfs "$d"
done
# /sys shows the parent's interfaces until it is remounted in this netns.
mount -t sysfs sysfs /sys
ip link set lo up
export NETCTL_SANDBOX=1
# Processes a run leaves in this netns (a dnsmasq the dnsname plugin started, which
# daemonizes out of our process tree) would outlive the sandbox and keep its netns:
# the sandbox kills them when CMD ends. CMD runs as our child, TERM/INT forwarded.
kill_leftovers() {
	local me p
	me=$(readlink /proc/self/ns/net)
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$p" != $$ ] && [ "$p" != "$BASHPID" ] || continue
		[ "$(readlink "/proc/$p/ns/net" 2>/dev/null)" = "$me" ] && kill -9 "$p" 2>/dev/null
	done
	return 0
}
set +e
"$@" </dev/stdin &
child=$!
trap 'kill -TERM $child 2>/dev/null' TERM INT HUP
while :; do
	wait "$child"
	status=$?
	kill -0 "$child" 2>/dev/null || break
done
kill_leftovers
exit "$status"
