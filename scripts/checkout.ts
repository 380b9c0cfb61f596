/**
 * The checkout simulator from the command line: a cart file against the store emulator's
 * data, every activated Function built (as the Shopify CLI bundles it) and run in the
 * QuickJS-in-Wasm sandbox, and what the shopper would see.
 *
 *   npm run checkout -- checkout/carts/small.json
 *   npm run checkout -- <cart.json> [--seed-file emulator/seed/default.json | --demo-seed 42]
 *                                   [--emulator-url http://127.0.0.1:4010] [--json] [--functions a,b]
 *                                   [--no-build]
 *
 * --seed-file      the store from a seed file (default emulator/seed/default.json)
 * --demo-seed N    the store from the demo-store generator (emulator/seed/generate.ts) with PRNG seed N
 * --emulator-url   the live store of a running emulator (GET <url>/__emulator/state)
 * --functions a,b  run these extensions (by handle) even if the store has no owner for them
 * --json           the result as JSON (cart, shopper view, runs with inputs/outputs, skipped)
 * --no-build       run the bundles as they are in extensions/<name>/dist/function.js
 *
 * Exit code: 0 when every function ran within Shopify's limits, 1 when a function failed
 * or broke a limit, 2 for a bad cart or command line.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { CartFileError, parseCartFile } from "../emulator/checkout/cart";
import { checkoutJson, formatCheckout } from "../emulator/checkout/format";
import { simulateCheckout } from "../emulator/checkout/run";
import { StoreSnapshot, type StoreDump } from "../emulator/checkout/snapshot";
import { CartResolveError } from "../emulator/checkout/state";
import { generateDemoSeed } from "../emulator/seed/generate";
import { readSeedFile, Store } from "../emulator/store";

const USAGE =
  "usage: npm run checkout -- <cart.json> [--seed-file FILE | --demo-seed N | --emulator-url URL] [--json] [--functions a,b] [--no-build]";

interface Args {
  cart: string;
  seedFile: string | null;
  demoSeed: number | null;
  emulatorUrl: string | null;
  json: boolean;
  functions: string[];
  build: boolean;
}

class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { cart: "", seedFile: null, demoSeed: null, emulatorUrl: null, json: false, functions: [], build: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    if (arg === "--json") args.json = true;
    else if (arg === "--no-build") args.build = false;
    else if (arg === "--seed-file") args.seedFile = value();
    else if (arg === "--demo-seed") {
      const raw = value();
      if (!/^\d+$/.test(raw)) throw new UsageError(`--demo-seed must be a non-negative integer, got ${raw}`);
      args.demoSeed = Number(raw);
    } else if (arg === "--emulator-url") args.emulatorUrl = value().replace(/\/+$/, "");
    else if (arg === "--functions") args.functions = value().split(",").map((s) => s.trim()).filter(Boolean);
    else if (arg === "--help" || arg === "-h") throw new UsageError(USAGE);
    else if (arg.startsWith("--")) throw new UsageError(`unknown option ${arg}\n${USAGE}`);
    else if (args.cart) throw new UsageError(`one cart file at a time (got ${args.cart} and ${arg})\n${USAGE}`);
    else args.cart = arg;
  }
  if (!args.cart) throw new UsageError(USAGE);
  const sources = [args.seedFile, args.demoSeed, args.emulatorUrl].filter((s) => s !== null);
  if (sources.length > 1) throw new UsageError(`pick one store: --seed-file, --demo-seed or --emulator-url\n${USAGE}`);
  return args;
}

async function loadSnapshot(args: Args): Promise<StoreSnapshot> {
  if (args.emulatorUrl) {
    const url = `${args.emulatorUrl}/__emulator/state`;
    const response = await fetch(url).catch((error: unknown) => {
      throw new Error(`cannot reach the emulator at ${url}: ${error instanceof Error ? error.message : String(error)}`);
    });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return new StoreSnapshot((await response.json()) as StoreDump);
  }
  if (args.demoSeed !== null) return StoreSnapshot.fromStore(new Store({ seed: generateDemoSeed({ seed: args.demoSeed }) }));
  return StoreSnapshot.fromStore(new Store({ seed: readSeedFile(args.seedFile ?? "emulator/seed/default.json") }));
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(args.cart, "utf8")) as unknown;
  } catch (error) {
    console.error(`${args.cart}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  try {
    const cart = parseCartFile(raw, args.cart);
    const snapshot = await loadSnapshot(args);
    const result = await simulateCheckout({ cart, snapshot, functions: args.functions, build: args.build });
    console.log(args.json ? JSON.stringify(checkoutJson(result), null, 2) : formatCheckout(result, { cartName: path.basename(args.cart) }));
    return result.runs.some((r) => r.status !== "ok") ? 1 : 0;
  } catch (error) {
    if (error instanceof CartFileError || error instanceof CartResolveError) {
      console.error(error instanceof CartFileError ? error.message : `${args.cart}: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    },
  );
}
