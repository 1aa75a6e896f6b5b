#!/usr/bin/env bash
# Builds the image (deploy/images/build.sh) and smoke-runs it (deploy/images/smoke.mjs) against a
# local Postgres and nats-server. Prints how long each took. Needs root, podman, buildah,
# mmdebstrap, runc (cgroup v1 hosts), and the repository installed and built (npm ci && npm run
# build: the smoke run starts Postgres and NATS through @agentry/local-servers).
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
IMAGE="$(deploy/images/build.sh | tail -n 1)"
built=$(date +%s)
echo "smoke: image $IMAGE built in $((built - start)) s"
IMAGE="$IMAGE" node deploy/images/smoke.mjs
echo "smoke: build $((built - start)) s + smoke run $(( $(date +%s) - built )) s"
