#!/usr/bin/env bash
# sandbox.sh CMD... : run CMD in a throwaway network + mount namespace with private
# tmpfs state dirs, so nothing it does reaches the machine's real network or state.
set -eu
if [ "${1:-}" != "--inside" ]; then
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
exec "$@"
