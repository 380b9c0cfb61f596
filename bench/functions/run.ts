/**
 * Function benchmarks: instruction counts per cart size, next to the floor function.
 *
 *   npx tsx bench/functions/run.ts                      every extension with a bench.ts
 *   npx tsx bench/functions/run.ts peakguard-floor      only these (names or paths)
 *   npx tsx bench/functions/run.ts --json               rows as JSON on stdout
 *
 * For each extensions/<name>/bench.ts (default export: FunctionBenchmark[], see
 * functions/bench-spec.ts) and each cart size: build, validate the input against the target's
 * input query, run the function and the floor (extensions/peakguard-floor, which parses the
 * same input and returns no operations) in the sandbox, and print instructions, the ratio to
 * the floor, bytes and the share of Shopify's instruction budget (scaled above 200 lines).
 * Exits 1 if any run breaks a Shopify limit, errors, or gets an input its query would not produce.
 *
 * Counts come from QuickJS-in-Wasm, not Javy: compare within one run and across sizes.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

import { readFile, stat } from "node:fs/promises";

import { validateFixtureInput } from "@shopify/shopify-function-test-helpers";

import { DEFAULT_BENCH_SIZES, type BenchGoal, type FunctionBenchmark } from "../../functions/bench-spec";
import { buildFunction, listFunctionExtensions, resolveExtension, type FunctionExtension } from "../../functions/build";
import { loadSchemaCached, targetOf } from "../../functions/fixtures";
import { graphql } from "../../functions/graphql";
import { checkLimits, runFunction } from "../../functions/sandbox";

export const FLOOR_EXTENSION = "peakguard-floor";
const FLOOR_TARGET = "cart.lines.discounts.generate.run";

export interface BenchRow {
  extension: string;
  target: string;
  label: string;
  lines: number;
  instructions: number;
  floorInstructions: number;
  /** instructions / floorInstructions */
  ratio: number;
  startupInstructions: number;
  inputBytes: number;
  outputBytes: number;
  budget: number;
  /** (instructions + top-level evaluation) / budget: compiling the source is left out (Javy does it at build time) */
  budgetUsed: number;
  problems: string[];
  /** The benchmark's goals for this size (bench-spec `goals`), if any. */
  goal?: BenchGoal;
}

interface Benched {
  extension: FunctionExtension;
  benchmarks: FunctionBenchmark[];
}

async function loadBenchmarks(ext: FunctionExtension): Promise<FunctionBenchmark[] | null> {
  const file = path.join(ext.directory, "bench.ts");
  const found = await stat(file).then(
    () => true,
    () => false
  );
  if (!found) return null;
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  if (!Array.isArray(mod.default)) throw new Error(`${file}: the default export must be defineBenchmarks([...])`);
  return mod.default as FunctionBenchmark[];
}

/** Run the benchmarks of the named extensions (all with a bench.ts by default). */
export async function runBenchmarks(refs: readonly string[] = []): Promise<BenchRow[]> {
  const extensions = refs.length > 0 ? await Promise.all(refs.map(resolveExtension)) : await listFunctionExtensions();
  const benched: Benched[] = [];
  for (const extension of extensions) {
    const benchmarks = await loadBenchmarks(extension);
    if (benchmarks) benched.push({ extension, benchmarks });
  }
  if (benched.length === 0) return [];

  const floor = await buildFunction(FLOOR_EXTENSION, { write: false });
  const floorTarget = floor.extension.targets.find((t) => t.target === FLOOR_TARGET);
  if (!floorTarget) throw new Error(`${FLOOR_EXTENSION} has no ${FLOOR_TARGET} target`);

  const rows: BenchRow[] = [];
  for (const { extension, benchmarks } of benched) {
    const built = extension.name === FLOOR_EXTENSION ? floor : await buildFunction(extension, { write: false });
    const schema = await loadSchemaCached(extension.schemaPath);
    for (const benchmark of benchmarks) {
      const target = targetOf(extension, benchmark);
      if (!target) throw new Error(`${extension.name}/bench.ts: target ${benchmark.target} is not in the toml`);
      const query = graphql.parse(await readFile(target.inputQueryPath, "utf8"));
      for (const lines of benchmark.sizes ?? DEFAULT_BENCH_SIZES) {
        const input = benchmark.input(lines);
        const problems = validateFixtureInput(query, schema, input).errors.map(
          (e) => `input ${e.path.join(".")}: ${e.message}`
        );
        const run = await runFunction({ bundleSource: built.source, exportName: target.export, input });
        const floorRun = await runFunction({ bundleSource: floor.source, exportName: floorTarget.export, input });
        const limits = checkLimits(run, lines);
        if (run.error) problems.push(`run: ${run.error.split("\n")[0]}`);
        if (floorRun.error) problems.push(`floor: ${floorRun.error.split("\n")[0]}`);
        problems.push(...limits.violations);
        rows.push({
          extension: extension.name,
          target: target.target,
          label: benchmark.label ?? "",
          lines,
          instructions: run.instructions,
          floorInstructions: floorRun.instructions,
          ratio: floorRun.instructions > 0 ? run.instructions / floorRun.instructions : Number.NaN,
          startupInstructions: run.startupInstructions,
          inputBytes: run.inputBytes,
          outputBytes: run.outputBytes,
          budget: limits.budget,
          budgetUsed: limits.budgetUsed,
          problems,
          ...(benchmark.goals?.find((g) => g.lines === lines) ? { goal: benchmark.goals.find((g) => g.lines === lines) } : {}),
        });
      }
    }
  }
  return rows;
}

/** One line per row that has a goal: what was asked, what was measured, met or NOT met. */
export function formatGoals(rows: readonly BenchRow[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    const goal = r.goal;
    if (!goal) continue;
    const checks: string[] = [];
    let met = true;
    if (goal.maxFloorRatio !== undefined) {
      const ok = r.ratio <= goal.maxFloorRatio;
      met &&= ok;
      checks.push(`${r.ratio.toFixed(2)}× the floor (goal ≤ ${goal.maxFloorRatio}×)`);
    }
    if (goal.maxBudgetShare !== undefined) {
      const ok = r.budgetUsed <= goal.maxBudgetShare;
      met &&= ok;
      const runOnly = r.instructions / r.budget;
      checks.push(
        `${(r.budgetUsed * 100).toFixed(1)}% of the budget with top-level evaluation, ${(runOnly * 100).toFixed(1)}% without (goal ≤ ${(goal.maxBudgetShare * 100).toFixed(0)}%)`
      );
    }
    out.push(`${met ? "met" : "NOT met"}: ${r.extension} ${r.target} ${r.label} at ${r.lines} lines: ${checks.join("; ")}`);
  }
  return out;
}

/** The table printed by the CLI. */
export function formatTable(rows: readonly BenchRow[]): string {
  const header = [
    "extension",
    "target",
    "label",
    "lines",
    "instructions",
    "floor",
    "× floor",
    "start-up",
    "input B",
    "output B",
    "% budget",
  ];
  const body = rows.map((r) => [
    r.extension,
    r.target,
    r.label,
    String(r.lines),
    r.instructions.toLocaleString("en-US"),
    r.floorInstructions.toLocaleString("en-US"),
    r.ratio.toFixed(2),
    r.startupInstructions.toLocaleString("en-US"),
    r.inputBytes.toLocaleString("en-US"),
    r.outputBytes.toLocaleString("en-US"),
    `${(r.budgetUsed * 100).toFixed(1)}%`,
  ]);
  const numeric = new Set([3, 4, 5, 6, 7, 8, 9, 10]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  const refs = argv.filter((a) => !a.startsWith("--"));
  const rows = await runBenchmarks(refs);
  if (rows.length === 0) {
    console.error("no extension has a bench.ts (extensions/<name>/bench.ts)");
    return 1;
  }
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
  } else {
    console.log(formatTable(rows));
    console.log(
      "\ninstructions: the export call (input JSON.parse + function + output JSON.stringify) in QuickJS-in-Wasm;" +
        "\nstart-up: compiling + evaluating the bundle (Javy precompiles, so Shopify pays less);" +
        "\n% budget: (instructions + top-level evaluation; compiling the source is Javy's build step) / 11M, scaled by lines × 0.005 above 200 lines. Wasm size (256 kB) is not measurable without Javy."
    );
    const goals = formatGoals(rows);
    if (goals.length > 0) console.log(`\ngoals:\n  ${goals.join("\n  ")}`);
  }
  const failing = rows.filter((r) => r.problems.length > 0);
  for (const r of failing) {
    console.error(`FAIL ${r.extension} ${r.target} ${r.label} ${r.lines} lines:\n  ${r.problems.join("\n  ")}`);
  }
  return failing.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    }
  );
}
