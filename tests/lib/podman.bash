# shellcheck shell=bash
# A private podman 4 for the real-runtime tests (sourced after common.sh): network_backend
# "cni" with cni_plugin_dirs = our build only, its own config, storage and cgroup view in
# this mount namespace, and a busybox-static directory as the only image (--rootfs, no
# registry). The tweaks it needs here are in /work/shared/NOTES.md: default_ulimits
# within our hard nofile, cgroups disabled + an empty /sys/fs/cgroup, vfs storage on
# tmpfs, busybox applets linked relatively. Conflists go into $T/cni, the image is
# $T/rootfs (with /www/index.html saying "hello from c1").
podman_setup() {
	local t a
	for t in podman crun conmon /bin/busybox; do
		command -v "$t" >/dev/null || { fail "$t is installed" "scripts/deps.sh installs it"; done_testing; exit 1; }
	done
	mount -t tmpfs tmpfs /var/lib/containers 2>/dev/null ||
		{ mkdir -p /var/lib/containers && mount -t tmpfs tmpfs /var/lib/containers; }
	mount -t tmpfs tmpfs /sys/fs/cgroup
	mkdir -p "$T/cni" "$T/rootfs/bin" "$T/rootfs/www" "$T/rootfs/proc" "$T/rootfs/sys" \
		"$T/rootfs/dev" "$T/rootfs/etc" "$T/rootfs/tmp"
	cat >"$T/containers.conf" <<-EOF
	[containers]
	default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
	cgroups = "disabled"
	[network]
	network_backend = "cni"
	cni_plugin_dirs = ["$BIN"]
	network_config_dir = "$T/cni"
	[engine]
	cgroup_manager = "cgroupfs"
	events_logger = "file"
	runtime = "crun"
	EOF
	cat >"$T/storage.conf" <<-EOF
	[storage]
	driver = "vfs"
	runroot = "/run/containers/storage"
	graphroot = "/var/lib/containers/storage"
	EOF
	export CONTAINERS_CONF=$T/containers.conf CONTAINERS_STORAGE_CONF=$T/storage.conf
	cp /bin/busybox "$T/rootfs/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$T/rootfs/bin/$a"
	done
	echo "hello from c1" >"$T/rootfs/www/index.html"
}

pm() { timeout 60 podman "$@"; }

# podman_backends: after podman_setup, a containers.conf and storage.conf per backend
# under $T/pm-WHO for the benchmarks that compare them in one run: ours (CNI, our
# $BIN), ref (CNI, the reference plugins in $REF) and nav (netavark); pmw WHO ARGS...
# runs podman with WHO's configuration.
podman_backends() {
	local who backend
	for who in ours ref nav; do
		mkdir -p "$T/pm-$who/net" "$T/pm-$who/run"
		if [ $who = nav ]; then
			backend='network_backend = "netavark"'
		else
			backend="network_backend = \"cni\"
cni_plugin_dirs = [\"$([ $who = ours ] && echo "$BIN" || echo "$REF")\"]"
		fi
		cat >"$T/pm-$who/containers.conf" <<-EOF
		[containers]
		default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
		cgroups = "disabled"
		[network]
		$backend
		network_config_dir = "$T/pm-$who/net"
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		runtime = "crun"
		tmp_dir = "$T/pm-$who/run/libpod"
		EOF
		cat >"$T/pm-$who/storage.conf" <<-EOF
		[storage]
		driver = "vfs"
		runroot = "$T/pm-$who/run/storage"
		graphroot = "/var/lib/containers/$who"
		EOF
	done
}
pmw() { CONTAINERS_CONF=$T/pm-$1/containers.conf CONTAINERS_STORAGE_CONF=$T/pm-$1/storage.conf \
	timeout 60 podman "${@:2}"; }
