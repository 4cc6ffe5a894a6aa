#!/bin/sh
# Build the Miz container image with podman, offline:
#   deploy/container/build.sh [TAG]        (default tag: localhost/miz:<git describe>)
# MIZ_BIN=path uses an already built static binary instead of compiling one.
# It compiles a static binary, lays out the build context (binary, CA bundle, the
# passwd/group entries of the unprivileged user, an empty data directory) in a
# temporary directory, and runs `podman build --network=none` on it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
version=$(git -C "$root" describe --always --dirty 2>/dev/null || echo dev)
tag=${1:-localhost/miz:$version}
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/rootfs/usr/bin" "$ctx/rootfs/etc/ssl/certs" "$ctx/data/tmp"
if [ -n "${MIZ_BIN:-}" ]; then
  cp "$MIZ_BIN" "$ctx/rootfs/usr/bin/miz"
else
  (cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$ctx/rootfs/usr/bin/miz" ./cmd/miz)
fi
cp "${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}" "$ctx/rootfs/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/:/sbin/nologin\nmiz:x:65532:65532:miz:/data:/sbin/nologin\n' > "$ctx/rootfs/etc/passwd"
printf 'root:x:0:\nmiz:x:65532:\n' > "$ctx/rootfs/etc/group"
cp "$here/Containerfile" "$ctx/Containerfile"
podman build --format docker --network=none --pull=never -t "$tag" -f "$ctx/Containerfile" "$ctx"
echo "built $tag"
