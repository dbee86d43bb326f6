#!/usr/bin/env bash
# Every CNI version round-trips: ADD in each version answers a result of exactly that
# version's shape (host-local's IPAM result and bridge's full result), CHECK and DEL
# accept it back as prevResult, and an unknown version is refused with code 1.
. "$(dirname "$0")/../lib/common.sh"

mkns c1
NS=/run/netns/c1

# shape_ok VERSION JSON : the keys that version's result may and must have.
shape_ok() {
	local v=$1 json=$2
	printf '%s' "$json" | jq -e --arg v "$v" '
		.cniVersion == $v and (.ips | length) >= 1 and
		all(.ips[]; (.address | test("/")) and
			(if ($v | startswith("0.")) then (.version == "4" or .version == "6")
			 else has("version") | not end)) and
		(if $v != "1.1.0" then
			all(.interfaces[]?; (has("mtu") or has("socketPath") or has("pciID")) | not) and
			all(.routes[]?; (has("mtu") or has("table") or has("scope") or has("priority") or has("advmss")) | not)
		 else true end)' >/dev/null
}

for v in 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0; do
	hl="{\"cniVersion\":\"$v\",\"name\":\"v$RANDOM\",\"type\":\"host-local\",\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.40.0.0/24\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dataDir\":\"$T/store\"}}"
	out=$(plugin host-local ADD "c-$v" $NS eth0 <<<"$hl")
	if shape_ok "$v" "$out"; then ok "host-local ADD answers a $v result"; else fail "host-local ADD answers a $v result" "$out"; fi

	br="{\"cniVersion\":\"$v\",\"name\":\"br$RANDOM\",\"type\":\"bridge\",\"bridge\":\"vbr0\",\"isGateway\":true,\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.41.0.0/24\",\"dataDir\":\"$T/store2\"}}"
	out=$(plugin bridge ADD "b-$v" $NS "e$v" 2>&1 <<<"$br")
	if shape_ok "$v" "$out" && printf '%s' "$out" | jq -e '.interfaces | length == 3' >/dev/null; then
		ok "bridge ADD answers a $v result with 3 interfaces"
	else
		fail "bridge ADD answers a $v result with 3 interfaces" "$out"
	fi
	withprev=$(jq -c --argjson p "$out" '. + {prevResult: $p}' <<<"$br")
	if [ "$v" != 0.3.0 ] && [ "$v" != 0.3.1 ]; then
		check "bridge CHECK takes the $v result back" plugin bridge CHECK "b-$v" $NS "e$v" <<<"$withprev"
	fi
	check "bridge DEL takes the $v result back" plugin bridge DEL "b-$v" $NS "e$v" <<<"$withprev"
	check "host-local DEL ($v)" plugin host-local DEL "c-$v" $NS eth0 <<<"$hl"
done
out=$(plugin host-local ADD c9 $NS eth0 <<<'{"cniVersion":"0.2.0","name":"n","type":"host-local","ipam":{"type":"host-local","subnet":"10.42.0.0/24"}}')
check_eq "a 0.2.0 config is refused with code 1" 1 "$(jq -r .code <<<"$out")"
check_eq "no veth left" "" "$(ip -o link show type veth)"
done_testing
