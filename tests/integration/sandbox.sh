#!/usr/bin/env bash
# The sandbox itself: a fresh network namespace with only lo, private state dirs,
# and a guard that refuses to run tests in the host's network namespace.
. "$(dirname "$0")/../lib/common.sh"

links=$(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')
check_eq "sandbox netns has only lo" "lo " "$links"
check "sandbox /run is a private tmpfs" sh -c 'findmnt -n -o FSTYPE /run | grep -qx tmpfs'
check "sandbox /var/lib/cni is a private tmpfs" sh -c 'findmnt -n -o FSTYPE /var/lib/cni | grep -qx tmpfs'
check "sandbox /sys shows this netns" test ! -e /sys/class/net/eth0 -o -z "$(ls /sys/class/net | grep -v '^lo$')"
# The guard: common.sh refuses outside a sandbox, and in a netns that has interfaces.
out=$(env -u NETCTL_SANDBOX bash -c ". $ROOT/tests/lib/common.sh; echo reached" 2>&1)
case $out in *refusing*) ok "common.sh refuses to run outside the sandbox" ;;
*) fail "common.sh refuses to run outside the sandbox" "$out" ;; esac
out=$(NETCTL_HOST_NETNS=$(readlink /proc/self/ns/net) bash -c ". $ROOT/tests/lib/common.sh; echo reached" 2>&1)
case $out in *refusing*) ok "common.sh refuses the netns the run started from" ;;
*) fail "common.sh refuses the netns the run started from" "$out" ;; esac
ip link add guard0 type veth peer name guard1
out=$(bash -c ". $ROOT/tests/lib/common.sh; echo reached" 2>&1)
case $out in *refusing*) ok "common.sh refuses a netns that has real interfaces" ;;
*) fail "common.sh refuses a netns that has real interfaces" "$out" ;; esac
ip link del guard0
done_testing
