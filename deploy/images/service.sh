#!/bin/sh
# Entry point of the Agentry image: `<service>` runs apps/<service>/dist/main.js; anything
# else is run as a command (e.g. `node apps/registry/dist/rebuild.js`).
set -eu
if [ "$#" -eq 1 ] && [ -f "/app/apps/$1/dist/main.js" ]; then
  exec node "/app/apps/$1/dist/main.js"
fi
if [ "$#" -eq 0 ]; then
  echo "usage: <service> (one of: $(ls /app/apps | tr '\n' ' ')) or a command" >&2
  exit 64
fi
exec "$@"
