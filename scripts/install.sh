# Sourced: installs the locked dependencies when node_modules is missing or stale.
# npm here does not run dependencies' install scripts (none is needed: Prisma
# uses its bundled WASM engine, esbuild its platform package).
lock_stamp="node_modules/.peakguard-lock.sha"
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "${CI:-}" = "true" ] || [ ! -f "$lock_stamp" ] || [ "$(cat "$lock_stamp")" != "$want" ]; then
  npm ci --no-audit --no-fund
  echo "$want" > "$lock_stamp"
fi
