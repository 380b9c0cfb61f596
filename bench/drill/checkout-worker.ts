/**
 * The drill's checkout sampler, in a worker thread (its own event loop, the same two cores):
 * a store built from the drill's seed with the kill-switch metafield at a typical peak state,
 * and a three-line cart checked out through the checkout simulator, one function at a time,
 * every `intervalMs`, until the parent posts "stop". It answers with wall-time and
 * instruction summaries per function.
 *
 * Wall time here is the simulator's: building the input from the store, running the bundle in
 * QuickJS-in-Wasm, applying the output. It shows our functions' cost under load on this
 * machine, not Shopify's checkout latency (Shopify runs functions on its own hosts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { buildFunction, listFunctionExtensions, type FunctionExtension } from "../../functions/build";
import { simulateCheckout } from "../../emulator/checkout/run";
import { targetInfo } from "../../emulator/checkout/input";
import { AdminApi } from "../../emulator/graphql";
import type { SeedFile } from "../../emulator/model";
import { Store } from "../../emulator/store";
import { summarize } from "../../app/domain/peak/drill";
import { typicalKillSwitches } from "../../app/domain/kill-switches/bench-states";
import { KILL_SWITCH_KEY, KILL_SWITCH_NAMESPACE, KILL_SWITCH_TYPE } from "../../app/domain/kill-switches/format";
import { serializeKillSwitches } from "../../app/domain/kill-switches/serialize";

/** Functions that read only the shop's kill-switch metafield: they run without an owner's configuration. */
const SELF_CONFIGURED = ["payment-kill-switch", "delivery-kill-switch"];

const { seed, intervalMs, functions } = workerData as { seed: SeedFile; intervalMs: number; functions: string[] };

async function main(): Promise<void> {
  const store = new Store({ seed });
  const api = new AdminApi(store);
  const shopId = `gid://shopify/Shop/${seed.shop.id}`;
  api.handle({
    query: "mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { userErrors { message } } }",
    variables: { m: [{ ownerId: shopId, namespace: KILL_SWITCH_NAMESPACE, key: KILL_SWITCH_KEY, type: KILL_SWITCH_TYPE, value: serializeKillSwitches(typicalKillSwitches()) }] },
  });
  const all = await listFunctionExtensions();
  const chosen: FunctionExtension[] = all.filter((e) => functions.includes(e.handle) && e.targets.some((t) => targetInfo(t.target)));
  for (const extension of chosen) await buildFunction(extension);
  const skus = seed.products.flatMap((p) => p.variants.map((v) => v.sku)).filter((s): s is string => !!s).slice(0, 3);
  const cart = {
    lines: skus.map((sku, i) => ({ sku, quantity: 1 + i })),
    address: { countryCode: "US", provinceCode: "NY", city: "Brooklyn", zip: "11201", address1: "100 Water St" },
    market: { handle: "us" },
    buyerJourneyStep: "CHECKOUT_COMPLETION",
  };
  const samples = new Map(chosen.map((e) => [e.handle, { wall: [] as number[], instructions: [] as number[], inputBytes: [] as number[], errors: 0, note: undefined as string | undefined }]));
  let stop = false;
  parentPort?.on("message", (message) => {
    if (message === "stop") stop = true;
  });
  // Bounded by the parent: it posts "stop" at the end of the load and terminates us after.
  while (!stop) {
    for (const extension of chosen) {
      const sample = samples.get(extension.handle)!;
      const t0 = performance.now();
      try {
        // Ours need no owner configuration: forced. Others run only for the owners the store has
        // (their input queries need the owner's metafields).
        const force = SELF_CONFIGURED.includes(extension.handle) ? [extension.handle] : [];
        const result = await simulateCheckout({ cart, store, extensions: [extension], functions: force });
        if (result.runs.length === 0) {
          sample.note = result.skipped[0]?.reason ?? "did not run";
          continue;
        }
        sample.wall.push(performance.now() - t0);
        for (const run of result.runs) {
          sample.instructions.push(run.instructions);
          sample.inputBytes.push(run.inputBytes);
          if (run.status !== "ok") sample.errors += 1;
        }
      } catch {
        sample.errors += 1;
      }
      if (stop) break;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  parentPort?.postMessage({
    checkout: [...samples].map(([fn, s]) => ({ function: fn, wallMs: round(summarize(s.wall)), instructions: summarize(s.instructions), inputBytes: summarize(s.inputBytes), errors: s.errors, ...(s.note && s.wall.length === 0 ? { note: s.note } : {}) })),
  });
}

function round(s: ReturnType<typeof summarize>) {
  const r = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
  return { ...s, p50: r(s.p50), p95: r(s.p95), p99: r(s.p99), max: r(s.max) };
}

main().catch((error: unknown) => {
  parentPort?.postMessage({ checkout: [], error: error instanceof Error ? error.message : String(error) });
});
