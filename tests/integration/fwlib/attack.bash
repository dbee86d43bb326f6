# shellcheck shell=bash
# Helpers for the attack-* tests (sourced after common.sh; udplog wants fwlib/fw.bash's
# SERVERS): a LAN neighbour netns, forged packets (tests/tools/forge.py), rule counters,
# reference runs.
FORGE=$ROOT/tests/tools/forge.py
NETCTL=$BIN/netctl

# lan_up : netns "lan" at 192.168.60.2 and fd60::2 behind veth vl-host (the host's
# side: 192.168.60.1, fd60::1), the way a neighbour on the host's LAN is wired.
lan_up() {
	mkns lan
	ip link add vl-host type veth peer name eth0 netns lan
	ip addr add 192.168.60.1/24 dev vl-host
	ip addr add fd60::1/64 dev vl-host nodad
	ip link set vl-host up
	ip -n lan addr add 192.168.60.2/24 dev eth0
	ip -n lan addr add fd60::2/64 dev eth0 nodad
	ip -n lan link set eth0 up
}

# mac_of [NS] IF : the MAC of interface IF (in netns NS).
mac_of() {
	if [ $# = 2 ]; then ip -n "$1" -j link show dev "$2"; else ip -j link show dev "$1"; fi |
		jq -r '.[0].address'
}

# forge NS ARGS... : forge.py in netns NS (a container or the LAN: root, NET_RAW).
forge() {
	local ns=$1
	shift
	ip netns exec "$ns" timeout 5 /usr/bin/python3 "$FORGE" "$@"
}

# udplog NS|- ADDR PORT FILE : a UDP server on ADDR:PORT (in netns NS, or - for here)
# appending "SRC DATA" to FILE for each datagram.
udplog() {
	: >"$4"
	if [ "$1" = - ]; then
		timeout 120 /usr/bin/python3 "$FORGE" log udp "$3" "$4" "$2" &
	else
		ip netns exec "$1" timeout 120 /usr/bin/python3 "$FORGE" log udp "$3" "$4" "$2" &
	fi
	SERVERS+=($!)
}

# got FILE WORD : did FILE log a datagram carrying WORD?
got() { grep -q " $2\$" "$1"; }

# counter CHAIN COMMENT : packets counted by the rule of inet netctl CHAIN with COMMENT
# (prefix match; summed), 0 when none.
counter() {
	nft -j list chain inet netctl "$1" 2>/dev/null | jq --arg c "$2" \
		'[.nftables[].rule? // empty | select((.comment // "") | startswith($c)) |
		  .expr[] | .counter? // empty | .packets] | add // 0'
}

# said WHAT RESULT : a '# reference:' line (reported, never asserted).
said() { echo "# reference: $1: $2"; }
