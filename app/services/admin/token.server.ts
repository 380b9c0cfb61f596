/**
 * Transport with an offline access token (jobs, webhook processing after the
 * acknowledgement, scripts), over graphql-request's `rawRequest` so that
 * `extensions.cost` is kept.
 */
import { ClientError, GraphQLClient } from "graphql-request";

import { API_VERSION } from "../../api-version";
import {
  AdminNetworkFailure,
  normalizeGraphQLErrors,
  parseRetryAfterMs,
  readQueryCost,
  type AdminTransport,
  type AdminTransportResponse,
} from "./transport.server";

/** Base URL (scheme, host, port) of a local store emulator standing in for Shopify. */
export const ADMIN_API_URL_ENV = "PEAKGUARD_ADMIN_API_URL";

const MYSHOPIFY_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;

/**
 * The Admin GraphQL endpoint for `shop`: `https://{shop}/admin/api/{API_VERSION}/graphql.json`,
 * or, when PEAKGUARD_ADMIN_API_URL is set (e.g. `http://127.0.0.1:4010`), that base URL
 * with the same path. Refuses a shop that is not a `*.myshopify.com` domain when
 * building a real Shopify URL, so a token is never sent elsewhere.
 */
export function adminEndpointFor(shop: string, env: Record<string, string | undefined> = process.env): string {
  const path = `/admin/api/${API_VERSION}/graphql.json`;
  const base = env[ADMIN_API_URL_ENV]?.trim();
  if (base) return `${base.replace(/\/+$/, "")}${path}`;
  if (!MYSHOPIFY_DOMAIN.test(shop)) {
    throw new Error(`Shop "${shop}" is not a *.myshopify.com domain; refusing to send its access token there`);
  }
  return `https://${shop}${path}`;
}

export interface TokenTransportOptions {
  shop: string;
  accessToken: string;
  /** Full GraphQL endpoint URL; defaults to {@link adminEndpointFor}(shop). */
  endpoint?: string;
  /** fetch implementation (defaults to the global one). */
  fetch?: typeof fetch;
}

function withExtensions(response: AdminTransportResponse, extensions: unknown): AdminTransportResponse {
  if (typeof extensions !== "object" || extensions === null || Array.isArray(extensions)) return response;
  const cost = readQueryCost(extensions);
  return { ...response, extensions: cost ? { ...extensions, cost } : { ...extensions } };
}

export function adminTransportFromToken(options: TokenTransportOptions): AdminTransport {
  const client = new GraphQLClient(options.endpoint ?? adminEndpointFor(options.shop), {
    headers: { "X-Shopify-Access-Token": options.accessToken },
    // Return GraphQL errors (THROTTLED among them) with the data instead of throwing.
    errorPolicy: "all",
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return async (query, variables) => {
    try {
      const result = await client.rawRequest<unknown>(query, variables);
      const response: AdminTransportResponse = { status: result.status };
      if (result.data !== undefined) response.data = result.data;
      const errors = normalizeGraphQLErrors(result.errors);
      if (errors) response.errors = errors;
      return withExtensions(response, result.extensions);
    } catch (error) {
      // Non-2xx HTTP: graphql-request throws ClientError carrying whatever it could parse.
      if (error instanceof ClientError) {
        const { status, headers, data, errors, extensions } = error.response;
        const response: AdminTransportResponse = { status };
        if (data !== undefined) response.data = data;
        const normalized = normalizeGraphQLErrors(errors);
        if (normalized) response.errors = normalized;
        const retryAfterMs = parseRetryAfterMs(headers?.get("Retry-After"));
        if (retryAfterMs !== undefined) response.retryAfterMs = retryAfterMs;
        return withExtensions(response, extensions);
      }
      throw new AdminNetworkFailure(error);
    }
  };
}
