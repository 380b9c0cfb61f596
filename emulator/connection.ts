/**
 * Relay connections as Shopify serves them: `first`/`after`, `last`/`before`,
 * `reverse`, `edges { cursor node }`, `nodes`, `pageInfo`. Pagination is keyset
 * (a cursor remembers the sort value and id of its item), so a page boundary
 * stays put when items before it change, as with Shopify's cursors.
 */
import { GraphQLError } from "graphql";

/** Shopify's maximum page size. */
export const MAX_PAGE_SIZE = 250;

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

/** The items of a connection, filtered, with how to sort them and render a node. */
export interface Listing<T> {
  items: T[];
  sortValue: (item: T) => string | number;
  id: (item: T) => number;
  node: (item: T) => unknown;
}

export interface Connection {
  edges: { cursor: string; node: unknown }[];
  nodes: unknown[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

interface Cursor {
  last_id: number;
  last_value: string | number;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64");
}

function decodeCursor(raw: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(raw, "base64").toString("utf8")) as Partial<Cursor>;
    if (typeof parsed.last_id === "number" && (typeof parsed.last_value === "string" || typeof parsed.last_value === "number")) {
      return { last_id: parsed.last_id, last_value: parsed.last_value };
    }
  } catch {
    // fall through
  }
  throw new GraphQLError(`Invalid cursor: ${raw}`, { extensions: { code: "BAD_REQUEST" } });
}

function compareKeys(a: [string | number, number], b: [string | number, number]): number {
  if (a[0] !== b[0]) {
    if (typeof a[0] === "number" && typeof b[0] === "number") return a[0] - b[0];
    return String(a[0]) < String(b[0]) ? -1 : 1;
  }
  return a[1] - b[1];
}

/** Items sorted as the connection returns them (ascending by sort value then id, or reversed). */
export function sortListing<T>(listing: Listing<T>, reverse: boolean): T[] {
  const keyed = listing.items.map((item) => ({ item, key: [listing.sortValue(item), listing.id(item)] as [string | number, number] }));
  keyed.sort((a, b) => compareKeys(a.key, b.key) * (reverse ? -1 : 1));
  return keyed.map((entry) => entry.item);
}

function checkPageSize(name: "first" | "last", value: number | null | undefined, field: string): void {
  if (value === null || value === undefined) return;
  if (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE) {
    throw new GraphQLError(`The ${name} argument on field '${field}' must be between 0 and ${MAX_PAGE_SIZE}; got ${value}.`, {
      extensions: { code: "BAD_REQUEST" },
    });
  }
}

/** One page of `listing` for the Relay arguments in `args`. */
export function paginate<T>(listing: Listing<T>, args: ConnectionArgs, field: string): Connection {
  if ((args.first === null || args.first === undefined) && (args.last === null || args.last === undefined)) {
    throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
  }
  checkPageSize("first", args.first, field);
  checkPageSize("last", args.last, field);
  const reverse = args.reverse === true;
  const sorted = sortListing(listing, reverse);
  const keyOf = (item: T): [string | number, number] => [listing.sortValue(item), listing.id(item)];
  const direction = reverse ? -1 : 1;
  // Position of the first item strictly after / at-or-after a cursor, in returned order.
  const indexAfter = (cursor: Cursor): number => {
    const key: [string | number, number] = [cursor.last_value, cursor.last_id];
    const index = sorted.findIndex((item) => compareKeys(keyOf(item), key) * direction > 0);
    return index === -1 ? sorted.length : index;
  };
  const indexAtOrAfter = (cursor: Cursor): number => {
    const key: [string | number, number] = [cursor.last_value, cursor.last_id];
    const index = sorted.findIndex((item) => compareKeys(keyOf(item), key) * direction >= 0);
    return index === -1 ? sorted.length : index;
  };
  let lo = args.after ? indexAfter(decodeCursor(args.after)) : 0;
  let hi = args.before ? indexAtOrAfter(decodeCursor(args.before)) : sorted.length;
  if (hi < lo) hi = lo;
  if (args.first !== null && args.first !== undefined) hi = Math.min(hi, lo + args.first);
  if (args.last !== null && args.last !== undefined) lo = Math.max(lo, hi - args.last);
  const page = sorted.slice(lo, hi);
  const edges = page.map((item) => ({
    cursor: encodeCursor({ last_id: listing.id(item), last_value: listing.sortValue(item) }),
    node: listing.node(item),
  }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: hi < sorted.length,
      hasPreviousPage: lo > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
