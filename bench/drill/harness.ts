/**
 * The peak drill's engine: a realistic drop replayed into the store emulator at a fixed rate
 * for a bounded time, with Shopify's delivery behaviour on (duplicates, reordering, retries),
 * every webhook going over loopback HTTP to the app under drill; then the numbers.
 *
 *   const results = await runDrill({ seed, ordersPerMinute: 3000, durationMs: 60_000, startApp });
 *
 * What is measured, and where:
 * - ack: each delivery attempt's time from the emulator's sender posting it to the app's HTTP
 *   answer, timed by the poster this process hands the emulator (node:http on a keep-alive
 *   agent): what Shopify would wait. The drill process's own event-loop delay is reported next to it.
 * - processing lag: WebhookEvent.receivedAt → processedAt, read from the app's database.
 * - loss: event ids the emulator emitted (every X-Shopify-Event-Id it tried to deliver, plus
 *   events it never tried) minus event ids in the app's event log. `injectDrops` answers 200
 *   for N deliveries WITHOUT passing them to the app (a receiver that acknowledges and loses):
 *   the loss check must then fail.
 * - ATP read p99: the app's ATP read (app/services/inventory/atp.server.ts, when present) on
 *   the app's database during the load.
 * - checkout p99 per function: the checkout simulator in a worker thread (its own store from
 *   the seed, the kill-switch metafield at a typical peak state), one function at a time.
 *
 * Everything is bounded: the load loop by durationMs, draining by drainTimeoutMs.
 */
import fs from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import type { PrismaClient } from "@prisma/client";
import { startEmulator, type RunningEmulator } from "../../emulator/server";
import type { SeedFile } from "../../emulator/model";
import { createReturn } from "../../emulator/returns";
import { httpPoster, type WebhookKnobs, type WebhookPost } from "../../emulator/webhooks";
import { lossCheck, summarize, type DrillResults, type Summary } from "../../app/domain/peak/drill";
import { prng } from "../../emulator/ids";

export interface AppUnderDrill {
  /** Base URL; webhooks go to `${url}/webhooks/<topic>`. */
  url: string;
  /** A client on the app's database, for reading its event log (and ATP). */
  prisma: PrismaClient;
  /** The backlog cap the receiver enforces, if any, and what it does there. */
  backpressure: { cap: number | null; note: string };
  /** CPU the app has used so far, by thread (Linux /proc; null where it cannot be read), plus its database server's as DATABASE_CPU. */
  cpu?: () => ThreadCpu[] | null;
  close(): Promise<void>;
}

export interface ThreadCpu {
  /** The thread's name (comm) and id. */
  thread: string;
  cpuMs: number;
}

/** The entry of AppUnderDrill.cpu() that is the database server's CPU, not the app's. */
export const DATABASE_CPU = "PostgreSQL backends";

/** CPU used by each thread of process `pid` (user + system), from /proc; null off Linux. */
export function threadCpu(pid: number): ThreadCpu[] | null {
  const tick = 10; // ms per clock tick (USER_HZ is 100 on Linux)
  try {
    return fs.readdirSync(`/proc/${pid}/task`).map((tid) => {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return { thread: `${comm}#${tid}`, cpuMs: (Number(fields[11]) + Number(fields[12])) * tick };
    });
  } catch {
    return null;
  }
}

/** What each thread used between two readings, busiest first (threads under 1% of the total folded into "other"). */
export function cpuBetween(before: ThreadCpu[], after: ThreadCpu[]): ThreadCpu[] {
  const start = new Map(before.map((t) => [t.thread, t.cpuMs]));
  const used = after.map((t) => ({ thread: t.thread, cpuMs: t.cpuMs - (start.get(t.thread) ?? 0) })).sort((a, b) => b.cpuMs - a.cpuMs);
  const total = used.reduce((a, t) => a + t.cpuMs, 0);
  const shown = used.filter((t) => t.cpuMs >= total * 0.01);
  const other = total - shown.reduce((a, t) => a + t.cpuMs, 0);
  return other > 0 ? [...shown, { thread: "other", cpuMs: other }] : shown;
}

export interface StartAppOptions {
  port: number;
  emulatorUrl: string;
  accessToken: string;
  apiSecret: string;
  shop: string;
}

export interface DrillMix {
  /** Share of created orders cancelled a little later. */
  cancelRate: number;
  /** Share of created orders fulfilled, then returned (returns/request). */
  returnRate: number;
  /** Share of created orders fulfilled and refunded with restock. */
  refundRate: number;
  /** Inventory adjustments (restocks) per second. */
  inventoryPerSecond: number;
}

export const DEFAULT_MIX: DrillMix = { cancelRate: 0.03, returnRate: 0.02, refundRate: 0.01, inventoryPerSecond: 10 };

export interface DrillOptions {
  seed: SeedFile;
  /** Orders per minute to create (already 1.5 × the configured peak). */
  ordersPerMinute: number;
  durationMs: number;
  startApp: (options: StartAppOptions) => Promise<AppUnderDrill>;
  mix?: Partial<DrillMix>;
  /** The emulator's delivery knobs; default 5% duplicates, 250 ms reordering, fast retries. */
  webhooks?: Partial<WebhookKnobs> & { seed?: number };
  /** Topics the app subscribes to (null: every topic). */
  topics?: string[] | null;
  /** Acknowledge N deliveries without passing them to the app (loss-check self-test). */
  injectDrops?: number;
  drainTimeoutMs?: number;
  /** Orders created and processed before measuring (default 50; not counted). */
  warmUpOrders?: number;
  /** Checkout simulator sampling in a worker thread; null disables it. */
  /** nice: the sampler thread's nice value (0..19; omitted = the process's own). */
  checkout?: { intervalMs: number; functions: string[]; nice?: number } | null;
  /** An ATP read to time during the load, or null. */
  atpRead?: ((prisma: PrismaClient, shop: string) => Promise<unknown>) | null;
  atpIntervalMs?: number;
  randomSeed?: number;
  log?: (message: string) => void;
}

export interface DrillRun {
  results: DrillResults;
  startedAt: Date;
  finishedAt: Date;
  shop: string;
}

interface Attempt {
  eventId: string;
  topic: string;
  status: number | null;
  ms: number;
  dropped: boolean;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The emulator's webhook poster, wrapped to time every delivery attempt to the app (and to drop
 * N, when asked): `post` goes to the emulator as its transport.
 */
function instrumentedPoster(injectDrops: number): { post: WebhookPost; attempts: Attempt[]; reset(): void; close(): void; dropped: string[] } {
  const inner = httpPoster();
  const state = { attempts: [] as Attempt[], dropped: [] as string[], droppedIds: new Set<string>(), seen: new Set<string>(), dropsLeft: injectDrops, armed: false };
  const post: WebhookPost = async (url, headers, body, timeoutMs) => {
    const eventId = headers["X-Shopify-Event-Id"] ?? "";
    const topic = headers["X-Shopify-Topic"] ?? "";
    // The self-test: an orders/create event acknowledged and never stored — its first delivery
    // and every later one (duplicates, retries), so the app really never sees it.
    const pick = state.armed && state.dropsLeft > 0 && topic === "orders/create" && !state.seen.has(eventId);
    if (state.armed) state.seen.add(eventId);
    if (pick) {
      state.dropsLeft -= 1;
      state.dropped.push(eventId);
      state.droppedIds.add(eventId);
    }
    if (state.droppedIds.has(eventId)) {
      state.attempts.push({ eventId, topic, status: 200, ms: 0, dropped: true });
      return 200;
    }
    const started = performance.now();
    try {
      const status = await inner(url, headers, body, timeoutMs);
      state.attempts.push({ eventId, topic, status, ms: performance.now() - started, dropped: false });
      return status;
    } catch (error) {
      state.attempts.push({ eventId, topic, status: null, ms: performance.now() - started, dropped: false });
      throw error;
    }
  };
  return {
    post,
    attempts: state.attempts,
    dropped: state.dropped,
    reset() {
      state.attempts.length = 0;
      state.armed = true;
    },
    close() {
      inner.close();
    },
  };
}

interface StockedVariant {
  variantId: number;
  itemId: number;
  locationId: number;
}

function stockedVariants(emulator: RunningEmulator, limit: number): StockedVariant[] {
  const dump = emulator.store.dump() as unknown as {
    variants: { id: number; inventoryItemId: number }[];
    inventoryLevels: { itemId: number; locationId: number }[];
    locations: { id: number; isActive: boolean; fulfillsOnlineOrders?: boolean }[];
    inventoryItems: { id: number; tracked: boolean }[];
  };
  const active = dump.locations.filter((l) => l.isActive).map((l) => l.id);
  const firstLocation = active[0];
  const tracked = new Set(dump.inventoryItems.filter((i) => i.tracked).map((i) => i.id));
  const out: StockedVariant[] = [];
  for (const v of dump.variants) {
    if (!tracked.has(v.inventoryItemId)) continue;
    const level = dump.inventoryLevels.find((l) => l.itemId === v.inventoryItemId && l.locationId === firstLocation);
    if (level) out.push({ variantId: v.id, itemId: v.inventoryItemId, locationId: level.locationId });
    if (out.length >= limit) break;
  }
  return out;
}

async function waitFor(predicate: () => Promise<boolean>, timeoutMs: number, everyMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return true;
    await sleep(everyMs);
  }
  return predicate();
}

const UNFINISHED = ["received", "processing", "retrying"];

export async function runDrill(options: DrillOptions): Promise<DrillRun> {
  const log = options.log ?? (() => undefined);
  const mix = { ...DEFAULT_MIX, ...options.mix };
  const random = prng(options.randomSeed ?? 20261127);
  const shop = options.seed.shop.myshopifyDomain;
  const apiSecret = `drill-${Math.floor(random() * 1e12).toString(16)}`;
  const accessToken = `shpat_drill_${Math.floor(random() * 1e12).toString(16)}`;
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const notes: string[] = [];

  const knobs: Partial<WebhookKnobs> & { seed?: number } = {
    duplicateProbability: 0.05,
    duplicateCount: 1,
    reorderWindowMs: 250,
    // Retries come back in seconds, not hours (a 503 at the cap is retried within the drill).
    timeScale: 0.01,
    // …and jittered (±20%), so a burst refused at the backlog cap does not return in lockstep.
    retryJitter: 0.2,
    seed: 7,
    ...options.webhooks,
    topics: options.topics ?? null,
  };
  const deliveryLog = instrumentedPoster(options.injectDrops ?? 0);
  const emulator = await startEmulator({
    seed: options.seed,
    appUrl,
    apiSecret,
    accessToken,
    webhooks: { ...knobs, post: deliveryLog.post },
    throttle: { maximumAvailable: 10_000, restoreRate: 1_000 },
  });
  let app: AppUnderDrill | null = null;
  let worker: Worker | null = null;
  let workerAnswer: Promise<DrillResults["checkout"]> | null = null;
  try {
    app = await options.startApp({ port, emulatorUrl: emulator.url, accessToken, apiSecret, shop });
    log(`app under drill on ${app.url}; emulator on ${emulator.url}`);

    // The checkout sampler is set up first: its setup (building the functions) is not load.
    if (options.checkout) {
      worker = new Worker(path.resolve(import.meta.dirname, "checkout-worker.ts"), {
        workerData: { seed: options.seed, intervalMs: options.checkout.intervalMs, functions: options.checkout.functions, nice: options.checkout.nice },
        execArgv: ["--import", "tsx"],
      });
      worker.on("error", (error) => notes.push(`checkout worker: ${error.message}`));
      if (options.checkout.nice !== undefined) notes.push(`checkout sampler thread at nice ${options.checkout.nice} (it stands in for Shopify's checkout hosts; its wall times include waiting for a core, its instructions do not)`);
      // "ready" once set up (before the load, so building the functions does not compete with
      // it); then its one answer: the samples after "stop", or at once when its setup failed.
      const w = worker;
      let ready: () => void = () => undefined;
      const isReady = new Promise<void>((resolve) => (ready = resolve));
      workerAnswer = new Promise((resolve) => {
        w.on("message", (message: { ready?: true; checkout?: DrillResults["checkout"]; error?: string }) => {
          if (message.ready) return ready();
          if (message.error) notes.push(`checkout sampler: ${message.error}`);
          ready();
          resolve(message.checkout ?? []);
        });
      });
      await Promise.race([isReady, sleep(120_000)]);
    }

    // Warm-up: stock up the variants the drop sells, then a few orders through the order
    // handlers (a store's app has taken orders before its drop starts: code and statements
    // warm); their webhooks are delivered and processed before measuring starts.
    const pool = stockedVariants(emulator, 200);
    if (pool.length === 0) throw new Error("the seed has no tracked variant stocked at an active location");
    emulator.store.applyInventory({
      reason: "received",
      referenceDocumentUri: "peakguard://drill/warm-up",
      deltas: pool.map((v) => ({ itemId: v.itemId, locationId: v.locationId, name: "available" as const, delta: 1_000_000 })),
    });
    for (let i = 0; i < (options.warmUpOrders ?? 50); i++) {
      emulator.store.createOrder({ lineItems: [{ variantId: pool[i % pool.length]!.variantId, quantity: 1 }], financialStatus: "PAID", email: `warm-up${i}@drill.example`, tags: ["drill", "warm-up"] });
      if (i % 10 === 9) await sleep(100);
    }
    await emulator.webhooks.flush();
    const appDb = app.prisma;
    await waitFor(async () => (await appDb.webhookEvent.count({ where: { shop, status: { in: UNFINISHED } } })) === 0, 30_000);

    // Measure from here.
    deliveryLog.reset();
    const statsBefore = emulator.webhooks.stats();
    let emittedAfter = 0;
    const byTopic: Record<string, number> = {};
    const topicFilter = knobs.topics ? new Set(knobs.topics) : null;
    const unsubscribe = emulator.store.on((event) => {
      if (topicFilter && !topicFilter.has(event.topic)) return;
      emittedAfter += 1;
      byTopic[event.topic] = (byTopic[event.topic] ?? 0) + 1;
    });

    if (worker) worker.postMessage("start");

    const cpuBefore = app.cpu?.() ?? null;
    const drillCpuBefore = process.cpuUsage();
    const loadBefore = os.loadavg();
    const eld = monitorEventLoopDelay({ resolution: 10 });
    eld.enable();
    const orderRate = options.ordersPerMinute / 60_000; // per ms
    const inventoryRate = mix.inventoryPerSecond / 1000;
    const counts = { created: 0, cancelled: 0, returned: 0, refunded: 0, inventoryUpdates: 0 };
    const followUps: { at: number; run: () => void }[] = [];
    const atpMs: number[] = [];
    let atpError: string | null = null;
    const atpRead = options.atpRead ?? null;
    const atpEvery = options.atpIntervalMs ?? 100;
    const started = performance.now();
    const startedAt = new Date();
    let nextAtp = 0;
    let atpBusy = false;
    log(`load: ${options.ordersPerMinute} orders/min for ${options.durationMs / 1000} s`);
    // Bounded: one pass every ~5 ms until durationMs has elapsed.
    for (let elapsed = 0; elapsed < options.durationMs; elapsed = performance.now() - started) {
      const dueOrders = Math.floor(elapsed * orderRate) - counts.created;
      for (let i = 0; i < dueOrders; i++) {
        const lines = 1 + Math.floor(random() * 3);
        const lineItems = Array.from({ length: lines }, () => ({ variantId: pool[Math.floor(random() * pool.length)]!.variantId, quantity: 1 + Math.floor(random() * 2) }));
        const order = emulator.store.createOrder({ lineItems, financialStatus: "PAID", email: `buyer${counts.created}@drill.example`, tags: ["drill"] });
        counts.created += 1;
        const roll = random();
        if (roll < mix.cancelRate) {
          followUps.push({ at: elapsed + 500 + random() * 2000, run: () => (emulator.store.cancelOrder(order.id, { reason: "CUSTOMER", restock: true }), (counts.cancelled += 1)) });
        } else if (roll < mix.cancelRate + mix.returnRate) {
          followUps.push({
            at: elapsed + 1000 + random() * 3000,
            run: () => {
              const fulfilled = emulator.store.fulfillOrder(order.id);
              const line = fulfilled.fulfillments[0]?.lines[0];
              const lineItem = fulfilled.lineItems.find((l) => l.id === line?.lineItemId);
              if (line && lineItem) {
                createReturn(emulator.store, {
                  order: fulfilled,
                  status: "REQUESTED",
                  lines: [{ fulfillmentLineItemId: line.id, line: lineItem, quantity: 1, restockingFeePercentage: null, returnReason: "SIZE_TOO_SMALL", returnReasonNote: "", customerNote: null }],
                  shippingFee: null,
                });
                counts.returned += 1;
              }
            },
          });
        } else if (roll < mix.cancelRate + mix.returnRate + mix.refundRate) {
          followUps.push({
            at: elapsed + 1000 + random() * 3000,
            run: () => {
              const line = order.lineItems[0];
              if (line) {
                emulator.store.refundOrder(order.id, { lines: [{ lineItemId: line.id, quantity: 1, restock: true }], note: "drill refund" });
                counts.refunded += 1;
              }
            },
          });
        }
      }
      const dueInventory = Math.floor(elapsed * inventoryRate) - counts.inventoryUpdates;
      for (let i = 0; i < dueInventory; i++) {
        const v = pool[Math.floor(random() * pool.length)]!;
        emulator.store.applyInventory({ reason: "received", referenceDocumentUri: "peakguard://drill/restock", deltas: [{ itemId: v.itemId, locationId: v.locationId, name: "available", delta: 5 }] });
        counts.inventoryUpdates += 1;
      }
      for (let i = followUps.length - 1; i >= 0; i--) {
        const follow = followUps[i]!;
        if (follow.at <= elapsed) {
          followUps.splice(i, 1);
          try {
            follow.run();
          } catch (error) {
            notes.push(`follow-up failed: ${(error as Error).message}`);
          }
        }
      }
      if (atpRead && !atpBusy && elapsed >= nextAtp) {
        nextAtp = elapsed + atpEvery;
        atpBusy = true;
        const t0 = performance.now();
        void atpRead(appDb, shop)
          .then(() => atpMs.push(performance.now() - t0))
          .catch((error: unknown) => (atpError = error instanceof Error ? error.message : String(error)))
          .finally(() => (atpBusy = false));
      }
      await sleep(5);
    }
    const loadMs = performance.now() - started;
    eld.disable();
    log(`load done: ${counts.created} orders in ${(loadMs / 1000).toFixed(1)} s; ${followUps.length} follow-ups not yet due (skipped)`);
    if (followUps.length > 0) notes.push(`${followUps.length} cancellations/returns scheduled after the end were not run`);

    let checkout: DrillResults["checkout"] = [];
    if (worker) {
      const w = worker;
      w.postMessage("stop");
      let timer: NodeJS.Timeout | undefined;
      checkout = await Promise.race([
        workerAnswer ?? Promise.resolve([]),
        new Promise<DrillResults["checkout"]>((resolve) => {
          timer = setTimeout(() => {
            notes.push("checkout sampler: no answer 30 s after stop");
            resolve([]);
          }, 30_000);
        }),
      ]);
      clearTimeout(timer);
      await w.terminate();
      worker = null;
    }

    // Drain: every delivery delivered or dead, then every stored event processed.
    const drainTimeout = options.drainTimeoutMs ?? 120_000;
    const flushed = await Promise.race([emulator.webhooks.flush().then(() => true), sleep(drainTimeout).then(() => false)]);
    if (!flushed) notes.push(`deliveries still pending after ${drainTimeout / 1000} s`);
    const drained = await waitFor(async () => (await appDb.webhookEvent.count({ where: { shop, status: { in: UNFINISHED } } })) === 0, drainTimeout, 250);
    if (!drained) notes.push(`events still unprocessed after ${drainTimeout / 1000} s`);
    unsubscribe();
    const finishedAt = new Date();
    const cpuAfter = app.cpu?.() ?? null;
    const drillCpu = process.cpuUsage(drillCpuBefore);
    const loadAfter = os.loadavg();

    // Numbers.
    const stats = emulator.webhooks.stats();
    const attempts = deliveryLog.attempts;
    const ok = attempts.filter((a) => !a.dropped && a.status !== null && a.status >= 200 && a.status < 300);
    const refused: Record<string, number> = {};
    for (const a of attempts) {
      if (a.status !== null && a.status >= 200 && a.status < 300) continue;
      const key = a.status === null ? "no answer" : String(a.status);
      refused[key] = (refused[key] ?? 0) + 1;
    }
    const emittedIds = [...new Set(attempts.map((a) => a.eventId).filter(Boolean))];
    const logged = await appDb.webhookEvent.findMany({
      where: { shop, eventKey: { in: emittedIds } },
      select: { eventKey: true, status: true, receivedAt: true, processedAt: true, lastError: true, outcome: true },
    });
    const loss = lossCheck(
      attempts.map((a) => ({ eventId: a.eventId, acknowledged: a.status !== null && a.status >= 200 && a.status < 300 })),
      logged.map((e) => e.eventKey),
      { emittedCount: emittedAfter, senderFinished: flushed }
    );
    const lag = logged.filter((e) => e.processedAt).map((e) => e.processedAt!.getTime() - e.receivedAt.getTime());
    const errors: Record<string, number> = {};
    for (const e of logged) {
      if (e.lastError) {
        const key = e.lastError.slice(0, 120);
        errors[key] = (errors[key] ?? 0) + 1;
      }
    }
    const results: DrillResults = {
      durationMs: Math.round(loadMs),
      orders: counts,
      ordersPerMinute: (counts.created / loadMs) * 60_000,
      webhooks: {
        events: emittedAfter,
        attempts: attempts.length,
        duplicates: stats.duplicates - statsBefore.duplicates,
        refused,
        dead: stats.dead - statsBefore.dead,
        byTopic,
      },
      ack: roundSummary(summarize(ok.map((a) => a.ms))),
      lag: roundSummary(summarize(lag)),
      processing: {
        processed: logged.filter((e) => e.status === "processed").length,
        unprocessed: logged.filter((e) => UNFINISHED.includes(e.status)).length,
        dead: logged.filter((e) => e.status === "dead").length,
        errors,
      },
      loss,
      atp: { ...roundSummary(summarize(atpMs)), note: atpRead ? atpError : "not measured: no ATP read in the app to time" },
      checkout,
      backpressure: { cap: app.backpressure.cap, refusals: refused["503"] ?? 0, note: app.backpressure.note },
      notes: [
        ...notes,
        `machine: ${os.cpus().length} CPU(s), load average (1 min) ${loadBefore[0]!.toFixed(2)} at the start, ${loadAfter[0]!.toFixed(2)} at the end`,
        ...(cpuBefore && cpuAfter
          ? (() => {
              const isDatabase = (t: ThreadCpu) => t.thread === DATABASE_CPU;
              const used = cpuBetween(cpuBefore.filter((t) => !isDatabase(t)), cpuAfter.filter((t) => !isDatabase(t)));
              const database = (cpuAfter.find(isDatabase)?.cpuMs ?? 0) - (cpuBefore.find(isDatabase)?.cpuMs ?? 0);
              const total = used.reduce((a, t) => a + t.cpuMs, 0);
              const perDelivery = attempts.length > 0 ? total / attempts.length : 0;
              return [
                `app CPU from load start to drained: ${(total / 1000).toFixed(1)} s (${perDelivery.toFixed(2)} ms per delivery attempt, ${(emittedAfter > 0 ? total / emittedAfter : 0).toFixed(2)} ms per event); by thread: ${used.map((t) => `${t.thread} ${(t.cpuMs / 1000).toFixed(1)} s`).join(", ")}`,
                ...(cpuAfter.some(isDatabase) ? [`PostgreSQL backends of the app's database over the same time: ${(database / 1000).toFixed(1)} s (backends that exited meanwhile not counted)`] : []),
              ];
            })()
          : []),
        `drill process CPU (emulator, sender, ATP reads) over the same time: ${((drillCpu.user + drillCpu.system) / 1e6).toFixed(1)} s`,
        `drill process event-loop delay p99 ${(eld.percentile(99) / 1e6).toFixed(1)} ms, max ${(eld.max / 1e6).toFixed(1)} ms (ack times include it)`,
        ...(deliveryLog.dropped.length > 0 ? [`injected: ${deliveryLog.dropped.length} delivery(ies) acknowledged without reaching the app (${deliveryLog.dropped.join(", ")})`] : []),
      ],
    };
    return { results, startedAt, finishedAt, shop };
  } finally {
    deliveryLog.close();
    if (worker) await worker.terminate();
    await app?.close();
    await emulator.close();
  }
}

function roundSummary<T extends Summary>(s: T): T {
  const r = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
  return { ...s, p50: r(s.p50), p95: r(s.p95), p99: r(s.p99), max: r(s.max) };
}
