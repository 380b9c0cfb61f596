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
 * a second; events it was processing keep their lease and are claimed again when it expires. If
 * it cannot start three times in a row (say the build it loads was replaced under the running
 * server), this process processes instead, as in-process.
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

export interface WorkerThreadOptions {
  /**
   * Where to process when the thread cannot start `maxStartFailures` times in a row (its module
   * gone — a build replaced under the running server — or failing on load): the in-process
   * worker, so stored events are still processed.
   */
  fallback: () => Promise<{ kick(): Promise<void> | void }>;
  maxStartFailures?: number;
  restartMs?: number;
  log?: (message: string, error?: unknown) => void;
}

/** The receiving side's handle on the worker thread. */
export class WebhookWorkerThread {
  private worker: Worker | null = null;
  private stopped = false;
  private kickQueued = false;
  private startFailures = 0;
  private fallback: Promise<{ kick(): Promise<void> | void }> | null = null;

  constructor(
    private readonly entry: URL,
    private readonly options: WorkerThreadOptions,
  ) {}

  start(): this {
    this.spawn();
    return this;
  }

  /** "thread", or "in-process" once it fell back. */
  get mode(): "thread" | "in-process" {
    return this.fallback ? "in-process" : "thread";
  }

  private spawn(): void {
    if (this.stopped || this.fallback) return;
    const log = this.options.log ?? ((message, error) => console.error(message, ...(error ? [error] : [])));
    const worker = new Worker(this.entry, { workerData: { role: WEBHOOK_THREAD_ROLE } });
    let ready = false;
    worker.unref();
    worker.on("message", (message) => {
      if (message === "ready") {
        ready = true;
        this.startFailures = 0;
      }
    });
    worker.on("error", (error) => log("[webhooks] worker thread failed", error));
    worker.on("exit", (code) => {
      if (this.worker === worker) this.worker = null;
      if (this.stopped) return;
      if (!ready) this.startFailures += 1;
      if (this.startFailures >= (this.options.maxStartFailures ?? 3)) {
        log(`[webhooks] the worker thread could not start ${this.startFailures} times in a row (${this.entry.href}): processing in this process instead`);
        this.fallback = this.options.fallback();
        this.fallback.then(
          (inProcess) => inProcess.kick(),
          (error: unknown) => log("[webhooks] the in-process worker did not start either", error),
        );
        return;
      }
      const restartMs = this.options.restartMs ?? 1_000;
      log(`[webhooks] worker thread exited (${code}); starting it again in ${restartMs} ms`);
      setTimeout(() => this.spawn(), restartMs).unref();
    });
    this.worker = worker;
  }

  /** Tells the worker there is work; kicks within one tick are one message. */
  kick(): void {
    if (this.fallback) {
      void this.fallback.then((inProcess) => inProcess.kick());
      return;
    }
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
  parentPort?.postMessage("ready");
}
