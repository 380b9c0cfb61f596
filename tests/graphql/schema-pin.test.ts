/**
 * The repo's pinned Admin SDL is the shared contract, byte for byte. CI checks the
 * repo out with ../shared beside it, so the comparison is unconditional.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { ADMIN_SCHEMA_FILE, ADMIN_SCHEMA_PATH } from "../../graphql/schema";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SHARED_SCHEMA_PATH = resolve(ROOT, "../shared/shopify/admin", ADMIN_SCHEMA_FILE);

describe("pinned Admin schema", () => {
  it(`graphql/schema/${ADMIN_SCHEMA_FILE} is byte-identical to ../shared/shopify/admin/${ADMIN_SCHEMA_FILE}`, () => {
    const pinned = readFileSync(ADMIN_SCHEMA_PATH);
    const shared = readFileSync(SHARED_SCHEMA_PATH);
    expect(pinned.length).toBe(shared.length);
    expect(pinned.equals(shared)).toBe(true);
  });
});
