/**
 * graphql-codegen configuration: offline, from the pinned Admin schema.
 *
 *   npm run codegen   (= graphql-codegen --config graphql/codegen.ts)
 *
 * Writes two files, both committed and checked fresh by tests/graphql/codegen.test.ts:
 * - graphql/generated/admin.types.ts      result and variables types per operation
 * - graphql/generated/admin.documents.ts  each operation's source, name and kind
 * graphql/operations.ts pairs them into typed operations for the Admin client.
 *
 * Paths are relative to the repository root (npm scripts and vitest run there).
 */
import type { CodegenConfig } from "@graphql-codegen/cli";

import { API_VERSION } from "../app/api-version";
import {
  HEADER_PLUGIN_NAME,
  SOURCES_PLUGIN_NAME,
  headerCodegenPlugin,
  sourcesCodegenPlugin,
} from "./codegen-sources-plugin";

export const ADMIN_DOCUMENTS_GLOB = "graphql/admin/*.graphql";
export const GENERATED_TYPES_PATH = "graphql/generated/admin.types.ts";
export const GENERATED_DOCUMENTS_PATH = "graphql/generated/admin.documents.ts";

/**
 * Every custom scalar the Admin schema declares, as it travels in JSON.
 * `strictScalars` makes codegen fail if Shopify adds a scalar not listed here.
 * BigInt and UnsignedInt64 are strings on the wire (they can exceed 2^53);
 * Decimal and Money are strings to be parsed once into minor units.
 */
export const ADMIN_SCALARS = {
  ARN: "string",
  BigInt: "string",
  Color: "string",
  Date: "string",
  DateTime: "string",
  Decimal: "string",
  FormattedString: "string",
  HTML: "string",
  JSON: "unknown",
  Money: "string",
  StorefrontID: "string",
  URL: "string",
  UnsignedInt64: "string",
  UtcOffset: "string",
} as const;

const config: CodegenConfig = {
  overwrite: true,
  schema: `graphql/schema/admin-${API_VERSION}.graphql`,
  documents: ADMIN_DOCUMENTS_GLOB,
  // Fail, do not skip, when a document cannot be parsed.
  noSilentErrors: true,
  // Codegen asks for `@graphql-codegen/<name>`, `graphql-codegen-<name>`, ..., `<name>`
  // in turn; the local plugins answer to any of those spellings.
  pluginLoader: (name: string) => {
    if (name.endsWith(SOURCES_PLUGIN_NAME)) return sourcesCodegenPlugin;
    if (name.endsWith(HEADER_PLUGIN_NAME)) return headerCodegenPlugin;
    return import(name);
  },
  generates: {
    [GENERATED_TYPES_PATH]: {
      plugins: [HEADER_PLUGIN_NAME, "typescript", "typescript-operations"],
      config: {
        onlyOperationTypes: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: ADMIN_SCALARS,
        useTypeImports: true,
        disableDescriptions: true,
        avoidOptionals: { field: true },
      },
    },
    [GENERATED_DOCUMENTS_PATH]: {
      plugins: [SOURCES_PLUGIN_NAME],
    },
  },
};

export default config;
