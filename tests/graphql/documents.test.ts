/**
 * Every Admin document in the repo validates against the pinned Admin schema, with
 * the same check that rejects a wrong one. Files are found on disk, so a new
 * document is covered without touching this test.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { Kind, NoDeprecatedCustomRule, parse, validate, type OperationDefinitionNode } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";

import { loadAdminSchema, validateDocument } from "../../graphql/schema";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const ADMIN_DIR = join(ROOT, "graphql/admin");
const EXTENSIONS_DIR = join(ROOT, "extensions");

/** The operations the app relies on today; more may exist. */
const MIN_ADMIN_DOCUMENTS = 11;

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/**
 * `.graphql` files under extensions/<name>/src/ that are Admin documents. Function
 * input queries are skipped (they are validated against their function's schema
 * elsewhere): a file is one when the extension's toml names it as `input_query`, or
 * when the extension ships a function `schema.graphql`.
 */
function extensionAdminDocuments(): string[] {
  if (!existsSync(EXTENSIONS_DIR)) return [];
  return readdirSync(EXTENSIONS_DIR).flatMap((name) => {
    const extensionDir = join(EXTENSIONS_DIR, name);
    if (!statSync(extensionDir).isDirectory()) return [];
    if (existsSync(join(extensionDir, "schema.graphql"))) return [];
    const tomlPath = join(extensionDir, "shopify.extension.toml");
    const toml = existsSync(tomlPath) ? readFileSync(tomlPath, "utf8") : "";
    const inputQueries = new Set(
      [...toml.matchAll(/^\s*input_query\s*=\s*"([^"]+)"/gm)].map((match) => resolve(extensionDir, match[1] ?? "")),
    );
    return walk(join(extensionDir, "src")).filter((path) => path.endsWith(".graphql") && !inputQueries.has(path));
  });
}

const adminDocuments = walk(ADMIN_DIR).filter((path) => path.endsWith(".graphql"));
const allDocuments = [...adminDocuments, ...extensionAdminDocuments()].map((path) => ({
  path,
  name: relative(ROOT, path),
  source: readFileSync(path, "utf8"),
}));

beforeAll(() => {
  loadAdminSchema();
});

describe("Admin GraphQL documents", () => {
  it(`finds at least ${MIN_ADMIN_DOCUMENTS} documents under graphql/admin`, () => {
    expect(adminDocuments.length).toBeGreaterThanOrEqual(MIN_ADMIN_DOCUMENTS);
  });

  it.each(allDocuments)("$name validates against the pinned Admin schema", ({ source, name }) => {
    expect(validateDocument(source, name)).toEqual([]);
  });

  it.each(allDocuments)("$name uses no deprecated field, argument or enum value", ({ source }) => {
    const deprecations = validate(loadAdminSchema(), parse(source), [NoDeprecatedCustomRule]);
    expect(deprecations.map((error) => error.message)).toEqual([]);
  });

  it.each(adminDocuments.map((path) => ({ path, name: relative(ROOT, path) })))(
    "$name holds exactly one operation, named like the file",
    ({ path }) => {
      const operations = parse(readFileSync(path, "utf8")).definitions.filter(
        (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
      );
      expect(operations).toHaveLength(1);
      const fileName = path.slice(path.lastIndexOf("/") + 1, -".graphql".length);
      expect(operations[0]?.name?.value).toBe(fileName);
    },
  );
});

describe("validateDocument", () => {
  it("rejects a field the schema does not have, naming it", () => {
    // GIVEN a products query selecting a field Product does not have
    const source = `query Broken { products(first: 1) { nodes { id notAField } } }`;

    // WHEN it is validated by the same check the real documents pass
    const errors = validateDocument(source, "Broken.graphql");

    // THEN it fails, and the error names the field, the type and where it is
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Cannot query field "notAField" on type "Product"');
    expect(errors[0]).toMatch(/^Broken\.graphql:1:\d+ /);
  });

  it("rejects an unknown argument and a nullable variable in a non-null position", () => {
    const source = `query Q($id: ID) { bulkOperation(id: $id) { id } products(frist: 1) { nodes { id } } }`;
    const errors = validateDocument(source, "Q.graphql");
    expect(errors.join("\n")).toContain('Unknown argument "frist" on field "QueryRoot.products"');
    expect(errors.join("\n")).toContain('Variable "$id" of type "ID" used in position expecting type "ID!"');
  });

  it("the deprecation check flags a deprecated field", () => {
    const source = `query Plan { shop { plan { displayName } } }`;
    const deprecations = validate(loadAdminSchema(), parse(source), [NoDeprecatedCustomRule]);
    expect(deprecations.map((error) => error.message).join("\n")).toContain("ShopPlan.displayName is deprecated");
  });

  it("reports a syntax error instead of throwing", () => {
    const errors = validateDocument("query { shop { name }", "Unclosed.graphql");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^Unclosed\.graphql:\d+:\d+ Syntax Error/);
  });

  it("builds the schema once", () => {
    expect(loadAdminSchema()).toBe(loadAdminSchema());
  });
});
