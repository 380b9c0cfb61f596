/**
 * The drill's checkout sampler, in a worker thread (its own event loop, the same two cores):
 * a store built from the drill's seed and set up as the app sets one up for a drop
 * (checkout-setup.ts: kill switches at a typical peak state, an automatic app discount with
 * 20 promotions, a validation with the drop's rules and ATP copy, the routing config and ATP
 * metafields), and a drop cart (the drop SKU plus two other lines, a signed-in VIP shipping to
 * New York) checked out through the checkout simulator, one function every `intervalMs`, in
 * turn, from the parent's "start" until its "stop" (it posts "ready" once set up). It answers with wall-time and instruction
 * summaries per function. A function that did not run is reported "not measured" with the
 * simulator's reason; a run whose status is not ok counts as an error.
 *
 * Wall time here is the simulator's: building the input from the store, running the bundle in
 * QuickJS-in-Wasm, applying the output. It shows our functions' cost under load on this
 * machine, not Shopify's checkout latency (Shopify runs functions on its own hosts).
 */
import os from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { buildFunction, listFunctionExtensions, type FunctionExtension } from "../../functions/build";
import { targetInfo } from "../../emulator/checkout/input";
import type { SeedFile } from "../../emulator/model";
import { summarize } from "../../app/domain/peak/drill";
import { checkoutWith, setupDropStore } from "./checkout-setup";

/** The app's checkout clock heartbeat re-confirms the ATP copy every minute. */
const STOCK_REFRESH_MS = 60_000;

const { seed, intervalMs, functions, nice } = workerData as { seed: SeedFile; intervalMs: number; functions: string[]; nice?: number };

async function main(): Promise<void> {
  // pid 0 = this thread only, on Linux (as the app's webhook worker thread does): the sampler
  // stands in for Shopify's checkout hosts and yields the cores to the app under drill.
  if (nice !== undefined) os.setPriority(0, nice);
  const drop = await setupDropStore(seed);
  const { store, cart } = drop;
  let stockAt = Date.now();
  const all = await listFunctionExtensions();
  const chosen: FunctionExtension[] = all.filter((e) => functions.includes(e.handle) && e.targets.some((t) => targetInfo(t.target)));
  for (const extension of chosen) await buildFunction(extension);
  const samples = new Map(chosen.map((e) => [e.handle, { wall: [] as number[], instructions: [] as number[], inputBytes: [] as number[], errors: 0, note: undefined as string | undefined }]));
  let stop = false;
  let start: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (start = resolve));
  parentPort?.on("message", (message) => {
    if (message === "start") start();
    if (message === "stop") {
      stop = true;
      start();
    }
  });
  // Set up (functions built, store ready) before the load: sampling starts when the parent says.
  parentPort?.postMessage({ ready: true });
  await started;
  // Bounded by the parent: it posts "stop" at the end of the load and terminates us after.
  // One function per interval, in turn: a round of all five costs about a second of CPU in the
  // instruction-counting interpreter, which would otherwise run nearly back to back.
  let turn = 0;
  while (!stop) {
    if (Date.now() - stockAt >= STOCK_REFRESH_MS) {
      await drop.refreshDropStock();
      stockAt = Date.now();
    }
    for (const extension of chosen.length > 0 ? [chosen[turn++ % chosen.length]!] : []) {
      const sample = samples.get(extension.handle)!;
      const t0 = performance.now();
      try {
        const result = await checkoutWith(store, cart, extension);
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
