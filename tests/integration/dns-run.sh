#!/usr/bin/env bash
# netctl and DNS: `netctl create` chains dnsname by default (--dns=false leaves it
# out); `netctl run` gets its own /etc/resolv.conf (the network's server and domain),
# /etc/hosts and host name, and finds other runs by name and alias; --hostname, --dns
# and --dns-search override; the host's files stay as they were; inspect shows names
# and aliases; a killed server is restarted by `netctl gc`; `rm --force` and `gc`
# leave no dnsmasq.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/dnslib/dns.bash"

NETCTL=$BIN/netctl
export NETCTL_CONFDIR=$T/conf NETCTL_RUNDIR=$T/run
ND=$NETCTL_CONFDIR/net.d
host_before="$(md5sum /etc/resolv.conf /etc/hosts) $(hostname)"

check "create app (DNS on by default)" "$NETCTL" create app --subnet 10.93.0.0/24 --subnet fd93::/64
check_eq "the chain ends with dnsname" "dnsname dns.netctl true" \
	"$(jq -r '.plugins[-1] | "\(.type) \(.domainName) \(.capabilities.aliases)"' "$ND/app.conflist")"
check "create quiet --dns=false" "$NETCTL" create quiet --dns=false --subnet 10.94.0.0/24
check_eq "--dns=false: no dnsname" "" "$(jq -r '.plugins[].type' "$ND/quiet.conflist" | grep dnsname)"
check_fails "--dns=maybe is refused" "$NETCTL" create bad --dns=maybe

"$NETCTL" run --network app --name db --alias pg -- sleep 20 >/dev/null 2>&1 &
dbrun=$!
for _ in $(seq 100); do "$NETCTL" inspect app 2>/dev/null | grep -q ' db ' && break; sleep 0.05; done
check_eq "inspect shows the name and its alias" "db (+pg)" \
	"$("$NETCTL" inspect app | awk '$1 == "db" {print $1, $2}')"
check_eq "inspect --json: aliases and the domain" '["pg"] dns.netctl' \
	"$("$NETCTL" inspect app --json | jq -c -r '"\(.containers[0].aliases) \(.dns)"')"
dbaddr=$("$NETCTL" inspect app --json | jq -r '.containers[0].ips[0]' | cut -d/ -f1)

out=$("$NETCTL" run --network app --name web -- sh -c \
	'hostname; grep -v "^#" /etc/resolv.conf | paste -sd"|"; getent ahostsv4 db | head -1; getent ahostsv4 pg | head -1; getent ahostsv6 db.dns.netctl | head -1; grep -c web /etc/hosts' 2>&1)
check_eq "a run: its host name is its name" web "$(sed -n 1p <<<"$out")"
check_eq "a run: resolv.conf names the network's server and domain" \
	"nameserver 10.93.0.1|nameserver fd93::1|search dns.netctl" "$(sed -n 2p <<<"$out")"
check_eq "a run finds another by name (getaddrinfo)" "$dbaddr" "$(sed -n 3p <<<"$out" | awk '{print $1}')"
check_eq "... and by alias" "$dbaddr" "$(sed -n 4p <<<"$out" | awk '{print $1}')"
check_eq "... AAAA by name.domain" "fd" "$(sed -n 5p <<<"$out" | cut -c1-2)"
check_eq "a run's /etc/hosts has its own addresses with its name" 2 "$(sed -n 6p <<<"$out")"

out=$("$NETCTL" run --network app --name web2 --hostname box --dns 192.0.2.53 \
	--dns-search example.test -- sh -c 'hostname; grep -v "^#" /etc/resolv.conf' 2>&1)
check_eq "--hostname, --dns, --dns-search override" "box|nameserver 192.0.2.53|search example.test" \
	"$(paste -sd'|' <<<"$out")"
check_eq "a run without a DNS network keeps the host's resolv.conf" \
	"$(md5sum </etc/resolv.conf)" "$("$NETCTL" run --network quiet -- sh -c 'md5sum </etc/resolv.conf')"
check_fails "--hostname 'a b' is refused" "$NETCTL" run --network app --hostname 'a b' -- true
check_fails "--alias 'x/y' is refused" "$NETCTL" run --network app --alias x/y -- true
check_fails "--dns 'nope' is refused" "$NETCTL" run --network app --dns nope -- true
check_eq "the host's resolv.conf, hosts and host name are untouched" "$host_before" \
	"$(md5sum /etc/resolv.conf /etc/hosts) $(hostname)"

# a killed server: netctl gc restarts it
kill9 "$(cat /run/netctl/dnsname/app/pid)"
check "netctl gc" "$NETCTL" gc
check_eq "gc restarted the server: db resolves" "$dbaddr" \
	"$("$NETCTL" run --network app -- getent ahostsv4 db | awk 'NR == 1 {print $1}')"

# the server of a network that went away under it is stopped by gc
cp "$ND/app.conflist" "$T/app.saved"
rm "$ND/app.conflist"
out=$("$NETCTL" gc 2>&1)
check_eq "gc stops the DNS server of a removed network" 1 \
	"$(grep -c 'app: stopped the DNS server of the removed network' <<<"$out")"
check_eq "no dnsmasq left" "" "$(dnsmasq_pids)"
cp "$T/app.saved" "$ND/app.conflist"
check "rm app --force (with db running)" "$NETCTL" rm app --force
kill $dbrun 2>/dev/null; wait $dbrun 2>/dev/null
check "rm quiet" "$NETCTL" rm quiet
check_eq "no dnsmasq left after rm" "" "$(dnsmasq_pids)"
check_eq "no DNS state left" "" "$(ls /run/netctl/dnsname 2>/dev/null)"
check_eq "no run files left" "" "$(ls "$T/run/etc" 2>/dev/null)"
done_testing
