#!/usr/bin/env bash
# The README's main command: on a fresh machine it installs Node 22 and the
# dependencies, builds the app, then runs `npm run demo`: the local store
# emulator with a generated store, the app on the embedded database against
# it (initial sync done), until Ctrl-C. Extra arguments go to the demo
# (--port, --emulator-port, --seed, --seed-file).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node22.sh
source scripts/install.sh
if [ -f .env ]; then set -a; source .env; set +a; fi
npx prisma generate >/dev/null
npm run --silent build
exec npx tsx scripts/demo.ts "$@"
