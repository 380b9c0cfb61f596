/**
 * Shop scoping. Every table carries `shop`; app code reaches shop data only
 * through `forShop(prisma, shop)`, a client whose every query on every model
 * is filtered by that shop and whose every write is stamped with it. A write
 * naming another shop is refused, so data of shop A can never be read or
 * changed through shop B's client.
 */
import type { PrismaClient } from "@prisma/client";

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export class ShopScopeError extends Error {
  override name = "ShopScopeError";
}

export function assertShopDomain(shop: string): string {
  if (!SHOP_DOMAIN.test(shop)) {
    throw new ShopScopeError(`"${shop}" is not a shop domain (expected <name>.myshopify.com)`);
  }
  return shop;
}

type Args = Record<string, unknown>;

const WHERE_OPERATIONS = new Set([
  "findUnique",
  "findUniqueOrThrow",
  "findFirst",
  "findFirstOrThrow",
  "findMany",
  "update",
  "updateMany",
  "updateManyAndReturn",
  "delete",
  "deleteMany",
  "count",
  "aggregate",
  "groupBy",
]);

function stamp(data: unknown, shop: string, model: string): Args {
  const row = { ...(data as Args) };
  if (row.shop !== undefined && row.shop !== shop) {
    throw new ShopScopeError(`${model}: a write for shop ${String(row.shop)} through the client of ${shop}`);
  }
  row.shop = shop;
  return row;
}

function refuseShopChange(data: unknown, shop: string, model: string): void {
  const value = (data as Args | undefined)?.shop;
  if (value !== undefined && value !== shop) {
    throw new ShopScopeError(`${model}: cannot move a row from ${shop} to ${String(value)}`);
  }
}

/** A compound unique key such as `shop_id: { shop, id }` must name the scoped shop. */
function checkCompoundKeys(where: Args, shop: string, model: string): void {
  for (const [key, value] of Object.entries(where)) {
    if (key.startsWith("shop_") && value && typeof value === "object" && "shop" in value) {
      const named = (value as Args).shop;
      if (named !== shop) {
        throw new ShopScopeError(`${model}: key ${key} names shop ${String(named)} through the client of ${shop}`);
      }
    }
  }
}

export function scopeArgs(model: string, operation: string, args: Args | undefined, shop: string): Args {
  const next: Args = { ...(args ?? {}) };
  if (WHERE_OPERATIONS.has(operation)) {
    next.where = { ...((next.where as Args | undefined) ?? {}), shop };
    checkCompoundKeys(next.where as Args, shop, model);
    if (operation.startsWith("update")) refuseShopChange(next.data, shop, model);
    return next;
  }
  switch (operation) {
    case "create":
      next.data = stamp(next.data, shop, model);
      return next;
    case "createMany":
    case "createManyAndReturn": {
      const rows = Array.isArray(next.data) ? next.data : [next.data];
      next.data = rows.map((row) => stamp(row, shop, model));
      return next;
    }
    case "upsert":
      next.where = { ...((next.where as Args | undefined) ?? {}), shop };
      checkCompoundKeys(next.where as Args, shop, model);
      next.create = stamp(next.create, shop, model);
      refuseShopChange(next.update, shop, model);
      return next;
    default:
      throw new ShopScopeError(`${model}.${operation} is not allowed through a shop-scoped client`);
  }
}

/** The shop of each client forShop made (raw SQL must name the shop itself: see shopOf). */
const SHOP_OF = new WeakMap<object, string>();

/** The shop a forShop client is scoped to; raw SQL through it ($queryRaw) is not scoped and must filter by this. */
export function shopOf(db: object): string {
  const shop = SHOP_OF.get(db);
  if (shop === undefined) throw new ShopScopeError("shopOf: this client was not made by forShop(prisma, shop)");
  return shop;
}

export function forShop(prisma: PrismaClient, shop: string) {
  assertShopDomain(shop);
  const client = prisma.$extends({
    name: `shop:${shop}`,
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          return query(scopeArgs(model, operation, args as Args, shop) as typeof args);
        },
      },
    },
  });
  SHOP_OF.set(client, shop);
  return client;
}

export type ShopDb = ReturnType<typeof forShop>;
