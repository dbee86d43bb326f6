#!/usr/bin/env bash
# Issue 18, the deterministic race: `netctl connect shop web-2` runs with its firewall
# plugin slowed by fault injection (strace delays every nftables batch, sendmsg, by
# 20 ms), and `netctl policy apply shop B.json` starts 20..90 ms after it, while that
# plugin is still working. At every delay, once both have returned (both must
# succeed), the kernel holds exactly B: one policy mark (B's), B's rules in order,
# B's group members (web-2 matches no group of B), no group set of A's. The same race
# then with the firewall plugin run bare, as a runtime (podman, cnitool) runs it, so
# the plugin's own locking is what orders it. Ends with real traffic under B, and a
# stuck lock holder that connect, apply and the bare plugin name (CNI code 11).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/fwlib/fw.bash"

NETCTL=$BIN/netctl
export NETCTL_CONFDIR=$T/conf NETCTL_STATEDIR=$T/state CNI_PATH=$BIN
[ -x "$NETCTL" ] || { fail "netctl is built" "missing $NETCTL"; done_testing; exit 1; }
command -v strace >/dev/null || { fail "strace is installed (fault injection)"; done_testing; exit 1; }
mkdir -p "$NETCTL_CONFDIR/net.d" "$T/slow"
cat >"$NETCTL_CONFDIR/net.d/shop.conflist" <<EOF
{ "cniVersion": "1.0.0", "name": "shop", "plugins": [
  { "type": "bridge", "bridge": "nctl-shop", "isGateway": true,
    "ipam": { "type": "host-local", "dataDir": "$T/ipam",
              "ranges": [[{ "subnet": "10.95.0.0/24" }]], "routes": [{ "dst": "0.0.0.0/0" }] } },
  { "type": "firewall", "ingressPolicy": "isolated" } ] }
EOF
# The firewall of the slowed connect: every nftables batch (sendmsg) waits 20 ms.
# (LeakSanitizer cannot run under ptrace: off for the traced firewall of a SAN build)
cat >"$T/slow/firewall" <<EOF
#!/bin/sh
ASAN_OPTIONS=\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}detect_leaks=0 exec strace -f -qq -o /dev/null \\
	-e trace=sendmsg -e inject=sendmsg:delay_enter=20000 $BIN/firewall "\$@"
EOF
chmod +x "$T/slow/firewall"
cat >"$T/A.json" <<'JSON'
{ "version": 1, "network": "shop",
  "groups": { "frontend": ["web-*"], "db": ["pg-*"] },
  "allow": [ { "from": "frontend", "to": "db", "ports": ["5432/tcp"] } ] }
JSON
cat >"$T/B.json" <<'JSON'
{ "version": 1, "network": "shop",
  "groups": { "frontend": ["web-1*"], "db": ["pg-*", "cache-*"] },
  "allow": [ { "from": "frontend", "to": "db", "ports": ["5432/tcp", "6379/tcp"] },
             { "from": "db", "to": "host", "ports": ["9100/tcp"] } ] }
JSON

addr() { ip -n "$1" -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1; }
marks() { nft list table inet netctl | grep -o 'chain pol-shop-[0-9a-f]*' | sed 's/^chain //' | sort | tr '\n' ' '; }
rules() { nft list chain inet netctl net-shop-policy | grep -o 'comment "[^"]*"' | tr '\n' ' '; }
grpsets() { nft list table inet netctl | grep -o 'set grp6\?-shop-[a-z0-9_]*' | sort | tr '\n' ' '; }
elems() { nft list set inet netctl "$1" 2>/dev/null | grep -oE '10\.95\.0\.[0-9]+' | sort | tr '\n' ' '; }

for n in web-1 pg-1 cache-1; do
	mkns "$n"
	check "connect $n" "$NETCTL" connect shop "$n"
done
mkns web-2
declare -A IP=([web-1]=$(addr web-1) [pg-1]=$(addr pg-1) [cache-1]=$(addr cache-1))
check "apply B" "$NETCTL" policy apply shop "$T/B.json"
MARK_B=$(marks) RULES_B=$(rules) SETS_B=$(grpsets)
check_eq "B: one mark" 1 "$(wc -w <<<"$MARK_B")"
FRONT_B=$(printf '%s\n' "${IP[web-1]}" | sort | tr '\n' ' ')
DB_B=$(printf '%s\n' "${IP[pg-1]}" "${IP[cache-1]}" | sort | tr '\n' ' ')
check_eq "B: frontend holds web-1" "$FRONT_B" "$(elems grp-shop-frontend)"
check_eq "B: db holds pg-1 and cache-1" "$DB_B" "$(elems grp-shop-db)"

# "Already applied" is read from the kernel: the same file again changes nothing; a
# second mark, a rule gone, a group element gone or one too many are repaired.
out=$("$NETCTL" policy apply shop "$T/B.json" 2>&1)
case $out in *"unchanged (already applied)"*) ok "apply B again: unchanged" ;;
*) fail "apply B again: unchanged" "$out" ;; esac
repaired() { # LABEL : apply B repairs what LABEL broke
	local out
	out=$("$NETCTL" policy apply shop "$T/B.json" 2>&1)
	case $out in *"unchanged"*) fail "$1: apply B repairs it" "$out" ;;
	*) ok "$1: apply B repairs it" ;; esac
}
nft add chain inet netctl pol-shop-0123456789abcdef
out=$("$NETCTL" policy apply shop "$T/B.json" 2>&1)
check_eq "a second mark: apply B repairs it, and says so" \
	"applied $NETCTL_CONFDIR/policy.d/shop.json to network shop (the kernel differed from it: repaired)" "$out"
check_eq "...one mark again" "$MARK_B" "$(marks)"
nft delete rule inet netctl net-shop-policy handle \
	"$(nft -a list chain inet netctl net-shop-policy | grep -m1 'allow\[0\]' | sed 's/.*# handle //')"
repaired "a rule deleted"
check_eq "...the rules again" "$RULES_B" "$(rules)"
nft delete element inet netctl grp-shop-db "{ ${IP[pg-1]} }"
repaired "a member missing from its group"
nft add element inet netctl grp-shop-frontend "{ ${IP[pg-1]} comment \"id-stale\" }"
repaired "an address in a group it does not belong to"
check_eq "...frontend again" "$FRONT_B" "$(elems grp-shop-frontend)"
check_eq "...db again" "$DB_B" "$(elems grp-shop-db)"

# state_is_b LABEL : the kernel holds exactly policy B.
state_is_b() {
	local bad=()
	[ "$(marks)" = "$MARK_B" ] || bad+=("marks: $(marks) (want $MARK_B)")
	[ "$(rules)" = "$RULES_B" ] || bad+=("rules: $(rules)" "want:  $RULES_B")
	[ "$(grpsets)" = "$SETS_B" ] || bad+=("group sets: $(grpsets) (want $SETS_B)")
	[ "$(elems grp-shop-frontend)" = "$FRONT_B" ] ||
		bad+=("frontend: $(elems grp-shop-frontend) (want $FRONT_B)")
	[ "$(elems grp-shop-db)" = "$DB_B" ] || bad+=("db: $(elems grp-shop-db) (want $DB_B)")
	if [ ${#bad[@]} = 0 ]; then ok "$1: the kernel holds exactly B"; else fail "$1: the kernel holds exactly B" "${bad[@]}"; fi
}

# race LABEL DELAY_MS CONNECT_CMD... : apply A, run CONNECT_CMD in the background,
# apply B DELAY_MS later; both succeed; the kernel then holds B.
race() {
	local label=$1 d=$2 cst ast aout
	shift 2
	"$NETCTL" policy apply shop "$T/A.json" >/dev/null 2>&1 ||
		fail "$label: apply A to start from"
	("$@" >"$T/c.out" 2>&1; echo $? >"$T/c.st") &
	sleep "$(printf '0.%03d' "$d")"
	aout=$("$NETCTL" policy apply shop "$T/B.json" 2>&1)
	ast=$?
	wait
	cst=$(cat "$T/c.st")
	if [ "$cst" = 0 ] && [ "$ast" = 0 ]; then
		ok "$label: connect and apply both succeed"
	else
		fail "$label: connect and apply both succeed" "connect: exit $cst: $(cat "$T/c.out")" \
			"apply: exit $ast: $aout"
	fi
	state_is_b "$label"
	case $aout in *"unchanged (already applied)"*) fail "$label: apply of B did not say unchanged" "$aout" ;; esac
}

for d in 20 30 40 50 60 70 80 90; do
	race "netctl connect, apply at ${d} ms" "$d" env CNI_PATH="$T/slow:$BIN" \
		"$NETCTL" connect shop web-2
	check "disconnect web-2 ($d ms)" "$NETCTL" disconnect shop web-2
done

# The bare plugin (a runtime's exec): its own lock orders it against apply.
mkdir -p "$T/bare"
bare_add() {
	ip link add vh-web-2 type veth peer name eth0 netns web-2 &&
	ip link set vh-web-2 master nctl-shop up &&
	ip -n web-2 addr add 10.95.0.200/24 dev eth0 && ip -n web-2 link set eth0 up &&
	fw_conf shop nctl-shop web-2 10.95.0.200/24 '"ingressPolicy":"isolated"' |
		CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=web-2" CNI_COMMAND=ADD \
		CNI_CONTAINERID=id-web-2 CNI_NETNS=/run/netns/web-2 CNI_IFNAME=eth0 \
		"$T/slow/firewall" >/dev/null
}
bare_del() {
	fw_conf shop nctl-shop web-2 10.95.0.200/24 '"ingressPolicy":"isolated"' |
		CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=web-2" \
		plugin firewall DEL id-web-2 /run/netns/web-2 eth0 >/dev/null &&
	ip link del vh-web-2
}
for d in 20 50 80; do
	race "bare firewall ADD, apply at ${d} ms" "$d" bare_add
	check "bare firewall DEL ($d ms)" bare_del
done

# DEL when someone else removes one of its elements between its read and its delete
# (a writer that ignores our lock): its batch, delayed 400 ms, meets ENOENT; it reads
# again and succeeds (DEL is idempotent), leaving nothing of web-1b.
cat >"$T/slowdel" <<EOF
#!/bin/sh
ASAN_OPTIONS=\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}detect_leaks=0 exec strace -f -qq -o $T/del.trace \\
	-e trace=sendmsg -e inject=sendmsg:delay_enter=400000 $BIN/firewall "\$@"
EOF
chmod +x "$T/slowdel"
fwb() { # CMD [BINARY]: the firewall for web-1b (10.95.0.201, frontend of B)
	fw_conf shop nctl-shop web-1b 10.95.0.201/24 '"ingressPolicy":"isolated"' |
		CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=web-1b" CNI_COMMAND=$1 \
		CNI_CONTAINERID=id-web-1b CNI_NETNS=/run/netns/web-2 CNI_IFNAME=eth0 \
		CNI_PATH=$BIN "${2:-$BIN/firewall}"
}
ip link add vh-web-1b type veth peer name eth1 netns web-2
ip link set vh-web-1b master nctl-shop up
check "ADD web-1b (bare)" fwb ADD
check_eq "web-1b is in frontend" "${FRONT_B}10.95.0.201 " "$(elems grp-shop-frontend)"
fwb DEL "$T/slowdel" >"$T/del.out" 2>&1 &
delpid=$!
for _ in $(seq 100); do grep -q "firewall DEL id-web-1b" "$NETCTL_STATEDIR/locks/shop.lock" && break; sleep 0.02; done
sleep 0.15
nft delete element inet netctl grp-shop-frontend '{ 10.95.0.201 }'
wait $delpid
check_eq "the DEL racing a foreign delete succeeds" "0 " "$? $(cat "$T/del.out")"
check_eq "...after a second batch (it read again)" 2 "$(grep -c '^[0-9]* *sendmsg(' "$T/del.trace")"
check_eq "...and leaves nothing of web-1b" "" "$(nft list table inet netctl | grep -o '10\.95\.0\.201')"
ip link del vh-web-1b

# Real traffic under B: web-1 reaches cache-1:6379 and pg-1:5432; pg-1 does not reach web-1.
serve cache-1 tcp 6379
serve pg-1 tcp 5432
serve web-1 tcp 5432
sleep 0.5
check "B allows web-1 -> cache-1 6379/tcp" reach web-1 tcp "${IP[cache-1]}" 6379
check "B allows web-1 -> pg-1 5432/tcp" reach web-1 tcp "${IP[pg-1]}" 5432
check_fails "B drops pg-1 -> web-1 5432/tcp" reach pg-1 tcp "${IP[web-1]}" 5432
stop_servers

# A stuck holder is reported, not waited on forever: code 11 naming it.
lockf=$NETCTL_STATEDIR/locks/shop.lock
(flock 9 && echo "$BASHPID $(date +%s) the test's stuck holder" >"$lockf" && exec sleep 20) 9>>"$lockf" &
holder=$!
sleep 0.3
out=$(NETCTL_LOCK_TIMEOUT=0.3 "$NETCTL" connect shop web-2 2>&1)
check_eq "connect while the lock is stuck: exit 1" 1 $?
case $out in *"try again later"*"held by pid $holder (the test's stuck holder)"*) ok "connect names the stuck holder" ;;
*) fail "connect names the stuck holder" "$out" ;; esac
out=$(fw_conf shop nctl-shop web-2 10.95.0.200/24 | NETCTL_LOCK_TIMEOUT=0.2 \
	plugin firewall ADD id-web-2 /run/netns/web-2 eth0)
check_eq "the bare firewall ADD: CNI code 11" 11 "$(json_get .code <<<"$out")"
case $(json_get .details <<<"$out") in *"pid $holder (the test's stuck holder)"*) ok "its details name the holder" ;;
*) fail "its details name the holder" "$out" ;; esac
out=$(NETCTL_LOCK_TIMEOUT=0.2 "$NETCTL" policy apply shop "$T/A.json" 2>&1)
check_eq "apply while the lock is stuck: exit 1, nothing changed" "1 $MARK_B" "$? $(marks)"
kill "$holder"
wait "$holder" 2>/dev/null
check_eq "web-2 got nothing" "" "$(ip -n web-2 -o link show | grep -v ': lo:')"

for n in web-1 pg-1 cache-1; do check "disconnect $n" "$NETCTL" disconnect shop "$n"; done
check_eq "members-shop is empty" "" "$(elems members-shop)"
done_testing
