# shellcheck shell=bash
# Leftover checks and chain set-up shared by the reliability tests (sourced after
# common.sh).
# Network-level objects (the bridge, our table's base chains, the fwd-from/fwd-to/host-from/pub-src
# vmap entries and the bridges set) stay by design until `netctl rm` or GC; what
# belongs to a container must not.

# nft_ctr_elems : elements of our per-container sets and maps (members-*, grp-*,
# masq-*, dnat-*...), one "set: element" per line.
nft_ctr_elems() {
	nft -j list table inet netctl 2>/dev/null | jq -r '.nftables[] | (.set // .map // empty)
		| select(.elem) | select(.name | test("^(fwd-from|fwd-to|host-from|pub-src|bridges)$") | not)
		| .name + ": " + (.elem | tostring)'
}

# leaks STOREDIR [CONTAINER_NETNS...] : prints one line per leftover, nothing when clean:
# host veths and IFBs, interfaces other than lo in the given netns, reservation and
# attachment-index files in STOREDIR (a host-local dataDir/<net>), a store lock still
# held, container elements in our nft table, qdiscs on the bridges, libcni's and
# netctl's result caches.
leaks() {
	local store=$1 ns f
	shift
	ip -o link show type veth | awk -F': ' '{print "veth: " $2}'
	ip -o link show type ifb | awk -F': ' '{print "ifb: " $2}'
	for ns in "$@"; do
		[ -e "/run/netns/$ns" ] || continue
		ip -n "$ns" -o link show | awk -F': ' -v ns="$ns" '$2 != "lo" {print "in " ns ": " $2}'
	done
	if [ -d "$store" ]; then
		ls -A "$store" | grep -v -e '^lock$' -e '^last_reserved_ip' -e '^\.netctl-attachments$' \
			-e '^\.netctl-tmp$' | sed 's/^/store: /'
		ls -A "$store/.netctl-attachments" 2>/dev/null | sed 's/^/attachment index: /'
		# a killed writer's temporary file: the next locked operation removes it
		ls -A "$store/.netctl-tmp" 2>/dev/null | sed 's/^/store: .netctl-tmp\//'
		for f in "$store/lock"; do
			[ -e "$f" ] || continue
			flock -n -x "$f" true || echo "store lock held: $f"
		done
	fi
	nft_ctr_elems | sed 's/^/nft: /'
	nft -j list table bridge netctl 2>/dev/null | jq -r '.nftables[] | (.set // .map // empty)
		| select(.elem) | "nft bridge: " + .name + ": " + (.elem | tostring)'
	# (the caches' own lock files are dot files, and stay)
	ls /var/lib/cni/results 2>/dev/null | sed 's/^/libcni cache: /'
	ls /var/lib/netctl/results 2>/dev/null | sed 's/^/netctl cache: /'
}

# need NAME... : each of our binaries is built, else the test fails loudly and stops.
need() {
	local p
	for p in "$@"; do
		[ -x "$BIN/$p" ] || { fail "$p is built" "$BIN/$p missing"; done_testing; exit 1; }
	done
}

# need_tool CMD... : each tool is installed (scripts/deps.sh), else fail and stop.
need_tool() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null ||
			{ fail "$t is installed" "scripts/deps.sh installs it"; done_testing; exit 1; }
	done
}

# later_plugins : the conflist entries that follow the firewall, each after ", ", for
# the plugins that are built: bandwidth (100 Mbit/s both ways), portmap (capability).
later_plugins() {
	[ ! -x "$BIN/bandwidth" ] || printf ', { "type": "bandwidth", "ingressRate": 100000000, "ingressBurst": 1000000, "egressRate": 100000000, "egressBurst": 1000000 }'
	[ ! -x "$BIN/portmap" ] || printf ', { "type": "portmap", "capabilities": { "portMappings": true } }'
}
