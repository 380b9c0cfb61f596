/**
 * `npm run drill` — the peak readiness drill ("peak is a drill, not a deploy").
 *
 * Replays a realistic drop against the store emulator — orders (paid, 1–3 lines), restocks,
 * cancellations, returns and refunds — at 1.5 × the configured peak for a bounded time, with
 * Shopify's delivery behaviour on (5% duplicates, 250 ms reordering, retries), every webhook
 * over loopback HTTP into the BUILT app (its own process, its own throwaway PostgreSQL
 * database, its WebhookWorker thread). Then reports ack p50/p99, processing lag, errors, ATP read p99,
 * checkout-simulator p99 per function and whether any event was lost; judges them against
 * the targets (≥ 3,000 orders/min, ack p99 ≤ 50 ms, lag p99 ≤ 2 s, 0 lost), stores the
 * report (DrillReport) for the Peak page and exits 1 when a check fails.
 *
 *   npm run drill -- [--duration 60] [--peak 2000] [--factor 1.5] [--inject-drop 1]
 *                    [--database-url postgresql://…] [--report-url pglite:./data/demo | --no-store]
 *                    [--seed-file FILE | --demo-seed N] [--duplicates 0.05] [--reorder-ms 250]
 *                    [--no-checkout] [--drain-timeout 120] [--backlog-cap N] [--json]
 *
 * --peak           the configured peak in orders/min (default: the Peak settings of the report
 *                  database for the shop, else 2,000); the drill runs at peak × factor
 * --database-url   the app-under-drill's database (default: a throwaway PostgreSQL database on
 *                  127.0.0.1:5432, created and dropped here)
 * --report-url     where the report is stored (default: DATABASE_URL, else pglite:./data/demo,
 *                  the demo's database — stop the demo first, PGlite has one writer)
 * --inject-drop N  acknowledge N orders/create deliveries without passing them to the app:
 *                  the loss check must fail (a self-test of the drill)
 * --drain-timeout  seconds to wait, after the load, for deliveries to finish and then for the
 *                  app to process what it stored (each)
 * --checkout-interval-ms  pause between checkout-simulator samples, one function each, in turn
 *                  (default 1000: the sampler shares the two cores with the app, so it is kept light)
 * --checkout-nice N  the sampler thread's nice value, 0..19 (default 19). The simulator stands in
 *                  for Shopify's checkout, which runs functions on Shopify's hosts, not on the
 *                  app's cores: at 19 it takes what the app under drill leaves (its instruction
 *                  counts do not change; its wall times then include waiting for a core)
 * --backlog-cap N  sets PEAKGUARD_WEBHOOK_BACKLOG_CAP for the app (reported; enforced once the
 *                  receiver calls app/services/peak/backpressure.server.ts)
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { parse as parseToml } from "smol-toml";
import { DEFAULT_TARGETS, judge, type DrillTargets } from "../app/domain/peak/drill";
import { openDatabase } from "../app/db.server";
import { resolveDatabaseTarget } from "../app/services/db/database-url";
import { forShop } from "../app/services/db/scoped.server";
import { readSeedFile } from "../emulator/store";
import type { SeedFile } from "../emulator/model";
import { builtApp, ROOT, run } from "../bench/drill/app";
import { runDrill } from "../bench/drill/harness";
import { formatReport } from "../bench/drill/report";
import { storeDrillReport } from "../app/services/peak/drill-reports.server";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "60" },
    peak: { type: "string" },
    factor: { type: "string", default: "1.5" },
    "inject-drop": { type: "string", default: "0" },
    "database-url": { type: "string" },
    "report-url": { type: "string" },
    "no-store": { type: "boolean", default: false },
    "seed-file": { type: "string" },
    "demo-seed": { type: "string" },
    duplicates: { type: "string", default: "0.05" },
    "reorder-ms": { type: "string", default: "250" },
    "no-checkout": { type: "boolean", default: false },
    "checkout-interval-ms": { type: "string", default: "1000" },
    "checkout-nice": { type: "string", default: "19" },
    "backlog-cap": { type: "string" },
    "drain-timeout": { type: "string", default: "120" },
    json: { type: "boolean", default: false },
  },
});

const log = (message: string) => {
  if (!values.json) console.log(`[drill] ${message}`);
};

function niceValue(value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 19) throw new Error(`--checkout-nice must be an integer from 0 to 19, got "${value}"`);
  return n;
}

function number(name: string, value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number ≥ 0, got "${value}"`);
  return n;
}

async function loadSeed(): Promise<SeedFile> {
  if (values["seed-file"]) return readSeedFile(path.resolve(values["seed-file"]));
  const generator = path.join(ROOT, "emulator/seed/generate.ts");
  if (values["demo-seed"] && fs.existsSync(generator)) {
    const { generateDemoSeed } = (await import(generator)) as { generateDemoSeed: (o: { seed: number; now?: Date }) => SeedFile };
    return generateDemoSeed({ seed: Number(values["demo-seed"]), now: new Date() });
  }
  return readSeedFile(path.join(ROOT, "emulator/seed/default.json"));
}

/** The topics shopify.app.toml subscribes to (the emulator delivers only those, like Shopify). */
function subscribedTopics(): string[] {
  const toml = parseToml(fs.readFileSync(path.join(ROOT, "shopify.app.toml"), "utf8")) as {
    webhooks?: { subscriptions?: { topics?: string[]; compliance_topics?: string[] }[] };
  };
  return [...new Set((toml.webhooks?.subscriptions ?? []).flatMap((s) => [...(s.topics ?? []), ...(s.compliance_topics ?? [])]))];
}

/** A throwaway PostgreSQL database for the app under drill. */
async function throwawayDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = "postgresql://postgres@127.0.0.1:5432/postgres";
  const name = `peakguard_drill_${process.pid}_${randomBytes(3).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`the drill runs the app on PostgreSQL (production's database); 127.0.0.1:5432 is not reachable (${(error as Error).message}). Pass --database-url.`);
  }
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  return {
    url: `postgresql://postgres@127.0.0.1:5432/${name}`,
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

async function configuredPeak(reportUrl: string | null, shop: string): Promise<{ peak: number; source: string }> {
  if (values.peak) return { peak: number("peak", values.peak), source: "--peak" };
  if (!reportUrl) return { peak: 2_000, source: "default" };
  try {
    const database = openDatabase(resolveDatabaseTarget(reportUrl));
    try {
      const settings = await forShop(database.prisma, shop).peakSettings.findFirst();
      return settings ? { peak: settings.peakOrdersPerMinute, source: "Peak settings" } : { peak: 2_000, source: "default (no Peak settings yet)" };
    } finally {
      await database.close();
    }
  } catch (error) {
    // A database not set up yet (the report is stored once it is migrated) is the common case.
    const message = error instanceof Error ? error.message : String(error);
    const why = /does not exist/.test(message) ? "no Peak settings yet: the report database is not set up" : `report database unreadable: ${message.trim().split("\n").pop()}`;
    return { peak: 2_000, source: `default (${why})` };
  }
}

async function atpReader(): Promise<((prisma: import("@prisma/client").PrismaClient, shop: string) => Promise<unknown>) | null> {
  const file = path.join(ROOT, "app/services/inventory/atp.server.ts");
  if (!fs.existsSync(file)) return null;
  const mod = (await import(file)) as { levelAtps?: (db: unknown, query?: object) => Promise<unknown> };
  const levelAtps = mod.levelAtps;
  return levelAtps ? (prisma, shop) => levelAtps(forShop(prisma, shop), {}) : null;
}

async function main(): Promise<number> {
  const seed = await loadSeed();
  const shop = seed.shop.myshopifyDomain;
  const reportUrl = values["no-store"] ? null : values["report-url"] ?? process.env.DATABASE_URL ?? "pglite:./data/demo";
  const { peak, source } = await configuredPeak(reportUrl, shop);
  const factor = number("factor", values.factor);
  const ordersPerMinute = Math.round(peak * factor);
  const durationMs = number("duration", values.duration) * 1000;
  const targets: DrillTargets = { ...DEFAULT_TARGETS, ordersPerMinute: Math.max(ordersPerMinute, 0) };
  log(`configured peak ${peak} orders/min (${source}) × ${factor} = ${ordersPerMinute} orders/min for ${durationMs / 1000} s`);

  const throwaway = values["database-url"] ? null : await throwawayDatabase();
  const databaseUrl = values["database-url"] ?? throwaway!.url;
  const backlogCap = values["backlog-cap"] ? number("backlog-cap", values["backlog-cap"]) : null;
  const config = {
    configuredPeak: peak,
    peakSource: source,
    factor,
    ordersPerMinute,
    durationMs,
    duplicates: number("duplicates", values.duplicates),
    reorderMs: number("reorder-ms", values["reorder-ms"]),
    injectDrops: number("inject-drop", values["inject-drop"]),
    app: `built app (server.js: webhooks straight to their routes, the rest through Remix), WebhookWorker in its own thread (nice ${process.env.PEAKGUARD_WEBHOOK_WORKER_NICE || 10}), PostgreSQL`,
    machine: `${(await import("node:os")).cpus().length} CPU(s), Node ${process.version}`,
  };
  try {
    const drill = await runDrill({
      seed,
      ordersPerMinute,
      durationMs,
      startApp: builtApp({ databaseUrl, backlogCap, log, env: backlogCap !== null ? { PEAKGUARD_WEBHOOK_BACKLOG_CAP: String(backlogCap) } : undefined }),
      webhooks: { duplicateProbability: config.duplicates, reorderWindowMs: config.reorderMs },
      topics: subscribedTopics(),
      injectDrops: config.injectDrops,
      drainTimeoutMs: number("drain-timeout", values["drain-timeout"]) * 1000,
      checkout: values["no-checkout"] ? null : { intervalMs: number("checkout-interval-ms", values["checkout-interval-ms"]), nice: niceValue(values["checkout-nice"]), functions: ["payment-kill-switch", "delivery-kill-switch", "promotion-stacking", "checkout-validation", "location-routing"] },
      atpRead: await atpReader(),
      log,
    });
    const verdict = judge(drill.results, targets);
    const report = { config, targets, results: drill.results, verdicts: verdict.verdicts, passed: verdict.passed };
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else console.log(formatReport(report));
    if (reportUrl) {
      try {
        run("npx", ["prisma", "migrate", "deploy"], { ...process.env, DATABASE_URL: reportUrl });
        const database = openDatabase(resolveDatabaseTarget(reportUrl));
        try {
          const id = await storeDrillReport(database.prisma, drill.shop, { startedAt: drill.startedAt, finishedAt: drill.finishedAt, passed: verdict.passed, report });
          log(`report ${id} stored in ${database.describe} for ${drill.shop}: the Peak page shows it`);
        } finally {
          await database.close();
        }
      } catch (error) {
        const file = path.join(ROOT, "data/drill-report.json");
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify(report, null, 2));
        console.error(`[drill] could not store the report in ${reportUrl} (${(error as Error).message}); written to ${file}`);
      }
    }
    return verdict.passed ? 0 : 1;
  } finally {
    await throwaway?.drop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error("[drill] failed:", error instanceof Error ? error.message : error);
    process.exit(2);
  }
);
