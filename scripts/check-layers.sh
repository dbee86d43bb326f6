#!/usr/bin/env bash
# Prove doc/design.md's layering: a directory includes only headers of its own layer or
# below. Prints each violation; exits non-zero when there is one.
#
#   plugins/<name>/        netctl/cli/          the programs
#          \                 |
#           \            netctl/core/           the libcni-like runtime (a library)
#            \          /    |
#   ipam/    policy/         |                  domain logic
#      \        |            |
#       \    ruleset/        |                  netctl's own nftables tables and names
#        \      |            |
#   cni/  netlib/  nft/                         protocol and kernel access
#        \   |   /
#         util/
#
# ipam/ is the allocator, not the protocol: it includes util/ only (the error object,
# util/err.h, is util's), so a CNI header in ipam/ is refused.
set -u
cd "$(dirname "$0")/.."
plugin_deps="util cni netlib nft ruleset ipam policy"
declare -A allowed=(
	[util]="util"
	[cni]="cni util"
	[netlib]="netlib util"
	[nft]="nft util"
	[ruleset]="ruleset nft util"
	[ipam]="ipam util"
	[policy]="policy ruleset nft util"
	[netctl/core]="netctl/core policy ruleset nft netlib ipam cni util"
	[netctl/cli]="netctl/cli netctl/core policy ruleset nft netlib ipam cni util"
)
for d in plugins/*/; do
	d=${d%/}
	# a plugin may link another plugin's logic in-process (bridge: host-local)
	allowed[$d]="$d plugins/host-local $plugin_deps"
done
bad=0
for dir in "${!allowed[@]}"; do
	[ -d "$dir" ] || continue
	while IFS= read -r line; do
		file=${line%%:*}
		path=$(sed -n 's/.*#include "\([^"]*\)".*/\1/p' <<<"$line")
		[ -n "$path" ] && [[ $path == */* ]] || continue
		inc=${path%/*} hdr=${path##*/}
		case " ${allowed[$dir]} " in
		*" $inc "* | *" $inc:$hdr "*) ;;
		*) echo "layer violation: $file includes $path (allowed: ${allowed[$dir]})"; bad=1 ;;
		esac
	done < <(grep -Hn '#include "' "$dir"/*.[ch] 2>/dev/null)
done
[ $bad = 0 ] && echo "layers: ok"
exit $bad
