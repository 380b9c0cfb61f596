#!/usr/bin/env bash
# The README's test command, and what .ci/run runs: on a fresh machine it
# installs Node 22 and the dependencies, checks migrations, types and lint,
# runs the whole suite on the embedded database, then the database tests again
# on the local PostgreSQL in a throwaway database.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node22.sh
source scripts/install.sh

results_dir=$(mktemp -d)
pg_db=""
cleanup() {
  if [ -n "$pg_db" ]; then dropdb --if-exists --force -h 127.0.0.1 -U postgres "$pg_db" >/dev/null 2>&1 || true; fi
  rm -rf "$results_dir"
}
trap cleanup EXIT

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Debian's chromium for the browser tests (playwright-core never downloads a browser)"
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi

echo "== prisma generate + migrate deploy (embedded PGlite, throwaway directory)"
DATABASE_URL="pglite:$results_dir/pglite" npm run --silent setup

echo "== typecheck"
npm run --silent typecheck
echo "== lint"
npm run --silent lint

echo "== build (the browser tests run the built app)"
npm run --silent build >/dev/null

echo "== tests (embedded database)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$results_dir/embedded.json"

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! pg_up && [ "${CI:-}" = "true" ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do pg_up && break; sleep 1; done
fi
if pg_up; then
  pg_db="peakguard_ci_$$"
  createdb -h 127.0.0.1 -U postgres "$pg_db"
  pg_url="postgresql://postgres@127.0.0.1:5432/$pg_db"
  echo "== migrate deploy + database tests on PostgreSQL ($pg_db)"
  DATABASE_URL="$pg_url" npx prisma migrate deploy
  TEST_DATABASE_URL="$pg_url" npx vitest run db.test --reporter=default --reporter=json --outputFile.json="$results_dir/postgres.json"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL on 127.0.0.1:5432 is required in CI and is not reachable" >&2
  exit 1
else
  echo "== PostgreSQL on 127.0.0.1:5432 is not reachable: skipping the PostgreSQL pass (CI runs it)"
fi

node -e '
const fs = require("fs");
let passed = 0, failed = 0;
for (const f of process.argv.slice(1)) {
  if (!fs.existsSync(f)) continue;
  const r = JSON.parse(fs.readFileSync(f, "utf8"));
  passed += r.numPassedTests; failed += r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
' "$results_dir/embedded.json" "$results_dir/postgres.json"
