/**
 * Building blocks for resolvers, shared by every resolver module: typed lookups,
 * money shapes, counts, listings (what a connection field returns before it is
 * cut into a page), search and sort, store-node fields, metafields on owners.
 */
import { GraphQLError, type GraphQLResolveInfo } from "graphql";

import type { Listing } from "./connection";
import { searchWarnings, type EmulatorContext } from "./context";
import { decimalString, gid, parseGid } from "./ids";
import { resolveNamespace } from "./metafields";
import { lookupNode, node } from "./nodes";
import { notEmulated, recordOf, type Resolver } from "./schema";
import { compileSearch, type SearchFields } from "./search";
import type { Store } from "./store";

export type Args = Record<string, unknown>;
export type R = Resolver<EmulatorContext>;

/** A connection field: returns the filtered, sortable items for its arguments. */
export type Lister = (source: unknown, args: Args, context: EmulatorContext, info: GraphQLResolveInfo) => Listing<unknown>;

/** Looks up a gid that must be of `type` (another type answers null, like Shopify). */
export function lookupTyped(store: Store, id: unknown, type: string): unknown {
  const parsed = parseGid(id);
  if (!parsed) throw new GraphQLError(`Invalid global id '${String(id)}'`, { extensions: { code: "BAD_REQUEST" } });
  return parsed.type === type ? lookupNode(store, id) : null;
}

export function moneyV2(store: Store, cents: number): { amount: string; currencyCode: string } {
  return { amount: decimalString(cents), currencyCode: store.shop.currencyCode };
}

export function moneyBag(store: Store, cents: number): { shopMoney: unknown; presentmentMoney: unknown } {
  const money = moneyV2(store, cents);
  return { shopMoney: money, presentmentMoney: money };
}

export function count(n: number, limit?: unknown): { count: number; precision: "EXACT" | "AT_LEAST" } {
  if (typeof limit === "number" && n > limit) return { count: limit, precision: "AT_LEAST" };
  return { count: n, precision: "EXACT" };
}

export function ms(iso: string): number {
  return Date.parse(iso);
}

export function sortBy<T>(
  field: string,
  sortKey: unknown,
  keys: Record<string, (item: T) => string | number>,
): (item: T) => string | number {
  const key = typeof sortKey === "string" ? sortKey : "ID";
  const pick = keys[key];
  if (!pick) throw notEmulated(`sortKey ${key} on ${field}`);
  return pick;
}

export function search<T>(
  context: EmulatorContext,
  info: GraphQLResolveInfo,
  args: Args,
  fields: SearchFields<T>,
): (item: T) => boolean {
  const query = typeof args.query === "string" ? args.query : null;
  if (!query) return () => true;
  return compileSearch(query, fields, context.store.shop.ianaTimezone, searchWarnings(context, info, query));
}

export function listing<T>(items: T[], sortValue: (item: T) => string | number, id: (item: T) => number, render: (item: T) => unknown): Listing<unknown> {
  return { items, sortValue, id, node: render } as unknown as Listing<unknown>;
}

/** A field read off the store record behind a node. */
export function field<T>(pick: (record: T, context: EmulatorContext, args: Args) => unknown): R {
  return (source, args, context) => pick(recordOf<T>(source), context, args);
}

/** `id` and `legacyResourceId` of a node whose record has a numeric id. */
export function legacy(type: string): Record<string, R> {
  return {
    id: (source) => gid(type, recordOf<{ id: number }>(source).id),
    legacyResourceId: (source) => String(recordOf<{ id: number }>(source).id),
  };
}

/**
 * Where a schema type's metafields are stored: most owners under their own type
 * name; a discount's under DiscountAutomaticNode whichever node type reads it.
 */
const STORED_OWNER: Record<string, string> = { DiscountNode: "DiscountAutomaticNode" };

export function ownerKey(store: Store, owner: string, source: unknown): { type: string; id: number } {
  return { type: STORED_OWNER[owner] ?? owner, id: owner === "Shop" ? store.shop.id : recordOf<{ id: number }>(source).id };
}

/** `metafield(namespace:, key:)` on an owner type. */
export function metafieldResolvers(owner: string): Record<string, R> {
  return {
    metafield: (source, args, context) => {
      const { type, id } = ownerKey(context.store, owner, source);
      const namespace = resolveNamespace(typeof args.namespace === "string" ? args.namespace : null, context.store.appId);
      const metafield = context.store.findMetafield(type, id, namespace, String(args.key));
      return metafield ? node.metafield(metafield) : null;
    },
  };
}

/** `metafields(namespace:, keys:)` on an owner type, as a listing. */
export function metafieldsLister(owner: string): Lister {
  return (source, args, context) => {
    const { type, id } = ownerKey(context.store, owner, source);
    const namespace = typeof args.namespace === "string" ? resolveNamespace(args.namespace, context.store.appId) : null;
    const keys = Array.isArray(args.keys)
      ? (args.keys as string[]).map((full) => {
          const dot = full.lastIndexOf(".");
          return dot > 0 ? `${resolveNamespace(full.slice(0, dot), context.store.appId)}.${full.slice(dot + 1)}` : full;
        })
      : null;
    const items = context.store
      .metafieldsOf(type, id)
      .filter((m) => (namespace === null || m.namespace === namespace) && (keys === null || keys.includes(`${m.namespace}.${m.key}`)));
    return listing(items, (m) => m.id, (m) => m.id, node.metafield);
  };
}
