#!/usr/bin/env bash
# Install the Debian packages netctl needs to build, test and compare, when any is
# missing. Safe to run again: it only calls apt when something is absent.
set -eu
PKGS=(
	build-essential pkg-config make gcc
	libmnl-dev libnftnl-dev libnl-3-dev libnl-route-3-dev libjansson-dev libcap-dev
	libcmocka-dev
	iproute2 nftables iputils-ping iputils-arping iperf3 util-linux procps jq tcpdump
	containernetworking-plugins
	valgrind podman busybox-static golang-go golang-github-appc-cni-dev dpkg-dev xz-utils strace
	dnsmasq-base dnsutils golang-github-containernetworking-plugin-dnsname
	containerd golang-github-containerd-go-cni-dev netavark aardvark-dns python3
)
missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "netctl: missing packages: ${missing[*]}; run this as root to install them" >&2
	exit 1
fi
echo "netctl: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
