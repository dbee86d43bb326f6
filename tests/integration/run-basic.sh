#!/usr/bin/env bash
# netctl run without networks: podman's default capabilities (Docker's without NET_RAW,
# MKNOD, AUDIT_WRITE) and no_new_privs in CMD, ping through ICMP datagram sockets,
# --cap-add/--cap-drop, CMD's exit status (128+N when killed), signals forwarded,
# bad input refused before anything is made, nothing left after any exit.
. "$(dirname "$0")/../lib/common.sh"

NETCTL=$BIN/netctl
export NETCTL_CONFDIR=$T/conf NETCTL_STATEDIR=$T/state NETCTL_RUNDIR=$T/run CNI_PATH=$BIN
[ -x "$NETCTL" ] || { fail "netctl is built" "missing $NETCTL"; done_testing; exit 1; }

# Nothing of ours left: no netns pin, no run record.
leftovers() { ls /run/netns 2>/dev/null; ls "$NETCTL_RUNDIR/run" 2>/dev/null; }
check_clean() { check_eq "$1: nothing left" "" "$(leftovers)"; }
caps() { grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):' | tr -s '\t ' ' ' | tr '\n' ';'; }

# --- capabilities: podman's default set is 0x00000000800405fb (moby's a80425fb without
# NET_RAW, MKNOD, AUDIT_WRITE); the bounding set keeps NET_RAW (0x800425fb) so that
# Debian's ping, cap_net_raw=ep, can be executed: no_new_privs runs it without it ---
# The issue's own line, as typed (no network "default" here: loopback only).
out=$("$NETCTL" run -- sh -c 'grep Cap /proc/self/status; grep NoNewPrivs /proc/self/status' 2>/dev/null | caps)
check_eq "netctl run -- sh -c 'grep Cap /proc/self/status': podman's set, NoNewPrivs 1" \
	"CapInh: 00000000800405fb;CapPrm: 00000000800405fb;CapEff: 00000000800405fb;CapBnd: 00000000800425fb;CapAmb: 00000000800405fb;NoNewPrivs: 1;" "$out"
out=$("$NETCTL" run --cap-drop ALL -- sh -c 'grep Cap /proc/self/status' 2>/dev/null | caps)
check_eq "netctl run --cap-drop ALL -- sh -c 'grep Cap ...': every set zero" \
	"CapInh: 0000000000000000;CapPrm: 0000000000000000;CapEff: 0000000000000000;CapBnd: 0000000000000000;CapAmb: 0000000000000000;" "$out"

out=$("$NETCTL" run --network none -- sh -c 'cat /proc/self/status' | caps)
d=00000000800405fb
check_eq "default: podman's capability set, NET_RAW in the bounding set only, no_new_privs" \
	"CapInh: $d;CapPrm: $d;CapEff: $d;CapBnd: 00000000800425fb;CapAmb: $d;NoNewPrivs: 1;" "$out"
out=$("$NETCTL" run --network none --cap-drop ALL -- cat /proc/self/status | caps)
z=0000000000000000
check_eq "--cap-drop ALL: every set empty" \
	"CapInh: $z;CapPrm: $z;CapEff: $z;CapBnd: $z;CapAmb: $z;NoNewPrivs: 1;" "$out"
out=$("$NETCTL" run --network none --cap-drop ALL --cap-add net_admin --cap-add CAP_NET_RAW \
	-- cat /proc/self/status | grep CapEff | tr -s '\t ' ' ')
check_eq "--cap-drop ALL --cap-add NET_ADMIN,NET_RAW" "CapEff: 0000000000003000" "$out"
out=$("$NETCTL" run --network none --cap-drop chown --cap-drop KILL -- \
	cat /proc/self/status | grep CapBnd | tr -s '\t ' ' ')
check_eq "--cap-drop CHOWN,KILL from the default" "CapBnd: 00000000800425da" "$out"

# --- least privilege: no raw socket by default, ping still works (ICMP datagram socket) ---
raw='import socket; socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP); print("raw")'
out=$("$NETCTL" run --network none -- /usr/bin/python3 -c "$raw" 2>&1)
case $out in *PermissionError*) ok "default: a raw socket is refused (no NET_RAW)" ;;
*) fail "default: a raw socket is refused (no NET_RAW)" "$out" ;; esac
out=$("$NETCTL" run --network none --cap-add NET_RAW -- /usr/bin/python3 -c "$raw" 2>&1)
check_eq "--cap-add NET_RAW: a raw socket opens" raw "$out"
check_eq "the run's netns lets every group open ICMP datagram sockets" "0	2147483647" \
	"$("$NETCTL" run --network none -- cat /proc/sys/net/ipv4/ping_group_range)"
check "default: Debian's ping (cap_net_raw=ep file capability) execs and pings" \
	"$NETCTL" run --network none -- ping -c 1 -W 1 127.0.0.1
check "default: ping over IPv6 too (the same sysctl covers ICMPv6 datagram sockets)" \
	"$NETCTL" run --network none -- ping -6 -c 1 -W 1 ::1
# While it runs: ping's own effective set, and its socket in /proc/net/icmp (the
# table of ICMP datagram sockets; raw sockets are in /proc/net/raw).
out=$("$NETCTL" run --network none -- sh -c 'ping -c 4 -i 0.2 127.0.0.1 >/dev/null &
	sleep 0.3; echo netraw $(((0x$(awk "/CapEff/{print \$2}" /proc/$!/status) >> 13) & 1)); echo icmp $(($(wc -l </proc/net/icmp) - 1));
	echo raw $(($(wc -l </proc/net/raw) - 1)); wait' 2>&1 | tr -s '\t ' ' ' | tr '\n' ';')
check_eq "ping runs without NET_RAW, on an ICMP datagram socket, no raw socket" \
	"netraw 0;icmp 1;raw 0;" "$out"
out=$("$NETCTL" run --network none --cap-drop NET_RAW -- ping -c 1 -W 1 127.0.0.1 2>&1)
check_eq "--cap-drop NET_RAW takes it out of the bounding set too: ping cannot exec (126)" \
	"126" "$?"

# --- a fresh netns with loopback up, pinned under netctl-<id> while CMD runs ---
out=$("$NETCTL" run --network none -- sh -c \
	'ip -o link show | cut -d" " -f2,3; readlink /proc/self/ns/net; ls /run/netns')
case $out in
"lo: <LOOPBACK,UP,LOWER_UP>"$'\n'"net:["*"]"$'\n'netctl-[0-9a-f]*)
	ok "CMD sees only lo, up, in its own netns pinned as netctl-<id>" ;;
*) fail "CMD sees only lo, up, in its own netns pinned as netctl-<id>" "$out" ;;
esac
[ "$(echo "$out" | sed -n 2p)" != "$(readlink /proc/self/ns/net)" ] &&
	ok "CMD's netns is not ours" || fail "CMD's netns is not ours" "$out"
check_clean "after CMD exits"

# --- what CMD leaves running in its netns ends with it ---
"$NETCTL" run --network none -- sh -c "sleep 30 & echo \$! >$T/bg.pid; setsid sleep 30 & echo \$! >>$T/bg.pid; exit 0"
check_eq "CMD exits 0 leaving a background job and a setsid'd one" 0 $?
bg=$(tr '\n' ' ' <"$T/bg.pid")
gone=1
for p in $bg; do [ -e "/proc/$p" ] && ! grep -q '^[^)]*) Z' "/proc/$p/stat" && gone=0; done
check_eq "both are killed when the run ends ($bg)" 1 $gone

# --- exit statuses ---
"$NETCTL" run --network none -- sh -c 'exit 3'
check_eq "exit 3 -> 3" 3 $?
"$NETCTL" run --network none -- sh -c 'kill -TERM $$'
check_eq "killed by TERM -> 143" 143 $?
"$NETCTL" run --network none -- sh -c 'kill -KILL $$'
check_eq "killed by KILL -> 137" 137 $?
"$NETCTL" run --network none -- /nonexistent/cmd 2>"$T/err"
check_eq "CMD not found -> 127" "127 1" "$? $(wc -l <"$T/err")"
"$NETCTL" run --network none -- /etc/passwd 2>/dev/null
check_eq "CMD not executable -> 126" 126 $?
check_clean "after the exit status runs"

# --- signals are forwarded, and CMD's answer is the status ---
# CMD writes "ready" once its traps are set; the test signals netctl, not CMD.
for sig in INT TERM HUP QUIT USR1 USR2; do
	rm -f "$T/ready"
	"$NETCTL" run --network none -- sh -c \
		"trap 'echo got-$sig; exit 7' $sig; touch $T/ready; while :; do sleep 0.05; done" \
		>"$T/out" &
	pid=$!
	for _ in $(seq 100); do [ -e "$T/ready" ] && break; sleep 0.02; done
	kill -"$sig" "$pid"
	wait "$pid"
	check_eq "SIG$sig forwarded to CMD, its exit status returned" "7 got-$sig" "$? $(cat "$T/out")"
done
rm -f "$T/ready"
"$NETCTL" run --network none -- sh -c "touch $T/ready; exec sleep 30" &
pid=$!
for _ in $(seq 100); do [ -e "$T/ready" ] && break; sleep 0.02; done
check_eq "while CMD runs: one netns, one run record" "2" "$(leftovers | wc -l)"
kill -TERM "$pid"
wait "$pid"
check_eq "TERM to netctl: CMD killed by it -> 143" 143 $?
check_clean "after a signal"

# --- ^C on a terminal reaches CMD once (the tty signals the whole group; no forward) ---
cat >"$T/ptyrun.py" <<'PY'
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
time.sleep(0.4)
os.write(fd, b"\x03")
out = b""
while True:
    try:
        d = os.read(fd, 1024)
    except OSError:
        break
    if not d:
        break
    out += d
os.waitpid(pid, 0)
print(out.decode().replace("\r", "").replace("^C", "").strip())
PY
cat >"$T/count.py" <<'PY'
import signal, time
n = 0
def h(s, f):
    global n
    n += 1
signal.signal(signal.SIGINT, h)
end = time.time() + 0.8
while time.time() < end:
    time.sleep(0.01)
print("ints=%d" % n)
PY
out=$(for _ in 1 2 3 4; do python3 "$T/ptyrun.py" "$NETCTL" run --network none -- python3 "$T/count.py"; done | sort | uniq -c | tr -s ' ')
check_eq "^C on the terminal: CMD gets one SIGINT, not two (4 tries)" " 4 ints=1" "$out"

# --- kill -9 of netctl: CMD dies with it (PR_SET_PDEATHSIG); the record stays for gc ---
rm -f "$T/ready"
"$NETCTL" run --network none -- sh -c "echo \$\$ >$T/ready.tmp; mv $T/ready.tmp $T/ready; exec sleep 30" &
pid=$!
for _ in $(seq 100); do [ -e "$T/ready" ] && break; sleep 0.02; done
child=$(cat "$T/ready")
kill -9 "$pid"
wait "$pid" 2>/dev/null
alive() { [ -e "/proc/$1" ] && ! grep -q '^[^)]*) Z' "/proc/$1/stat" 2>/dev/null; }
for _ in $(seq 50); do alive "$child" || break; sleep 0.02; done
alive "$child" && fail "CMD dies with a killed netctl" "pid $child alive" ||
	ok "CMD dies with a killed netctl"
check_eq "a killed run leaves its record and netns (for gc)" 2 "$(leftovers | wc -l)"
ip netns list | awk '{print $1}' | grep '^netctl-' | xargs -r -n1 ip netns delete
rm -rf "${NETCTL_RUNDIR:?}/run"

# --- bad input: one line on stderr, status 125, nothing made ---
bad() { # DESC ARGS...
	local desc=$1 out status
	shift
	out=$("$NETCTL" run "$@" 2>&1 >/dev/null)
	status=$?
	if [ $status = 125 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && [ -z "$(leftovers)" ]; then
		ok "bad input refused ($desc): $out"
	else
		fail "bad input refused ($desc)" "status $status" "$out" "$(leftovers)"
	fi
}
bad "unknown capability" --network none --cap-add NOPE -- true
bad "no command" --network none
bad "bad network name" --network ../etc -- true
bad "unknown option" --network none --frob -- true
bad "none and a network" --network none --network web -- true
bad "a publish without a network" --network none --publish 8080:80 -- true
out=$("$NETCTL" run --help)
check_eq "--help: exit 0" "0" "$?"

done_testing
