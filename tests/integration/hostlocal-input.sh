#!/usr/bin/env bash
# host-local: bad input gets the spec's error code and leaves the store exactly as it was.
. "$(dirname "$0")/../lib/common.sh"

NS=/run/netns/none
DD=$T/data
mkdir -p "$DD"
conf() {	# conf [IPAM-EXTRA-JSON] [TOP-EXTRA-JSON]
	printf '{"cniVersion":"1.1.0","name":"net1","type":"host-local",%s"ipam":{"type":"host-local","subnet":"10.20.0.0/24","dataDir":"%s"%s}}' \
		"${2:+$2,}" "$DD" "${1:+,$1}"
}

# A store with one reservation to protect.
out=$(conf | plugin host-local ADD keep1 $NS eth0)
check_eq "setup: first ADD gets 10.20.0.2" "10.20.0.2/24" "$(jq -r '.ips[0].address' <<<"$out")"

# Everything under the data dir and /var/lib/cni, with content and modification time.
snap() {
	find "$DD" /var/lib/cni -mindepth 1 -printf '%p %y %s %T@\n' | sort
	find "$DD" -type f -exec md5sum {} + | sort
}
before=$(snap)

# expect DESC CODE CMD... : CMD fails with error CODE on stdout and the store is untouched.
expect() {
	local desc=$1 want=$2 out status code
	shift 2
	out=$("$@" 2>/dev/null)
	status=$?
	code=$(jq -r '.code' <<<"$out" 2>/dev/null)
	if [ "$status" != 0 ] && [ "$code" = "$want" ] && [ -n "$(jq -r '.msg // empty' <<<"$out")" ]
	then
		ok "$desc: code $want"
	else
		fail "$desc: code $want" "exit $status" "output: $out"
	fi
	check_eq "$desc: store unchanged" "$before" "$(snap)"
}

expect "malformed JSON" 6 plugin host-local ADD c1 $NS eth0 <<<'{"cniVersion":"1.1.0","name":'
expect "missing CNI_COMMAND" 4 env -u CNI_COMMAND CNI_CONTAINERID=c1 CNI_NETNS=$NS \
	CNI_IFNAME=eth0 "$BIN/host-local" <<<"$(conf)"
expect "missing CNI_NETNS" 4 env CNI_COMMAND=ADD CNI_CONTAINERID=c1 CNI_IFNAME=eth0 \
	"$BIN/host-local" <<<"$(conf)"
expect "missing CNI_IFNAME" 4 env CNI_COMMAND=ADD CNI_CONTAINERID=c1 CNI_NETNS=$NS \
	"$BIN/host-local" <<<"$(conf)"
expect "interface name of 16 bytes" 4 plugin host-local ADD c1 $NS abcdefghijklmnop <<<"$(conf)"
expect "interface name with /" 4 plugin host-local ADD c1 $NS 'et/h0' <<<"$(conf)"
expect "network name ../../etc" 7 plugin host-local ADD c1 $NS eth0 \
	<<<"$(conf | sed 's#"name":"net1"#"name":"../../etc"#')"
touch "$T/afile"
expect "dataDir that is a file" 7 plugin host-local ADD c1 $NS eth0 \
	<<<"$(conf | sed "s#\"dataDir\":\"$DD\"#\"dataDir\":\"$T/afile\"#")"
check_eq "dataDir that is a file: still an empty file" "0" "$(stat -c %s "$T/afile")"
expect "stdin over 1 MiB" 5 plugin host-local ADD c1 $NS eth0 \
	< <(conf '"pad":"'"$(head -c 1100000 /dev/zero | tr '\0' a)"'"')
expect "rangeStart outside the subnet" 7 plugin host-local ADD c1 $NS eth0 \
	<<<"$(conf '"rangeStart":"10.20.1.5"')"
expect "rangeEnd outside the subnet" 7 plugin host-local ADD c1 $NS eth0 \
	<<<"$(conf '"rangeEnd":"10.21.0.5"')"
expect "rangeStart after rangeEnd" 7 plugin host-local ADD c1 $NS eth0 \
	<<<"$(conf '"rangeStart":"10.20.0.50","rangeEnd":"10.20.0.40"')"
expect "subnet with host bits" 7 plugin host-local ADD c1 $NS eth0 \
	<<<"$(conf | sed 's#10.20.0.0/24#10.20.0.1/24#')"
expect "subnet too small (/31)" 7 plugin host-local ADD c1 $NS eth0 \
	<<<"$(conf | sed 's#10.20.0.0/24#10.20.0.0/31#')"
expect "subnet not a CIDR" 7 plugin host-local ADD c1 $NS eth0 \
	<<<"$(conf | sed 's#10.20.0.0/24#banana#')"
expect "no ipam object" 7 plugin host-local ADD c1 $NS eth0 \
	<<<'{"cniVersion":"1.1.0","name":"net1","type":"host-local"}'
expect "no ranges at all" 7 plugin host-local ADD c1 $NS eth0 \
	<<<"{\"cniVersion\":\"1.1.0\",\"name\":\"net1\",\"type\":\"host-local\",\"ipam\":{\"dataDir\":\"$DD\"}}"
expect "overlapping range sets" 7 plugin host-local ADD c1 $NS eth0 \
	<<<"$(conf '"ranges":[[{"subnet":"10.20.0.0/25"}]]')"
expect "ranges not an array" 7 plugin host-local ADD c1 $NS eth0 \
	<<<"$(conf '"ranges":{"subnet":"10.30.0.0/24"}')"
expect "dataDir not a string" 7 plugin host-local ADD c1 $NS eth0 \
	<<<"{\"cniVersion\":\"1.1.0\",\"name\":\"net1\",\"type\":\"host-local\",\"ipam\":{\"subnet\":\"10.20.0.0/24\",\"dataDir\":5}}"
expect "route without dst" 7 plugin host-local ADD c1 $NS eth0 \
	<<<"$(conf '"routes":[{"gw":"10.20.0.1"}]')"
expect "requested IP already taken" 11 plugin host-local ADD c1 $NS eth0 \
	<<<"$(conf '' '"runtimeConfig":{"ips":["10.20.0.2/24"]}')"
expect "requested IP outside every range" 7 plugin host-local ADD c1 $NS eth0 \
	<<<"$(conf '' '"runtimeConfig":{"ips":["10.99.0.2"]}')"
expect "requested IP is the gateway" 7 plugin host-local ADD c1 $NS eth0 \
	<<<"$(conf '' '"runtimeConfig":{"ips":["10.20.0.1"]}')"
expect "requested IP is the broadcast address" 7 plugin host-local ADD c1 $NS eth0 \
	<<<"$(conf '"rangeEnd":"10.20.0.255"' '"runtimeConfig":{"ips":["10.20.0.255"]}')"
expect "two requested IPs in one range set" 7 plugin host-local ADD c1 $NS eth0 \
	<<<"$(conf '' '"runtimeConfig":{"ips":["10.20.0.7","10.20.0.8"]}')"
expect "requested IP not an address" 7 plugin host-local ADD c1 $NS eth0 \
	<<<"$(conf '' '"runtimeConfig":{"ips":["10.20.0.300"]}')"
CNI_ARGS="IP=nonsense" expect "CNI_ARGS IP= not an address" 4 \
	plugin host-local ADD c1 $NS eth0 <<<"$(conf)"
expect "second ADD for one container interface" 4 plugin host-local ADD keep1 $NS eth0 \
	<<<"$(conf)"
expect "resolvConf that does not exist" 5 plugin host-local ADD c1 $NS eth0 \
	<<<"$(conf "\"resolvConf\":\"$T/nope\"")"
expect "CHECK of an unknown container" 999 plugin host-local CHECK nobody $NS eth0 \
	<<<"$(conf)"
expect "DEL with an invalid range" 7 plugin host-local DEL keep1 $NS eth0 \
	<<<"$(conf '"rangeStart":"10.20.1.5"')"

# A full range set: ADD fails with code 11 and takes nothing.
small() {
	printf '{"cniVersion":"1.1.0","name":"small","type":"host-local","ipam":{"subnet":"10.21.0.0/30","dataDir":"%s"}}' "$DD"
}
check "small: ADD of the only address" plugin host-local ADD s1 $NS eth0 <<<"$(small)"
before=$(snap)
expect "ADD on a full range set" 11 plugin host-local ADD s2 $NS eth0 <<<"$(small)"

check_eq "no state outside the data dir" "" "$(ls -A /var/lib/cni)"
done_testing
