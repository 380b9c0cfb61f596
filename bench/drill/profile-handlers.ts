/**
 * Where processing time goes, per topic: a short, unhurried drop (default 600 orders/min for
 * 10 s) through the in-process app on a throwaway PostgreSQL database, every handler timed
 * (wall and this process's CPU while it ran). For choosing what to optimise, not a target.
 *
 *   npx tsx bench/drill/profile-handlers.ts [--rate 600] [--duration 10]
 */
import path from "node:path";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { HANDLERS } from "../../app/services/webhooks/handlers.server";
import { readSeedFile } from "../../emulator/store";
import { run, ROOT } from "./app";
import { runDrill } from "./harness";
import { inProcessApp } from "./in-process-app";

const { values } = parseArgs({ options: { rate: { type: "string", default: "600" }, duration: { type: "string", default: "10" } } });
const admin = "postgresql://postgres@127.0.0.1:5432/postgres";
const name = `peakguard_profile_${process.pid}_${randomBytes(3).toString("hex")}`;
const c = new pg.Client({ connectionString: admin });
await c.connect();
await c.query(`CREATE DATABASE "${name}"`);
await c.end();
const url = `postgresql://postgres@127.0.0.1:5432/${name}`;
try {
  run("npx", ["prisma", "migrate", "deploy"], { ...process.env, DATABASE_URL: url });
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }), log: [{ emit: "event", level: "query" }] });
  // The worker runs one handler at a time: a query is charged to the handler running.
  let current: string | null = null;
  const queries = new Map<string, Map<string, number>>();
  // The receiver runs in this process too: its WebhookEvent writes and backlog counts are not the handler's.
  let receiverQueries = 0;
  prisma.$on("query", (e) => {
    if (!current) return;
    if (e.query.includes('"WebhookEvent"')) {
      receiverQueries += 1;
      return;
    }
    const byTopic = queries.get(current) ?? new Map<string, number>();
    const sql = e.query.replace(/\$\d+/g, "?").replace(/\s+/g, " ").slice(0, 140);
    byTopic.set(sql, (byTopic.get(sql) ?? 0) + 1);
    queries.set(current, byTopic);
  });
  const stats = new Map<string, { n: number; wall: number; cpu: number }>();
  for (const topic of Object.keys(HANDLERS) as (keyof typeof HANDLERS)[]) {
    const original = HANDLERS[topic];
    HANDLERS[topic] = async (ctx) => {
      current = topic;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      try {
        return await original(ctx);
      } finally {
        current = null;
        const s = stats.get(topic) ?? { n: 0, wall: 0, cpu: 0 };
        const cu = process.cpuUsage(c0);
        s.n += 1;
        s.wall += performance.now() - t0;
        s.cpu += (cu.user + cu.system) / 1000;
        stats.set(topic, s);
      }
    };
  }
  const c0 = process.cpuUsage();
  const { results } = await runDrill({
    seed: readSeedFile(path.join(ROOT, "emulator/seed/default.json")),
    ordersPerMinute: Number(values.rate),
    durationMs: Number(values.duration) * 1000,
    startApp: inProcessApp(prisma),
    checkout: null,
    drainTimeoutMs: 120_000,
  });
  const cu = process.cpuUsage(c0);
  console.log(`events ${results.webhooks.events}, attempts ${results.webhooks.attempts}; process CPU ${((cu.user + cu.system) / 1000).toFixed(0)} ms`);
  console.log(`ack p50 ${results.ack.p50} p99 ${results.ack.p99}; lag p50 ${results.lag.p50} p99 ${results.lag.p99}; errors ${JSON.stringify(results.processing.errors)}`);
  console.log("topic                          n   wall/ev ms  cpu*/ev ms  (cpu*: whole process while the handler ran)");
  for (const [topic, s] of [...stats].sort((a, b) => b[1].wall - a[1].wall)) {
    console.log(`${topic.padEnd(28)} ${String(s.n).padStart(5)} ${(s.wall / s.n).toFixed(2).padStart(10)} ${(s.cpu / s.n).toFixed(2).padStart(10)}`);
  }
  // What the handlers answered, per topic (first words of the outcome): "stale" is a write the mirror's guard refused.
  const outcomes = new Map<string, number>();
  for (const e of await prisma.webhookEvent.findMany({ select: { topic: true, outcome: true } })) {
    const key = `${e.topic}: ${(e.outcome ?? "(none)").replace(/^available -?\d+ at \S+: /, "").split(/[;:]/)[0]}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  }
  console.log("\noutcomes:");
  for (const [key, n] of [...outcomes].sort()) console.log(`  ${String(n).padStart(5)}  ${key}`);
  console.log(`\nqueries per event below: the handler's own (${receiverQueries} receiver queries on WebhookEvent while handlers ran left out); a transaction's BEGIN is not logged by Prisma (its COMMIT is)`);
  for (const [topic, byTopic] of queries) {
    const n = stats.get(topic)?.n ?? 1;
    const total = [...byTopic.values()].reduce((a, b) => a + b, 0);
    console.log(`\n${topic}: ${(total / n).toFixed(1)} queries per event`);
    for (const [sql, count] of [...byTopic].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${(count / n).toFixed(2).padStart(6)}  ${sql}`);
  }
  await prisma.$disconnect();
} finally {
  const d = new pg.Client({ connectionString: admin });
  await d.connect();
  await d.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await d.end();
}
