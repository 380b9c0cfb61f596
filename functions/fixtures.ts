/**
 * Fixture runner for Shopify Function extensions.
 *
 * A fixture is a JSON file in extensions/<name>/tests/fixtures/, laid out as Shopify's
 * templates lay theirs out:
 *
 *   { "payload": { "export": "cart-lines-discounts-generate-run",
 *                  "target": "cart.lines.discounts.generate.run",
 *                  "input": { ... }, "output": { ... } } }
 *
 * For each fixture: the target's input query, the input and the expected output are checked
 * against the extension's schema.graphql (`validateTestAssets` from
 * @shopify/shopify-function-test-helpers: unknown fields, wrong types, missing fields, fields
 * the query does not select), then the built bundle runs in the sandbox and its output must
 * equal the expected output.
 *
 *   npx tsx functions/fixtures.ts                         build + run every extension's fixtures
 *   npx tsx functions/fixtures.ts extensions/peakguard-floor
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";

import {
  loadFixture,
  loadSchema,
  validateTestAssets,
  type CompleteValidationResult,
  type FixtureData,
} from "@shopify/shopify-function-test-helpers";
import type { DocumentNode, GraphQLSchema } from "graphql";

import {
  buildFunction,
  listFunctionExtensions,
  resolveExtension,
  type FunctionExtension,
  type FunctionTarget,
} from "./build";
import { graphql } from "./graphql";
import { REPO_ROOT } from "./paths";
import { checkLimits, countCartLines, runFunction, SHOPIFY_LIMITS, type RunFunctionResult } from "./sandbox";

export interface FunctionFixture extends FixtureData {
  /** Absolute path of the fixture file. */
  path: string;
  /** File name without .json. */
  name: string;
}

export interface FixtureValidation {
  ok: boolean;
  /** One line per problem, prefixed by where it is: "input query", "input cart.lines.0.x", "output", "fixture". */
  errors: string[];
  /** validateTestAssets' own result, when it ran. */
  assets?: CompleteValidationResult;
}

export interface FixtureResult {
  extension: string;
  fixture: FunctionFixture;
  validation: FixtureValidation;
  run: RunFunctionResult;
  outputMatches: boolean;
  /** Shopify limits the run broke (see sandbox.checkLimits). */
  limitViolations: string[];
  /** Everything that makes this fixture fail; empty when it passes. */
  problems: string[];
}

/** extensions/<name>/tests/fixtures/*.json, sorted. */
export async function findFixtureFiles(ext: FunctionExtension): Promise<string[]> {
  const dir = path.join(ext.directory, "tests", "fixtures");
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => n.endsWith(".json"))
    .sort()
    .map((n) => path.join(dir, n));
}

/** Every function extension with its fixture files (extensions without fixtures included, with an empty list). */
export async function discoverFixtures(
  extensions?: readonly FunctionExtension[]
): Promise<{ extension: FunctionExtension; files: string[] }[]> {
  const list = extensions ?? (await listFunctionExtensions());
  return Promise.all(list.map(async (extension) => ({ extension, files: await findFixtureFiles(extension) })));
}

/** Load one fixture file (the test helpers' loadFixture) and check it has the payload fields. */
export async function loadFunctionFixture(file: string): Promise<FunctionFixture> {
  const data = await loadFixture(file);
  const missing = (["export", "target", "input", "expectedOutput"] as const).filter((k) => data[k] === undefined);
  if (missing.length > 0) {
    const names = missing.map((k) => (k === "expectedOutput" ? "output" : k));
    throw new Error(`${file}: payload is missing ${names.join(", ")}`);
  }
  return { ...data, path: file, name: path.basename(file, ".json") };
}

const schemaCache = new Map<string, Promise<GraphQLSchema>>();
/** schema.graphql, built once per process by the test helpers' own loadSchema. */
export function loadSchemaCached(schemaPath: string): Promise<GraphQLSchema> {
  let schema = schemaCache.get(schemaPath);
  if (!schema) {
    schema = loadSchema(schemaPath);
    schemaCache.set(schemaPath, schema);
  }
  return schema;
}

/** The toml target a fixture is for. */
export function targetOf(ext: FunctionExtension, fixture: Pick<FixtureData, "target">): FunctionTarget | undefined {
  return ext.targets.find((t) => t.target === fixture.target);
}

export interface ValidateFixtureOptions {
  /** Validate against this query text instead of the target's input_query file (to test the checker). */
  inputQuerySource?: string;
}

/** Check a fixture against the extension: target and export as in the toml, query/input/output against schema.graphql. */
export async function validateFixture(
  ext: FunctionExtension,
  fixture: FixtureData,
  options: ValidateFixtureOptions = {}
): Promise<FixtureValidation> {
  const errors: string[] = [];
  const target = targetOf(ext, fixture);
  if (!target) {
    const known = ext.targets.map((t) => t.target).join(", ");
    return { ok: false, errors: [`fixture: target "${fixture.target}" is not in ${ext.name}'s toml (${known})`] };
  }
  if (fixture.export !== target.export) {
    errors.push(`fixture: export "${fixture.export}" but the toml exports "${target.export}" for ${target.target}`);
  }

  const querySource = options.inputQuerySource ?? (await readFile(target.inputQueryPath, "utf8"));
  const queryBytes = Buffer.byteLength(querySource, "utf8");
  if (queryBytes > SHOPIFY_LIMITS.inputQueryBytes) {
    errors.push(`input query: ${queryBytes} bytes, over Shopify's ${SHOPIFY_LIMITS.inputQueryBytes}`);
  }
  let inputQueryAST: DocumentNode;
  try {
    inputQueryAST = graphql.parse(querySource);
  } catch (error) {
    errors.push(`input query: ${error instanceof Error ? error.message : String(error)}`);
    return { ok: false, errors };
  }

  const schema = await loadSchemaCached(ext.schemaPath);
  const assets = await validateTestAssets({ schema, fixture, inputQueryAST });
  for (const e of assets.inputQuery.errors) errors.push(`input query: ${e.message}`);
  for (const e of assets.inputFixture.errors) errors.push(`input ${e.path.join(".")}: ${e.message}`);
  for (const e of assets.outputFixture.errors) errors.push(`output: ${e.message}`);
  if (assets.error) errors.push(`fixture: ${assets.error}`);
  return { ok: errors.length === 0, errors, assets };
}

export interface RunFixtureOptions {
  /** The bundle to run; defaults to the extension's dist/function.js (build it first). */
  bundlePath?: string;
  bundleSource?: string;
}

/** Validate one fixture, run it in the sandbox and compare the output. */
export async function runFixture(
  ext: FunctionExtension,
  fixture: FunctionFixture,
  options: RunFixtureOptions = {}
): Promise<FixtureResult> {
  const validation = await validateFixture(ext, fixture);
  const run = await runFunction({
    ...(options.bundleSource !== undefined
      ? { bundleSource: options.bundleSource }
      : { bundlePath: options.bundlePath ?? ext.bundlePath }),
    exportName: fixture.export,
    input: fixture.input,
  });
  const outputMatches = !run.error && isDeepStrictEqual(run.output, fixture.expectedOutput);
  const limitViolations = checkLimits(run, countCartLines(fixture.input)).violations;

  const problems = [...validation.errors];
  if (run.error) problems.push(`run: ${run.error}`);
  else if (!outputMatches) {
    problems.push(
      `output differs:\n  expected ${JSON.stringify(fixture.expectedOutput)}\n  actual   ${JSON.stringify(run.output)}`
    );
  }
  problems.push(...limitViolations.map((v) => `limit: ${v}`));
  return { extension: ext.name, fixture, validation, run, outputMatches, limitViolations, problems };
}

/** Build the extensions (all by default), then validate and run all their fixtures. */
export async function runFixtures(refs: readonly string[] = []): Promise<FixtureResult[]> {
  const extensions = refs.length > 0 ? await Promise.all(refs.map(resolveExtension)) : await listFunctionExtensions();
  const results: FixtureResult[] = [];
  for (const { extension, files } of await discoverFixtures(extensions)) {
    await buildFunction(extension);
    for (const file of files) results.push(await runFixture(extension, await loadFunctionFixture(file)));
  }
  return results;
}

async function main(args: string[]): Promise<number> {
  const results = await runFixtures(args);
  if (results.length === 0) {
    console.error("no fixtures found (extensions/*/tests/fixtures/*.json)");
    return 1;
  }
  let failed = 0;
  for (const r of results) {
    const where = `${r.extension}/${path.relative(REPO_ROOT, r.fixture.path)}`;
    const figures = `${r.run.instructions} instructions, ${r.run.inputBytes} B in, ${r.run.outputBytes} B out`;
    if (r.problems.length === 0) {
      console.log(`ok   ${r.extension} ${r.fixture.name} (${figures})`);
    } else {
      failed++;
      console.log(`FAIL ${where}\n${r.problems.map((p) => `     ${p}`).join("\n")}`);
    }
  }
  console.log(`${results.length - failed}/${results.length} fixtures passed`);
  return failed === 0 ? 0 : 1;
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
