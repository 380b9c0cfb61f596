/**
 * Runs the store emulator from the command line:
 *
 *   npx tsx emulator/cli.ts --port 4010 --seed emulator/seed/default.json \
 *     --app-url http://127.0.0.1:3000 --api-secret <secret> --access-token <token>
 *
 * See emulator/README.md for every flag and the control endpoints.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { API_VERSION } from "../app/api-version";
import type { SeedFile } from "./model";
import { generateDemo } from "./seed/generate";
import { startEmulator } from "./server";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4010" },
    host: { type: "string", default: "127.0.0.1" },
    seed: { type: "string", default: "emulator/seed/default.json" },
    "app-url": { type: "string" },
    "api-secret": { type: "string" },
    "access-token": { type: "string" },
    "bucket-size": { type: "string" },
    "restore-rate": { type: "string" },
    "no-webhooks": { type: "boolean", default: false },
    "webhook-seed": { type: "string" },
    "duplicate-probability": { type: "string" },
    "duplicate-count": { type: "string" },
    "reorder-window-ms": { type: "string" },
    "webhook-delay-ms": { type: "string" },
    "time-scale": { type: "string" },
    "retry-jitter": { type: "string" },
    subscriptions: { type: "string" },
    "all-topics": { type: "boolean", default: false },
    "demo-seed": { type: "string" },
    "demo-now": { type: "string" },
    "demo-variants": { type: "string" },
    "demo-customers": { type: "string" },
    "demo-months": { type: "string" },
    "demo-orders-per-day": { type: "string" },
    help: { type: "boolean", default: false },
  },
});

const usage = `Usage: npx tsx emulator/cli.ts --app-url URL --api-secret SECRET --access-token TOKEN [options]
  --port N                    listen port (default 4010; 0 picks a free one)
  --host H                    listen address (default 127.0.0.1)
  --seed FILE                 seed JSON (default emulator/seed/default.json)
  --demo-seed N               instead of --seed, generate the demo store with PRNG seed N
                              (emulator/seed/generate.ts: 2,000 variants, 4 locations, 6 months of orders)
  --demo-now ISO              the demo's "now" (default: the current time; fix it to repeat a store exactly)
  --demo-variants N, --demo-customers N, --demo-months N, --demo-orders-per-day N
                              demo sizes (defaults 2000, 800, 6, 40)
  --bucket-size N             throttle bucket size (default 2000)
  --restore-rate N            throttle restore rate, points/s (default 100)
  --no-webhooks               do not deliver webhooks
  --webhook-seed N            seed the webhook PRNG (repeatable duplicates/reordering)
  --duplicate-probability P   chance an event is delivered twice or more (0..1)
  --duplicate-count N         extra copies of a duplicated event (default 1)
  --reorder-window-ms N       random extra delay per delivery (reordering)
  --webhook-delay-ms N        base delay before a delivery
  --time-scale X              retry backoff scale (1 = Shopify's ~4 h schedule)
  --retry-jitter J            each retry wait times a random 1 ± J (0..1; default 0 = lockstep)
  --subscriptions FILE        deliver only the topics this shopify.app.toml subscribes to
                              (default: ./shopify.app.toml when present)
  --all-topics                deliver every topic, ignoring any shopify.app.toml
Environment fallbacks: SHOPIFY_APP_URL, SHOPIFY_API_SECRET, EMULATOR_ACCESS_TOKEN.`;

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${flag} must be a number, got "${value}"`);
  return n;
}

function fraction(flag: string, value: string): number {
  const n = number(flag, value) as number;
  if (n < 0 || n > 1) throw new Error(`--${flag} must be between 0 and 1, got ${value}`);
  return n;
}

/** The `topics = [...]` and `compliance_topics = [...]` of a shopify.app.toml. */
function subscribedTopics(path: string): string[] {
  const topics = new Set<string>();
  for (const match of readFileSync(path, "utf8").matchAll(/^\s*(?:compliance_)?topics\s*=\s*\[([^\]]*)\]/gm)) {
    for (const quoted of (match[1] ?? "").matchAll(/"([^"]+)"/g)) topics.add(quoted[1] as string);
  }
  return [...topics];
}

async function main(): Promise<void> {
  const bootStarted = performance.now();
  if (values.help) {
    console.log(usage);
    return;
  }
  const appUrl = values["app-url"] ?? process.env.SHOPIFY_APP_URL;
  const apiSecret = values["api-secret"] ?? process.env.SHOPIFY_API_SECRET;
  const accessToken = values["access-token"] ?? process.env.EMULATOR_ACCESS_TOKEN;
  if (!appUrl || !apiSecret || !accessToken) {
    console.error(`Missing ${[!appUrl && "--app-url", !apiSecret && "--api-secret", !accessToken && "--access-token"].filter(Boolean).join(", ")}\n\n${usage}`);
    process.exitCode = 2;
    return;
  }
  const webhookSeed = number("webhook-seed", values["webhook-seed"]);
  let demo: { seed: SeedFile; summary: string } | undefined;
  if (values["demo-seed"] !== undefined) {
    const started = performance.now();
    const now = values["demo-now"] ?? new Date().toISOString();
    const { seed, report } = generateDemo({
      seed: number("demo-seed", values["demo-seed"]) as number,
      now,
      ...(values["demo-variants"] !== undefined ? { variants: number("demo-variants", values["demo-variants"]) } : {}),
      ...(values["demo-customers"] !== undefined ? { customers: number("demo-customers", values["demo-customers"]) } : {}),
      ...(values["demo-months"] !== undefined ? { months: number("demo-months", values["demo-months"]) } : {}),
      ...(values["demo-orders-per-day"] !== undefined ? { ordersPerDay: number("demo-orders-per-day", values["demo-orders-per-day"]) } : {}),
    });
    demo = {
      seed,
      summary:
        `demo seed ${values["demo-seed"]} (now ${now}): ${report.products} products, ${report.variants} variants, ${seed.locations.length} locations, ` +
        `${report.customers} customers, ${report.orders} orders, ${report.returns} returns; generated in ${Math.round(performance.now() - started)} ms`,
    };
  }
  const tomlPath = values.subscriptions ?? (existsSync("shopify.app.toml") ? "shopify.app.toml" : undefined);
  const topics = values["all-topics"] || !tomlPath ? null : subscribedTopics(tomlPath);
  const emulator = await startEmulator({
    port: number("port", values.port) ?? 4010,
    host: values.host,
    ...(demo ? { seed: demo.seed } : { seedFile: values.seed }),
    appUrl,
    apiSecret,
    accessToken,
    throttle: { maximumAvailable: number("bucket-size", values["bucket-size"]), restoreRate: number("restore-rate", values["restore-rate"]) },
    webhooks: {
      enabled: !values["no-webhooks"],
      topics,
      ...(webhookSeed !== undefined ? { seed: webhookSeed } : {}),
      ...(values["duplicate-probability"] !== undefined ? { duplicateProbability: number("duplicate-probability", values["duplicate-probability"]) } : {}),
      ...(values["duplicate-count"] !== undefined ? { duplicateCount: number("duplicate-count", values["duplicate-count"]) } : {}),
      ...(values["reorder-window-ms"] !== undefined ? { reorderWindowMs: number("reorder-window-ms", values["reorder-window-ms"]) } : {}),
      ...(values["webhook-delay-ms"] !== undefined ? { delayMs: number("webhook-delay-ms", values["webhook-delay-ms"]) } : {}),
      ...(values["time-scale"] !== undefined ? { timeScale: number("time-scale", values["time-scale"]) } : {}),
      ...(values["retry-jitter"] !== undefined ? { retryJitter: fraction("retry-jitter", values["retry-jitter"]) } : {}),
    },
  });
  console.log(`Shopify store emulator (Admin API ${API_VERSION}) for ${emulator.store.shop.myshopifyDomain}`);
  console.log(`  Store:     ${demo ? demo.summary : values.seed}; ready in ${Math.round(performance.now() - bootStarted)} ms`);
  console.log(`  GraphQL:   ${emulator.graphqlUrl}`);
  console.log(`  Control:   ${emulator.url}/__emulator/  (health, state, reset, webhooks, throttle, orders, …)`);
  console.log(`  Webhooks:  ${values["no-webhooks"] ? "off" : `${appUrl.replace(/\/+$/, "")}/webhooks/<topic>`}`);
  if (!values["no-webhooks"]) {
    console.log(`  Topics:    ${topics ? `${topics.length} subscribed in ${tomlPath}` : "all"}`);
  }
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
