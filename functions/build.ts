/**
 * Builds Shopify Function extensions the way `shopify app function build` does, minus Javy:
 *
 *   1. typegen: graphql-codegen with the `codegen` config in the extension's package.json
 *      (schema.graphql + src/*.graphql → generated/api.ts), run with cwd = the extension;
 *   2. bundle: esbuild with the CLI's options (bundle, esm, es2022, no legal comments), entry =
 *      the module the CLI generates: for every toml `export`, a JS export that runs the user
 *      function through @shopify/shopify_function/run → dist/function.js.
 *   3. (CLI only) Javy compiles dist/function.js to dist/function.wasm. Javy is downloaded
 *      from GitHub at build time, which cannot work here; functions/sandbox.ts runs the
 *      dist/function.js instead.
 *
 *   npx tsx functions/build.ts                          build every function extension
 *   npx tsx functions/build.ts extensions/peakguard-floor   build one
 */
import { readdir, readFile, rename, stat, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { generate, type CodegenConfig } from "@graphql-codegen/cli";
import { build as esbuild, type BuildOptions } from "esbuild";
import { parse as parseToml } from "smol-toml";

import { camelize } from "./names";
import { EXTENSIONS_DIR, REPO_ROOT } from "./paths";

/** One `[[extensions.targeting]]` entry. */
export interface FunctionTarget {
  /** e.g. "cart.lines.discounts.generate.run" */
  target: string;
  /** Absolute path of the input query (`input_query`). */
  inputQueryPath: string;
  /** The toml export, kebab-case: "cart-lines-discounts-generate-run". */
  export: string;
  /** The JS export it maps to: "cartLinesDiscountsGenerateRun". */
  jsExport: string;
}

export interface FunctionExtension {
  /** Folder name under extensions/. */
  name: string;
  /** Absolute path of the extension folder. */
  directory: string;
  handle: string;
  apiVersion: string;
  targets: FunctionTarget[];
  schemaPath: string;
  /** src/index.ts (or .js), the module the generated entry imports as "user-function". */
  entryPath: string;
  /** dist/function.js */
  bundlePath: string;
  /** `[extensions.build]` as written in the toml. */
  buildConfig: { command?: string; path?: string };
}

/** esbuild options the Shopify CLI uses for JS functions (services/function/build.ts). */
export const CLI_ESBUILD_OPTIONS = {
  bundle: true,
  format: "esm",
  target: "es2022",
  legalComments: "none",
  logLevel: "silent",
} as const satisfies BuildOptions;

/**
 * The `codegen` block every extension's package.json carries (the template's, plus scalar
 * types). The CLI's typegen reads exactly this block, so online builds type the same way.
 * Scalars as they travel in the input JSON: Decimal is a string ("12.50" — compare as
 * numbers, never as strings), JSON is unknown until narrowed, Void is null; any scalar a
 * future schema adds is `unknown` until listed here.
 */
export const FUNCTION_CODEGEN_CONFIG = {
  schema: "schema.graphql",
  documents: "src/*.graphql",
  generates: {
    "./generated/api.ts": {
      plugins: ["typescript", "typescript-operations"],
    },
  },
  config: {
    omitOperationSuffix: true,
    defaultScalarType: "unknown",
    scalars: {
      Date: "string",
      DateTime: "string",
      DateTimeWithoutTimezone: "string",
      Decimal: "string",
      Handle: "string",
      JSON: "unknown",
      TimeWithoutTimezone: "string",
      URL: "string",
      Void: "null",
    },
  },
} as const;

const ENTRY_CANDIDATES = ["src/index.ts", "src/index.js"];

/** Read and check one extension folder's shopify.extension.toml. Throws with the reason if it is not a usable function. */
export async function loadFunctionExtension(directory: string): Promise<FunctionExtension> {
  const dir = path.resolve(REPO_ROOT, directory);
  const tomlPath = path.join(dir, "shopify.extension.toml");
  const toml = parseToml(await readFile(tomlPath, "utf8")) as {
    api_version?: unknown;
    extensions?: {
      handle?: unknown;
      type?: unknown;
      targeting?: { target?: unknown; input_query?: unknown; export?: unknown }[];
      build?: { command?: string; path?: string };
    }[];
  };
  const [extension, ...others] = toml.extensions ?? [];
  if (!extension || others.length > 0) throw new Error(`${tomlPath}: expected exactly one [[extensions]] entry`);
  if (extension.type !== "function") throw new Error(`${tomlPath}: type is ${String(extension.type)}, not "function"`);
  if (typeof toml.api_version !== "string") throw new Error(`${tomlPath}: api_version is missing`);

  const targets = (extension.targeting ?? []).map((t, i): FunctionTarget => {
    if (typeof t.target !== "string" || typeof t.input_query !== "string" || typeof t.export !== "string") {
      throw new Error(`${tomlPath}: targeting[${i}] needs target, input_query and export`);
    }
    // Same rule as the CLI: exports are Wasm component names.
    if (!/^[a-z0-9-]+$/.test(t.export)) {
      throw new Error(`${tomlPath}: export "${t.export}" must be kebab-case (lowercase letters, digits, hyphens)`);
    }
    return {
      target: t.target,
      inputQueryPath: path.join(dir, t.input_query),
      export: t.export,
      jsExport: camelize(t.export),
    };
  });
  if (targets.length === 0) throw new Error(`${tomlPath}: no [[extensions.targeting]]`);

  let entryPath: string | undefined;
  for (const candidate of ENTRY_CANDIDATES) {
    if (await exists(path.join(dir, candidate))) {
      entryPath = path.join(dir, candidate);
      break;
    }
  }
  if (!entryPath) throw new Error(`${dir}: no entry point (${ENTRY_CANDIDATES.join(" or ")})`);

  return {
    name: path.basename(dir),
    directory: dir,
    handle: typeof extension.handle === "string" ? extension.handle : path.basename(dir),
    apiVersion: toml.api_version,
    targets,
    schemaPath: path.join(dir, "schema.graphql"),
    entryPath,
    bundlePath: path.join(dir, "dist", "function.js"),
    buildConfig: extension.build ?? {},
  };
}

/** Every folder under extensions/ whose shopify.extension.toml declares a function, sorted by name. */
export async function listFunctionExtensions(extensionsDir = EXTENSIONS_DIR): Promise<FunctionExtension[]> {
  const entries = await readdir(extensionsDir, { withFileTypes: true }).catch(() => []);
  const found: FunctionExtension[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = path.join(extensionsDir, entry.name);
    const tomlText = await readFile(path.join(dir, "shopify.extension.toml"), "utf8").catch(() => null);
    if (tomlText === null) continue;
    const toml = parseToml(tomlText) as { extensions?: { type?: unknown }[] };
    if (toml.extensions?.some((e) => e.type === "function")) found.push(await loadFunctionExtension(dir));
  }
  return found;
}

/** Accepts an extension, a folder path ("extensions/x", absolute or relative to the repo) or a bare name ("x"). */
export async function resolveExtension(ref: FunctionExtension | string): Promise<FunctionExtension> {
  if (typeof ref !== "string") return ref;
  const candidates = [path.resolve(REPO_ROOT, ref), path.join(EXTENSIONS_DIR, ref)];
  for (const candidate of candidates) {
    if (await exists(path.join(candidate, "shopify.extension.toml"))) return loadFunctionExtension(candidate);
  }
  throw new Error(`no function extension at ${ref} (looked in ${candidates.join(", ")})`);
}

export interface GeneratedFile {
  /** Absolute path. */
  path: string;
  content: string;
  /** True if the file on disk differed (and, when writing, was rewritten). */
  changed: boolean;
}

/**
 * Typegen as the CLI does it: graphql-codegen with package.json's `codegen` block, cwd = the
 * extension. Files are written only when their content changes (parallel builds stay safe);
 * `write: false` only reports what would be written.
 */
export async function typegen(ext: FunctionExtension, options: { write?: boolean } = {}): Promise<GeneratedFile[]> {
  const pkg = JSON.parse(await readFile(path.join(ext.directory, "package.json"), "utf8")) as {
    codegen?: CodegenConfig;
  };
  if (!pkg.codegen) {
    throw new Error(
      `${ext.directory}/package.json: no "codegen" config (copy FUNCTION_CODEGEN_CONFIG from functions/build.ts)`
    );
  }
  const outputs = (await generate({ ...pkg.codegen, cwd: ext.directory, silent: true, errorsOnly: true }, false)) as {
    filename: string;
    content: string;
  }[];
  const files: GeneratedFile[] = [];
  for (const { filename, content } of outputs) {
    const target = path.resolve(ext.directory, filename);
    const changed =
      options.write ?? true
        ? await writeIfChanged(target, content)
        : (await readFile(target, "utf8").catch(() => null)) !== content;
    files.push({ path: target, content, changed });
  }
  return files;
}

/**
 * The entry module the CLI generates (ExportJavyBuilder.entrypointContents): each toml export
 * becomes a JS export that runs the user function through @shopify/shopify_function's run().
 */
export function entrypointContents(exports: readonly string[]): string {
  const prelude = `\nimport __runFunction from "@shopify/shopify_function/run"`;
  const bodies = exports.map((name) => {
    const identifier = camelize(name);
    const alias = camelize(`run-${name}`);
    return `\nimport { ${identifier} as ${alias} } from "user-function"\nexport function ${identifier}() { return __runFunction(${alias}) }`;
  });
  return `${prelude}\n${bodies.join("\n")}`;
}

export interface BundleOptions {
  /** Write dist/function.js (default) or only return the source. */
  write?: boolean;
}

export interface BundleResult {
  bundlePath: string;
  source: string;
  bytes: number;
}

/**
 * esbuild step. Differences from the CLI: the CLI also `define`s process.env.<NAME> for the
 * app's .env and matching process variables; we define none (builds stay reproducible, and a
 * function has no environment to read anyway).
 */
export async function bundle(ext: FunctionExtension, options: BundleOptions = {}): Promise<BundleResult> {
  const write = options.write ?? true;
  const result = await esbuild({
    ...CLI_ESBUILD_OPTIONS,
    stdin: {
      contents: entrypointContents(ext.targets.map((t) => t.export)),
      loader: "ts",
      resolveDir: ext.directory,
    },
    alias: { "user-function": ext.entryPath },
    outfile: ext.bundlePath,
    write: false,
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for ${ext.name}`);
  if (write) await writeIfChanged(ext.bundlePath, file.text);
  return { bundlePath: ext.bundlePath, source: file.text, bytes: file.contents.byteLength };
}

export interface BuildResult extends BundleResult {
  extension: FunctionExtension;
  generatedFiles: GeneratedFile[];
  durationMs: number;
}

/** typegen + bundle for one extension. */
export async function buildFunction(
  ref: FunctionExtension | string,
  options: BundleOptions = {}
): Promise<BuildResult> {
  const started = performance.now();
  const extension = await resolveExtension(ref);
  const generatedFiles = await typegen(extension);
  const bundled = await bundle(extension, options);
  return { ...bundled, extension, generatedFiles, durationMs: Math.round(performance.now() - started) };
}

/** Build the given extensions, or all of them. */
export async function buildAll(refs: readonly string[] = []): Promise<BuildResult[]> {
  const extensions = refs.length > 0 ? await Promise.all(refs.map(resolveExtension)) : await listFunctionExtensions();
  const results: BuildResult[] = [];
  for (const ext of extensions) results.push(await buildFunction(ext));
  return results;
}

/** Atomic write, skipped when the content is already there. Returns whether it wrote. */
async function writeIfChanged(file: string, content: string): Promise<boolean> {
  const current = await readFile(file, "utf8").catch(() => null);
  if (current === content) return false;
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, file);
  return true;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false
  );
}

async function main(args: string[]): Promise<number> {
  const results = await buildAll(args);
  if (results.length === 0) {
    console.log("no function extensions found under extensions/");
    return 0;
  }
  for (const r of results) {
    const rel = path.relative(REPO_ROOT, r.bundlePath);
    console.log(`built ${r.extension.name}: ${rel} (${r.bytes} bytes) in ${r.durationMs} ms`);
  }
  console.log(
    "Javy (dist/function.wasm) is not run here: it downloads from GitHub. `shopify app function build` does it online."
  );
  return 0;
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
