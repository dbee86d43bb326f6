#!/usr/bin/env bash
# netctl create --ipv6: dual-stack networks made by netctl, IPv6 pings inside an
# icc-on network, none inside an icc-off one, none across networks; rm leaves nothing.
. "$(dirname "$0")/../lib/common.sh"

NETCTL=$BIN/netctl
export NETCTL_CONFDIR=$T/conf NETCTL_STATEDIR=$T/state CNI_PATH=$BIN
[ -x "$NETCTL" ] || { fail "netctl is built" "missing $NETCTL"; done_testing; exit 1; }
check "create dual (icc off) --ipv6" "$NETCTL" create dual --ipv6 --icc=false
check "create dual2 --ipv6" "$NETCTL" create dual2 --ipv6
check_eq "ls shows both families" "dual nctl-dual 10.88.0.0/24,fd88::/64 off 0" \
	"$("$NETCTL" ls | grep '^dual ' | tr -s ' ')"
for n in x1 x2 y1 y2; do mkns $n; done
for n in x1 x2; do check "connect $n to dual" "$NETCTL" connect dual $n; done
for n in y1 y2; do check "connect $n to dual2" "$NETCTL" connect dual2 $n; done
a6() { ip -n "$1" -6 -o addr show eth0 scope global | awk '{print $4}' | cut -d/ -f1; }
check_eq "y1 has an address of dual2's /64" "fd88:0:0:1::" "$(a6 y1 | sed 's/[0-9a-f]*$//')"
# addresses are usable once duplicate address detection is over
for i in $(seq 30); do
	ip -n y1 -6 -o addr show eth0 | grep -q tentative || break
	sleep 0.1
done
check "IPv6: y1 pings y2 (icc on)" ip netns exec y1 ping -6 -c1 -W2 "$(a6 y2)"
check "IPv6: y1 pings its gateway" ip netns exec y1 ping -6 -c1 -W2 fd88:0:0:1::1
check_fails "IPv6: x1 cannot reach x2 (icc off)" ip netns exec x1 ping -6 -c1 -W1 "$(a6 x2)"
check_fails "IPv6: y1 cannot reach x1 (another network)" ip netns exec y1 ping -6 -c1 -W1 "$(a6 x1)"
check "IPv4 too: y1 pings y2" ip netns exec y1 ping -c1 -W2 10.88.1.3
check "rm dual --force" "$NETCTL" rm dual --force
check "rm dual2 --force" "$NETCTL" rm dual2 --force
check_eq "no link left but lo" "lo" "$(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ' | sed 's/ $//')"
left=$(nft list table inet netctl 2>/dev/null | grep -E 'set (members|masq|grp)|chain (net|nat)-')
check_eq "no network's set or chain left" "" "$left"
check_eq "no store left" "" "$(ls /var/lib/cni/networks 2>/dev/null)"
done_testing
