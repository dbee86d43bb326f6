#!/usr/bin/env bash
# Load: 100 concurrent chain ADDs (bridge + host-local + firewall + bandwidth and
# portmap, one published port each, when built, through `netctl cni add`, the way a runtime starting 100 containers at once
# would), on a network that does not exist yet. 100 distinct addresses, every container reaches
# the gateway, a sample of pairs reach each other (ping and TCP), then 100 concurrent
# DELs leave nothing. LOAD_N overrides 100.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/leaks.sh"
. "$(dirname "$0")/fwlib/fw.bash"
N=${LOAD_N:-100}

need bridge host-local firewall netctl
export CNI_PATH=$BIN
# pub I : container lI publishes host port 20000+I to its port 7000
pub() { [ -x "$BIN/portmap" ] && echo "--cap-args={\"portMappings\":[{\"hostPort\":$((20000 + $1)),\"containerPort\":7000,\"protocol\":\"tcp\"}]}"; }
conf=$T/load.conflist
cat >"$conf" <<EOF
{ "cniVersion": "1.1.0", "name": "load", "plugins": [
  { "type": "bridge", "bridge": "nload0", "isGateway": true, "ipMasq": true,
    "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.82.0.0/24" }]] } },
  { "type": "firewall" }$(later_plugins) ] }
EOF
for ((i = 1; i <= N; i++)); do mkns "l$i"; done

start=$(date +%s%N)
for ((i = 1; i <= N; i++)); do
	netctl cni add "$conf" "/run/netns/l$i" --id "load-$i" $(pub $i) >"$T/add.$i" 2>"$T/adderr.$i" &
done
wait
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "# $N concurrent chain ADDs in $ms ms"
okc=0
for ((i = 1; i <= N; i++)); do jq -e '.ips[0].address' "$T/add.$i" >/dev/null 2>&1 && okc=$((okc + 1)); done
check_eq "$N concurrent ADDs all succeed" "$N" "$okc"
[ "$okc" = "$N" ] || echo "# e.g.: $(cat "$T"/adderr.* | sort | uniq -c | sort -rn | head -n 3)"
check_eq "$N distinct addresses in 10.82.0.0/24" "$N" \
	"$(cat "$T"/add.* | jq -r '.ips[0].address' | grep '^10\.82\.0\.' | sort -u | wc -l)"
check_eq "$N ports on one bridge" "1 $N" \
	"$(ip -o link show type bridge | wc -l) $(ip -o link show master nload0 | wc -l)"
check_eq "$N addresses in members-load" "$N" \
	"$(nft -j list set inet netctl members-load | jq '[.nftables[].set.elem[]?] | length')"
check_eq "$N reservations in the store" "$N" \
	"$(ls /var/lib/cni/networks/load | grep -c '^10\.')"
[ ! -x "$BIN/bandwidth" ] || check_eq "$N IFBs (bandwidth)" "$N" "$(ip -o link show type ifb | wc -l)"
addr() { jq -r '.ips[0].address' "$T/add.$1" | cut -d/ -f1; }

reach_gw=0
for ((i = 1; i <= N; i++)); do
	ip netns exec "l$i" ping -c 1 -W 2 10.82.0.1 >/dev/null && reach_gw=$((reach_gw + 1))
done
check_eq "every container reaches the gateway" "$N" "$reach_gw"
pairs=0 good=0
for ((k = 0; k < 20; k++)); do
	a=$((1 + RANDOM % N)) b=$((1 + RANDOM % N))
	[ "$a" = "$b" ] && continue
	pairs=$((pairs + 1))
	ip netns exec "l$a" ping -c 1 -W 2 "$(addr "$b")" >/dev/null && good=$((good + 1))
done
check_eq "a sample of pairs ping each other" "$pairs" "$good"
serve l1 tcp 7000
serve "l$N" tcp 7000
sleep 0.5
check "TCP l$N -> l1" reach "l$N" tcp "$(addr 1)" 7000
check "TCP l1 -> l$N" reach l1 tcp "$(addr "$N")" 7000
if [ -x "$BIN/portmap" ]; then
	check_eq "$N published ports in our dnat map" "$N" \
		"$(nft -j list map inet netctl dnat-v4 | jq '[.nftables[].map.elem[]?] | length')"
	check "host -> 10.82.0.1:20001 (published) -> l1" timeout 3 /usr/bin/python3 "$PROBE" connect tcp 10.82.0.1 20001
	check "l1 -> 10.82.0.1:$((20000 + N)) (published, hairpin) -> l$N" reach l1 tcp 10.82.0.1 $((20000 + N))
fi
stop_servers

start=$(date +%s%N)
for ((i = 1; i <= N; i++)); do
	netctl cni del "$conf" "/run/netns/l$i" --id "load-$i" $(pub $i) >"$T/del.$i" 2>&1 &
done
wait
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "# $N concurrent chain DELs in $ms ms"
l=()
for ((i = 1; i <= N; i++)); do l+=("l$i"); done
check_eq "$N concurrent DELs leave nothing" "" "$(leaks /var/lib/cni/networks/load "${l[@]}")"
done_testing
