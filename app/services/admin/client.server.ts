/**
 * The one Admin API client. Every Admin GraphQL call in the app goes through it:
 *
 *   const admin = adminClientFromRemix((await authenticate.admin(request)).admin);
 *   const { shop } = await admin.request(ShopInfo);
 *   const payload = await admin.mutate(MetafieldsSet, { metafields }, "metafieldsSet");
 *   for await (const product of admin.paginate(ProductsPage, { first: 5 }, (d) => d.products)) { ... }
 *
 * Policy, in one place:
 * - top-level `errors` -> AdminGraphQLError; mutation `userErrors` -> AdminUserErrorsError;
 * - THROTTLED / HTTP 429 (the request did not run) -> wait what the bucket needs, resend,
 *   up to `maxRetries`, then AdminThrottledError;
 * - before each request, wait if the last reported bucket cannot afford it yet;
 * - 5xx / network failure -> exponential backoff and resend, but only for operations
 *   safe to resend (queries, and mutations carrying `@idempotent(key:)`); any other
 *   mutation fails at once with AdminTransportError, because it may have been applied.
 */
import type { AdminOperation } from "../../../graphql/operations";
import {
  AdminGraphQLError,
  AdminPageLimitError,
  AdminResponseError,
  AdminThrottledError,
  AdminTransportError,
  AdminUserErrorsError,
  type AdminUserError,
} from "./errors.server";
import { adminTransportFromRemix, type RemixAdminGraphql } from "./remix.server";
import { ThrottleBudget, failureBackoffMs, throttledRetryDelayMs } from "./throttle.server";
import { adminTransportFromToken, type TokenTransportOptions } from "./token.server";
import {
  AdminNetworkFailure,
  readQueryCost,
  type AdminGraphQLErrorEntry,
  type AdminQueryCost,
  type AdminTransport,
  type AdminTransportResponse,
} from "./transport.server";

export * from "./errors.server";
export { ThrottleBudget, failureBackoffMs, throttledRetryDelayMs, MIN_THROTTLE_WAIT_MS } from "./throttle.server";
export { adminEndpointFor, adminTransportFromToken, ADMIN_API_URL_ENV, type TokenTransportOptions } from "./token.server";
export { adminTransportFromRemix, type RemixAdminGraphql } from "./remix.server";
export {
  AdminNetworkFailure,
  type AdminGraphQLErrorEntry,
  type AdminQueryCost,
  type AdminTransport,
  type AdminTransportResponse,
  type ThrottleStatus,
} from "./transport.server";

export const DEFAULT_MAX_RETRIES = 5;
export const DEFAULT_MAX_PAGES = 1_000;

export interface AdminClientOptions {
  /** Waits `ms` milliseconds (tests inject a recorder). */
  sleep?: (ms: number) => Promise<void>;
  /** Current time in ms (tests inject a fake clock). */
  now?: () => number;
  /** Resends after THROTTLED, 429, 5xx or a network failure, in total. Default 5. */
  maxRetries?: number;
  /**
   * Points to leave in the bucket for other callers sharing it (webhook handlers,
   * other jobs): before a request, wait until the estimate covers its expected cost
   * plus this reserve. Default 0.
   */
  minAvailable?: number;
  /** Shared bucket estimate, e.g. one per shop across clients in a job. Default: one per client. */
  budget?: ThrottleBudget;
}

/** `request(op)` when the operation has no required variables, `request(op, vars)` otherwise. */
export type VariablesArgument<TVariables> = Record<never, never> extends TVariables ? [variables?: TVariables] : [variables: TVariables];

/** A data response and its extensions (cost included). */
export interface AdminResult<TData> {
  data: TData;
  extensions: AdminTransportResponse["extensions"];
  cost: AdminQueryCost | undefined;
}

/** One page of a connection as `paginate` needs it: nodes (or edges) and pageInfo. */
export interface ConnectionPage<TNode> {
  nodes?: readonly TNode[];
  edges?: readonly { node: TNode }[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/** Keys of a mutation result whose payload carries `userErrors`. */
export type PayloadKey<TData> = {
  [K in keyof TData]-?: NonNullable<TData[K]> extends { userErrors: readonly unknown[] } ? K : never;
}[keyof TData] &
  string;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isThrottled(response: AdminTransportResponse): boolean {
  return response.status === 429 || (response.errors ?? []).some((entry) => entry.extensions?.code === "THROTTLED");
}

function readUserErrors(operationName: string, payloadKey: string, payload: Record<string, unknown>): AdminUserError[] {
  const raw = payload.userErrors;
  if (!Array.isArray(raw)) {
    throw new AdminResponseError(operationName, `${operationName}: ${payloadKey} has no userErrors list; select it`);
  }
  return raw.map((item): AdminUserError => {
    const entry = isRecord(item) ? item : {};
    const field = Array.isArray(entry.field) ? entry.field.map((part) => String(part)) : null;
    const error: AdminUserError = {
      field,
      message: typeof entry.message === "string" ? entry.message : JSON.stringify(item),
    };
    if (typeof entry.code === "string") error.code = entry.code;
    return error;
  });
}

export class AdminClient {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly maxRetries: number;
  private readonly minAvailable: number;
  private readonly budget: ThrottleBudget;
  private lastCostSeen: AdminQueryCost | undefined;

  constructor(
    private readonly transport: AdminTransport,
    options: AdminClientOptions = {},
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.maxRetries = Math.max(0, options.maxRetries ?? DEFAULT_MAX_RETRIES);
    this.minAvailable = Math.max(0, options.minAvailable ?? 0);
    this.budget = options.budget ?? new ThrottleBudget();
  }

  /** The cost report of the last response that had one. */
  get lastCost(): AdminQueryCost | undefined {
    return this.lastCostSeen;
  }

  /** Runs a query or mutation and returns its data. Does not look at `userErrors`: use `mutate`. */
  async request<TData, TVariables>(
    operation: AdminOperation<TData, TVariables>,
    ...args: VariablesArgument<TVariables>
  ): Promise<TData> {
    const result = await this.requestWithExtensions(operation, ...args);
    return result.data;
  }

  /** `request`, also returning `extensions` (query cost, throttle status). */
  async requestWithExtensions<TData, TVariables>(
    operation: AdminOperation<TData, TVariables>,
    ...args: VariablesArgument<TVariables>
  ): Promise<AdminResult<TData>> {
    const [variables] = args;
    const response = await this.send(operation, variables as Record<string, unknown> | undefined);
    if (response.data === undefined || response.data === null) {
      throw new AdminResponseError(operation.name, `${operation.name}: the response carried no data and no errors`);
    }
    return { data: response.data as TData, extensions: response.extensions, cost: readQueryCost(response.extensions) };
  }

  /**
   * Runs a mutation and returns `data[payloadKey]`. Throws AdminUserErrorsError when the
   * payload's `userErrors` is not empty, AdminResponseError when the payload is null.
   */
  async mutate<TData, TVariables, K extends PayloadKey<TData>>(
    operation: AdminOperation<TData, TVariables>,
    variables: TVariables,
    payloadKey: K,
  ): Promise<NonNullable<TData[K]>> {
    if (operation.kind !== "mutation") {
      throw new TypeError(`mutate() takes a mutation; ${operation.name} is a ${operation.kind}`);
    }
    const data: unknown = await this.request(operation, ...([variables] as VariablesArgument<TVariables>));
    const payload = isRecord(data) ? data[payloadKey] : undefined;
    if (!isRecord(payload)) {
      throw new AdminResponseError(operation.name, `${operation.name}: ${payloadKey} returned no payload`);
    }
    const userErrors = readUserErrors(operation.name, payloadKey, payload);
    if (userErrors.length > 0) throw new AdminUserErrorsError(operation.name, payloadKey, userErrors);
    return payload as NonNullable<TData[K]>;
  }

  /**
   * Yields every node of a connection, page by page, passing `after: endCursor`.
   * `pick` finds the connection in a page's data; returning null or undefined (the
   * parent object does not exist) ends the iteration. Throws AdminPageLimitError
   * after `maxPages` pages that still had a next page, and AdminResponseError when
   * pageInfo promises a next page without a new cursor.
   */
  async *paginate<TData, TVariables extends { after?: string | null }, TNode>(
    operation: AdminOperation<TData, TVariables>,
    variables: Omit<TVariables, "after">,
    pick: (data: TData) => ConnectionPage<TNode> | null | undefined,
    options: { maxPages?: number } = {},
  ): AsyncGenerator<TNode, void, undefined> {
    const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
    let after: string | null = null;
    for (let page = 1; ; page += 1) {
      // TVariables is `Omit<TVariables, "after"> & { after }` by construction.
      const pageVariables = { ...variables, after } as unknown as TVariables;
      const data = await this.request(operation, ...([pageVariables] as VariablesArgument<TVariables>));
      const connection = pick(data);
      if (!connection) return;
      const nodes = connection.nodes ?? connection.edges?.map((edge) => edge.node);
      if (!nodes) {
        throw new AdminResponseError(operation.name, `${operation.name}: page ${page} has neither nodes nor edges`);
      }
      yield* nodes;
      const { hasNextPage, endCursor } = connection.pageInfo;
      if (!hasNextPage) return;
      if (!endCursor || endCursor === after) {
        throw new AdminResponseError(
          operation.name,
          `${operation.name}: page ${page} has hasNextPage but ${endCursor ? "a repeated" : "no"} endCursor`,
        );
      }
      if (page >= maxPages) throw new AdminPageLimitError(operation.name, maxPages);
      after = endCursor;
    }
  }

  private canResend(operation: AdminOperation<unknown, unknown>): boolean {
    return operation.kind === "query" || operation.idempotent;
  }

  /** Sends with throttle, retry and error policy; returns a response with no errors. */
  private async send(
    operation: AdminOperation<unknown, unknown>,
    variables: Record<string, unknown> | undefined,
  ): Promise<AdminTransportResponse> {
    const preemptiveWait = this.budget.delayBeforeMs(operation.name, this.now(), this.minAvailable);
    if (preemptiveWait > 0) await this.sleep(preemptiveWait);

    for (let attempt = 1; ; attempt += 1) {
      const retriesLeft = attempt <= this.maxRetries;
      let response: AdminTransportResponse;
      try {
        response = await this.transport(operation.source, variables);
      } catch (error) {
        if (!(error instanceof AdminNetworkFailure)) throw error;
        const resendable = this.canResend(operation);
        if (!resendable || !retriesLeft) {
          throw new AdminTransportError(operation.name, undefined, attempt, !resendable, {
            cause: error,
            detail: error.message,
          });
        }
        await this.sleep(failureBackoffMs(attempt - 1));
        continue;
      }

      const cost = readQueryCost(response.extensions);
      if (cost) {
        this.lastCostSeen = cost;
        this.budget.observe(operation.name, cost, this.now());
      }

      if (isThrottled(response)) {
        if (!retriesLeft) throw new AdminThrottledError(operation.name, attempt, cost);
        await this.sleep(throttledRetryDelayMs(cost, response.retryAfterMs));
        continue;
      }

      const status = response.status;
      if (status !== undefined && status >= 500) {
        const resendable = this.canResend(operation);
        if (!resendable || !retriesLeft) {
          throw new AdminTransportError(operation.name, status, attempt, !resendable, {
            detail: describeErrors(response.errors),
          });
        }
        await this.sleep(failureBackoffMs(attempt - 1));
        continue;
      }
      if (status !== undefined && (status < 200 || status >= 300)) {
        throw new AdminTransportError(operation.name, status, attempt, false, { detail: describeErrors(response.errors) });
      }

      if (response.errors && response.errors.length > 0) {
        throw new AdminGraphQLError(operation.name, response.errors, response.data);
      }
      return response;
    }
  }
}

function describeErrors(errors: readonly AdminGraphQLErrorEntry[] | undefined): string | undefined {
  return errors && errors.length > 0 ? errors.map((entry) => entry.message).join("; ") : undefined;
}

/** AdminClient over the Remix `admin` from `authenticate.admin(request)` or `unauthenticated.admin(shop)`. */
export function adminClientFromRemix(admin: RemixAdminGraphql, options?: AdminClientOptions): AdminClient {
  return new AdminClient(adminTransportFromRemix(admin), options);
}

/**
 * AdminClient with an offline access token, against `endpoint` or
 * {@link adminEndpointFor}(shop) (which honours PEAKGUARD_ADMIN_API_URL).
 */
export function adminClientFromToken(
  config: TokenTransportOptions & AdminClientOptions,
): AdminClient {
  const { shop, accessToken, endpoint, fetch, ...options } = config;
  return new AdminClient(adminTransportFromToken({ shop, accessToken, endpoint, fetch }), options);
}
