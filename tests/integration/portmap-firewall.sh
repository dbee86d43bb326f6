#!/usr/bin/env bash
# portmap with the firewall plugin in the chain: a published port passes the
# firewall's isolation for exactly the mapped port (forward chain: ct status dnat to
# an element of pub-v4), other ports of the container do not. Networks neta (icc off)
# and netb, isolated from each other; a1 publishes 8080 -> 80; a1 also serves 81.
# With br_netfilter on and off.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"
. "$(dirname "$0")/fwlib/pm.bash"

for p in firewall portmap; do
	[ -x "$BIN/$p" ] || { fail "$p plugin is built" "$BIN/$p missing"; done_testing; exit 1; }
done
net_up br-a 10.10.1.1/24
net_up br-b 10.10.2.1/24
ctr a1 br-a 10.10.1.2/24 10.10.1.1
ctr a2 br-a 10.10.1.3/24 10.10.1.1
ctr b1 br-b 10.10.2.2/24 10.10.2.1
outside_up noroute

check "firewall ADD a1 (neta, icc off)" fw ADD neta br-a a1 10.10.1.2/24 '"icc":false'
check "firewall ADD a2 (neta, icc off)" fw ADD neta br-a a2 10.10.1.3/24 '"icc":false'
check "firewall ADD b1 (netb)" fw ADD netb br-b b1 10.10.2.2/24
PM_NET=neta PM_BR=br-a
check "portmap ADD a1: 8080 -> 80/tcp, 8053 -> 53/udp" pm ADD a1 '["10.10.1.2/24"]' \
	'[{"hostPort":8080,"containerPort":80},{"hostPort":8053,"containerPort":53,"protocol":"udp"}]'
check_eq "pub-v4 holds exactly a1's published triples" "10.10.1.2 tcp 80 id-a1 neta
10.10.1.2 udp 53 id-a1 neta" "$(nft -j list set inet netctl pub-v4 | jq -r '.nftables[].set.elem? // empty | .[] |
	"\(.elem.val.concat | map(tostring) | join(" ")) \(.elem.comment)"' | sort)"

ip netns exec a1 /usr/bin/python3 "$PROBE" peer tcp 80 &
SERVERS+=($!)
serve a1 tcp 81
serve a1 udp 53
sleep 0.5
for c in a1 a2 b1; do ip netns exec "$c" ping -c1 -W1 "$(ip -n "$c" route | awk '/default/ {print $3}')" >/dev/null; done

for brnf in 1 0; do
	echo "$brnf" >/proc/sys/net/bridge/bridge-nf-call-iptables
	w="(bridge-nf-call-iptables=$brnf)"
	check_eq "outside -> 192.168.50.1:8080 reaches a1:80 $w" 192.168.50.2 \
		"$(reach out tcp 192.168.50.1 8080)"
	check "outside -> 192.168.50.1:8053/udp reaches a1:53 $w" reach out udp 192.168.50.1 8053
	check_fails "outside -> 192.168.50.1:81 (not published) $w" reach out tcp 192.168.50.1 81
	# Another network: isolated, except through the published port.
	check_eq "b1 (other network) -> 10.10.2.1:8080 reaches a1:80 $w" 10.10.2.2 \
		"$(reach b1 tcp 10.10.2.1 8080)"
	check "b1 -> 10.10.2.1:8053/udp reaches a1:53 $w" reach b1 udp 10.10.2.1 8053
	check_fails "b1 -> a1:80 directly: isolated $w" reach b1 tcp 10.10.1.2 80
	check_fails "b1 -> a1:81 directly: isolated $w" reach b1 tcp 10.10.1.2 81
	check_fails "b1 -> 10.10.2.1:81 (not published) $w" reach b1 tcp 10.10.2.1 81
	# Same network, icc off: only the published port, through the host (hairpin).
	check_fails "a2 -> a1:80 directly: icc off $w" reach a2 tcp 10.10.1.2 80
	check_fails "a2 -> a1:81 directly: icc off $w" reach a2 tcp 10.10.1.2 81
	if [ "$brnf" = 0 ]; then
		check_eq "a2 -> 10.10.1.1:8080 (hairpin) reaches a1:80 $w" 10.10.1.1 \
			"$(reach a2 tcp 10.10.1.1 8080)"
	else
		# br_netfilter bridges a frame it DNATed back into its own bridge instead of
		# routing it, and isolated ports (icc off) never forward to each other at L2:
		# a known limit (doc/portmap.md), asserted so a change is noticed.
		check_fails "a2 -> 10.10.1.1:8080 (hairpin, icc off): blocked by port isolation $w" \
			reach a2 tcp 10.10.1.1 8080
	fi
done
check "the forward chain's pub-v4 rule counted packets" \
	sh -c "nft list chain inet netctl forward | grep '@pub-v4' | grep -qv 'packets 0 '"

check "portmap DEL a1" pm DEL a1 '["10.10.1.2/24"]' \
	'[{"hostPort":8080,"containerPort":80},{"hostPort":8053,"containerPort":53,"protocol":"udp"}]'
check_eq "pub-v4 empty after DEL" 0 "$(set_count pub-v4)"
check_fails "b1 -> 10.10.2.1:8080 fails after DEL" reach b1 tcp 10.10.2.1 8080
check_fails "b1 -> a1:80 directly still isolated" reach b1 tcp 10.10.1.2 80
check_eq "the hairpin rule names its network" '"net:neta hairpin:10.10.1.0/24"' \
	"$(nft list chain inet netctl postrouting | grep -o '"net:neta[^"]*"')"
check "firewall GC of neta with no attachment left (removes the network)" sh -c \
	"echo '{\"cniVersion\":\"1.1.0\",\"name\":\"neta\",\"type\":\"firewall\"}' |
	 CNI_COMMAND=GC CNI_PATH=$BIN $BIN/firewall"
check_eq "neta's hairpin rule went with the network" "" \
	"$(nft list chain inet netctl postrouting | grep -o 'net:neta[^"]*')"
stop_servers
done_testing
