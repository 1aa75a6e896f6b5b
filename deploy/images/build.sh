#!/usr/bin/env bash
# Builds the Agentry image without a Docker daemon and without any registry but npm's and
# Debian's: the base (deploy/images/build-base.sh: mmdebstrap + Node 24 from the npm registry),
# then deploy/images/Dockerfile with buildah (chroot isolation: no container runtime needed).
#   deploy/images/build.sh                  → localhost/agentry:<AGENTRY_VERSION, default 0.1.0>
# The build context is the committed HEAD (git archive: reproducible, no local state, no
# uncommitted files); AGENTRY_BUILD_CONTEXT=worktree builds the working tree instead (the root
# .dockerignore applies). Push it where your cluster pulls from, e.g.
#   podman push localhost/agentry:0.1.0 docker://registry.example.com/agentry:0.1.0
# Needs root and: apt-get install mmdebstrap podman buildah crun runc fuse-overlayfs uidmap
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION="${AGENTRY_VERSION:-0.1.0}"
IMAGE="${IMAGE:-localhost/agentry:${VERSION}}"
WORK="${AGENTRY_IMAGE_WORK:-/var/tmp/agentry-image}"
command -v buildah >/dev/null || { echo "build: buildah is missing (apt-get install buildah podman mmdebstrap crun runc uidmap)" >&2; exit 1; }

base="$(deploy/images/build-base.sh | tail -n 1)"

context=.
if [ "${AGENTRY_BUILD_CONTEXT:-head}" != worktree ]; then
  context="$WORK/context"
  rm -rf "$context" && mkdir -p "$context"
  git archive --format=tar HEAD | tar -x -C "$context"
fi

# chroot isolation: RUN steps need no OCI runtime (and no cgroups); the file limits stay within
# what this machine allows.
# The host's CA bundle goes to the npm steps as a build secret (a TLS-inspecting proxy between
# this machine and the registry is trusted the same way inside the build; nothing is stored).
ca="${NPM_CA_BUNDLE:-$(npm config get cafile 2>/dev/null | grep -v '^null$' || true)}"
[ -n "$ca" ] && [ -s "$ca" ] || ca="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"
secret=(); [ -s "$ca" ] && secret=(--secret "id=npm-ca,src=$ca")

buildah bud --isolation chroot --layers "${secret[@]}" \
  --ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" \
  -f deploy/images/Dockerfile --build-arg "BASE_IMAGE=${base}" \
  -t "$IMAGE" "$context" >&2
echo "$IMAGE"
