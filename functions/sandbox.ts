/**
 * Runs a built function bundle (dist/function.js, exactly what Javy would compile) inside
 * QuickJS compiled to Wasm, and counts the Wasm instructions it executes.
 *
 *   const r = await runFunction({ bundlePath, exportName: "cart-lines-discounts-generate-run", input });
 *   r.output, r.instructions, r.inputBytes, r.outputBytes, r.logs, r.error
 *
 * The runtime contract is @shopify/shopify_function 2.x's `run.ts`: the bundle's export
 * calls `ShopifyFunction.readInput()`, passes the value to the user function and hands the
 * result to `ShopifyFunction.writeOutput(value)`. We provide exactly that global (plus
 * `console`, which Javy's plugin also provides), so the bundle runs unmodified.
 *
 * The count is a proxy, not Shopify's figure: QuickJS here is quickjs-emscripten's build,
 * not Javy's, and input/output travel as JSON text (JSON.parse / JSON.stringify run inside
 * the VM and are counted). Good for comparisons within one run and for growth with cart size;
 * compare every function to the floor function measured the same way (bench/functions/run.ts).
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

import RELEASE_SYNC from "@jitl/quickjs-wasmfile-release-sync";
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
} from "quickjs-emscripten-core";

import { INSTRUCTION_COUNTER_EXPORT, INSTRUMENTATION_VERSION, instrumentWasm } from "./instrument-wasm";
import { camelize } from "./names";
import { REPO_ROOT } from "./paths";

/**
 * Shopify's resource limits for a function run (see docs/SHOPIFY-FACTS.md).
 * Sizes marked [3rd] come from third-party restatements, not Shopify's docs.
 */
export const SHOPIFY_LIMITS = {
  /** Wasm instructions per run for carts up to SCALE_LIMITS_FREE_LINES lines [docs]. */
  instructions: 11_000_000,
  /** `@scaleLimits(rate: 0.005)` on `Cart.lines` / `CartDeliveryGroup.cartLines` [docs, schema]. */
  scaleLimitsRate: 0.005,
  /** Input JSON bytes [docs]. */
  inputBytes: 64_000,
  /** A metafield value read by a function, bytes [docs]. */
  metafieldValueBytes: 10_000,
  /** Output JSON bytes, "20 kB" [3rd]. */
  outputBytes: 20_000,
  /**
   * Wasm module bytes, "256 kB" [3rd]. NOT measurable here: it applies to Javy's
   * dist/function.wasm, which we cannot produce offline (Javy downloads from GitHub).
   */
  wasmBytes: 256_000,
  /** Input query text bytes [3rd]. */
  inputQueryBytes: 3_000,
  /** Input query cost [3rd]; Shopify's cost model is not reproduced here. */
  inputQueryCost: 30,
} as const;

/** Lines up to which the base limits apply (1 / rate). */
export const SCALE_LIMITS_FREE_LINES = Math.round(1 / SHOPIFY_LIMITS.scaleLimitsRate);

/**
 * Instruction budget for a cart with `cartLines` lines: 11M up to 200 lines, then scaled by
 * lines × rate (400 lines → 22M). Shopify's docs state no upper bound for the factor here.
 */
export function instructionBudget(cartLines: number): number {
  return Math.round(SHOPIFY_LIMITS.instructions * Math.max(1, cartLines * SHOPIFY_LIMITS.scaleLimitsRate));
}

/**
 * Length of the @scaleLimits lists in an input: `cart.lines`, or the longest
 * `cart.deliveryGroups[].cartLines` (0 when the input selects neither).
 */
export function countCartLines(input: unknown): number {
  const cart = (input as { cart?: { lines?: unknown; deliveryGroups?: unknown } } | null)?.cart;
  if (!cart || typeof cart !== "object") return 0;
  let lines = Array.isArray(cart.lines) ? cart.lines.length : 0;
  if (Array.isArray(cart.deliveryGroups)) {
    for (const group of cart.deliveryGroups as { cartLines?: unknown }[]) {
      if (Array.isArray(group?.cartLines)) lines = Math.max(lines, group.cartLines.length);
    }
  }
  return lines;
}

export interface LimitCheck {
  /** Instruction budget for this cart size (instructionBudget). */
  budget: number;
  /**
   * (instructions + top-level evaluation) / budget. Compiling the source to bytecode is left
   * out: Javy does it at build time.
   */
  budgetUsed: number;
  /** Human-readable limit breaches; empty when within every limit we can measure. */
  violations: string[];
}

/** Start-up Shopify pays: the module's top-level evaluation, not compiling its source (Javy does that at build time). */
export function runtimeStartup(run: Pick<RunFunctionResult, "startupInstructions" | "compileInstructions">): number {
  return Math.max(0, run.startupInstructions - run.compileInstructions);
}

/** Compare a run to Shopify's limits. The Wasm size limit cannot be checked (no Javy here). */
export function checkLimits(
  run: Pick<RunFunctionResult, "instructions" | "startupInstructions" | "compileInstructions" | "inputBytes" | "outputBytes">,
  cartLines: number
): LimitCheck {
  const budget = instructionBudget(cartLines);
  const used = run.instructions + runtimeStartup(run);
  const violations: string[] = [];
  if (used > budget) {
    violations.push(`${used} instructions (run + top-level evaluation) over the budget of ${budget} for ${cartLines} lines`);
  }
  if (run.inputBytes > SHOPIFY_LIMITS.inputBytes) {
    violations.push(`input ${run.inputBytes} bytes over ${SHOPIFY_LIMITS.inputBytes}`);
  }
  if (run.outputBytes > SHOPIFY_LIMITS.outputBytes) {
    violations.push(`output ${run.outputBytes} bytes over ${SHOPIFY_LIMITS.outputBytes}`);
  }
  return { budget, budgetUsed: used / budget, violations };
}

export interface RunFunctionOptions {
  /** Path to a built bundle (dist/function.js). One of bundlePath / bundleSource. */
  bundlePath?: string;
  /** The bundle's source text. */
  bundleSource?: string;
  /** The toml export ("cart-lines-discounts-generate-run") or its JS name ("cartLinesDiscountsGenerateRun"). */
  exportName: string;
  /** The function input: a value (serialised with JSON.stringify) or a JSON string used verbatim. */
  input: unknown;
  /** Abort the run past this many instructions (runaway loops). Default: 10 × SHOPIFY_LIMITS.instructions. */
  maxInstructions?: number;
}

export interface RunFunctionResult {
  /** The value passed to ShopifyFunction.writeOutput, or null if the function never wrote one. */
  output: unknown;
  /**
   * Instructions executed by the export call: ShopifyFunction.readInput (JSON.parse of the
   * input), the user function, and writeOutput (JSON.stringify). This is what scales with input.
   */
  instructions: number;
  /**
   * Instructions to compile and evaluate the bundle's top level before the call. Javy compiles
   * to bytecode at build time, so Shopify pays only the evaluation part: see compileInstructions.
   */
  startupInstructions: number;
  /**
   * The part of startupInstructions that is parsing and compiling the source to bytecode,
   * measured alone. Shopify does not pay it (Javy compiles at build time); the module's
   * top-level evaluation (startupInstructions − compileInstructions) it does pay.
   */
  compileInstructions: number;
  /** UTF-8 bytes of the input JSON. */
  inputBytes: number;
  /** UTF-8 bytes of the output JSON (0 if none). */
  outputBytes: number;
  /** console.* lines written by the function, in order. */
  logs: string[];
  /** Set when the bundle failed to load, the export is missing, the function threw, or a limit stopped it. */
  error?: string;
}

const QUICKJS_WASM_PATH = createRequire(import.meta.url).resolve("@jitl/quickjs-wasmfile-release-sync/wasm");
const CACHE_DIR = path.join(REPO_ROOT, "node_modules", ".cache", "peakguard-quickjs");

let compiledModule: Promise<WebAssembly.Module> | undefined;

/**
 * The instrumented QuickJS module, compiled. Instrumenting takes seconds, so the result is
 * cached on disk, keyed by the hash of QuickJS's wasm, the binaryen version and our algorithm.
 */
export function instrumentedQuickJS(): Promise<WebAssembly.Module> {
  compiledModule ??= loadInstrumentedQuickJS().then((bytes) => new WebAssembly.Module(bytes));
  return compiledModule;
}

/** Path of the cached instrumented module (created on first use). */
export async function instrumentedQuickJSPath(): Promise<string> {
  const original = await readFile(QUICKJS_WASM_PATH);
  const hash = createHash("sha256").update(original).digest("hex").slice(0, 16);
  const binaryenVersion = await packageVersion("binaryen");
  return path.join(CACHE_DIR, `quickjs-${hash}-binaryen${binaryenVersion}-i${INSTRUMENTATION_VERSION}.wasm`);
}

async function loadInstrumentedQuickJS(): Promise<Uint8Array<ArrayBuffer>> {
  const cachePath = await instrumentedQuickJSPath();
  try {
    return new Uint8Array(await readFile(cachePath));
  } catch {
    // Not cached yet: instrument below.
  }
  const { default: binaryen } = await import("binaryen");
  const { wasm } = instrumentWasm(binaryen, new Uint8Array(await readFile(QUICKJS_WASM_PATH)));
  await mkdir(CACHE_DIR, { recursive: true });
  // Write then rename: parallel test workers may race to fill the cache.
  const tmp = `${cachePath}.${process.pid}.tmp`;
  await writeFile(tmp, wasm);
  await rename(tmp, cachePath);
  return wasm;
}

async function packageVersion(name: string): Promise<string> {
  const pkgPath = path.join(REPO_ROOT, "node_modules", name, "package.json");
  const pkg = JSON.parse(await readFile(pkgPath, "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

/**
 * In-VM shim, evaluated before the bundle. The host passes three functions; nothing else
 * leaks into the global scope. Mirrors what Shopify's Javy plugin exposes to run.ts.
 */
const SHIM_SOURCE = `(function (hostReadInput, hostWriteOutput, hostLog) {
  const format = (args) => args.map((a) => typeof a === "string" ? a : (() => { try { return JSON.stringify(a); } catch (e) { return String(a); } })()).join(" ");
  globalThis.ShopifyFunction = Object.freeze({
    readInput() { return JSON.parse(hostReadInput()); },
    writeOutput(value) { hostWriteOutput(JSON.stringify(value)); },
  });
  const log = (...args) => hostLog(format(args));
  globalThis.console = Object.freeze({ log, info: log, warn: log, error: log, debug: log });
})`;

/**
 * A fresh Wasm instance of the instrumented QuickJS: allocator and GC state never carry
 * over, so counts are reproducible whatever ran before. Compiling is cached; instantiating
 * takes a few ms.
 */
async function countedQuickJS() {
  const compiled = await instrumentedQuickJS();
  let instance: WebAssembly.Instance | undefined;
  const variant = newVariant(RELEASE_SYNC, {
    emscriptenModule: {
      instantiateWasm(imports, onSuccess) {
        instance = new WebAssembly.Instance(compiled, imports);
        onSuccess(instance);
        return instance.exports;
      },
    },
  });
  const quickjs = await newQuickJSWASMModuleFromVariant(variant);
  const counterGlobal = instance?.exports[INSTRUCTION_COUNTER_EXPORT];
  if (!(counterGlobal instanceof WebAssembly.Global)) {
    throw new Error(`sandbox: the QuickJS module has no ${INSTRUCTION_COUNTER_EXPORT} export`);
  }
  return { quickjs, counter: () => Number(counterGlobal.value as bigint) };
}

const compileCosts = new Map<string, Promise<number>>();

/**
 * Instructions QuickJS spends parsing and compiling the bundle to bytecode, measured alone
 * (compileOnly) in a fresh instance, in the same state as the real load. Javy does this
 * step at build time, so Shopify's runtime never pays it: checkLimits leaves it out.
 */
function measureCompile(source: string): Promise<number> {
  const key = createHash("sha256").update(source).digest("hex");
  let cost = compileCosts.get(key);
  if (!cost) {
    cost = (async () => {
      const { quickjs, counter } = await countedQuickJS();
      const runtime = quickjs.newRuntime();
      const vm = runtime.newContext();
      try {
        installShim(vm, { readInput: () => "null", writeOutput: () => undefined, log: () => undefined });
        const before = counter();
        const compiled = vm.evalCode(source, "function.js", { type: "module", compileOnly: true });
        const spent = counter() - before;
        if (compiled.error) compiled.error.dispose();
        else compiled.value.dispose();
        return spent;
      } finally {
        vm.dispose();
        runtime.dispose();
      }
    })();
    compileCosts.set(key, cost);
  }
  return cost;
}

/** Run one export of a bundle on one input. Never throws for function errors: see `error`. */
export async function runFunction(options: RunFunctionOptions): Promise<RunFunctionResult> {
  const source = await bundleText(options);
  const inputJson = typeof options.input === "string" ? options.input : JSON.stringify(options.input);
  const maxInstructions = options.maxInstructions ?? 10 * SHOPIFY_LIMITS.instructions;
  const exportIdentifier = camelize(options.exportName);

  const { quickjs, counter } = await countedQuickJS();
  const compileInstructions = await measureCompile(source);

  const logs: string[] = [];
  let outputJson: string | null = null;
  let writes = 0;
  const result: RunFunctionResult = {
    output: null,
    instructions: 0,
    startupInstructions: 0,
    compileInstructions,
    inputBytes: Buffer.byteLength(inputJson, "utf8"),
    outputBytes: 0,
    logs,
  };

  // The limit covers loading the bundle and the call (not creating the runtime and shim).
  let meterStart = Number.POSITIVE_INFINITY;
  let interrupted = false;
  const runtime = quickjs.newRuntime();
  runtime.setInterruptHandler(() => {
    interrupted ||= counter() - meterStart > maxInstructions;
    return interrupted;
  });
  const vm = runtime.newContext();
  try {
    installShim(vm, {
      readInput: () => inputJson,
      writeOutput: (json) => {
        writes++;
        outputJson = json;
      },
      log: (line) => logs.push(line),
    });

    const beforeLoad = counter();
    meterStart = beforeLoad;
    const loaded = vm.evalCode(source, "function.js", { type: "module" });
    if (loaded.error) {
      result.startupInstructions = counter() - beforeLoad;
      result.error = interrupted
        ? `stopped after more than ${maxInstructions} instructions while loading the bundle (maxInstructions)`
        : `bundle failed to load: ${describeError(vm, loaded.error)}`;
      loaded.error.dispose();
      return result;
    }
    const namespace = settle(vm, runtime, loaded.value);
    result.startupInstructions = counter() - beforeLoad;
    if ("error" in namespace) {
      result.error = `bundle failed to load: ${namespace.error}`;
      return result;
    }

    const exported = vm.getProp(namespace.value, exportIdentifier);
    namespace.value.dispose();
    if (vm.typeof(exported) !== "function") {
      exported.dispose();
      result.error = `the bundle has no export "${exportIdentifier}" (from "${options.exportName}")`;
      return result;
    }

    const beforeCall = counter();
    const called = vm.callFunction(exported, vm.undefined);
    exported.dispose();
    if (called.error) {
      result.error = interrupted
        ? `stopped after more than ${maxInstructions} instructions (maxInstructions)`
        : describeError(vm, called.error);
      called.error.dispose();
    } else {
      called.value.dispose();
    }
    result.instructions = counter() - beforeCall;
  } finally {
    vm.dispose();
    runtime.dispose();
  }

  if (writes > 1 && !result.error) result.error = `writeOutput was called ${writes} times`;
  if (outputJson !== null) {
    const json: string = outputJson;
    result.outputBytes = Buffer.byteLength(json, "utf8");
    result.output = JSON.parse(json) as unknown;
  } else if (!result.error) {
    result.error = "the function returned without writing output";
  }
  return result;
}

async function bundleText(options: RunFunctionOptions): Promise<string> {
  if (options.bundleSource !== undefined) return options.bundleSource;
  if (options.bundlePath !== undefined) return readFile(options.bundlePath, "utf8");
  throw new Error("runFunction: pass bundlePath or bundleSource");
}

interface HostHooks {
  readInput(): string;
  writeOutput(json: string): void;
  log(line: string): void;
}

function installShim(vm: QuickJSContext, host: HostHooks): void {
  const readInput = vm.newFunction("readInput", () => vm.newString(host.readInput()));
  const writeOutput = vm.newFunction("writeOutput", (json) => {
    host.writeOutput(vm.getString(json));
  });
  const log = vm.newFunction("log", (line) => {
    host.log(vm.getString(line));
  });
  const factory = vm.unwrapResult(vm.evalCode(SHIM_SOURCE, "peakguard-shim.js"));
  vm.unwrapResult(vm.callFunction(factory, vm.undefined, readInput, writeOutput, log)).dispose();
  for (const handle of [factory, readInput, writeOutput, log]) handle.dispose();
}

/** A module evaluation may return a promise for the namespace: drive it to completion. */
function settle(
  vm: QuickJSContext,
  runtime: { executePendingJobs(): unknown },
  handle: QuickJSHandle
): { value: QuickJSHandle } | { error: string } {
  const state = vm.getPromiseState(handle);
  if (state.type === "fulfilled") {
    if (state.notAPromise) return { value: handle };
    handle.dispose();
    return { value: state.value };
  }
  if (state.type === "rejected") {
    handle.dispose();
    const message = describeError(vm, state.error);
    state.error.dispose();
    return { error: message };
  }
  runtime.executePendingJobs();
  const after = vm.getPromiseState(handle);
  handle.dispose();
  if (after.type === "fulfilled") return { value: after.value };
  if (after.type === "rejected") {
    const message = describeError(vm, after.error);
    after.error.dispose();
    return { error: message };
  }
  return { error: "module evaluation did not settle (top-level await on something that never resolves)" };
}

function describeError(vm: QuickJSContext, handle: QuickJSHandle): string {
  const dumped = vm.dump(handle) as unknown;
  if (dumped && typeof dumped === "object") {
    const { name, message, stack } = dumped as { name?: unknown; message?: unknown; stack?: unknown };
    const head = `${typeof name === "string" ? name : "Error"}: ${
      typeof message === "string" ? message : JSON.stringify(dumped)
    }`;
    return typeof stack === "string" && stack.trim() ? `${head}\n${stack.trimEnd()}` : head;
  }
  return `thrown: ${JSON.stringify(dumped)}`;
}
