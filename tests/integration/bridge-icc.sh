#!/usr/bin/env bash
# bridge "icc": false: containers on one bridge cannot exchange a single frame directly
# (isolated ports); the bridge answers ARP for peers (proxy_arp_pvlan), so their IP
# traffic is routed by the host (TTL 63) and the gateway answers both.
. "$(dirname "$0")/../lib/common.sh"
PY=/usr/bin/python3
command -v arping >/dev/null || fail "arping is installed (scripts/deps.sh: iputils-arping)"

conf() { # conf NAME BRIDGE SUBNET ICC
	printf '{"cniVersion":"1.0.0","name":"%s","type":"bridge","bridge":"%s","isGateway":true,"icc":%s,"ipam":{"type":"host-local","subnet":"%s"}}' \
		"$1" "$2" "$4" "$3"
}
mac_of() { ip -n "$1" -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2; }

# count NS ETHERTYPE SRCMAC SECONDS: frames of that type from SRCMAC arriving on eth0
count() {
	ip netns exec "$1" $PY - "$2" "$3" "$4" <<'PY'
import socket, sys, time
et, src, secs = int(sys.argv[1], 16), bytes.fromhex(sys.argv[2].replace(':', '')), float(sys.argv[3])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(et))
s.bind(("eth0", 0))
n, end = 0, time.time() + secs
while time.time() < end:
    s.settimeout(max(end - time.time(), 0.01))
    try:
        f = s.recv(2048)
    except socket.timeout:
        break
    if f[6:12] == src:
        n += 1
print(n)
PY
}
# send NS DSTMAC: 5 raw frames of ethertype 0x88b5 to DSTMAC and 5 to broadcast
send() {
	ip netns exec "$1" $PY - "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
me = open("/sys/class/net/eth0/address").read().strip()
src = bytes.fromhex(me.replace(':', ''))
for dst in (bytes.fromhex(sys.argv[1].replace(':', '')), b'\xff' * 6):
    for _ in range(5):
        s.send(dst + src + b'\x88\xb5' + b'netctl-icc-probe'.ljust(46, b'.'))
PY
}

# probe NSA NSB DESC EXPECT: raw frames and ARP requests from a arriving at b
probe() {
	local a=$1 b=$2 ipb=$3 amac bmac
	amac=$(mac_of "$a"); bmac=$(mac_of "$b")
	count "$b" 88b5 "$amac" 1.5 >"$T/raw.$b" &
	count "$b" 0806 "$amac" 1.5 >"$T/arp.$b" &
	sleep 0.4
	send "$a" "$bmac"
	ip netns exec "$a" arping -c 2 -w 1 -I eth0 "$ipb" >"$T/arping.$a" 2>&1
	wait
	echo "$(cat "$T/raw.$b") $(cat "$T/arp.$b")"
}

# ---- control: icc on, the probe sees frames ----
mkns on1 && mkns on2
c_on=$(conf icc-on bron 10.91.0.0/24 true)
plugin bridge ADD on1 /run/netns/on1 eth0 <<<"$c_on" >/dev/null
plugin bridge ADD on2 /run/netns/on2 eth0 <<<"$c_on" >/dev/null
got=$(probe on1 on2 10.91.0.3)
check_eq "control (icc on): 10 raw frames arrive; ARP requests arrive" 1 \
	"$([ "${got% *}" = 10 ] && [ "${got#* }" -ge 1 ] && echo 1)"
check_eq "control: ARP reply comes from the peer itself" "$(mac_of on2)" \
	"$(grep -o 'reply from [0-9.]* \[[0-9A-Fa-f:]*\]' "$T/arping.on1" | head -1 | sed 's/.*\[\(.*\)\]/\1/' | tr A-F a-f)"

# ---- icc off ----
mkns a && mkns b
c_off=$(conf icc-off broff 10.92.0.0/24 false)
plugin bridge ADD ida /run/netns/a eth0 <<<"$c_off" >/dev/null
plugin bridge ADD idb /run/netns/b eth0 <<<"$c_off" >/dev/null
got=$(probe a b 10.92.0.3)
check_eq "icc off: no raw frame and no ARP request from a reaches b" "0 0" "$got"
got=$(probe b a 10.92.0.2)
check_eq "icc off: nor from b to a" "0 0" "$got"
brmac=$(cat /sys/class/net/broff/address)
check_eq "icc off: a's ARP for b is answered by the bridge, never by b" "$brmac" \
	"$(grep -o 'reply from [0-9.]* \[[0-9A-Fa-f:]*\]' "$T/arping.a" | sed 's/.*\[\(.*\)\]/\1/' | tr A-F a-f | sort -u | xargs)"
check "icc off: the gateway answers a" ip netns exec a ping -c 1 -W 2 10.92.0.1
check "icc off: the gateway answers b" ip netns exec b ping -c 1 -W 2 10.92.0.1
check_eq "icc off: a reaches b only through the host (ttl 63)" "ttl=63" \
	"$(ip netns exec a ping -c 1 -W 2 10.92.0.3 | grep -o 'ttl=[0-9]*')"
for k in conf/broff/proxy_arp_pvlan:1 neigh/broff/proxy_delay:0 conf/broff/send_redirects:0 conf/broff/forwarding:1; do
	check_eq "sysctl net.ipv4.${k%:*} = ${k#*:}" "${k#*:}" "$(cat /proc/sys/net/ipv4/${k%:*})"
done
check_eq "both ports are isolated" "2" "$(/sbin/bridge -d link show master broff | grep -c 'isolated on')"

# ---- icc off over IPv6: the bridge proxies NDP, the host routes ----
c6='{"cniVersion":"1.0.0","name":"icc6","type":"bridge","bridge":"br6off","isGateway":true,"icc":false,"ipam":{"type":"host-local","ranges":[[{"subnet":"10.93.0.0/24"}],[{"subnet":"fd00:93::/64"}]]}}'
mkns a6 && mkns b6
r6a=$(plugin bridge ADD ida6 /run/netns/a6 eth0 <<<"$c6")
plugin bridge ADD idb6 /run/netns/b6 eth0 <<<"$c6" >/dev/null
got=$(probe a6 b6 10.93.0.3)
check_eq "icc off, dual stack: no raw frame and no ARP request from a6 reaches b6" "0 0" "$got"
check_eq "icc off v6: a6 reaches b6 only through the host (hop limit 63)" "ttl=63" \
	"$(ip netns exec a6 ping -6 -c 1 -W 2 fd00:93::3 | grep -o 'ttl=[0-9]*')"
check "icc off v6: the gateway answers a6" ip netns exec a6 ping -6 -c 1 -W 2 fd00:93::1
check_eq "icc off v6: one NDP proxy entry per container" "fd00:93::2 fd00:93::3" \
	"$(ip -6 neigh show proxy dev br6off | awk '{print $1}' | sort | xargs)"
plugin bridge DEL ida6 /run/netns/a6 eth0 <<<"$(jq -c --argjson p "$r6a" '. + {prevResult: $p}' <<<"$c6")" >/dev/null
check_eq "DEL (with prevResult) removes the container's proxy entry" "fd00:93::3" \
	"$(ip -6 neigh show proxy dev br6off | awk '{print $1}' | xargs)"
plugin bridge DEL idb6 /run/netns/b6 eth0 <<<"$c6" >/dev/null

for x in "ida a c_off" "idb b c_off" "on1 on1 c_on" "on2 on2 c_on"; do
	set -- $x
	plugin bridge DEL "$1" "/run/netns/$2" eth0 <<<"${!3}" >/dev/null || fail "DEL $1"
done
check_eq "nothing left" "" "$(ip -o link show type veth)"
done_testing
