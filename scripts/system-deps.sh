#!/usr/bin/env bash
# Installs the system packages the test suite and the demo need, when they are missing:
# the CNCF Distribution registry, skopeo (the independent client), openssl (test PKI) and
# GNU time (peak memory in the benchmark), buildah (real images for the binaries check), zsh,
# fish and man-db (completion scripts and the man page); then
# the foreign-architecture executables those tests use (scripts/test-binaries.sh).
set -euo pipefail
need=()
[ -x /usr/bin/docker-registry ] || need+=(docker-registry)
[ -x /usr/bin/skopeo ] || need+=(skopeo)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -x /usr/bin/time ] || need+=(time)
[ -x /usr/bin/buildah ] || need+=(buildah)
# The shells the completion scripts are checked in, and man(1) for the man page.
command -v zsh >/dev/null 2>&1 || need+=(zsh)
command -v fish >/dev/null 2>&1 || need+=(fish)
command -v man >/dev/null 2>&1 || need+=(man-db)
if [ ${#need[@]} -eq 0 ]; then
  exec bash "$(dirname "$0")/test-binaries.sh"
fi
echo "manifold: installing system packages: ${need[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "manifold: please install them as root: apt-get install -y ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
exec bash "$(dirname "$0")/test-binaries.sh"
