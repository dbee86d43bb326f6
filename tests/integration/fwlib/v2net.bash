# shellcheck shell=bash
# The version 2 policy tests' world (sourced after common.sh and fw.bash): network
# "shop" (netctl create: icc off, dual stack, masquerade) with containers web-1
# (publishing 8443 -> 443/tcp and 8053 -> 53/udp), pg and misc; outside, a LAN
# neighbour netns "lan" (192.0.2.2, 2001:db8:1::2) on the host's uplink up-lan
# (192.0.2.1, 2001:db8:1::1, the host's default route) and an "internet" netns "inet"
# (203.0.113.9, 2001:db8:2::9) behind it. Documentation addresses, all inside the
# sandbox. IP4[name] / IP6[name]: each one's address.
NETCTL=$BIN/netctl
export NETCTL_CONFDIR=$T/conf NETCTL_STATEDIR=$T/state CNI_PATH=$BIN
nosum() { nft list ruleset | sed 's/packets [0-9]* bytes [0-9]*//'; }

# --- outside: host -- lan -- inet ---
mkns lan
mkns inet
ip link add up-lan type veth peer name eth0 netns lan
ip link add eth1 netns lan type veth peer name eth0 netns inet
ip addr add 192.0.2.1/24 dev up-lan
ip addr add 2001:db8:1::1/64 dev up-lan nodad
ip link set up-lan up
ip -n lan addr add 192.0.2.2/24 dev eth0
ip -n lan addr add 2001:db8:1::2/64 dev eth0 nodad
ip -n lan addr add 203.0.113.1/24 dev eth1
ip -n lan addr add 2001:db8:2::1/64 dev eth1 nodad
ip -n lan link set eth0 up
ip -n lan link set eth1 up
ip netns exec lan sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
ip -n inet addr add 203.0.113.9/24 dev eth0
ip -n inet addr add 2001:db8:2::9/64 dev eth0 nodad
ip -n inet link set eth0 up
ip -n inet route add default via 203.0.113.1
ip -n inet -6 route add default via 2001:db8:2::1
ip route add default via 192.0.2.2
ip -6 route add default via 2001:db8:1::2
sysctl -qw net.ipv6.conf.all.forwarding=1

check "create shop (icc off, dual stack)" "$NETCTL" create shop --subnet 10.96.0.0/24 \
	--subnet fd96::/64 --icc=false --dns=false
for n in web-1 pg misc; do mkns "$n"; done
check "connect web-1 --publish 8443:443 --publish 8053:53/udp" "$NETCTL" connect shop web-1 \
	--publish 8443:443 --publish 8053:53/udp
check "connect pg" "$NETCTL" connect shop pg
check "connect misc" "$NETCTL" connect shop misc
a4() { ip -n "$1" -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1; }
a6() { ip -n "$1" -6 -o addr show eth0 scope global | awk '{print $4}' | cut -d/ -f1; }
declare -A IP4 IP6
for n in web-1 pg misc; do IP4[$n]=$(a4 "$n"); IP6[$n]=$(a6 "$n"); done
IP4[inet]=203.0.113.9 IP6[inet]=2001:db8:2::9 IP4[lan]=192.0.2.2 IP6[lan]=2001:db8:1::2
for i in $(seq 30); do
	ip -n misc -6 -o addr show eth0 | grep -q tentative || break
	sleep 0.1
done


# v2_servers: every container and the outside answer TCP 443 5050 8080 9000 and UDP 53
# 5353 with the peer's address, both families; UDP 53 on the host too.
v2_servers() {
	local n p
	for n in web-1 pg misc inet lan; do
		for p in 443 5050 8080 9000; do
			ip netns exec "$n" /usr/bin/python3 "$PROBE" peer6 tcp "$p" & SERVERS+=($!)
		done
		for p in 53 5353; do
			ip netns exec "$n" /usr/bin/python3 "$PROBE" peer6 udp "$p" & SERVERS+=($!)
		done
	done
	/usr/bin/python3 "$PROBE" peer6 udp 53 & SERVERS+=($!)
	sleep 0.8
}

# v2_real NS PORT/PROTO ADDR PORT : one real exchange (ping for icmp); 0 when through.
v2_real() {
	case $2 in
	icmp) ip netns exec "$1" ping -c 1 -W 1 "$3" >/dev/null 2>&1 ;;
	*) reach "$1" "${2#*/}" "$3" "$4" >/dev/null 2>&1 ;;
	esac
}
