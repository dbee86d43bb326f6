# shellcheck shell=bash
# A private containerd 1.6 for the real-runtime tests (sourced after common.sh): its own
# --root/--state/--address under $T, stopped by its PID; go-cni's fixed directories
# /etc/cni/net.d and /opt/cni/bin are private bind mounts in this mount namespace
# (conflists go into $T/netd, the plugins are $BIN's); the cgroup v1 hierarchies runc
# needs are mounted again (the sandbox's fresh sysfs has none); the only image is a
# busybox-static rootfs packed here as an OCI tar and imported (no registry), with
# /www/index.html saying "hello from c1". CTR runs ctr against it, in containerd
# namespace $CTRD_NS: runc's cgroups are then /sys/fs/cgroup/*/$CTRD_NS/<name> in the
# machine's v1 hierarchies, which ctrd_stop removes (go-cni's container IDs are
# "$CTRD_NS-<name>").
CTRD_PID=
CTRD_IMAGE=localhost/netctl-busybox:latest
CTRD_NS=netctl-test-$$

# oci_tar OUT ROOTFS NAME : an OCI image layout tar of ROOTFS (one uncompressed layer).
oci_tar() {
	local out=$1 rootfs=$2 name=$3 d blob sha size
	d=$(mktemp -d "$T/oci.XXXXXX")
	mkdir -p "$d/blobs/sha256"
	# blob FILE : move FILE into blobs/, set sha and size
	blob() {
		sha=$(sha256sum "$1" | cut -d' ' -f1)
		size=$(stat -c %s "$1")
		mv "$1" "$d/blobs/sha256/$sha"
	}
	tar -C "$rootfs" --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 \
		-cf "$d/layer" . && blob "$d/layer" || return 1
	local lsha=$sha lsize=$size
	printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sh"],"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
		"$lsha" >"$d/config"
	blob "$d/config"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
		"$sha" "$size" "$lsha" "$lsize" >"$d/manifest"
	blob "$d/manifest"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"latest"}}]}' \
		"$sha" "$size" "$name" >"$d/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$d/oci-layout"
	tar -C "$d" -cf "$out" oci-layout index.json blobs
	rm -rf "$d"
}

busybox_rootfs() {
	local r=$1 a
	mkdir -p "$r/bin" "$r/www" "$r/proc" "$r/sys" "$r/dev" "$r/etc" "$r/tmp"
	cp /bin/busybox "$r/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
	done
	echo "hello from c1" >"$r/www/index.html"
}

# ctrd_setup [PLUGIN_DIR] : everything above; PLUGIN_DIR defaults to $BIN.
ctrd_setup() {
	local c t
	for t in containerd ctr runc /bin/busybox; do
		command -v "$t" >/dev/null || { fail "$t is installed" "scripts/deps.sh installs it"; done_testing; exit 1; }
	done
	mkdir -p "$T/ctrd/root" "$T/ctrd/state" "$T/netd" /etc/cni/net.d
	mount --bind "$T/netd" /etc/cni/net.d
	mount -t tmpfs -o mode=0755 tmpfs /opt
	mkdir -p /opt/cni/bin
	mount --bind "${1:-$BIN}" /opt/cni/bin
	mount -t tmpfs -o mode=0755 tmpfs /sys/fs/cgroup
	for c in cpu cpuacct cpuset memory devices freezer blkio pids; do
		mkdir -p "/sys/fs/cgroup/$c" && mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c"
	done
	mkdir -p /sys/fs/cgroup/systemd /sys/fs/cgroup/unified
	mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd
	mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified
	cat >"$T/ctrd/config.toml" <<-EOF
	version = 2
	root = "$T/ctrd/root"
	state = "$T/ctrd/state"
	disabled_plugins = ["io.containerd.grpc.v1.cri"]
	[grpc]
	  address = "$T/ctrd/sock"
	EOF
	containerd --config "$T/ctrd/config.toml" >"$T/ctrd/log" 2>&1 &
	CTRD_PID=$!
	for _ in $(seq 100); do [ -S "$T/ctrd/sock" ] && break; sleep 0.05; done
	[ -S "$T/ctrd/sock" ] || { fail "containerd starts" "$(tail -5 "$T/ctrd/log")"; done_testing; exit 1; }
	busybox_rootfs "$T/ctrd/rootfs"
	oci_tar "$T/image.tar" "$T/ctrd/rootfs" "$CTRD_IMAGE" &&
		CTR images import --snapshotter native "$T/image.tar" >/dev/null ||
		{ fail "the busybox image imports" "$(tail -5 "$T/ctrd/log")"; done_testing; exit 1; }
}

CTR() { timeout 60 ctr --address "$T/ctrd/sock" --namespace "$CTRD_NS" "$@"; }

# ctrd_stop : containerd stopped by its PID (its shims go with the sandbox's tasks),
# then the empty cgroups runc left under $CTRD_NS in the machine's hierarchies.
ctrd_stop() {
	local d
	[ -n "$CTRD_PID" ] || return 0
	kill "$CTRD_PID" 2>/dev/null
	wait "$CTRD_PID" 2>/dev/null
	CTRD_PID=
	for d in /sys/fs/cgroup/*/"$CTRD_NS"; do
		[ -d "$d" ] || continue
		find "$d" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
		rmdir "$d" 2>/dev/null
	done
}
