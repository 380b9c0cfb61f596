/**
 * Webhook delivery as Shopify does it: at-least-once, unordered, signed.
 *
 * - POST `${appUrl}/webhooks/${topic}` with the raw JSON body signed by
 *   X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(app secret, raw body)).
 * - X-Shopify-Event-Id names the event: the same on every retry and every
 *   duplicate of it. X-Shopify-Webhook-Id names one delivery (one webhook message):
 *   a duplicate is a new delivery with a new id; retries of a delivery keep its id
 *   (knob `webhookIdPerAttempt` makes every attempt get a fresh one instead).
 * - X-Shopify-Triggered-At is when the event happened; retries resend the original
 *   payload and timestamp.
 * - A delivery fails on a non-2xx answer or no answer within 5 s; it is retried
 *   8 times with exponential backoff (Shopify: 8 retries over about 4 hours; here
 *   1 min, 2, 4, … 128 min times `timeScale`), then it is dead. With knob
 *   `retryJitter` (the drill sets 0.2: ±20%) each wait is jittered, so deliveries
 *   refused together (a 503 at the app's backlog cap) do not all come back in the
 *   same instant; 0 (the default) keeps the exact doubling.
 *
 * Knobs for drills: duplicate probability and count, a reordering window (random
 * extra delay per delivery), a base delay, the time scale. With `seed`, every
 * random choice and every id comes from a seeded PRNG: runs are repeatable.
 */
import { createHmac, randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";

import { API_VERSION } from "../app/api-version";
import { prng, uuidFrom } from "./ids";
import type { StoreEvent } from "./store";

export interface WebhookKnobs {
  /** Probability that an event is delivered more than once (0..1). */
  duplicateProbability: number;
  /** Extra deliveries of an event picked for duplication. */
  duplicateCount: number;
  /** Each delivery waits a random 0..reorderWindowMs extra before its first attempt (real ms). */
  reorderWindowMs: number;
  /** Base wait before the first attempt (real ms). */
  delayMs: number;
  /** First retry wait in Shopify time (ms); doubles per retry. */
  retryBaseMs: number;
  /** Multiplies retry waits: 1 = Shopify's hours, 0.00001 = a test's milliseconds. */
  timeScale: number;
  /** Each retry wait is multiplied by a random factor in 1 ± retryJitter (0..1; 0 = lockstep). */
  retryJitter: number;
  /** Retries after the first attempt before a delivery is dead (Shopify: 8). */
  maxRetries: number;
  /** An attempt with no answer within this many real ms has failed (Shopify: 5 s). */
  timeoutMs: number;
  /** A new X-Shopify-Webhook-Id on every attempt, not only per delivery. */
  webhookIdPerAttempt: boolean;
  /** Topics the app subscribes to; null delivers every topic. */
  topics: string[] | null;
}

export const DEFAULT_KNOBS: WebhookKnobs = {
  duplicateProbability: 0,
  duplicateCount: 1,
  reorderWindowMs: 0,
  delayMs: 0,
  retryBaseMs: 60_000,
  timeScale: 1,
  retryJitter: 0,
  maxRetries: 8,
  timeoutMs: 5_000,
  webhookIdPerAttempt: false,
  topics: null,
};

export interface WebhookSenderOptions extends Partial<WebhookKnobs> {
  /** The app's base URL; deliveries go to `${appUrl}/webhooks/${topic}`. */
  appUrl: string;
  /** The app's API secret: the HMAC key. */
  apiSecret: string;
  /** X-Shopify-Shop-Domain, e.g. `peakguard-demo.myshopify.com`. */
  shopDomain: () => string;
  /** Seed for the PRNG (duplicates, reordering, ids). Without it, runs are random. */
  seed?: number;
  /** Path of a topic under appUrl (default `/webhooks/<topic>`). */
  path?: (topic: string) => string;
  /** How an attempt is sent (default httpPost); the drill wraps it to time each attempt. */
  post?: WebhookPost;
}

/**
 * Sends one delivery attempt: resolves with the HTTP status once the answer has been read,
 * rejects on a network error or when no answer came within `timeoutMs` (an Error named
 * "TimeoutError").
 */
export type WebhookPost = (url: string, headers: Record<string, string>, body: string, timeoutMs: number) => Promise<number>;

/**
 * POSTs over node:http(s) on a keep-alive agent — a fraction of fetch()'s CPU per request,
 * which matters when the sender shares the machine with the app it drills.
 */
export function httpPoster(): WebhookPost & { close(): void } {
  const agents = { "http:": new http.Agent({ keepAlive: true, maxSockets: 256 }), "https:": new https.Agent({ keepAlive: true, maxSockets: 256 }) };
  const post: WebhookPost = (url, headers, body, timeoutMs) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const protocol = target.protocol === "https:" ? "https:" : "http:";
      const request = (protocol === "https:" ? https : http).request(
        target,
        { method: "POST", agent: agents[protocol], headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) } },
        (response) => {
          response.on("error", fail);
          response.on("end", () => {
            clearTimeout(timer);
            resolve(response.statusCode ?? 0);
          });
          response.resume();
        },
      );
      const timer = setTimeout(() => request.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: "TimeoutError" })), timeoutMs);
      function fail(error: Error) {
        clearTimeout(timer);
        reject(error);
      }
      request.on("error", fail);
      request.end(body);
    });
  return Object.assign(post, {
    close() {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  });
}

export interface WebhookStats {
  /** Events received from the store (after topic filtering). */
  events: number;
  /** Deliveries created: one per event plus duplicates. */
  deliveries: number;
  /** Of those, extra deliveries made as duplicates. */
  duplicates: number;
  /** HTTP attempts made (first attempts and retries). */
  sent: number;
  /** Deliveries answered 2xx. */
  delivered: number;
  /** Attempts that failed (non-2xx, timeout, connection error). */
  failed: number;
  /** Attempts that were retries. */
  retried: number;
  /** Deliveries given up after the last retry. */
  dead: number;
  /** Deliveries not finished yet. */
  pending: number;
}

export interface DeliveryAttempt {
  topic: string;
  eventId: string;
  webhookId: string;
  attempt: number;
  status: number | null;
  error: string | null;
  outcome: "delivered" | "retry" | "dead";
  at: string;
}

interface Delivery {
  topic: string;
  eventId: string;
  webhookId: string;
  body: string;
  hmac: string;
  triggeredAt: string;
  attempts: number;
}

/** base64 HMAC-SHA256 of `body` with `secret`, as in X-Shopify-Hmac-Sha256. */
export function webhookHmac(secret: string, body: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

export class WebhookSender {
  private knobs: WebhookKnobs;
  private random: () => number;
  private newId: () => string;
  private timers = new Set<NodeJS.Timeout>();
  private waiters: (() => void)[] = [];
  private attemptsLog: DeliveryAttempt[] = [];
  private closed = false;
  private counters: Omit<WebhookStats, "pending"> = { events: 0, deliveries: 0, duplicates: 0, sent: 0, delivered: 0, failed: 0, retried: 0, dead: 0 };
  private pending = 0;
  private readonly ownPoster: (WebhookPost & { close(): void }) | null;
  private readonly post: WebhookPost;

  constructor(private readonly options: WebhookSenderOptions) {
    this.knobs = { ...DEFAULT_KNOBS, ...pickKnobs(options) };
    this.ownPoster = options.post ? null : httpPoster();
    this.post = options.post ?? this.ownPoster!;
    if (options.seed !== undefined) {
      this.random = prng(options.seed);
      const ids = prng(options.seed ^ 0x5eed);
      this.newId = () => uuidFrom(ids);
    } else {
      this.random = Math.random;
      this.newId = randomUUID;
    }
  }

  get config(): WebhookKnobs {
    return { ...this.knobs, topics: this.knobs.topics ? [...this.knobs.topics] : null };
  }

  configure(knobs: Partial<WebhookKnobs>): WebhookKnobs {
    this.knobs = { ...this.knobs, ...pickKnobs(knobs) };
    return this.config;
  }

  /** Reseeds the PRNG (for repeatable drills after a reset). */
  reseed(seed: number): void {
    this.random = prng(seed);
    const ids = prng(seed ^ 0x5eed);
    this.newId = () => uuidFrom(ids);
  }

  stats(): WebhookStats {
    return { ...this.counters, pending: this.pending };
  }

  /** The most recent attempts (up to 1000), oldest first. */
  log(): DeliveryAttempt[] {
    return [...this.attemptsLog];
  }

  resetStats(): void {
    this.counters = { events: 0, deliveries: 0, duplicates: 0, sent: 0, delivered: 0, failed: 0, retried: 0, dead: 0 };
    this.attemptsLog = [];
  }

  /** Queues deliveries for one store event. */
  enqueue(event: StoreEvent): void {
    if (this.closed) return;
    if (this.knobs.topics && !this.knobs.topics.includes(event.topic)) return;
    this.counters.events += 1;
    const body = JSON.stringify(event.payload);
    const eventId = this.newId();
    const hmac = webhookHmac(this.options.apiSecret, body);
    const copies = 1 + (this.random() < this.knobs.duplicateProbability ? this.knobs.duplicateCount : 0);
    for (let copy = 0; copy < copies; copy += 1) {
      const delivery: Delivery = { topic: event.topic, eventId, webhookId: this.newId(), body, hmac, triggeredAt: event.triggeredAt, attempts: 0 };
      this.counters.deliveries += 1;
      if (copy > 0) this.counters.duplicates += 1;
      this.pending += 1;
      this.schedule(delivery, this.knobs.delayMs + this.random() * this.knobs.reorderWindowMs);
    }
  }

  /** Resolves when every queued delivery is delivered or dead (retries included). */
  flush(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Drops every pending delivery and timer. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.ownPoster?.close();
    this.pending = 0;
    this.release();
  }

  private schedule(delivery: Delivery, waitMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(delivery);
    }, Math.max(0, waitMs));
    this.timers.add(timer);
  }

  private url(topic: string): string {
    const path = this.options.path ? this.options.path(topic) : `/webhooks/${topic}`;
    return `${this.options.appUrl.replace(/\/+$/, "")}${path}`;
  }

  private async attempt(delivery: Delivery): Promise<void> {
    if (this.closed) return;
    delivery.attempts += 1;
    if (delivery.attempts > 1) this.counters.retried += 1;
    if (delivery.attempts > 1 && this.knobs.webhookIdPerAttempt) delivery.webhookId = this.newId();
    this.counters.sent += 1;
    let status: number | null = null;
    let error: string | null = null;
    try {
      status = await this.post(
        this.url(delivery.topic),
        {
          "Content-Type": "application/json",
          "User-Agent": "Shopify-Captain-Hook",
          "X-Shopify-Topic": delivery.topic,
          "X-Shopify-Shop-Domain": this.options.shopDomain(),
          "X-Shopify-API-Version": API_VERSION,
          "X-Shopify-Hmac-Sha256": delivery.hmac,
          "X-Shopify-Webhook-Id": delivery.webhookId,
          "X-Shopify-Event-Id": delivery.eventId,
          "X-Shopify-Triggered-At": delivery.triggeredAt,
        },
        delivery.body,
        this.knobs.timeoutMs,
      );
    } catch (caught) {
      error = (caught as Error).name === "TimeoutError" ? `no answer within ${this.knobs.timeoutMs} ms` : (caught as Error).message;
    }
    if (this.closed) return;
    const ok = status !== null && status >= 200 && status < 300;
    let outcome: DeliveryAttempt["outcome"];
    if (ok) {
      outcome = "delivered";
      this.counters.delivered += 1;
    } else {
      this.counters.failed += 1;
      outcome = delivery.attempts <= this.knobs.maxRetries ? "retry" : "dead";
      if (outcome === "dead") this.counters.dead += 1;
    }
    this.record({
      topic: delivery.topic,
      eventId: delivery.eventId,
      webhookId: delivery.webhookId,
      attempt: delivery.attempts,
      status,
      error,
      outcome,
      at: new Date().toISOString(),
    });
    if (outcome === "retry") {
      this.schedule(delivery, retryWaitMs(this.knobs, delivery.attempts, this.random()));
      return;
    }
    this.pending -= 1;
    this.release();
  }

  private record(entry: DeliveryAttempt): void {
    this.attemptsLog.push(entry);
    if (this.attemptsLog.length > 1000) this.attemptsLog.shift();
  }

  private release(): void {
    if (this.pending > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** The wait before retry number `attempt` (1-based), jittered by `unit` (a random number in [0, 1)). */
export function retryWaitMs(knobs: Pick<WebhookKnobs, "retryBaseMs" | "timeScale" | "retryJitter">, attempt: number, unit: number): number {
  const jitter = Math.min(1, Math.max(0, knobs.retryJitter));
  return knobs.retryBaseMs * 2 ** (attempt - 1) * knobs.timeScale * (1 - jitter + 2 * jitter * unit);
}

function pickKnobs(source: Partial<WebhookKnobs>): Partial<WebhookKnobs> {
  const out: Partial<WebhookKnobs> = {};
  for (const key of Object.keys(DEFAULT_KNOBS) as (keyof WebhookKnobs)[]) {
    if (source[key] !== undefined) (out as Record<string, unknown>)[key] = source[key];
  }
  return out;
}
