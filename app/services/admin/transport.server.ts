/**
 * The seam between AdminClient and whatever carries a GraphQL request to Shopify:
 * the Remix `admin.graphql`, a graphql-request client with an offline token, or a
 * strict mock in tests. A transport sends once and reports what came back; all
 * retry, throttle and error policy lives in AdminClient.
 */

/** Shopify's leaky-bucket state, from `extensions.cost.throttleStatus`. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
}

/** `extensions.cost` on every Admin API response. */
export interface AdminQueryCost {
  requestedQueryCost: number;
  /** Null when the query did not run (throttled). */
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

/** One entry of a top-level `errors` array. */
export interface AdminGraphQLErrorEntry {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export interface AdminTransportResponse {
  data?: unknown;
  errors?: readonly AdminGraphQLErrorEntry[];
  extensions?: { cost?: AdminQueryCost; [key: string]: unknown };
  /** HTTP status, when the transport knows it. 429 and 5xx are acted on by AdminClient. */
  status?: number;
  /** `Retry-After` of a 429, in milliseconds, when the server sent one. */
  retryAfterMs?: number;
}

/**
 * Sends one GraphQL request. Resolves with whatever the server answered (including
 * GraphQL errors and non-2xx statuses it could read); throws {@link AdminNetworkFailure}
 * when nothing usable came back (connection refused or reset, timeout, unreadable body).
 * Anything else it throws (a Remix redirect `Response`, a programming error) reaches
 * the caller of AdminClient untouched.
 */
export type AdminTransport = (query: string, variables?: Record<string, unknown>) => Promise<AdminTransportResponse>;

/**
 * The request may or may not have reached Shopify. AdminClient resends only
 * operations that are safe to resend (queries, `@idempotent` mutations).
 */
export class AdminNetworkFailure extends Error {
  override readonly name = "AdminNetworkFailure";

  constructor(cause: unknown) {
    super(`Admin API request failed before a response was read: ${describeCause(cause)}`, { cause });
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : "";
    return `${cause.message}${inner}`;
  }
  return String(cause);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/**
 * Normalises whatever a server put in `errors` into entries. Shopify sends an array
 * for GraphQL errors, but a bare string or `{ message }` object on some 4xx answers.
 */
export function normalizeGraphQLErrors(raw: unknown): AdminGraphQLErrorEntry[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const items = Array.isArray(raw) ? raw : [raw];
  return items.map((item): AdminGraphQLErrorEntry => {
    if (typeof item === "string") return { message: item };
    if (!isRecord(item)) return { message: JSON.stringify(item) };
    const entry: AdminGraphQLErrorEntry = {
      message: typeof item.message === "string" ? item.message : JSON.stringify(item),
    };
    if (Array.isArray(item.path)) {
      entry.path = item.path.filter((part): part is string | number => typeof part === "string" || typeof part === "number");
    }
    if (isRecord(item.extensions)) {
      entry.extensions = {
        ...item.extensions,
        code: typeof item.extensions.code === "string" ? item.extensions.code : undefined,
      };
    }
    return entry;
  });
}

/** `extensions.cost`, if present and well formed; undefined otherwise. */
export function readQueryCost(extensions: unknown): AdminQueryCost | undefined {
  if (!isRecord(extensions) || !isRecord(extensions.cost)) return undefined;
  const { requestedQueryCost, actualQueryCost, throttleStatus } = extensions.cost;
  if (!isFiniteNumber(requestedQueryCost) || !isRecord(throttleStatus)) return undefined;
  const { maximumAvailable, currentlyAvailable, restoreRate } = throttleStatus;
  if (!isFiniteNumber(maximumAvailable) || !isFiniteNumber(currentlyAvailable) || !isFiniteNumber(restoreRate)) {
    return undefined;
  }
  return {
    requestedQueryCost,
    actualQueryCost: isFiniteNumber(actualQueryCost) ? actualQueryCost : null,
    throttleStatus: { maximumAvailable, currentlyAvailable, restoreRate },
  };
}

/** Normalises a parsed JSON body `{ data, errors, extensions }` into a transport response. */
export function transportResponseFromBody(body: unknown, status: number | undefined): AdminTransportResponse {
  const response: AdminTransportResponse = {};
  if (status !== undefined) response.status = status;
  if (!isRecord(body)) return response;
  if (body.data !== undefined) response.data = body.data;
  const errors = normalizeGraphQLErrors(body.errors);
  if (errors) response.errors = errors;
  if (isRecord(body.extensions)) {
    const cost = readQueryCost(body.extensions);
    response.extensions = cost ? { ...body.extensions, cost } : { ...body.extensions };
  }
  return response;
}

/** `Retry-After` (seconds, possibly fractional) in milliseconds; undefined if absent or unreadable. */
export function parseRetryAfterMs(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header.trim());
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
}
