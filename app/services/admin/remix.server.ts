/**
 * Transport over the Remix `admin.graphql` from `authenticate.admin(request)` /
 * `unauthenticated.admin(shop)` (@shopify/shopify-app-remix 6).
 *
 * That client reports trouble by throwing rather than returning:
 * - GraphQL errors on HTTP 200 (THROTTLED included): `GraphqlQueryError`, whose
 *   `body` is `{ data?, extensions?, errors: { graphQLErrors, networkStatusCode, ... } }`;
 * - non-2xx statuses: a `Response` carrying the status (built by the library's
 *   `handleClientError`; on 401 it may be a re-authentication redirect instead);
 * - no response at all: `HttpRequestError`.
 * This transport turns the first two back into plain answers (429 and 5xx only; any
 * other thrown `Response` is rethrown untouched so Remix can act on it) and the
 * third into an AdminNetworkFailure.
 */
import { GraphqlQueryError, HttpRequestError } from "@shopify/shopify-api";
import type { AdminApiContext } from "@shopify/shopify-app-remix/server";

import {
  AdminNetworkFailure,
  normalizeGraphQLErrors,
  parseRetryAfterMs,
  readQueryCost,
  transportResponseFromBody,
  type AdminTransport,
  type AdminTransportResponse,
} from "./transport.server";

/** What the transport needs of the Remix admin context. */
export type RemixAdminGraphql = Pick<AdminApiContext, "graphql">;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fromGraphqlQueryError(error: GraphqlQueryError): AdminTransportResponse {
  const body: unknown = error.body;
  // GraphqlQueryError is only raised for HTTP 200 answers carrying GraphQL errors.
  const status = typeof error.response.status === "number" ? error.response.status : 200;
  const response: AdminTransportResponse = { status };
  if (!isRecord(body)) return { ...response, errors: [{ message: error.message }] };
  if (body.data !== undefined) response.data = body.data;
  const nested = isRecord(body.errors) ? body.errors.graphQLErrors : undefined;
  response.errors = normalizeGraphQLErrors(nested) ?? [{ message: error.message }];
  if (isRecord(body.extensions)) {
    const cost = readQueryCost(body.extensions);
    response.extensions = cost ? { ...body.extensions, cost } : { ...body.extensions };
  }
  return response;
}

export function adminTransportFromRemix(admin: RemixAdminGraphql): AdminTransport {
  return async (query, variables) => {
    let response: Response;
    try {
      response = await admin.graphql(query, variables === undefined ? undefined : { variables });
    } catch (error) {
      if (error instanceof GraphqlQueryError) return fromGraphqlQueryError(error);
      if (error instanceof Response && (error.status === 429 || error.status >= 500)) {
        return { status: error.status, retryAfterMs: parseRetryAfterMs(error.headers.get("Retry-After")) };
      }
      if (error instanceof HttpRequestError) throw new AdminNetworkFailure(error);
      throw error;
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw new AdminNetworkFailure(error);
    }
    return transportResponseFromBody(body, response.status);
  };
}
