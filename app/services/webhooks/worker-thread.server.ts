/**
 * Where the webhook worker runs, so that receiving (HMAC, one INSERT, 200) never waits behind
 * processing on one event loop.
 *
 * PEAKGUARD_WEBHOOK_WORKER:
 *   auto (unset, or "on")  a thread of its own on PostgreSQL in the built server; in the
 *                          receiving process otherwise (PGlite is one process's: only that
 *                          process may open its directory; Vite's dev server serves TypeScript a
 *                          thread cannot load)
 *   thread                 the thread, or an error naming why it cannot be
 *   in-process             on the receiving process's event loop (the way it was)
 *   off                    this process does not process stored events (another one does)
 *
 * The thread loads the server build itself (the module this file is bundled into) with a
 * role in its workerData: app/entry.server.tsx sees the role and starts only the worker loop
 * there (no HTTP server, no inventory jobs, no schedulers). It opens its own database client,
 * claims in batches and processes WORKER_CONCURRENCY resources at a time; the receiving thread
 * kicks it with a message after each stored event. If the thread dies it is started again after
 * a second; events it was processing keep their lease and are claimed again when it expires.
 */
import os from "node:os";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { DatabaseTarget } from "../db/database-url";
import { WebhookWorker } from "./processor.server";

export const WEBHOOK_THREAD_ROLE = "peakguard-webhook-worker";
export const WORKER_MODE_ENV = "PEAKGUARD_WEBHOOK_WORKER";
/** Resources processed at the same time by the worker thread (PostgreSQL). */
export const WORKER_CONCURRENCY = 8;
/**
 * The worker thread's nice value (Linux: per thread; 0..19, PEAKGUARD_WEBHOOK_WORKER_NICE):
 * when the CPU is short, acknowledging (HTTP thread) goes first and processing takes what is
 * left — a burst costs processing lag, not acknowledgement time.
 */
export const WORKER_NICE_ENV = "PEAKGUARD_WEBHOOK_WORKER_NICE";
export const DEFAULT_WORKER_NICE = 10;

export function workerNice(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return DEFAULT_WORKER_NICE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 19) throw new WorkerModeError(`${WORKER_NICE_ENV} must be an integer from 0 to 19, got "${raw}"`);
  return n;
}

export type WorkerMode = "off" | "in-process" | "thread";

export class WorkerModeError extends Error {
  override name = "WorkerModeError";
}

/** The worker's place for this process, from PEAKGUARD_WEBHOOK_WORKER, the database and how the server was loaded. */
export function webhookWorkerMode(raw: string | undefined, database: DatabaseTarget["kind"], moduleUrl: string): WorkerMode {
  const value = (raw ?? "").trim().toLowerCase();
  const threadable = database === "postgres" && moduleUrl.startsWith("file:") && moduleUrl.endsWith(".js");
  switch (value) {
    case "off":
    case "in-process":
      return value;
    case "thread":
      if (database !== "postgres") {
        throw new WorkerModeError(`${WORKER_MODE_ENV}=thread needs PostgreSQL: the embedded PGlite database belongs to one process and one thread (use in-process or auto)`);
      }
      if (!threadable) throw new WorkerModeError(`${WORKER_MODE_ENV}=thread needs the built server (npm run build && npm start); ${moduleUrl} cannot be loaded by a thread`);
      return "thread";
    case "":
    case "auto":
    case "on":
      return threadable ? "thread" : "in-process";
    default:
      throw new WorkerModeError(`${WORKER_MODE_ENV} must be auto, thread, in-process or off, got "${raw}"`);
  }
}

/** True in the thread started by WebhookWorkerThread. */
export function isWebhookWorkerThread(): boolean {
  return !isMainThread && (workerData as { role?: unknown } | null)?.role === WEBHOOK_THREAD_ROLE;
}

/** The URL of the module this code is in: in the built server, the server build's chunk. */
export const SERVER_MODULE_URL = import.meta.url;

/** The receiving side's handle on the worker thread. */
export class WebhookWorkerThread {
  private worker: Worker | null = null;
  private stopped = false;
  private kickQueued = false;

  constructor(private readonly entry: URL) {}

  start(): this {
    this.spawn();
    return this;
  }

  private spawn(): void {
    if (this.stopped) return;
    const worker = new Worker(this.entry, { workerData: { role: WEBHOOK_THREAD_ROLE } });
    worker.unref();
    worker.on("error", (error) => console.error("[webhooks] worker thread failed", error));
    worker.on("exit", (code) => {
      if (this.worker === worker) this.worker = null;
      if (!this.stopped) {
        console.error(`[webhooks] worker thread exited (${code}); starting it again in 1 s`);
        setTimeout(() => this.spawn(), 1_000).unref();
      }
    });
    this.worker = worker;
  }

  /** Tells the thread there is work; kicks within one tick are one message. */
  kick(): void {
    if (this.kickQueued) return;
    this.kickQueued = true;
    queueMicrotask(() => {
      this.kickQueued = false;
      this.worker?.postMessage("kick");
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.worker?.terminate();
    this.worker = null;
  }
}

/** The thread's side: its own database client and worker loop, kicked by the receiving thread. */
export async function runWebhookWorkerThread(): Promise<void> {
  const nice = workerNice(process.env[WORKER_NICE_ENV]);
  try {
    os.setPriority(nice); // pid 0: this thread only, on Linux
  } catch (error) {
    console.error(`[webhooks] worker thread: could not set its priority to ${nice}`, error);
  }
  const { default: prisma } = await import("../../db.server");
  const worker = new WebhookWorker(prisma, { concurrency: WORKER_CONCURRENCY, pollMs: 1_000 }).start();
  parentPort?.on("message", (message) => {
    if (message === "kick") void worker.kick();
  });
}
