#!/usr/bin/env bash
# Real executables for the binaries check's tests, from Debian's packages of other architectures:
# static busybox for amd64, arm64, armhf, ppc64el and s390x, a dynamic arm64 busybox with its
# glibc loader, the amd64 loader, and Windows PE DLLs from the mingw zlib package. Extracted once
# into .cache/test-binaries (not committed); the tests fail loudly when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.cache/test-binaries
stamp="$out/.complete-1"
[ -f "$stamp" ] && exit 0
archs=(arm64 armhf ppc64el s390x)
if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else SUDO=(false); fi
missing=()
for a in "${archs[@]}"; do
  dpkg --print-foreign-architectures | grep -qx "$a" || missing+=("$a")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "manifold: adding Debian architectures for test binaries: ${missing[*]}" >&2
  for a in "${missing[@]}"; do "${SUDO[@]}" dpkg --add-architecture "$a"; done
  "${SUDO[@]}" apt-get update -qq
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pkgs=(busybox-static:amd64 busybox-static:arm64 busybox-static:armhf busybox-static:ppc64el
  busybox-static:s390x busybox:arm64 libc6:arm64 libc6:amd64 libz-mingw-w64)
(cd "$work" && apt-get download -qq "${pkgs[@]}" 2>/dev/null) || (cd "$work" && apt-get download "${pkgs[@]}")
x() { mkdir -p "$work/x/$1" && dpkg-deb -x "$work"/$2 "$work/x/$1"; }
rm -rf "$out" && mkdir -p "$out"
for a in amd64 arm64 armhf ppc64el s390x; do
  x "static-$a" "busybox-static_*_$a.deb"
  cp "$work/x/static-$a/bin/busybox" "$out/busybox-static-$a"
done
x dyn-arm64 "busybox_*_arm64.deb"
cp "$work/x/dyn-arm64/bin/busybox" "$out/busybox-dynamic-arm64"
x libc-arm64 "libc6_*_arm64.deb"
cp "$work/x/libc-arm64/lib/ld-linux-aarch64.so.1" "$out/ld-linux-aarch64.so.1"
x libc-amd64 "libc6_*_amd64.deb"
cp "$work/x/libc-amd64/lib64/ld-linux-x86-64.so.2" "$out/ld-linux-x86-64.so.2" 2>/dev/null ||
  cp "$work/x/libc-amd64/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$out/ld-linux-x86-64.so.2"
x mingw "libz-mingw-w64_*_all.deb"
cp "$work/x/mingw/usr/x86_64-w64-mingw32/lib/zlib1.dll" "$out/zlib1-x86_64.dll"
cp "$work/x/mingw/usr/i686-w64-mingw32/lib/zlib1.dll" "$out/zlib1-i686.dll"
chmod 0755 "$out"/*
touch "$stamp"
