#!/usr/bin/env bash
# The audit lines really reach syslog: a listener on /dev/log (in a private /dev of
# a nested mount namespace, since this machine has no syslog daemon) receives
# netctl's connect/disconnect lines and each plugin's ADD/DEL line, with the right
# identities and priorities (LOG_INFO ok, LOG_ERR failed), without NETCTL_AUDIT_FILE.
. "$(dirname "$0")/../lib/common.sh"

NETCTL=$BIN/netctl
[ -x "$NETCTL" ] || { fail "netctl is built" "missing $NETCTL"; done_testing; exit 1; }
command -v python3 >/dev/null || { fail "python3 is installed"; done_testing; exit 1; }
unset NETCTL_AUDIT_FILE
cat >"$T/inner.sh" <<'EOF2'
set -e
T=$1 NETCTL=$2
mkdir -p "$T/olddev"
mount --bind /dev "$T/olddev"
mount -t tmpfs -o mode=0755 tmpfs /dev
for f in null zero urandom random; do touch /dev/$f; mount --bind "$T/olddev/$f" /dev/$f; done
python3 - "$T/syslog.txt" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
open(sys.argv[1] + ".ready", "w").close()
with open(sys.argv[1], "a") as f:
    while True:
        f.write(s.recv(65536).decode(errors="replace").rstrip("\n") + "\n")
        f.flush()
PY
lp=$!
for i in $(seq 50); do [ -e "$T/syslog.txt.ready" ] && break; sleep 0.05; done
export NETCTL_CONFDIR=$T/conf NETCTL_STATEDIR=$T/state CNI_PATH=$(dirname "$NETCTL")
"$NETCTL" create web --subnet 10.96.0.0/24 >/dev/null
"$NETCTL" connect web s1 >/dev/null
"$NETCTL" connect web s1 --ip 10.97.0.9 --ifname eth1 >/dev/null 2>&1 || true
"$NETCTL" disconnect web s1 >/dev/null
"$NETCTL" rm web >/dev/null
sleep 0.2
kill $lp
EOF2
mkns s1
check "the nested run with a /dev/log listener" unshare --mount --propagation private \
	bash "$T/inner.sh" "$T" "$NETCTL"
log=$(cat "$T/syslog.txt" 2>/dev/null)
# <PRI> = facility daemon (3) * 8 + severity: 30 info, 27 err
has() { printf '%s\n' "$log" | grep -qE "$2" && ok "$1" || fail "$1" "$(printf '%s\n' "$log" | head -20)"; }
has "syslog: create (info)" '^<30>.* netctl\[[0-9]+\]: op=create net=web result=ok bridge=nctl-web subnets=10.96.0.0/24$'
has "syslog: connect (info)" '^<30>.* netctl\[[0-9]+\]: op=connect net=web container=netctl-[0-9a-f]{16} ifname=eth0 result=ok name=s1 ips=10.96.0.2/24$'
has "syslog: a failed connect (err)" '^<27>.* netctl\[[0-9]+\]: op=connect net=web .*ifname=eth1 result=error code=[0-9]+ msg="'
has "syslog: disconnect (info)" '^<30>.* netctl\[[0-9]+\]: op=disconnect net=web container=netctl-[0-9a-f]{16} ifname=eth0 result=ok'
has "syslog: rm (info)" '^<30>.* netctl\[[0-9]+\]: op=rm net=web result=ok$'
has "syslog: the bridge plugin's ADD" '^<30>.* netctl-bridge\[[0-9]+\]: op=ADD net=web container=netctl-[0-9a-f]{16} ifname=eth0 result=ok ips=10.96.0.2/24$'
has "syslog: host-local's failed ADD (err)" '^<27>.* netctl-host-local\[[0-9]+\]: op=ADD net=web .*ifname=eth1 result=error code='
has "syslog: the firewall's DEL" '^<30>.* netctl-firewall\[[0-9]+\]: op=DEL net=web .*ifname=eth0 result=ok$'
printf "%s\n" "$log" | sed -n "1,4p" | sed "s/^/# /"
check_eq "one line per message" 0 "$(printf '%s\n' "$log" | grep -vc '^<[0-9]*>')"
done_testing
