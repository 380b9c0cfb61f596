/**
 * The one Admin / Functions API version Peakguard speaks.
 *
 * Used by `app/shopify.server.ts`, `graphql/codegen.ts` and checked against
 * `shopify.app.toml` (`[webhooks] api_version`) by tests/config/api-version.test.ts.
 * Change it here and nowhere else.
 */
export const API_VERSION = "2026-10" as const;
export type ApiVersionString = typeof API_VERSION;
