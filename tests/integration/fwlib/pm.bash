# shellcheck shell=bash
# Helpers for the portmap tests (sourced after common.sh and fw.bash).

# pm_conf NAME ADDRS MAPPINGS [EXTRA] : a portmap config for container NAME on bridge
# $PM_BR; ADDRS a JSON list of "ADDR/LEN" strings, MAPPINGS a JSON portMappings list
# ("" = no runtimeConfig).
pm_conf() {
	local ips="" a i=0 rt=""
	for a in $(echo "$2" | tr -d '[]"' | tr ',' ' '); do
		ips="$ips${ips:+,}{\"address\":\"$a\",\"interface\":2}"
		i=$((i + 1))
	done
	[ -n "$3" ] && rt=",\"runtimeConfig\":{\"portMappings\":$3}"
	cat <<JSON
{"cniVersion":"1.0.0","name":"${PM_NET:-pmnet}","type":"portmap","capabilities":{"portMappings":true}${4:+,$4}$rt,
 "prevResult":{"cniVersion":"1.0.0",
  "interfaces":[{"name":"${PM_BR:-br0}"},{"name":"vh-$1"},{"name":"eth0","sandbox":"/run/netns/$1"}],
  "ips":[$ips]}}
JSON
}

# pm CMD NAME ADDRS MAPPINGS [EXTRA] : run our portmap for container NAME (ID id-NAME).
pm() {
	local cmd=$1
	shift
	pm_conf "$@" | plugin portmap "$cmd" "id-$1" "/run/netns/$1" eth0
}

# map_elems MAP : "KEY comment VALUE" lines of inet netctl MAP (nft's own text).
map_elems() {
	nft -j list map inet netctl "$1" 2>/dev/null |
		jq -r '.nftables[].map.elem? // empty | .[] |
		  "\(.[0].elem.val.concat // .[0].elem.val | if type == "array" then map(tostring) | join(".") else tostring end) \(.[0].elem.comment // "") \(.[1].concat // .[1] | if type == "array" then map(tostring) | join(".") else tostring end)"' 2>/dev/null
}

# set_count SET : how many elements inet netctl SET holds (0 when absent).
set_count() {
	nft -j list set inet netctl "$1" 2>/dev/null |
		jq '[.nftables[].set.elem? // empty | .[]] | length' 2>/dev/null || echo 0
}
