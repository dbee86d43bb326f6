#!/usr/bin/env bash
# host-local: allocation, requested addresses, DNS, DEL, CHECK, GC and STATUS.
. "$(dirname "$0")/../lib/common.sh"

NS=/run/netns/none
DD=$T/data
S=$DD/net1
mkdir -p "$DD"
conf() {	# conf [IPAM-EXTRA-JSON] [TOP-EXTRA-JSON] [VERSION]
	printf '{"cniVersion":"%s","name":"net1","type":"host-local",%s"ipam":{"type":"host-local","dataDir":"%s"%s}}' \
		"${3:-1.1.0}" "${2:+$2,}" "$DD" "${1:+,$1}"
}
V4='"subnet":"10.30.0.0/24","rangeStart":"10.30.0.10","rangeEnd":"10.30.0.14","gateway":"10.30.0.1"'
addr() { jq -r '[.ips[].address] | join(" ")'; }
# owners [DIR] : "ADDRESS=ID/IFNAME" for every reservation file.
owners() {
	local f
	for f in "${1:-$S}"/*; do
		case ${f##*/} in lock | last_reserved_ip.*) continue ;; esac
		printf '%s=%s\n' "${f##*/}" "$(tr '\r\n' '/ ' <"$f" | sed 's#/ #/#')"
	done
}

cat >"$T/resolv.conf" <<'EOF'
# a comment
; another
nameserver 10.1.1.1
nameserver   fd00::53
domain example.org
search a.example b.example
options ndots:2 edns0
junkline
EOF

# ---- ADD, result, round robin ----
out=$(conf "$V4,\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"192.168.0.0/16\",\"gw\":\"10.30.0.254\"}],\"resolvConf\":\"$T/resolv.conf\"" | plugin host-local ADD c1 $NS eth0)
check_eq "ADD: first address of the window" "10.30.0.10/24" "$(addr <<<"$out")"
check_eq "ADD: gateway" "10.30.0.1" "$(jq -r '.ips[0].gateway' <<<"$out")"
check_eq "ADD: no interfaces in an IPAM result" "null" "$(jq -r '.interfaces' <<<"$out")"
check_eq "ADD: routes" "0.0.0.0/0- 192.168.0.0/16-10.30.0.254" \
	"$(jq -r '[.routes[] | "\(.dst)-\(.gw // "")"] | join(" ")' <<<"$out")"
check_eq "ADD: DNS from resolvConf" "10.1.1.1,fd00::53|example.org|a.example,b.example|ndots:2,edns0" \
	"$(jq -r '[(.dns.nameservers|join(",")), .dns.domain, (.dns.search|join(",")), (.dns.options|join(","))] | join("|")' <<<"$out")"
check_eq "store file holds containerID CRLF ifname" "c1\r\neth0" "$(od -An -c "$S/10.30.0.10" | tr -s ' ' | sed 's/^ //;s/ //g')"
check_eq "last_reserved_ip.0" "10.30.0.10" "$(cat "$S/last_reserved_ip.0")"
check_eq "lock file exists" "yes" "$([ -f "$S/lock" ] && echo yes)"
out=$(conf "$V4" '' 0.3.1 | plugin host-local ADD c2 $NS eth0)
check_eq "0.3.1 result: next address with version 4" "10.30.0.11/24 4" \
	"$(jq -r '"\(.ips[0].address) \(.ips[0].version)"' <<<"$out")"
check "DEL c1" plugin host-local DEL c1 $NS eth0 <<<"$(conf "$V4")"
out=$(conf "$V4" | plugin host-local ADD c3 $NS eth0)
check_eq "round robin: a freed address is not reused at once" "10.30.0.12/24" "$(addr <<<"$out")"
for c in c4 c5; do conf "$V4" | plugin host-local ADD $c $NS eth0 >/dev/null; done
out=$(conf "$V4" | plugin host-local ADD c6 $NS eth0)
check_eq "round robin wraps to the freed address" "10.30.0.10/24" "$(addr <<<"$out")"

# ---- STATUS ----
check_fails "STATUS: full range set fails" plugin host-local STATUS "" "" "" <<<"$(conf "$V4")"
out=$(env CNI_COMMAND=STATUS "$BIN/host-local" <<<"$(conf "$V4")")
check_eq "STATUS: full range set is code 50" "50" "$(jq -r .code <<<"$out")"
check "DEL c6" plugin host-local DEL c6 $NS eth0 <<<"$(conf "$V4")"
check "STATUS: succeeds with a free address" env CNI_COMMAND=STATUS "$BIN/host-local" <<<"$(conf "$V4")"
check "STATUS: succeeds before any store exists" env CNI_COMMAND=STATUS "$BIN/host-local" \
	<<<"$(conf '"subnet":"10.77.0.0/24"' | sed 's/"net1"/"fresh"/')"
check_eq "STATUS created no store" "no" "$([ -e "$DD/fresh" ] && echo yes || echo no)"

# ---- DEL semantics ----
check "DEL is idempotent" plugin host-local DEL c6 $NS eth0 <<<"$(conf "$V4")"
check "DEL of a network without a store succeeds" plugin host-local DEL x $NS eth0 \
	<<<"$(conf '"subnet":"10.78.0.0/24"' | sed 's/"net1"/"never"/')"
check_eq "DEL created no store" "no" "$([ -e "$DD/never" ] && echo yes || echo no)"
check "DEL without CNI_NETNS" env CNI_COMMAND=DEL CNI_CONTAINERID=c5 CNI_IFNAME=eth0 \
	"$BIN/host-local" <<<"$(conf "$V4")"
check_eq "DEL without CNI_NETNS freed c5's address" "" "$(owners | grep '=c5/')"

# ---- dual stack, requested addresses ----
DUAL='"ranges":[[{"subnet":"10.40.0.0/24"}],[{"subnet":"fd40::/64","rangeStart":"fd40::100","rangeEnd":"fd40::1ff"}]]'
out=$(conf "$DUAL" | plugin host-local ADD d1 $NS eth0)
check_eq "dual stack: one address per range set" "10.40.0.2/24 fd40::100/64" "$(addr <<<"$out")"
check_eq "dual stack: v6 gateway defaults to network+1" "fd40::1" "$(jq -r '.ips[1].gateway' <<<"$out")"
check_eq "dual stack: v6 store file name" "d1" "$(head -n1 "$S/fd40::100" | tr -d '\r')"
out=$(conf "$DUAL" '"runtimeConfig":{"ips":["10.40.0.50/24","fd40::1a0"]}' | plugin host-local ADD d2 $NS eth0)
check_eq "runtimeConfig ips, with and without prefix" "10.40.0.50/24 fd40::1a0/64" "$(addr <<<"$out")"
out=$(CNI_ARGS="IgnoreUnknown=1;IP=10.40.0.60,fd40::1b0;K8S_POD_NAME=x" plugin host-local ADD d3 $NS eth0 <<<"$(conf "$DUAL")")
check_eq "CNI_ARGS IP=a,b" "10.40.0.60/24 fd40::1b0/64" "$(addr <<<"$out")"
out=$(CNI_ARGS="IP=10.40.0.61" plugin host-local ADD d4 $NS eth0 <<<"$(conf "$DUAL" '"args":{"cni":{"ips":["10.40.0.70"]}}')")
check_eq "args.cni.ips wins over CNI_ARGS IP" "10.40.0.70/24 fd40::1b1/64" "$(addr <<<"$out")"
out=$(CNI_ARGS="IP=10.40.0.62/24" plugin host-local ADD d5 $NS eth0 <<<"$(conf "$DUAL")")
check_eq "CNI_ARGS IP with prefix, other set allocated" "10.40.0.62/24 fd40::1b2/64" "$(addr <<<"$out")"
out=$(conf "$DUAL" '"runtimeConfig":{"ips":["fd40::1a0"]}' | plugin host-local ADD d6 $NS eth0)
check_eq "dual stack: one taken request fails the whole ADD" "11" "$(jq -r .code <<<"$out")"
check_eq "dual stack: failed ADD left no v4 reservation" "" "$(owners | grep '=d6/')"
out=$(conf "$DUAL" '"runtimeConfig":{"ipRanges":[[{"subnet":"10.41.0.0/24"}]]}' | plugin host-local ADD d7 $NS eth0)
check_eq "runtimeConfig ipRanges come first" "10.41.0.2/24 10.40.0.3/24 fd40::101/64" "$(addr <<<"$out")"

# DEL frees every address of (id, ifname), and only those.
conf "$DUAL" | plugin host-local ADD d1 $NS eth1 >/dev/null
check "DEL d1 eth0" plugin host-local DEL d1 $NS eth0 <<<"$(conf "$DUAL")"
check_eq "DEL freed both of d1/eth0's addresses, kept d1/eth1's" "10.40.0.4=d1/eth1 fd40::102=d1/eth1" \
	"$(owners | grep '=d1/' | xargs)"
# An old version's file holds the ID only: released when nothing matches exactly.
printf 'old1' >"$S/10.40.0.200"
check "DEL of an old-format reservation" plugin host-local DEL old1 $NS eth0 <<<"$(conf "$DUAL")"
check_eq "old-format file released" "no" "$([ -e "$S/10.40.0.200" ] && echo yes || echo no)"
printf 'ctr9\neth0' >"$S/10.40.0.201"
check "DEL of an LF-separated reservation" plugin host-local DEL ctr9 $NS eth0 <<<"$(conf "$DUAL")"
check_eq "LF-separated file released" "no" "$([ -e "$S/10.40.0.201" ] && echo yes || echo no)"

# ---- CHECK ----
out=$(conf "$DUAL" | plugin host-local ADD k1 $NS eth0)
check "CHECK without prevResult" plugin host-local CHECK k1 $NS eth0 <<<"$(conf "$DUAL")"
check "CHECK with prevResult" plugin host-local CHECK k1 $NS eth0 \
	<<<"$(conf "$DUAL" "\"prevResult\":$out")"
bogus=$(jq -c '.ips[0].address = "10.40.0.222/24"' <<<"$out")
check_fails "CHECK with a prevResult address not reserved" plugin host-local CHECK k1 $NS eth0 \
	<<<"$(conf "$DUAL" "\"prevResult\":$bogus")"
check_fails "CHECK of another interface" plugin host-local CHECK k1 $NS eth7 \
	<<<"$(conf "$DUAL" "\"prevResult\":$out")"
check "DEL k1" plugin host-local DEL k1 $NS eth0 <<<"$(conf "$DUAL")"
check_fails "CHECK after DEL" plugin host-local CHECK k1 $NS eth0 \
	<<<"$(conf "$DUAL" "\"prevResult\":$out")"

# ---- bad store files: reported, never trusted ----
head -c 5000 /dev/zero | tr '\0' x >"$S/10.40.0.230"
printf 'not\r\na valid\r\nfile' >"$S/10.40.0.231"
out=$(plugin host-local CHECK nobody $NS eth0 <<<"$(conf "$DUAL")")
check_eq "CHECK error names the oversized file" "yes" \
	"$(jq -r .details <<<"$out" | grep -q '10.40.0.230 (larger than 4096 bytes)' && echo yes)"
check_eq "CHECK error names the garbage file" "yes" \
	"$(jq -r .details <<<"$out" | grep -q '10.40.0.231' && echo yes)"
err=$(plugin host-local DEL nobody $NS eth0 <<<"$(conf "$DUAL")" 2>&1 >/dev/null)
check_eq "DEL succeeds and warns on stderr about bad files" "yes" \
	"$(grep -q '10.40.0.230' <<<"$err" && echo yes)"
check_eq "bad files are left alone" "yes yes" \
	"$([ -e "$S/10.40.0.230" ] && echo yes) $([ -e "$S/10.40.0.231" ] && echo yes)"
rm -f "$S/10.40.0.230" "$S/10.40.0.231"
printf 'garbage' >"$S/last_reserved_ip.0"
out=$(conf "$DUAL" | plugin host-local ADD lr1 $NS eth0)
check_eq "garbage last_reserved_ip: start from the range start" "10.40.0.2/24" \
	"$(jq -r '.ips[0].address' <<<"$out")"

# ---- GC ----
G='"subnet":"10.50.0.0/24"'
gconf() { sed 's/"net1"/"gcnet"/' <<<"$(conf "$G" "$1")"; }
for i in 1 2 3 4 5; do gconf '' | plugin host-local ADD g$i $NS eth0 >/dev/null; done
gconf '"cni.dev/valid-attachments":[{"containerID":"g2","ifname":"eth0"},{"containerID":"g4","ifname":"eth0"}]' \
	| env CNI_COMMAND=GC "$BIN/host-local" >"$T/gc.out"
check_eq "GC exits 0 with no output" "" "$(cat "$T/gc.out")"
check_eq "GC kept the 2 valid attachments, freed 3" "10.50.0.3=g2/eth0 10.50.0.5=g4/eth0" \
	"$(owners "$DD/gcnet" | xargs)"
gconf '"cni.dev/attachments":[{"containerID":"g4","ifname":"eth0"}]' \
	| env CNI_COMMAND=GC "$BIN/host-local" >/dev/null
check_eq "GC accepts cni.dev/attachments" "10.50.0.5=g4/eth0" "$(owners "$DD/gcnet" | xargs)"
printf '10.50.0.9' >"$DD/gcnet/10.50.0.9.tmp.999"
gconf '"cni.dev/valid-attachments":[]' | env CNI_COMMAND=GC "$BIN/host-local" >/dev/null
check_eq "GC with no valid attachments leaves only lock and last_reserved_ip" \
	"last_reserved_ip.0 lock" "$(ls "$DD/gcnet" | xargs)"
gconf '' | plugin host-local ADD g6 $NS eth0 >/dev/null
head -c 5000 /dev/zero | tr '\0' y >"$DD/gcnet/10.50.0.99"
out=$(gconf '"cni.dev/valid-attachments":[]' | env CNI_COMMAND=GC "$BIN/host-local")
check_eq "GC with a bad store file: code 5 naming it" "5 yes" \
	"$(jq -r .code <<<"$out") $(jq -r .details <<<"$out" | grep -q '10.50.0.99 (larger than 4096 bytes)' && echo yes)"
check_eq "GC with a bad store file still freed the stale reservation, kept the bad file" \
	"10.50.0.99 last_reserved_ip.0 lock" "$(ls "$DD/gcnet" | xargs)"
check_fails "GC on a 1.0.0 config is refused" env CNI_COMMAND=GC "$BIN/host-local" \
	<<<"$(conf "$G" '' 1.0.0)"

check_eq "nothing outside the data dir" "" "$(ls -A /var/lib/cni)"
done_testing
