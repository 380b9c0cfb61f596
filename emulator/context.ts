/**
 * What every resolver receives. One context per GraphQL request.
 */
import type { GraphQLResolveInfo } from "graphql";
import { responsePathAsArray } from "graphql";

import type { SearchWarning } from "./search";
import type { Store } from "./store";

/** A stored answer to a mutation sent with `@idempotent(key:)`. */
export interface IdempotentAnswer {
  paramsHash: string;
  payload: unknown;
}

/** State that outlives a request but is not store data (reset with the store). */
export interface Runtime {
  /** Keyed by `<mutation>:<key>`. */
  idempotency: Map<string, IdempotentAnswer>;
  /** Starts a bulk query; set by the bulk module. */
  bulk: {
    start(query: string, context: EmulatorContext): { operationId: number } | { userError: { field: string[]; message: string; code: string } };
    /** Base URL under which JSONL results are served (the emulator's HTTP server). */
    baseUrl: string | null;
  };
}

export interface SearchReport {
  path: (string | number)[];
  query: string;
  warnings: SearchWarning[];
}

export interface EmulatorContext {
  store: Store;
  runtime: Runtime;
  /** Search warnings collected while resolving; returned under `extensions.search`. */
  search: SearchReport[];
  /** During a bulk run: the node whose line is being rendered (see QueryRoot.node). */
  bulkSource?: unknown;
}

/** Collects search warnings for the field being resolved. */
export function searchWarnings(context: EmulatorContext, info: GraphQLResolveInfo, query: string): SearchWarning[] {
  const warnings: SearchWarning[] = [];
  context.search.push({ path: responsePathAsArray(info.path), query, warnings });
  return warnings;
}
