#!/usr/bin/env bash
# bandwidth plugin, the CNI side: bad values refused with a clear error and nothing
# changed; ADD puts TBF on the host veth and on an IFB fed by a mirred redirect;
# CHECK sees every piece and fails once one is removed; DEL is idempotent and works
# once the netns is gone; a failed ADD leaves nothing; GC, STATUS, VERSION.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/bwlib/bw.bash"

[ -x "$BIN/bandwidth" ] || { fail "bandwidth plugin is built" "$BIN/bandwidth missing"; done_testing; exit 1; }
who=ours
bw_conflist ours "$T/plain.conflist"
mkns c1
prev=$(bw_cni ours add "$T/plain.conflist" c1)
check_eq "a container on the bridge" 0 $?
veth=$(echo "$prev" | jq -r '.interfaces[1].name')
ifb=nbw${veth#veth}

# bw KEYS CMD [VERSION] : the bandwidth plugin alone on c1 with prevResult.
bw() {
	printf '{"cniVersion":"%s","name":"bw-ours","type":"bandwidth",%s"prevResult":%s}' \
		"${3:-1.0.0}" "${1:+$1,}" "$prev" | plugin bandwidth "$2" c1 /run/netns/c1 eth0
}
contains() { case $1 in *"$2"*) return 0 ;; esac; echo "$1"; return 1; }
nothing_left() {
	[ -z "$(ip -o link show type ifb)" ] && [ -z "$(tc qdisc show dev "$veth" | grep -v noqueue)" ]
}
# refused KEYS CODE TEXT : ADD fails with CODE, TEXT in msg/details, nothing changed.
refused() {
	local out code
	out=$(bw "$1" ADD 2>/dev/null)
	code=$(echo "$out" | jq -r .code)
	if [ "$code" = "$2" ] && echo "$out" | grep -qF "$3" && nothing_left; then
		ok "refused with code $2: $1"
	else
		fail "refused with code $2: $1" "output: $out" "$(tc qdisc show dev "$veth")"
	fi
}
refused '"ingressRate":-1,"ingressBurst":1000' 7 'ingressRate must be a whole number'
refused '"ingressRate":0,"ingressBurst":100000' 7 'a burst needs a rate'
refused '"egressRate":1000000' 7 'a rate needs a burst'
refused '"runtimeConfig":{"bandwidth":{"ingress_rate":1000000}}' 7 'runtimeConfig.bandwidth.ingress_rate'
refused '"runtimeConfig":{"portMappings":[]}' 7 'runtimeConfig.portMappings'
refused '"egressRate":"10M","egressBurst":1000' 7 'whole number'
refused '"egressRate":1000,"egressBurst":100000' 7 'between 8000 and'
refused '"egressRate":100000000000,"egressBurst":100000' 7 'between 8000 and'
refused '"egressRate":1e40,"egressBurst":100000' 7 'whole number'
refused '"ingressRate":1000000,"ingressBurst":100000000000' 7 'at most'
refused '"egressRate":1000000,"egressBurst":80000,"unshapedSubnets":["10.0.0.0/8"],"shapedSubnets":["10.1.0.0/16"]' 7 \
	'unshapedSubnets and shapedSubnets exclude each other'
refused '"egressRate":1000000,"egressBurst":80000,"shapedSubnets":["10.0.0.300/8"]' 7 \
	'shapedSubnets[0] is not a CIDR'
out=$(printf '{"cniVersion":"1.0.0","name":"bw-ours","type":"bandwidth","egressRate":99999999999999999999,"egressBurst":1}' |
	plugin bandwidth ADD c1 /run/netns/c1 eth0)
check_eq "a number beyond 64 bits is a decode error" 6 "$(echo "$out" | jq -r .code)"
out=$(printf '{"cniVersion":"1.0.0","name":"bw-ours","type":"bandwidth","egressRate":1000000,"egressBurst":80000}' |
	plugin bandwidth ADD c1 /run/netns/c1 eth0)
check_eq "limits without prevResult: code 7" 7 "$(echo "$out" | jq -r .code)"

out=$(bw "" ADD)
check_eq "no limits: prevResult passes through, nothing shaped" "$(echo "$prev" | jq -c .interfaces)" \
	"$(echo "$out" | jq -c .interfaces)"
check "no limits: nothing left" nothing_left
check "no limits: CHECK passes" bw "" CHECK

# --- ADD, both directions; a burst below two frames is raised and said so ---
out=$(bw '"ingressRate":10000000,"ingressBurst":100000,"egressRate":20000000,"egressBurst":800' ADD 2>"$T/err")
check_eq "ADD succeeds" 0 $?
check "the raised burst is logged" grep -q 'egressBurst 800 bits (100 bytes) is below two full frames at MTU 1500; using 3028 bytes' "$T/err"
check_eq "the IFB is named nbw + the veth's 8 hex, and appended to the result" "$ifb" \
	"$(echo "$out" | jq -r '.interfaces[-1].name')"
check "the IFB is up, with the network in its alias" \
	sh -c "ip -d link show $ifb | grep -q 'state UNKNOWN\|UP' && ip link show $ifb | grep -q 'alias netctl-bw/bw-ours'"
check "TBF 10Mbit, burst 12500b on the host veth" \
	sh -c "tc qdisc show dev $veth root | grep -q 'tbf 1: root .*rate 10Mbit burst 12500b'"
check "TBF 20Mbit on the IFB, burst raised to ~3028b" \
	sh -c "tc qdisc show dev $ifb root | grep -qE 'tbf 1: root .*rate 20Mbit burst 30[0-9][0-9]b'"
check "an ingress qdisc on the host veth" sh -c "tc qdisc show dev $veth ingress | grep -q 'ingress ffff:'"
check "a u32 match-all redirecting to the IFB" \
	sh -c "tc filter show dev $veth ingress | grep -q 'match 00000000/00000000 at 0' &&
	       tc filter show dev $veth ingress | grep -q 'Egress Redirect to device $ifb'"

# --- CHECK ---
K='"ingressRate":10000000,"ingressBurst":100000,"egressRate":20000000,"egressBurst":800'
check "CHECK passes" bw "$K" CHECK
out=$(bw '"ingressRate":20000000,"ingressBurst":100000,"egressRate":20000000,"egressBurst":800' CHECK)
check_eq "CHECK with another rate fails" 999 "$(echo "$out" | jq -r .code)"
check "... naming what differs" contains "$out" "expected 2500000 B/s"
tc qdisc del dev "$veth" ingress
out=$(bw "$K" CHECK)
check "CHECK fails once the ingress qdisc is deleted" contains "$out" "not redirected to its IFB"
check "ADD again repairs it (retry after a crash)" bw "$K" ADD
check "CHECK passes again" bw "$K" CHECK
tc qdisc del dev "$veth" root
out=$(bw "$K" CHECK)
check "CHECK fails once the veth's TBF is deleted" contains "$out" "no TBF qdisc at the root of $veth"
bw "$K" ADD >/dev/null
tc qdisc del dev "$ifb" root
out=$(bw "$K" CHECK)
check "CHECK fails once the IFB's TBF is deleted" contains "$out" "no TBF qdisc at the root of $ifb"
bw "$K" ADD >/dev/null
ip link del "$ifb"
out=$(bw "$K" CHECK)
check "CHECK fails once the IFB is deleted" contains "$out" "IFB device is missing"

# --- DEL ---
bw "$K" ADD >/dev/null
check "DEL" bw "$K" DEL
check "DEL removed the IFB and every qdisc" nothing_left
check "DEL again succeeds" bw "$K" DEL
check "DEL without prevResult or config keys succeeds" sh -c \
	"printf '{\"cniVersion\":\"1.0.0\",\"name\":\"bw-ours\",\"type\":\"bandwidth\"}' |
	 CNI_COMMAND=DEL CNI_CONTAINERID=c1 CNI_NETNS=/run/netns/c1 CNI_IFNAME=eth0 CNI_PATH=$BIN $BIN/bandwidth"

# --- a failed ADD leaves nothing: 15 more interfaces fill the result, the IFB's entry fails ---
prev_saved=$prev
prev=$(echo "$prev" | jq -c '.interfaces += [range(13) | {name: "x\(.)", sandbox: "/run/netns/c1"}]')
out=$(bw "$K" ADD)
check_eq "ADD failing after the IFB was made reports an error" 999 "$(echo "$out" | jq -r .code)"
check "... and leaves no IFB and no qdisc" nothing_left
prev=$prev_saved
ip link add "$ifb" type bridge
out=$(bw "$K" ADD)
check "ADD refuses when a non-IFB link has the IFB's name" contains "$out" "is a bridge link, not an IFB"
check "... undoes the veth's TBF" sh -c "[ -z \"\$(tc qdisc show dev $veth | grep -v noqueue)\" ]"
check "... and leaves the other link alone, also at DEL" sh -c "$(declare -f bw plugin); prev='$prev'; BIN=$BIN; bw '' DEL; ip link show $ifb type bridge"
ip link del "$ifb"

# --- subnet lists: an HTB split instead of a TBF, checked piece by piece ---
S='"ingressRate":10000000,"ingressBurst":100000,"egressRate":20000000,"egressBurst":100000,"unshapedSubnets":["192.168.0.0/16","fd00::/8"]'
check "ADD with unshapedSubnets" bw "$S" ADD
check "an HTB root defaulting to the shaped class on the veth and the IFB" sh -c \
	"tc qdisc show dev $veth root | grep -q 'htb 1: root .*default 0x2' &&
	 tc qdisc show dev $ifb root | grep -q 'htb 1: root .*default 0x2'"
check "class 1:2 at the rate, a bfifo of the queue under it" sh -c \
	"tc class show dev $veth | grep -q 'class htb 1:2 root leaf 2: .*rate 10Mbit ceil 10Mbit' &&
	 tc qdisc show dev $veth | grep -q 'bfifo 2: parent 1:2 limit 262500b'"
check "the IFB's filters match destinations (v4 and v6) into 1:1" sh -c \
	"tc filter show dev $ifb | grep -q 'match c0a80000/ffff0000 at 16' &&
	 tc filter show dev $ifb | grep -q 'match fd000000/ff000000 at 24' &&
	 [ \$(tc filter show dev $ifb | grep -c 'flowid 1:1') = 2 ]"
check "the veth's filters match sources" sh -c "tc filter show dev $veth | grep -q 'match c0a80000/ffff0000 at 12'"
check "CHECK passes" bw "$S" CHECK
out=$(bw "${S/unshapedSubnets/shapedSubnets}" CHECK)
check "CHECK with shapedSubnets instead fails" contains "$out" "default class 1:1"
tc filter del dev "$ifb" parent 1: prio 2
out=$(bw "$S" CHECK)
check "CHECK fails once a subnet filter is deleted" contains "$out" "subnet filters 1, expected 2"
check "DEL" bw "$S" DEL
check "DEL removed the HTB, the IFB and every qdisc" nothing_left

# --- runtimeConfig (the bandwidth capability) replaces the static keys ---
bw_conflist ours "$T/cap.conflist" '"capabilities":{"bandwidth":true},"ingressRate":10000000,"ingressBurst":100000'
mkns c2
# go-cni (containerd's CRI path) marshals its Go struct: IngressRate etc.; CHECK below
# sends the reference's spelling: both are one key to Go's encoding/json, and to us.
check "ADD with the bandwidth capability, as go-cni spells it" bw_cni ours add "$T/cap.conflist" c2 \
	--cap-args '{"bandwidth":{"IngressRate":3000000,"IngressBurst":100000,"EgressRate":4000000,"EgressBurst":100000}}'
veth2=$(ip -o link show master br-ours | awk -F'[ :@]+' '{print $2}' | grep -v "^$veth$")
check "runtimeConfig's ingress rate wins" sh -c "tc qdisc show dev $veth2 root | grep -q 'rate 3Mbit'"
check "runtimeConfig's egress rate is used" sh -c "tc qdisc show dev nbw${veth2#veth} root | grep -q 'rate 4Mbit'"
check "CHECK through netctl cni" bw_cni ours check "$T/cap.conflist" c2 \
	--cap-args '{"bandwidth":{"ingressRate":3000000,"ingressBurst":100000,"egressRate":4000000,"egressBurst":100000}}'

# --- DEL after the netns is gone ---
ip netns del c2
sleep 0.2
check "DEL after the netns is gone" bw_cni ours del "$T/cap.conflist" c2
check_eq "... no IFB left" "" "$(ip -o link show type ifb)"

# --- older CNI versions: the result in the version asked for, with the IFB ---
out=$(bw "$K" ADD 0.3.1 2>/dev/null)
check_eq "0.3.1: ADD answers in 0.3.1 with the IFB last" "0.3.1 $ifb" \
	"$(echo "$out" | jq -r '"\(.cniVersion) \(.interfaces[-1].name)"')"
check "0.4.0: CHECK" bw "$K" CHECK 0.4.0
check "0.3.1: DEL" bw "$K" DEL 0.3.1
check "0.3.1: nothing left" nothing_left

# --- after the reference bridge (random veth names): found by kind, IFB from the IDs ---
mkdir -p "$T/mix"
ln -s "$REF/bridge" "$REF/host-local" "$BIN/bandwidth" "$T/mix/"
bw_conflist ours "$T/mix.conflist" "$K"
sed -i 's/"br-ours"/"br-mix"/; s/10\.71\./10.73./' "$T/mix.conflist"
mkns m1
mixcni() { NETCTL_STATEDIR=$T/state-mix CNI_PATH=$T/mix "$BIN/netctl" cni "$1" "$T/mix.conflist" /run/netns/m1 --id m1; }
out=$(mixcni add 2>/dev/null)
mveth=$(echo "$out" | jq -r '.interfaces[1].name')
mifb=$(echo "$out" | jq -r '.interfaces[-1].name')
check "reference bridge + our bandwidth: ADD shapes the reference's veth" sh -c \
	"tc qdisc show dev $mveth root | grep -q 'rate 10Mbit' && tc qdisc show dev $mifb root | grep -q 'rate 20Mbit'"
check "... CHECK" mixcni check
check "... DEL" mixcni del
check_eq "... no IFB left" "" "$(ip -o link show type ifb)"

# --- GC (1.1.0): IFBs of this network whose attachment is not valid go ---
gcconf() { printf '{"cniVersion":"1.1.0","name":"%s","type":"bandwidth","cni.dev/valid-attachments":%s}' "$1" "$2"; }
for id in g1 g2; do
	mkns $id
	p=$(bw_cni ours add "$T/plain.conflist" $id)
	printf '{"cniVersion":"1.1.0","name":"bw-ours","type":"bandwidth","egressRate":1000000,"egressBurst":80000,"prevResult":%s}' "$p" |
		plugin bandwidth ADD $id /run/netns/$id eth0 >/dev/null
done
printf '{"cniVersion":"1.1.0","name":"other","type":"bandwidth","egressRate":1000000,"egressBurst":80000,"prevResult":%s}' "$prev" |
	plugin bandwidth ADD c1 /run/netns/c1 eth0 >/dev/null
check_eq "three IFBs" 3 "$(ip -o link show type ifb | wc -l)"
check "GC keeping g2" sh -c "$(declare -f gcconf plugin); BIN=$BIN; gcconf bw-ours '[{\"containerID\":\"g2\",\"ifname\":\"eth0\"}]' | plugin bandwidth GC '' '' ''"
check_eq "g1's IFB is gone; g2's and the other network's stay" 2 "$(ip -o link show type ifb | wc -l)"
check "the other network's IFB stays" ip link show "$ifb"
check "GC other keeping nothing" sh -c "$(declare -f gcconf plugin); BIN=$BIN; gcconf other '[]' | plugin bandwidth GC '' '' ''"
check "the other network's IFB is gone" sh -c "! ip link show $ifb 2>/dev/null"
check "STATUS succeeds" sh -c "printf '{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"bandwidth\"}' | CNI_COMMAND=STATUS $BIN/bandwidth"
check "VERSION lists 1.1.0" sh -c "echo '{}' | CNI_COMMAND=VERSION $BIN/bandwidth | grep -q '1.1.0'"
done_testing
