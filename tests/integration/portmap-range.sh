#!/usr/bin/env bash
# Port ranges: `netctl connect --publish 9000-9099:9000-9099` becomes 100 portMappings
# entries, one dnat-v4 element per port, added in one batch; sampled ports of the range
# answer real connections from an outside netns (TCP, and a UDP range); a range bound
# to one host address (IP:H1-H2:C1-C2) answers there only; a second container asking
# for a range that overlaps in one port is refused as a whole, naming the owner, with
# nothing added; disconnect removes all 100 elements; `netctl run --publish` takes ranges
# too.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"
. "$(dirname "$0")/fwlib/pm.bash"

NETCTL=$BIN/netctl
export NETCTL_CONFDIR=$T/conf NETCTL_STATEDIR=$T/state CNI_PATH=$BIN
for p in netctl portmap bridge firewall; do
	[ -x "$BIN/$p" ] || { fail "$p is built" "$BIN/$p missing"; done_testing; exit 1; }
done
dnat_count() { map_elems dnat-v4 | grep -c "$1"; }

check "create rng" "$NETCTL" create rng --subnet 10.98.0.0/24
outside_up
for n in c1 c2; do mkns $n; done
check "connect c1 --publish 9000-9099:9000-9099 --publish 7000-7009:7100-7109/udp --publish 192.168.50.1:6000-6001:80-81" \
	"$NETCTL" connect rng c1 --publish 9000-9099:9000-9099 --publish 7000-7009:7100-7109/udp \
	--publish 192.168.50.1:6000-6001:80-81
id1=$("$NETCTL" inspect c1 --json | jq -r '.attachments[0].container_id')
check_eq "100 dnat-v4 elements for the TCP range, each tagged with c1's ID" 100 \
	"$(map_elems dnat-v4 | grep '^tcp\.9[0-9]* ' | grep -c " $id1 rng ")"
check_eq "10 for the UDP range" 10 "$(dnat_count '^udp\.70')"
check_eq "2 in dnat-ip-v4 for the range bound to 192.168.50.1" 2 \
	"$(map_elems dnat-ip-v4 | grep -c '^192\.168\.50\.1\.tcp\.600[01] ')"
ip1=$(ip -n c1 -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
for p in 9000 9037 9064 9099 80 81; do
	ip netns exec c1 /usr/bin/python3 "$PROBE" peer tcp $p &
	SERVERS+=($!)
done
ip netns exec c1 /usr/bin/python3 "$PROBE" peer udp 7105 &
SERVERS+=($!)
sleep 0.5
ip netns exec out ping -c1 -W1 192.168.50.1 >/dev/null
for p in 9000 9037 9064 9099; do
	check_eq "outside -> 192.168.50.1:$p reaches c1's port $p" 192.168.50.2 \
		"$(reach out tcp 192.168.50.1 $p)"
done
check_eq "outside -> 192.168.50.1:7005/udp reaches c1's 7105/udp" 192.168.50.2 \
	"$(reach out udp 192.168.50.1 7005)"
check_eq "outside -> 192.168.50.1:6001 (bound range) reaches c1's port 81" 192.168.50.2 \
	"$(reach out tcp 192.168.50.1 6001)"
check_fails "the bound range does not answer on the bridge's address 10.98.0.1:6000" \
	timeout 3 /usr/bin/python3 "$PROBE" connect tcp 10.98.0.1 6000

before=$(map_elems dnat-v4 | sort | md5sum)
check "connect c2 to rng (no ports)" "$NETCTL" connect rng c2
check_eq "c2 -> the gateway's 9064 reaches c1 (a neighbour on the bridge, masqueraded)" \
	10.98.0.1 "$(reach c2 tcp 10.98.0.1 9064)"
out=$("$NETCTL" connect rng c2 --ifname eth1 --publish 9099-9110:9099-9110 2>&1)
check_eq "a range overlapping in one port (9099) is refused" 1 $?
case $out in *"$id1"*9099*|*9099*"$id1"*) ok "the refusal names the owner and the port" ;;
*) fail "the refusal names the owner and the port" "$out" ;; esac
check_eq "nothing of the refused range was added" "$before" "$(map_elems dnat-v4 | sort | md5sum)"
check_eq "no element for 9100-9110" 0 "$(dnat_count '^tcp\.91[01][0-9] ')"
check_fails "c2 has no eth1 (the failed ADD left nothing)" ip -n c2 link show eth1
cli_bad_range() {
	local out
	out=$("$NETCTL" connect rng c2 --ifname eth1 --publish "$1" 2>&1)
	check_eq "--publish $1 is refused as bad input (exit 2)" 2 $?
}
cli_bad_range 8000-8010:80
cli_bad_range 8010-8000:8010-8000

# netctl run takes the same ranges
NETCTL_RUNDIR=$T/run timeout 20 "$NETCTL" run --network rng --name r1 --publish 9300-9302:80-82 \
	-- /usr/bin/python3 "$PROBE" peer tcp 82 &
runpid=$!
for _ in $(seq 50); do [ "$(dnat_count '^tcp\.930[0-2] ')" = 3 ] && break; sleep 0.1; done
check_eq "netctl run --publish 9300-9302:80-82: three elements" 3 "$(dnat_count '^tcp\.930[0-2] ')"
sleep 0.3
check_eq "outside -> 192.168.50.1:9302 reaches the run's port 82" 192.168.50.2 \
	"$(reach out tcp 192.168.50.1 9302)"
kill -TERM $runpid
wait $runpid 2>/dev/null
check_eq "the run's elements are gone when it ends" 0 "$(dnat_count '^tcp\.930[0-2] ')"

check "disconnect c1" "$NETCTL" disconnect rng c1
check_eq "every element of c1 is gone (dnat-v4, dnat-ip-v4, pub-v4)" "" \
	"$(map_elems dnat-v4; map_elems dnat-ip-v4; set_elems pub-v4)"
check_fails "192.168.50.1:9037 answers no more" reach out tcp 192.168.50.1 9037
stop_servers
check "rm --force rng" "$NETCTL" rm --force rng
done_testing
