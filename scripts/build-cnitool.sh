#!/usr/bin/env bash
# scripts/build-cnitool.sh [OUT] : build the real, unmodified upstream cnitool
# (containernetworking/cni, libcni) offline from Debian's golang-github-appc-cni
# source package, against the libcni that golang-github-appc-cni-dev installs.
# Default OUT: build/tools/cnitool (never committed). The packages come from
# scripts/deps.sh; the only network access is apt fetching the Debian source
# package (hash-checked against the signed Sources index) through a private
# deb-src list under $WORK: the system's apt configuration is not changed.
# Does nothing when OUT exists and is newer than the installed libcni. Also builds
# tests/tools/libcni-check into OUT's directory (a CHECK through libcni of a
# runtime's attachment, by its container ID) and tests/tools/gocni-driver (the CNI
# calls of containerd's CRI plugin, through Debian's go-cni).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-build/tools/cnitool}
WORK=${WORK:-/tmp/netctl-cnitool}
mkdir -p "$(dirname "$OUT")" "$WORK"
OUT=$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")

VER=$(dpkg-query -W -f='${Version}' golang-github-appc-cni-dev 2>/dev/null) || {
	echo "build-cnitool: golang-github-appc-cni-dev is not installed (scripts/deps.sh)" >&2
	exit 1
}
export GOPROXY=off GOFLAGS= GOTOOLCHAIN=local CGO_ENABLED=0 GOCACHE=$WORK/gocache
# tests/tools/libcni-check (CHECK of a runtime's attachment through libcni) and
# tests/tools/gocni-driver (containerd CRI's calls through go-cni) beside it
for tool in libcni-check gocni-driver; do
	TOOL_OUT=$(dirname "$OUT")/$tool
	if [ ! -x "$TOOL_OUT" ] || [ "tests/tools/$tool/main.go" -nt "$TOOL_OUT" ]; then
		(cd "tests/tools/$tool" && GO111MODULE=off GOPATH=/usr/share/gocode \
			go build -trimpath -o "$TOOL_OUT.tmp" .)
		mv -f "$TOOL_OUT.tmp" "$TOOL_OUT"
	fi
done
if [ -x "$OUT" ] && [ "$(cat "$OUT.version" 2>/dev/null | cut -d' ' -f1)" = "$VER" ]; then
	exit 0
fi
UPVER=${VER%-*}
UPVER=${UPVER#*:}
SRC=$WORK/src/golang-github-appc-cni-$UPVER

# Debian ships libcni in the -dev package but leaves cnitool out of every binary
# package; it is in the same source package.
if [ ! -f "$SRC/cnitool/cnitool.go" ]; then
	A=$WORK/apt
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$WORK/src"
	mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
		tr ' ' '\n' | grep -v security | head -n 1 || true)
	[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' \
		/etc/apt/sources.list 2>/dev/null | grep -v security | head -n 1 || true)
	[ -n "$mirror" ] || { echo "build-cnitool: no Debian mirror in the apt sources" >&2; exit 1; }
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" >"$A/sources.list"
	opts=(-o Dir::Etc::SourceList="$A/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::Lists="$A/lists" -o Dir::Cache="$A/cache"
		-o APT::Sandbox::User=root -o DPkg::Lock::Timeout=600)
	apt-get -qq "${opts[@]}" update
	rm -rf "$SRC"
	(cd "$WORK/src" && rm -f golang-github-appc-cni_*.dsc &&
		{ apt-get -qq "${opts[@]}" source --download-only "golang-github-appc-cni=$VER" ||
			apt-get -qq "${opts[@]}" source --download-only golang-github-appc-cni; } &&
		dpkg-source -q -x "$(ls golang-github-appc-cni_*.dsc | tail -n 1)" "$SRC") >/dev/null
fi
test -f "$SRC/cnitool/cnitool.go"

# GOPATH mode against /usr/share/gocode: no module download at all.
pkg=$WORK/gopath/src/github.com/containernetworking/cni/cnitool
rm -rf "$pkg"
mkdir -p "$pkg"
cp "$SRC/cnitool/cnitool.go" "$pkg/"
(cd "$pkg" && GO111MODULE=off GOPATH=/usr/share/gocode:$WORK/gopath go build -trimpath -o "$OUT.tmp" .)
mv -f "$OUT.tmp" "$OUT"
echo "$VER cnitool (golang-github-appc-cni source, libcni $VER, $(go version | cut -d' ' -f3))" >"$OUT.version"
echo "build-cnitool: $OUT: $(cat "$OUT.version")" >&2
