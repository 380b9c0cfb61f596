/**
 * The pinned Admin GraphQL schema and the one check every Admin document passes.
 *
 * Node-only (reads the SDL from disk): used by tests, codegen and scripts, never
 * bundled into the Remix app.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  buildSchema,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
} from "graphql";

import { API_VERSION } from "../app/api-version";

/** File name of the pinned Admin SDL, e.g. `admin-2026-10.graphql`. */
export const ADMIN_SCHEMA_FILE = `admin-${API_VERSION}.graphql`;

/** Absolute path of the pinned Admin SDL inside the repository. */
export const ADMIN_SCHEMA_PATH = fileURLToPath(new URL(`./schema/${ADMIN_SCHEMA_FILE}`, import.meta.url));

let cachedSchema: GraphQLSchema | undefined;

/**
 * The Admin schema built from the pinned SDL, once per process.
 * `assumeValidSDL` skips re-validating Shopify's own 3.7 MB SDL (printed from
 * introspection, so it is valid by construction); documents are still validated
 * against it in full by {@link validateDocument}.
 */
export function loadAdminSchema(): GraphQLSchema {
  cachedSchema ??= buildSchema(readFileSync(ADMIN_SCHEMA_PATH, "utf8"), { assumeValidSDL: true });
  return cachedSchema;
}

/**
 * Parses `source` and validates it against the pinned Admin schema with graphql's
 * `specifiedRules`. Returns one readable line per problem (empty when valid), each
 * prefixed with `name` and the line:column it points at, e.g.
 * `ProductsPage.graphql:4:5 Cannot query field "notAField" on type "Product".`
 */
export function validateDocument(source: string, name: string): string[] {
  let document: DocumentNode;
  try {
    document = parse(source);
  } catch (error) {
    if (error instanceof GraphQLError) return [formatError(name, error)];
    throw error;
  }
  return validate(loadAdminSchema(), document, specifiedRules).map((error) => formatError(name, error));
}

function formatError(name: string, error: GraphQLError): string {
  const where = (error.locations ?? []).map((location) => `${name}:${location.line}:${location.column}`);
  return `${where.length > 0 ? where.join(", ") : name} ${error.message}`;
}
