/**
 * Shared test helpers for the store emulator: a store on a fake clock, the API
 * without HTTP, a webhook receiver, and a checker that a response has the shape
 * the Admin schema promises.
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

import {
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  parse,
  typeFromAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

import { AdminApi, type AdminApiOptions } from "../../emulator/graphql";
import type { SeedFile } from "../../emulator/model";
import { Store, type StoreEvent } from "../../emulator/store";

export const SEED_PATH = fileURLToPath(new URL("../../emulator/seed/default.json", import.meta.url));
export const SEED = JSON.parse(readFileSync(SEED_PATH, "utf8")) as SeedFile;

/** Ids from the default seed. */
export const IDS = {
  shop: "gid://shopify/Shop/48812300001",
  brooklyn: "gid://shopify/Location/70100000001",
  chicago: "gid://shopify/Location/70100000002",
  dublin: "gid://shopify/Location/70100000003",
  jacket: "gid://shopify/Product/8100000000001",
  jacketSmall: "gid://shopify/ProductVariant/8200000000001",
  jacketSmallItem: "gid://shopify/InventoryItem/8300000000001",
  bootItem9: "gid://shopify/InventoryItem/8300000000004",
  merinoVariant: "gid://shopify/ProductVariant/8200000000007",
  order1002: "gid://shopify/Order/5400000000002",
  appNamespace: "app--9121707",
};

export class FakeClock {
  constructor(public ms = Date.parse("2026-11-27T12:00:00Z")) {}
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface Harness {
  clock: FakeClock;
  store: Store;
  api: AdminApi;
  events: StoreEvent[];
  /** Runs a query against the API (no HTTP) and returns the response body. */
  gql: (query: string, variables?: Record<string, unknown>) => GqlBody;
}

/**
 * A JSON response value as tests read it: any property path type-checks and
 * expect() checks the value at run time. The one `any` of these tests, here only.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON, asserted by expect()
export type Json = any;

export interface GqlBody {
  data?: Record<string, Json> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, Json> }[];
  extensions?: { cost?: { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: Record<string, number> }; search?: unknown[] };
}

export function harness(options: AdminApiOptions & { seed?: SeedFile } = {}): Harness {
  const clock = new FakeClock();
  const store = new Store({ seed: options.seed ?? SEED, clock: clock.now });
  const api = new AdminApi(store, options);
  // No HTTP server here: bulk result URLs point at a base that is never dialled.
  api.bulk.baseUrl = "http://emulator.invalid";
  const events: StoreEvent[] = [];
  store.on((event) => events.push(event));
  return {
    clock,
    store,
    api,
    events,
    gql: (query, variables) => api.handle({ query, variables }).body as GqlBody,
  };
}

/* ------------------------------------------------------------ webhook receiver */

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Status to answer with for a request (default 200). */
  respond: (request: Received) => number;
  close: () => Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = { url: "", received: [], respond: () => 200, close: async () => undefined };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry = { path: request.url ?? "", headers: request.headers, body: Buffer.concat(chunks).toString("utf8") };
      receiver.received.push(entry);
      response.writeHead(receiver.respond(entry));
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}

/** What an app does to verify a webhook: HMAC-SHA256 of the raw body, base64, constant-time-ish compare. */
export function verifyHmac(secret: string, rawBody: string, header: string | string[] | undefined): boolean {
  if (typeof header !== "string") return false;
  const expected = createHmac("sha256", secret).update(rawBody, "utf8").digest("base64");
  return expected.length === header.length && expected === header;
}

/* ------------------------------------------------------------ shape checker */

const CUSTOM_SCALARS: Record<string, (value: unknown) => boolean> = {
  DateTime: (v) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v),
  Decimal: (v) => typeof v === "string" && /^-?\d+\.\d+$/.test(v),
  Money: (v) => typeof v === "string" && /^-?\d+\.\d{2}$/.test(v),
  UnsignedInt64: (v) => typeof v === "string" && /^\d+$/.test(v),
  URL: (v) => typeof v === "string" && /^https?:\/\//.test(v),
  JSON: () => true,
  HTML: (v) => typeof v === "string",
};

function checkScalar(typeName: string, value: unknown): boolean {
  switch (typeName) {
    case "String":
    case "ID":
      return typeof value === "string";
    case "Int":
      return Number.isInteger(value);
    case "Float":
      return typeof value === "number";
    case "Boolean":
      return typeof value === "boolean";
    default:
      return (CUSTOM_SCALARS[typeName] ?? ((v: unknown) => typeof v === "string"))(value);
  }
}

/**
 * Problems found comparing `data` with what `query` selects in `schema`: a null
 * in a non-null position, a value of the wrong scalar kind, an enum value the
 * schema does not have, a `__typename` that is not a possible type. Paths with a
 * GraphQL error are skipped (null there is the spec's error propagation).
 */
export function shapeProblems(schema: GraphQLSchema, query: string | DocumentNode, data: unknown, errorPaths: string[] = []): string[] {
  const document = typeof query === "string" ? parse(query) : query;
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) return ["no operation"];
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const root = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  const problems: string[] = [];
  const skipped = (path: string): boolean => errorPaths.some((p) => path === p || path.startsWith(`${p}.`) || p.startsWith(`${path}.`));

  const visitValue = (type: GraphQLOutputType, set: SelectionSetNode | undefined, value: unknown, path: string): void => {
    if (skipped(path)) return;
    if (isNonNullType(type)) {
      if (value === null || value === undefined) problems.push(`${path}: null for non-null ${String(type)}`);
      else visitValue(type.ofType, set, value, path);
      return;
    }
    if (value === null) return;
    if (value === undefined) {
      problems.push(`${path}: missing`);
      return;
    }
    if (isListType(type)) {
      if (!Array.isArray(value)) problems.push(`${path}: expected a list`);
      else value.forEach((item, index) => visitValue(type.ofType, set, item, `${path}.${index}`));
      return;
    }
    if (isEnumType(type)) {
      if (!type.getValues().some((v) => v.name === value)) problems.push(`${path}: ${JSON.stringify(value)} is not a ${type.name} value`);
      return;
    }
    if (isScalarType(type)) {
      if (!checkScalar(type.name, value)) problems.push(`${path}: ${JSON.stringify(value)} is not a valid ${type.name}`);
      return;
    }
    const composite = type as GraphQLCompositeType;
    if (!set || typeof value !== "object") {
      problems.push(`${path}: expected an object`);
      return;
    }
    visitObject(composite, set, value as Record<string, unknown>, path);
  };

  const visitObject = (type: GraphQLCompositeType, set: SelectionSetNode, value: Record<string, unknown>, path: string): void => {
    let concrete: GraphQLCompositeType = type;
    if (typeof value.__typename === "string") {
      const named = schema.getType(value.__typename);
      if (!named || !isObjectType(named)) problems.push(`${path}: __typename ${value.__typename} is not an object type`);
      else if (isAbstractType(type) && !schema.isSubType(type, named)) problems.push(`${path}: ${value.__typename} is not a possible ${type.name}`);
      else if (!isAbstractType(type) && named !== type) problems.push(`${path}: __typename ${value.__typename} on a ${type.name}`);
      else concrete = named;
    }
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (selection.name.value === "__typename") continue;
        const fields = "getFields" in concrete ? concrete.getFields() : {};
        const field = fields[selection.name.value];
        const at = path ? `${path}.${key}` : key;
        if (!field) {
          problems.push(`${at}: ${concrete.name} has no field ${selection.name.value}`);
          continue;
        }
        if (!(key in value)) {
          if (!skipped(at)) problems.push(`${at}: missing`);
          continue;
        }
        visitValue(field.type, selection.selectionSet, value[key], at);
        continue;
      }
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
      if (!fragment) continue;
      const condition = fragment.typeCondition ? (typeFromAST(schema, fragment.typeCondition) as GraphQLCompositeType) : concrete;
      const applies = condition === concrete || (isAbstractType(condition) && isObjectType(concrete) && schema.isSubType(condition, concrete));
      if (applies) visitObject(concrete, fragment.selectionSet, value, path);
    }
  };

  if (!root) return ["no root type"];
  if (data && typeof data === "object") visitObject(root, operation.selectionSet, data as Record<string, unknown>, "");
  return problems;
}
