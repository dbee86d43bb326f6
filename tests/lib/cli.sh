# shellcheck shell=bash
# Sourced by the cli-* tests after common.sh; they set NETCTL.

# cli_bad STATUS DESC ARGS... : `netctl ARGS` exits STATUS with exactly one line of
# output, starting with "netctl ".
cli_bad() {
	local want=$1 desc=$2 out st
	shift 2
	out=$("$NETCTL" "$@" 2>&1)
	st=$?
	check_eq "$desc: exit $want" "$want" "$st"
	check_eq "$desc: one line" 1 "$(printf '%s\n' "$out" | wc -l)"
	case $out in "netctl "*) ;; *) fail "$desc: says netctl" "$out" ;; esac
}
