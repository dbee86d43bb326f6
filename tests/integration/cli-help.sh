#!/usr/bin/env bash
# Every netctl command has --help (exit 0, a usage line, its exit statuses), `netctl
# help CMD` says the same, and doc/netctl.8 describes every command netctl lists.
. "$(dirname "$0")/../lib/common.sh"

NETCTL=$BIN/netctl
MAN=$ROOT/doc/netctl.8
[ -x "$NETCTL" ] || { fail "netctl is built" "missing $NETCTL"; done_testing; exit 1; }
cmds=$("$NETCTL" --help | awk '/^commands:/{f=1;next} /^$/{f=0} f{print $1}')
[ -n "$cmds" ] && ok "netctl --help lists commands" || fail "netctl --help lists commands"
for c in $cmds; do
	out=$("$NETCTL" "$c" --help 2>&1)
	check_eq "$c --help: exit 0" 0 $?
	case $out in "usage: netctl $c"*) ok "$c --help: usage line" ;;
	*) fail "$c --help: usage line" "$(printf '%s\n' "$out" | head -2)" ;; esac
	case $out in *"Exit status"*|*"exit status"*) ok "$c --help: exit statuses" ;;
	*) fail "$c --help: exit statuses" ;; esac
	check_eq "help $c = $c --help" "$out" "$("$NETCTL" help "$c" 2>&1)"
	grep -q "^\.SS \"netctl $c\b" "$MAN" && ok "netctl.8 describes $c" || fail "netctl.8 describes $c"
done
"$NETCTL" help nosuch >/dev/null 2>&1
check_eq "help of an unknown command: exit 2" 2 $?
"$NETCTL" >/dev/null 2>&1
check_eq "no command: exit 2" 2 $?
if command -v man >/dev/null; then
	warn=$(LC_ALL=C MANWIDTH=80 man --warnings -l "$MAN" 2>&1 >/dev/null)
	check_eq "netctl.8 formats without warnings" "" "$warn"
else
	fail "man is installed" "cannot check doc/netctl.8"
fi
done_testing
