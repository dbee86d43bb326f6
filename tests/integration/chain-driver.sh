#!/usr/bin/env bash
# netctl cni: the plugin-chain executor, libcni's rules. Reference plugins for real
# kernel work (bridge + host-local, loopback); a recording fake plugin for the exact
# request configs (injected keys, capabilities, prevResult, order) and for GC/STATUS.
. "$(dirname "$0")/../lib/common.sh"

NETCTL=$BIN/netctl
export NETCTL_STATEDIR=$T/state
export CNI_PATH=$REF
RES=$NETCTL_STATEDIR/results

[ -x "$NETCTL" ] || fail "netctl is built" "missing $NETCTL"
check "netctl --help" "$NETCTL" --help
check "netctl cni --help" "$NETCTL" cni --help
check_fails "netctl cni with an unknown action" "$NETCTL" cni frob x

cat >"$T/br.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "chaintest",
  "plugins": [
    { "type": "bridge", "bridge": "nctb0", "isGateway": true,
      "ipam": { "type": "host-local", "dataDir": "$T/ipam",
                "ranges": [[{ "subnet": "10.77.0.0/24" }]] } }
  ]
}
EOF

# --- ADD: result printed, cache written in libcni's format ---
mkns c1
out=$("$NETCTL" cni add "$T/br.conflist" /run/netns/c1 --id c1 2>"$T/err")
check_eq "ADD exits 0" 0 $?
check_eq "ADD prints nothing on stderr" "" "$(cat "$T/err")"
addr=$(echo "$out" | json_get '.ips[0].address')
check_eq "ADD prints the result (1.0.0, an address in 10.77.0.0/24)" "1.0.0 10.77.0." \
	"$(echo "$out" | json_get .cniVersion) ${addr%[0-9]*/24}"
check "the address is on eth0 in the container" \
	sh -c "ip -n c1 -o addr show dev eth0 | grep -qF ' $addr '"
check "ping the gateway from the container" ip netns exec c1 ping -c 1 -W 1 10.77.0.1
check "host-local reserved the address" test -e "$T/ipam/chaintest/${addr%/24}"
cache=$RES/chaintest-c1-eth0
check "cache file at <statedir>/results/<net>-<id>-<ifname>" test -f "$cache"
check_eq "cache file is 0600" 600 "$(stat -c %a "$cache" 2>/dev/null)"
check_eq "cache keys as libcni's cachedInfo" \
	"cniCacheV1 c1 eth0 chaintest /run/netns/c1" \
	"$(json_get '"\(.kind) \(.containerId) \(.ifName) \(.networkName) \(.netns)"' <"$cache")"
check "cache config is the conflist, base64 (Go []byte)" \
	sh -c "json_get() { jq -r \"\$1\"; }; jq -r .config <'$cache' | base64 -d | cmp - '$T/br.conflist'"
check_eq "cache result is the printed result" "$(echo "$out" | jq -S .)" \
	"$(jq -S .result <"$cache")"

# --- CHECK ---
check "CHECK passes" "$NETCTL" cni check "$T/br.conflist" /run/netns/c1 --id c1
ip -n c1 addr flush dev eth0
out=$("$NETCTL" cni check "$T/br.conflist" /run/netns/c1 --id c1 2>"$T/err")
check_eq "CHECK fails once the address is gone (exit 1)" 1 $?
check "CHECK failure: the plugin's error JSON on stdout" \
	sh -c "echo '$out' | jq -e '.code > 0 and (.msg | length > 0)' >/dev/null"
check_eq "CHECK failure: one line on stderr naming the plugin" "1 yes" \
	"$(wc -l <"$T/err") $(grep -q 'type="bridge"' "$T/err" && echo yes)"

# --- DEL ---
check "DEL succeeds" "$NETCTL" cni del "$T/br.conflist" /run/netns/c1 --id c1
check "DEL removes the cache file" test ! -e "$cache"
check_eq "DEL leaves no veth" 0 "$(ip -o link show type veth | wc -l)"
check "DEL removes eth0 from the container" sh -c '! ip -n c1 link show eth0 2>/dev/null'
check_eq "DEL releases the address" "" "$(ls "$T/ipam/chaintest" 2>/dev/null | grep '^10\.')"
check "DEL again (no cache, nothing left) succeeds" \
	"$NETCTL" cni del "$T/br.conflist" /run/netns/c1 --id c1
check "DEL without a netns succeeds" "$NETCTL" cni del "$T/br.conflist" --id c1

# --- failed ADD: libcni leaves the chain as it is; --rollback tears it down ---
jq '.plugins += [{"type": "nosuch"}]' "$T/br.conflist" >"$T/bad.conflist"
mkns c3
out=$("$NETCTL" cni add "$T/bad.conflist" /run/netns/c3 --id c3 2>"$T/err")
check_eq "ADD with a missing plugin fails (exit 1)" 1 $?
check_eq "its error JSON is on stdout" 7 "$(echo "$out" | json_get .code)"
check "its stderr line names the plugin" grep -q 'type="nosuch" failed (add)' "$T/err"
check "no cache is written for a failed ADD" test ! -e "$RES/chaintest-c3-eth0"
check_eq "like libcni, the plugins before stay (the runtime DELs)" 1 \
	"$(ip -o link show type veth | wc -l)"
check "DEL cleans it up" "$NETCTL" cni del "$T/br.conflist" /run/netns/c3 --id c3
out=$("$NETCTL" cni add "$T/bad.conflist" /run/netns/c3 --id c3 --rollback 2>/dev/null)
check_eq "ADD --rollback fails too" 7 "$(echo "$out" | json_get .code)"
check_eq "ADD --rollback leaves no veth" 0 "$(ip -o link show type veth | wc -l)"
check_eq "ADD --rollback leaves no address" "" \
	"$(ls "$T/ipam/chaintest" 2>/dev/null | grep '^10\.')"

# --- loopback, and a single .conf wrapped into a list; 0.3.1 has no CHECK ---
printf '{"cniVersion":"1.0.0","name":"lo-net","plugins":[{"type":"loopback"}]}' \
	>"$T/lo.conflist"
mkns c2
ip -n c2 link set lo down
out=$("$NETCTL" cni add "$T/lo.conflist" /run/netns/c2 --id c2)
check_eq "loopback ADD: lo's address in the result" "127.0.0.1/8" \
	"$(echo "$out" | json_get '.ips[0].address')"
check "loopback ADD: lo is up" sh -c 'ip -n c2 -o link show lo | grep -q "[<,]UP[,>]"'
check "loopback CHECK" "$NETCTL" cni check "$T/lo.conflist" /run/netns/c2 --id c2
check "loopback DEL" "$NETCTL" cni del "$T/lo.conflist" /run/netns/c2 --id c2
check "loopback DEL: lo is down" sh -c '! ip -n c2 -o link show lo | grep -q "[<,]UP[,>]"'
printf '{"cniVersion":"0.3.1","name":"lo-old","type":"loopback"}' >"$T/lo.conf"
out=$("$NETCTL" cni add "$T/lo.conf" /run/netns/c2 --id c2)
check_eq "a single .conf runs as a one-plugin list (0.3.1 result)" "0.3.1 127.0.0.1/8" \
	"$(echo "$out" | json_get '"\(.cniVersion) \(.ips[0].address)"')"
out=$("$NETCTL" cni check "$T/lo.conf" /run/netns/c2 --id c2 2>/dev/null)
check_eq "CHECK on 0.3.1 is refused with code 1" 1 "$(echo "$out" | json_get .code)"
check "DEL on 0.3.1" "$NETCTL" cni del "$T/lo.conf" /run/netns/c2 --id c2
check "default container ID: DEL finds what ADD cached" sh -c "
	'$NETCTL' cni add '$T/lo.conflist' /run/netns/c2 >/dev/null &&
	ls '$RES' | grep -q '^lo-net-netctl-[0-9a-f]*-eth0\$' &&
	'$NETCTL' cni del '$T/lo.conflist' /run/netns/c2 && [ -z \"\$(ls '$RES')\" ]"

# --- our plugins at 1.1.0: STATUS, and GC frees what the cache lost track of ---
cat >"$T/ours.conflist" <<EOF
{ "cniVersion": "1.1.0", "name": "ourgc", "plugins": [
    { "type": "bridge", "bridge": "nctb1", "isGateway": true,
      "ipam": { "type": "host-local", "dataDir": "$T/ipam2",
                "ranges": [[{ "subnet": "10.78.0.0/24" }]] } } ] }
EOF
ours() { CNI_PATH=$BIN "$NETCTL" cni "$@"; }
mkns o1
mkns o2
o1=$(ours add "$T/ours.conflist" /run/netns/o1 --id o1 | json_get '.ips[0].address')
ours add "$T/ours.conflist" /run/netns/o2 --id o2 >/dev/null
check_eq "our chain: two ADDs at 1.1.0, two addresses reserved" 2 \
	"$(ls "$T/ipam2/ourgc" 2>/dev/null | grep -c '^10\.')"
check "our chain: STATUS" ours status "$T/ours.conflist"
rm -f "$RES/ourgc-o2-eth0"
check "our chain: GC --valid o1:eth0 (o2 is no longer cached)" \
	ours gc "$T/ours.conflist" --valid o1:eth0
check_eq "GC freed o2's address, kept o1's" "${o1%/24}" \
	"$(ls "$T/ipam2/ourgc" 2>/dev/null | grep '^10\.' | xargs)"
check_eq "GC removed o2's veth, kept o1's" 1 "$(ip -o link show type veth | wc -l)"
check "o1 still reaches its gateway after GC" ip netns exec o1 ping -c 1 -W 1 10.78.0.1
check "our chain: DEL o1" ours del "$T/ours.conflist" /run/netns/o1 --id o1
check_eq "no veth left" 0 "$(ip -o link show type veth | wc -l)"

# --- a recording fake plugin: what exactly each plugin gets ---
mkdir -p "$T/fake" "$T/rec"
cat >"$T/fake/fake" <<EOF
#!/bin/bash
n=\$(ls "$T/rec" | wc -l)
in=\$(cat)
tag=\$(printf '%s' "\$in" | jq -r .tag)
f=$T/rec/\$(printf %03d "\$n")-\$CNI_COMMAND-\$tag
printf '%s' "\$in" >"\$f.json"
env | grep '^CNI_' | sort >"\$f.env"
if [ -n "\$(printf '%s' "\$in" | jq -r '.fail // empty')" ] && [ "\$CNI_COMMAND" = ADD ]; then
	echo '{"cniVersion":"1.1.0","code":11,"msg":"fake says try again","details":"busy"}'
	exit 1
fi
[ "\$CNI_COMMAND" = ADD ] || exit 0
case "\$CNI_ARGS" in *SLOW=1*) touch "$T/slow.started"; sleep 1 ;; esac
echo '{"cniVersion":"1.1.0","interfaces":[{"name":"eth0","sandbox":"'"\$CNI_NETNS"'"}],"ips":[{"address":"10.9.0.5/24","interface":0}]}'
EOF
chmod +x "$T/fake/fake"
cat >"$T/fake.conflist" <<'EOF'
{ "cniVersion": "1.0.0", "cniVersions": ["0.4.0", "1.1.0", "9.9.9"], "name": "fakenet",
  "plugins": [
    { "type": "fake", "tag": "first", "name": "ignored", "cniVersion": "0.1.0",
      "capabilities": { "portMappings": true, "bandwidth": false } },
    { "type": "fake", "tag": "second" } ] }
EOF
caps='{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}],"bandwidth":{"ingressRate":1},"mac":"aa:bb:cc:dd:ee:ff"}'
fk() { CNI_PATH=$T/fake "$NETCTL" cni "$@"; }
rec() { ls "$T/rec" | grep "$1" | tail -n 1 | sed "s|^|$T/rec/|"; }

fk add "$T/fake.conflist" /run/netns/f1 --id f1 --args 'A=1;B=2' --cap-args "$caps" >/dev/null
check_eq "fake ADD ran both plugins in order" "ADD-first ADD-second" \
	"$(ls "$T/rec" | grep json | sed 's/^[0-9]*-//; s/\.json$//' | xargs)"
a1=$(rec 'ADD-first.json') a2=$(rec 'ADD-second.json')
check_eq "cniVersion: the highest of cniVersion/cniVersions we speak (1.1.0)" "1.1.0 1.1.0" \
	"$(jq -r .cniVersion "$a1") $(jq -r .cniVersion "$a2")"
check_eq "name: the list's, over the plugin's own" "fakenet fakenet" \
	"$(jq -r .name "$a1") $(jq -r .name "$a2")"
check_eq "runtimeConfig: only the declared, enabled capability" "$(echo "$caps" |
	jq -cS '{portMappings}')" "$(jq -cS .runtimeConfig "$a1")"
check_eq "no runtimeConfig for a plugin without capabilities" null \
	"$(jq -c .runtimeConfig "$a2")"
check_eq "no \"capabilities\" key reaches a plugin" "false false" \
	"$(jq 'has("capabilities")' "$a1") $(jq 'has("capabilities")' "$a2")"
check_eq "no prevResult for the first ADD" false "$(jq 'has("prevResult")' "$a1")"
check_eq "prevResult: the first plugin's result, in the list's version" \
	"1.1.0 10.9.0.5/24 eth0" \
	"$(jq -r '.prevResult | "\(.cniVersion) \(.ips[0].address) \(.interfaces[0].name)"' "$a2")"
check_eq "other keys pass through" "first" "$(jq -r .tag "$a1")"
check_eq "CNI_* environment" \
	"CNI_ARGS=A=1;B=2 CNI_COMMAND=ADD CNI_CONTAINERID=f1 CNI_IFNAME=eth0 CNI_NETNS=/run/netns/f1 CNI_PATH=$T/fake" \
	"$(xargs <"${a1%.json}.env")"
check_eq "cached cniArgs and capabilityArgs (libcni's shapes)" \
	'[["A","1"],["B","2"]] '"$(echo "$caps" | jq -cS .)" \
	"$(jq -c .cniArgs "$RES/fakenet-f1-eth0") $(jq -cS .capabilityArgs "$RES/fakenet-f1-eth0")"

rm -f "$T"/rec/*
check "fake CHECK" fk check "$T/fake.conflist" /run/netns/f1 --id f1
c1f=$(rec 'CHECK-first.json')
check_eq "CHECK runs in order, both with the cached result as prevResult" \
	"CHECK-first CHECK-second 10.9.0.5/24 10.9.0.5/24" \
	"$(ls "$T/rec" | grep json | sed 's/^[0-9]*-//; s/\.json$//' | xargs) $(jq -r \
	'.prevResult.ips[0].address' "$c1f") $(jq -r '.prevResult.ips[0].address' \
	"$(rec 'CHECK-second.json')")"

rm -f "$T"/rec/*
check "fake DEL (no --args, --cap-args)" fk del "$T/fake.conflist" /run/netns/f1 --id f1
check_eq "DEL runs in reverse order" "DEL-second DEL-first" \
	"$(ls "$T/rec" | grep json | sed 's/^[0-9]*-//; s/\.json$//' | xargs)"
d1=$(rec 'DEL-first.json')
check_eq "DEL: cached prevResult, cached CNI_ARGS and capability args" \
	"10.9.0.5/24 CNI_ARGS=A=1;B=2 8080" \
	"$(jq -r .prevResult.ips[0].address "$d1") $(grep CNI_ARGS "${d1%.json}.env") $(jq -r \
	.runtimeConfig.portMappings[0].hostPort "$d1")"
check "DEL removed the cache" test ! -e "$RES/fakenet-f1-eth0"

# --- GC: stale cached attachments DELed, then every plugin's GC with the valid list ---
for a in g1:eth0 g2:eth0 g3:eth1; do
	fk add "$T/fake.conflist" "/run/netns/${a%:*}" --id "${a%:*}" --ifname "${a#*:}" \
		--args "X=${a%:*}" >/dev/null
done
rm -f "$T"/rec/*
check "GC --valid g1:eth0" fk gc "$T/fake.conflist" --valid g1:eth0
check_eq "GC: the stale ones DELed (reverse), then GC per plugin in order" \
	"DEL-second DEL-first DEL-second DEL-first GC-first GC-second" \
	"$(ls "$T/rec" | grep json | sed 's/^[0-9]*-//; s/\.json$//' | xargs)"
check_eq "GC DELs used each stale attachment's cached values" \
	"g2 eth0 /run/netns/g2 X=g2 g3 eth1 /run/netns/g3 X=g3" \
	"$(for f in $(ls "$T"/rec/*DEL-first.env); do . "$f"; \
		echo -n "$CNI_CONTAINERID $CNI_IFNAME $CNI_NETNS $CNI_ARGS "; done | xargs)"
check_eq "GC left only the valid cache entry" "fakenet-g1-eth0" "$(ls "$RES" | xargs)"
g=$(rec 'GC-first.json')
check_eq "GC config: name, version, both attachment keys, no capabilities/runtimeConfig" \
	'fakenet 1.1.0 [{"containerID":"g1","ifname":"eth0"}] [{"containerID":"g1","ifname":"eth0"}] false false' \
	"$(jq -rc '"\(.name) \(.cniVersion) \(.["cni.dev/valid-attachments"]) \(.["cni.dev/attachments"]) \(has("capabilities")) \(has("runtimeConfig"))"' "$g")"
check_eq "GC env: CNI_COMMAND=GC, no container" "CNI_COMMAND=GC CNI_PATH=$T/fake" \
	"$(xargs <"${g%.json}.env")"
fk add "$T/fake.conflist" /run/netns/g4 --id g4 >/dev/null
rm -f "$T"/rec/*
check "GC without --valid" fk gc "$T/fake.conflist"
check_eq "GC without --valid: the cached attachments are the valid ones, no DEL" \
	'GC-first GC-second [{"containerID":"g1","ifname":"eth0"},{"containerID":"g4","ifname":"eth0"}]' \
	"$(ls "$T/rec" | grep json | sed 's/^[0-9]*-//; s/\.json$//' | xargs) $(jq -c \
	'.["cni.dev/valid-attachments"]' "$(rec GC-second.json)")"
fk add "$T/fake.conflist" /run/netns/g5 --id g5 --args SLOW=1 >/dev/null &
# wait until the slow plugin runs, so the ADD surely holds its lock (ASan builds are slow)
for _ in $(seq 50); do [ -e "$T/slow.started" ] && break; sleep 0.1; done
rm -f "$T"/rec/*
fk gc "$T/fake.conflist"
wait
check_eq "GC waits for an ADD in progress (its attachment counts as valid)" \
	'[{"containerID":"g1","ifname":"eth0"},{"containerID":"g4","ifname":"eth0"},{"containerID":"g5","ifname":"eth0"}]' \
	"$(jq -c '.["cni.dev/valid-attachments"]' "$(rec GC-second.json)")"
fk del "$T/fake.conflist" /run/netns/g5 --id g5
jq '.disableGC = true' "$T/fake.conflist" >"$T/nogc.conflist"
rm -f "$T"/rec/*
check "GC with disableGC" fk gc "$T/nogc.conflist"
check_eq "disableGC: no plugin runs" "" "$(ls "$T/rec")"
jq '.cniVersions = ["1.0.0"]' "$T/fake.conflist" >"$T/v100.conflist"
check "GC on 1.0.0: no plugin GC" fk gc "$T/v100.conflist" --valid g1:eth0,g4:eth0
check_eq "GC on 1.0.0 runs no plugin" "" "$(ls "$T/rec")"

# --- STATUS ---
rm -f "$T"/rec/*
check "STATUS" fk status "$T/fake.conflist"
check_eq "STATUS asks every plugin in order, with name and version" \
	"STATUS-first STATUS-second fakenet 1.1.0" \
	"$(ls "$T/rec" | grep json | sed 's/^[0-9]*-//; s/\.json$//' | xargs) $(jq -r \
	'"\(.name) \(.cniVersion)"' "$(rec STATUS-first.json)")"

# --- a failing plugin: its error JSON on stdout, one line on stderr, exit 1 ---
jq '.plugins[1].fail = true' "$T/fake.conflist" >"$T/fail.conflist"
out=$(fk add "$T/fail.conflist" /run/netns/f9 --id f9 2>"$T/err")
check_eq "failing plugin: exit 1" 1 $?
check_eq "failing plugin: its error JSON (code 11, msg, details)" \
	"11 fake says try again busy" "$(echo "$out" | json_get '"\(.code) \(.msg) \(.details)"')"
check_eq "failing plugin: stderr is one line naming it" \
	'netctl: cni add: plugin type="fake" failed (add): fake says try again: busy' "$(cat "$T/err")"
check "failing plugin: nothing cached" test ! -e "$RES/fakenet-f9-eth0"

# --- bad input changes nothing ---
printf '{"name":"../x","cniVersion":"1.0.0","plugins":[{"type":"loopback"}]}' >"$T/n.conflist"
out=$("$NETCTL" cni add "$T/n.conflist" /run/netns/c2 --id c2 2>/dev/null)
check_eq "unsafe network name: code 7" 7 "$(echo "$out" | json_get .code)"
printf '{"name":"n","cniVersion":"1.0.0","plugins":[{"type":"../bin/sh"}]}' >"$T/t.conflist"
out=$("$NETCTL" cni add "$T/t.conflist" /run/netns/c2 --id c2 2>/dev/null)
check_eq "plugin type with a '/': code 7" 7 "$(echo "$out" | json_get .code)"
printf '{"name":"n","cniVersion":"2.0.0","plugins":[{"type":"loopback"}]}' >"$T/v.conflist"
out=$("$NETCTL" cni add "$T/v.conflist" /run/netns/c2 --id c2 2>/dev/null)
check_eq "unsupported version: code 1" 1 "$(echo "$out" | json_get .code)"
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >"$T/big.conflist"
out=$("$NETCTL" cni add "$T/big.conflist" /run/netns/c2 --id c2 2>/dev/null)
check_eq "conflist over 1 MiB: refused" 7 "$(echo "$out" | json_get .code)"
out=$("$NETCTL" cni add "$T/lo.conflist" /run/netns/c2 --id 'a/b' 2>/dev/null)
check_eq "bad container ID: code 4" 4 "$(echo "$out" | json_get .code)"
check_fails "bad --cap-args is a usage error" "$NETCTL" cni add "$T/lo.conflist" \
	/run/netns/c2 --cap-args '[1]'
check_eq "bad input wrote no cache" "fakenet-g1-eth0 fakenet-g4-eth0" "$(ls "$RES" | xargs)"

done_testing
