#!/usr/bin/env bash
# The README's "run the app" command: on a fresh machine it installs Node 22
# and the dependencies, migrates the embedded database (or DATABASE_URL),
# builds the Remix app and serves it on $PORT (default 3000).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node22.sh
source scripts/install.sh
if [ -f .env ]; then set -a; source .env; set +a; fi
export SHOPIFY_API_KEY="${SHOPIFY_API_KEY:-peakguard-local}"
export SHOPIFY_API_SECRET="${SHOPIFY_API_SECRET:-peakguard-local-secret}"
export PORT="${PORT:-3000}"
export SHOPIFY_APP_URL="${SHOPIFY_APP_URL:-http://localhost:$PORT}"
npm run --silent setup
npm run --silent build
echo "peakguard: serving on http://localhost:$PORT (database: ${DATABASE_URL:-embedded PGlite at ./data/pglite})"
exec node node_modules/.bin/remix-serve ./build/server/index.js
