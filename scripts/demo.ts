/**
 * `npm run demo`: the whole app offline, with no Shopify account.
 *
 * 1. builds a realistic store in the local emulator (emulator/seed/generate.ts:
 *    ≥ 2,000 variants, 4 locations, customers, 6 months of orders, returns) —
 *    or loads --seed-file;
 * 2. resets and migrates the demo database (embedded PGlite in ./data/demo unless
 *    DATABASE_URL says otherwise — it is wiped each run), installs the demo shop (Shop row + offline
 *    session whose token the emulator accepts) and runs the initial sync
 *    (reconcile) through the app's own Admin client;
 * 3. starts the built app against the emulator (PEAKGUARD_ADMIN_API_URL,
 *    PEAKGUARD_DEMO_SHOP) — admin pages render with Polaris outside Shopify's
 *    iframe — while the emulator delivers signed webhooks to it;
 * 4. prints the URL and runs until Ctrl-C.
 *
 * Options: --port 3000, --emulator-port 4010, --seed 42, --seed-file FILE,
 * --order-days 30 (how much order history the initial sync reads),
 * --no-app (set up and sync, then exit: used by tests).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { startEmulator, type RunningEmulator } from "../emulator/server";
import { readSeedFile, type SeedFile } from "../emulator/store";
import { openDatabase } from "../app/db.server";
import { adminClientFromToken } from "../app/services/admin/client.server";
import { offlineSessionId } from "../app/services/admin/offline.server";
import { resolveDatabaseTarget } from "../app/services/db/database-url";
import { forShop } from "../app/services/db/scoped.server";
import { recordInstall } from "../app/services/shops.server";
import { reconcileShop } from "../app/services/sync/reconcile.server";

const ROOT = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "3000" },
    "emulator-port": { type: "string", default: "4010" },
    seed: { type: "string", default: "42" },
    "seed-file": { type: "string" },
    "no-app": { type: "boolean", default: false },
    "order-days": { type: "string", default: "30" },
  },
});

function log(message: string): void {
  console.log(`[demo] ${message}`);
}

async function loadSeed(): Promise<SeedFile> {
  if (values["seed-file"]) return readSeedFile(path.resolve(values["seed-file"]));
  const generator = path.join(ROOT, "emulator/seed/generate.ts");
  if (fs.existsSync(generator)) {
    const { generateDemoSeed } = (await import(generator)) as {
      generateDemoSeed: (o: { seed: number; now?: Date }) => SeedFile;
    };
    return generateDemoSeed({ seed: Number(values.seed), now: new Date() });
  }
  return readSeedFile(path.join(ROOT, "emulator/seed/default.json"));
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(command, args, { cwd: ROOT, env, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.status}`);
}

async function main(): Promise<void> {
  const port = Number(values.port);
  const appUrl = `http://localhost:${port}`;
  const apiKey = process.env.SHOPIFY_API_KEY ?? "peakguard-demo";
  const apiSecret = process.env.SHOPIFY_API_SECRET ?? `demo-${randomBytes(12).toString("hex")}`;
  const accessToken = `shpat_demo_${randomBytes(12).toString("hex")}`;
  const databaseUrl = process.env.DATABASE_URL ?? "pglite:./data/demo";
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl };

  let started = Date.now();
  const seed = await loadSeed();
  const shop = seed.shop.myshopifyDomain;
  const variants = seed.products.reduce((n, p) => n + p.variants.length, 0);
  log(`store ${shop}: ${seed.products.length} products, ${variants} variants, ${seed.locations.length} locations, ${seed.orders?.length ?? 0} orders (${Date.now() - started} ms)`);

  // Shopify Plus-sized throttle (1,000 points/s): the initial sync reads months of orders.
  const emulator: RunningEmulator = await startEmulator({
    port: Number(values["emulator-port"]),
    seed,
    appUrl,
    apiSecret,
    accessToken,
    throttle: { maximumAvailable: 10_000, restoreRate: 1_000 },
  });
  log(`emulator: ${emulator.graphqlUrl}`);

  // Every run generates the store afresh, so the demo database starts afresh too: a mirror of
  // the previous run's store would collide with this one's ids (and mean nothing).
  log(`database: ${databaseUrl} (reset: the demo store is new each run)`);
  run("npx", ["prisma", "migrate", "reset", "--force"], env);

  started = Date.now();
  const database = openDatabase(resolveDatabaseTarget(databaseUrl));
  try {
    await recordInstall(database.prisma, shop, null);
    const id = offlineSessionId(shop);
    await forShop(database.prisma, shop).session.upsert({
      where: { id },
      create: { id, shop, state: "demo", isOnline: false, accessToken, scope: "demo" },
      update: { accessToken, isOnline: false },
    });
    const client = adminClientFromToken({ shop, accessToken, endpoint: emulator.graphqlUrl });
    // Orders updated in the last --order-days days (default 30): paging months of orders
    // through the Admin API is throttle-bound (about 170 points a page of 8, 1,000
    // points/s restored on Plus), so the rest of the history is left to a bulk reconcile.
    const orderDays = Number(values["order-days"]);
    const report = await reconcileShop(database.prisma, shop, client, {
      ordersPageSize: 8,
      ordersUpdatedSince: new Date(Date.now() - orderDays * 86_400_000),
      onProgress: (stage, done) => process.stdout.write(`\r[demo] initial sync: ${stage} ${done}      `),
    });
    process.stdout.write("\n");
    log(`initial sync: ${report.products} products, ${report.variants} variants, ${report.orders} orders in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await database.close(); // releases the PGlite lock for the app
  }

  if (values["no-app"]) {
    await emulator.close();
    return;
  }

  if (!fs.existsSync(path.join(ROOT, "build/server/index.js"))) run("npx", ["remix", "vite:build"], env);
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, "server.js"), "./build/server/index.js"], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...env,
      PORT: String(port),
      SHOPIFY_API_KEY: apiKey,
      SHOPIFY_API_SECRET: apiSecret,
      SHOPIFY_APP_URL: appUrl,
      PEAKGUARD_DEMO_SHOP: shop,
      PEAKGUARD_ADMIN_API_URL: emulator.url,
    },
  });
  const stop = async () => {
    child.kill("SIGTERM");
    await emulator.close();
  };
  process.once("SIGINT", () => void stop().then(() => process.exit(0)));
  process.once("SIGTERM", () => void stop().then(() => process.exit(0)));
  child.once("exit", (code) => {
    log(`app exited (${code})`);
    void emulator.close().then(() => process.exit(code ?? 1));
  });

  for (let i = 0; i < 120; i++) {
    const ok = await fetch(`${appUrl}/app`).then((r) => r.status < 500, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  log(`ready: ${appUrl}/app   (emulator ${emulator.url}, Ctrl-C to stop)`);
}

main().catch((error: unknown) => {
  console.error("[demo] failed:", error);
  process.exit(1);
});
