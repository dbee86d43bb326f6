#!/usr/bin/env bash
# Project rules that code review would otherwise have to remember.
. "$(dirname "$0")/../lib/common.sh"
cd "$ROOT"
check "layers: includes point only down (DESIGN.md)" scripts/check-layers.sh
hits=$(grep -rnE '(system|popen)[[:space:]]*\(|exec[lv]p?e?[[:space:]]*\(' \
	--include='*.c' --include='*.h' util cni netlib nft ruleset ipam policy plugins netctl 2>/dev/null |
	grep -v '^netctl/cli/cmd_run.c:' |	# netctl run execs the user's CMD, its job
	grep -v '^plugins/dnsname/server.c:.*execve(DN_DNSMASQ,' || true)	# the one program we start

check_eq "product code never runs a shell or a networking tool" "" "$hits"
done_testing
