/**
 * The Admin GraphQL endpoint without HTTP: parse, validate against the real
 * schema, price the query, take it from the leaky bucket (or answer THROTTLED),
 * execute, refund the unused cost, answer with `extensions.cost`.
 */
import {
  execute,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from "graphql";

import { BulkManager, type BulkOptions } from "./bulk";
import type { EmulatorContext, Runtime } from "./context";
import {
  actualQueryCost,
  LeakyBucket,
  MAX_SINGLE_QUERY_COST,
  pickOperation,
  requestedQueryCost,
  type CostExtension,
  type ThrottleConfig,
} from "./cost";
import { inventoryAdjustQuantities, inventoryMoveQuantities } from "./inventory";
import { metafieldsSet } from "./metafields";
import { node } from "./nodes";
import { listers, queryResolvers } from "./resolvers";
import { customerMutations } from "./customers";
import { functionMutations } from "./functions";
import { orderMutations } from "./orders";
import { returnMutations } from "./returns-graphql";
import { adminSchema, emulatorFieldResolver, emulatorTypeResolver, type ResolverMap } from "./schema";
import type { Store } from "./store";

export const THROTTLED_DOCUMENTATION = "https://shopify.dev/api/usage/rate-limits";

export interface GraphQLRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphQLResponse {
  status: number;
  body: unknown;
}

export interface AdminApiOptions {
  throttle?: ThrottleConfig;
  bulk?: BulkOptions;
}

function allResolvers(): ResolverMap<EmulatorContext> {
  const map = queryResolvers();
  map.Mutation = {
    inventoryAdjustQuantities,
    inventoryMoveQuantities,
    metafieldsSet,
    ...returnMutations,
    ...functionMutations,
    ...customerMutations,
    ...orderMutations,
    // groupObjects needs no handling: lines are always written parent first, its children right after.
    bulkOperationRunQuery: (_source, args, context) => {
      const started = context.runtime.bulk.start(String(args.query), context);
      if ("userError" in started) return { bulkOperation: null, userErrors: [started.userError] };
      const record = context.store.bulkOperations.get(started.operationId);
      return { bulkOperation: record ? node.bulk(record) : null, userErrors: [] };
    },
  };
  return map;
}

export class AdminApi {
  readonly schema: GraphQLSchema;
  readonly bucket: LeakyBucket;
  readonly bulk: BulkManager;
  readonly runtime: Runtime;
  private readonly fieldResolver;
  private readonly documents = new Map<string, { document: DocumentNode } | { errors: readonly GraphQLError[] }>();

  constructor(
    readonly store: Store,
    options: AdminApiOptions = {},
  ) {
    this.schema = adminSchema();
    this.fieldResolver = emulatorFieldResolver(allResolvers());
    this.bucket = new LeakyBucket(options.throttle ?? {}, store.clock);
    this.bulk = new BulkManager(store, this.schema, listers, (document, context) => this.executeSync(document, context, {}), options.bulk);
    const bulk = this.bulk;
    this.runtime = {
      idempotency: new Map(),
      bulk: {
        start: (query, context) => bulk.start(query, context),
        get baseUrl() {
          return bulk.baseUrl;
        },
      },
    };
  }

  /** Forgets idempotency keys and refills the bucket (the store resets itself). */
  reset(): void {
    this.runtime.idempotency.clear();
    this.bucket.reset();
  }

  private executeSync(document: DocumentNode, context: EmulatorContext, variables: Record<string, unknown>, operationName?: string): ExecutionResult {
    const result = execute({
      schema: this.schema,
      document,
      contextValue: context,
      variableValues: variables,
      operationName,
      fieldResolver: this.fieldResolver,
      typeResolver: emulatorTypeResolver,
    });
    if (result instanceof Promise) throw new Error("Emulator resolvers must be synchronous");
    return result;
  }

  private document(query: string): { document: DocumentNode } | { errors: readonly GraphQLError[] } {
    const cached = this.documents.get(query);
    if (cached) return cached;
    let entry: { document: DocumentNode } | { errors: readonly GraphQLError[] };
    try {
      const document = parse(query);
      const errors = validate(this.schema, document);
      entry = errors.length > 0 ? { errors } : { document };
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      entry = { errors: [error] };
    }
    if (this.documents.size > 500) this.documents.clear();
    this.documents.set(query, entry);
    return entry;
  }

  /** Answers one `POST …/graphql.json` body. */
  handle(request: GraphQLRequestBody): GraphQLResponse {
    if (typeof request.query !== "string" || request.query.trim() === "") {
      return { status: 400, body: { errors: { query: "Required parameter missing or invalid" } } };
    }
    const variables = request.variables && typeof request.variables === "object" ? (request.variables as Record<string, unknown>) : {};
    const operationName = typeof request.operationName === "string" ? request.operationName : undefined;
    const parsed = this.document(request.query);
    if ("errors" in parsed) return { status: 200, body: { errors: parsed.errors.map((e) => e.toJSON()) } };
    const { document } = parsed;
    const context: EmulatorContext = { store: this.store, runtime: this.runtime, search: [] };
    const operation = pickOperation(document, operationName);
    if (!operation) {
      // Let graphql-js word the error (unknown operation name, several operations without one).
      const result = this.executeSync(document, context, variables, operationName);
      return { status: 200, body: { errors: (result.errors ?? []).map((e) => e.toJSON()) } };
    }
    const requested = requestedQueryCost(this.schema, document, operation, variables);
    if (requested > MAX_SINGLE_QUERY_COST) {
      return {
        status: 200,
        body: {
          errors: [
            {
              message:
                `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_SINGLE_QUERY_COST}).\n\n` +
                "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n" +
                "cost of a query is calculated.\n\n" +
                "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n" +
                "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n",
              extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: MAX_SINGLE_QUERY_COST },
            },
          ],
          extensions: { cost: this.cost(requested, null) },
        },
      };
    }
    if (!this.bucket.take(requested)) {
      return {
        status: 200,
        body: {
          errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: THROTTLED_DOCUMENTATION } }],
          extensions: { cost: this.cost(requested, null) },
        },
      };
    }
    let result: ExecutionResult;
    try {
      result = this.executeSync(document, context, variables, operationName);
    } catch (error) {
      this.bucket.refund(requested);
      throw error;
    }
    const actual = result.data ? actualQueryCost(this.schema, document, operation, variables, result.data, requested) : 0;
    this.bucket.refund(requested - actual);
    const search = context.search.filter((report) => report.warnings.length > 0);
    const body: { errors?: GraphQLFormattedError[]; data?: unknown; extensions: Record<string, unknown> } = {
      ...(result.errors && result.errors.length > 0 ? { errors: result.errors.map((e) => e.toJSON()) } : {}),
      ...(result.data !== undefined ? { data: result.data } : {}),
      extensions: { cost: this.cost(requested, actual), ...(search.length > 0 ? { search } : {}) },
    };
    return { status: 200, body };
  }

  private cost(requested: number, actual: number | null): CostExtension {
    return { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: this.bucket.status() };
  }
}
