#!/usr/bin/env bash
# Prove DESIGN.md's layering: a directory includes only headers of its own layer or
# below. Prints each violation; exits non-zero when there is one.
set -u
cd "$(dirname "$0")/.."
declare -A allowed=(
	[util]="util"
	[cni]="cni util"
	[netlib]="netlib util"
	[nft]="nft util"
	[ruleset]="ruleset nft util"
	[ipam]="ipam cni util"
	[policy]="policy ruleset nft util"
)
bad=0
for dir in "${!allowed[@]}"; do
	[ -d "$dir" ] || continue
	while IFS= read -r line; do
		file=${line%%:*}
		inc=$(sed -n 's/.*#include "\([^/"]*\)\/.*/\1/p' <<<"$line")
		[ -n "$inc" ] || continue
		case " ${allowed[$dir]} " in
		*" $inc "*) ;;
		*) echo "layer violation: $file includes $inc/ (allowed: ${allowed[$dir]})"; bad=1 ;;
		esac
	done < <(grep -Hn '#include "' "$dir"/*.[ch] 2>/dev/null)
done
[ $bad = 0 ] && echo "layers: ok"
exit $bad
