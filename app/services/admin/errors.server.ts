/**
 * What AdminClient throws. Every error names the operation; messages say what
 * Shopify said, where, and what the client did about it.
 */
import type { AdminGraphQLErrorEntry, AdminQueryCost } from "./transport.server";

/** A `userErrors` entry of a mutation payload. */
export interface AdminUserError {
  /** Path to the offending input, e.g. `["metafields", "0", "value"]`; null when not tied to one. */
  field: string[] | null;
  message: string;
  code?: string;
}

/** Base class: `operationName` is the GraphQL operation that failed. */
export class AdminApiError extends Error {
  override readonly name: string = "AdminApiError";

  constructor(
    readonly operationName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The response carried top-level `errors` (syntax, access denied, cost exceeded, ...). */
export class AdminGraphQLError extends AdminApiError {
  override readonly name = "AdminGraphQLError";

  constructor(
    operationName: string,
    readonly errors: readonly AdminGraphQLErrorEntry[],
    /** Partial data sent alongside the errors, if any. */
    readonly data?: unknown,
  ) {
    super(operationName, `${operationName} failed: ${errors.map(formatGraphQLError).join("; ")}`);
  }

  /** The `extensions.code` values, e.g. `["ACCESS_DENIED"]`. */
  get codes(): string[] {
    return this.errors.flatMap((entry) => (entry.extensions?.code ? [entry.extensions.code] : []));
  }
}

function formatGraphQLError(entry: AdminGraphQLErrorEntry): string {
  const path = entry.path && entry.path.length > 0 ? ` (at ${entry.path.join(".")})` : "";
  const code = entry.extensions?.code ? ` [${entry.extensions.code}]` : "";
  return `${entry.message}${path}${code}`;
}

/** Still throttled (THROTTLED or HTTP 429) after every allowed retry. */
export class AdminThrottledError extends AdminApiError {
  override readonly name = "AdminThrottledError";

  constructor(
    operationName: string,
    readonly attempts: number,
    readonly cost: AdminQueryCost | undefined,
  ) {
    const budget = cost
      ? ` (requested cost ${cost.requestedQueryCost}, ${cost.throttleStatus.currentlyAvailable} of ` +
        `${cost.throttleStatus.maximumAvailable} points available, restoring ${cost.throttleStatus.restoreRate}/s)`
      : "";
    super(operationName, `${operationName} still throttled after ${attempts} attempts${budget}`);
  }
}

/** The mutation ran and refused the input: `payload.userErrors` was not empty. */
export class AdminUserErrorsError extends AdminApiError {
  override readonly name = "AdminUserErrorsError";

  constructor(
    operationName: string,
    /** The mutation field whose payload carried the errors, e.g. `metafieldsSet`. */
    readonly payloadKey: string,
    readonly userErrors: readonly AdminUserError[],
  ) {
    super(operationName, userErrors.map((error) => formatUserError(payloadKey, error)).join("; "));
  }
}

/** `metafieldsSet: metafields.0.value: Value must be valid JSON` */
export function formatUserError(payloadKey: string, error: AdminUserError): string {
  const field = error.field && error.field.length > 0 ? `${error.field.join(".")}: ` : "";
  return `${payloadKey}: ${field}${error.message}`;
}

/**
 * No usable answer: a non-2xx HTTP status, or a network failure (`status` undefined).
 * `attempts` counts the sends; `mayHaveApplied` warns that a mutation not safe to
 * resend (no `@idempotent` key) might have been applied before the failure.
 */
export class AdminTransportError extends AdminApiError {
  override readonly name = "AdminTransportError";

  constructor(
    operationName: string,
    readonly status: number | undefined,
    readonly attempts: number,
    readonly mayHaveApplied: boolean,
    options?: { cause?: unknown; detail?: string },
  ) {
    const what = status === undefined ? "network failure" : `HTTP ${status}`;
    const detail = options?.detail ? `: ${options.detail}` : "";
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    const warning = mayHaveApplied
      ? "; not resent: a mutation without @idempotent may already have been applied, check before repeating it"
      : "";
    super(operationName, `${operationName} failed with ${what}${detail}${tries}${warning}`, { cause: options?.cause });
  }
}

/** The response does not have the shape the operation promises (no data, no payload, broken pageInfo). */
export class AdminResponseError extends AdminApiError {
  override readonly name = "AdminResponseError";
}

/** `paginate` reached its page cap before the last page. */
export class AdminPageLimitError extends AdminApiError {
  override readonly name = "AdminPageLimitError";

  constructor(
    operationName: string,
    readonly maxPages: number,
  ) {
    super(
      operationName,
      `${operationName} still had more pages after ${maxPages} pages (maxPages); ` +
        "narrow the query or read it with a bulk operation",
    );
  }
}
