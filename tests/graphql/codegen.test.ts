/**
 * The committed generated files are what `npm run codegen` produces now, and
 * graphql/operations.ts exports every document with its generated source.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { generate } from "@graphql-codegen/cli";
import { Kind, parse, print, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";

import config, { ADMIN_SCALARS, GENERATED_DOCUMENTS_PATH, GENERATED_TYPES_PATH } from "../../graphql/codegen";
import * as operations from "../../graphql/operations";
import { API_VERSION } from "../../app/api-version";
import { loadAdminSchema } from "../../graphql/schema";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const ADMIN_DIR = join(ROOT, "graphql/admin");
const documentFiles = readdirSync(ADMIN_DIR).filter((name) => name.endsWith(".graphql"));

describe("codegen", () => {
  it("committed generated files match a fresh codegen run", { timeout: 30_000 }, async () => {
    // WHEN codegen runs with the repo's config, writing nothing
    const outputs: { filename: string; content: string }[] = await generate(
      { ...config, cwd: ROOT, silent: true, errorsOnly: true },
      false,
    );

    // THEN it produces exactly the committed files, byte for byte
    const byName = new Map(outputs.map((output) => [output.filename, output.content]));
    expect([...byName.keys()].sort()).toEqual([GENERATED_DOCUMENTS_PATH, GENERATED_TYPES_PATH].sort());
    for (const [filename, content] of byName) {
      const committed = readFileSync(join(ROOT, filename), "utf8");
      expect(content === committed, `${filename} is stale: run \`npm run codegen\` and commit it`).toBe(true);
    }
  });

  it("reads the schema file named by API_VERSION", () => {
    expect(config.schema).toBe(`graphql/schema/admin-${API_VERSION}.graphql`);
  });

  it("maps every custom scalar the Admin schema declares", () => {
    const builtIn = new Set(["ID", "String", "Int", "Float", "Boolean"]);
    const declared = Object.values(loadAdminSchema().getTypeMap())
      .filter((type) => type.astNode?.kind === Kind.SCALAR_TYPE_DEFINITION && !builtIn.has(type.name))
      .map((type) => type.name)
      .sort();
    expect(Object.keys(ADMIN_SCALARS).sort()).toEqual(declared);
  });
});

describe("graphql/operations.ts", () => {
  const exported = new Map<string, operations.AdminDocument>(
    Object.entries(operations).flatMap(([key, value]) =>
      typeof value === "object" && value !== null && "source" in value ? [[key, value as operations.AdminDocument]] : [],
    ),
  );

  it("exports exactly one typed operation per document", () => {
    expect([...exported.keys()].sort()).toEqual(documentFiles.map((name) => name.replace(/\.graphql$/, "")).sort());
  });

  it.each(documentFiles)("%s: exported source, name, kind and idempotency match the file", (fileName) => {
    const document = parse(readFileSync(join(ADMIN_DIR, fileName), "utf8"));
    const [definition] = document.definitions.filter(
      (node): node is OperationDefinitionNode => node.kind === Kind.OPERATION_DEFINITION,
    );
    const name = fileName.replace(/\.graphql$/, "");
    const operation = exported.get(name);
    expect(operation).toBeDefined();
    expect(operation?.source).toBe(print(document));
    expect(operation?.name).toBe(name);
    expect(operation?.kind).toBe(definition?.operation);
    expect(operation?.idempotent).toBe(print(document).includes("@idempotent(key:"));
  });

  it("marks the inventory mutations idempotent, which Shopify requires since 2026-04", () => {
    expect(operations.InventoryAdjustQuantities.idempotent).toBe(true);
    expect(operations.InventoryMoveQuantities.idempotent).toBe(true);
    expect(operations.MetafieldsSet.idempotent).toBe(false);
  });
});
