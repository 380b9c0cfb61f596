/**
 * The `graphql` module instance @shopify/shopify-function-test-helpers runs with.
 *
 * graphql 16 ships CommonJS (index.js) and ESM (index.mjs) side by side without an
 * "exports" map: Node resolves the helpers' `import "graphql"` to the CommonJS build, while
 * Vite (vitest) resolves ours to the ESM build. Two instances make graphql refuse a schema
 * built by the other ("Cannot use GraphQLSchema from another module or realm"). Requiring it
 * gives the instance Node gives the helpers, under tsx and vitest alike.
 */
import { createRequire } from "node:module";

export const graphql = createRequire(import.meta.url)("graphql") as typeof import("graphql");
