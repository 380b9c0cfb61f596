/**
 * The Product and Variant mirror. One writer (`writeProduct`) for every
 * source: products/* webhooks (REST-shaped payloads) and the reconcile sync
 * (Admin GraphQL nodes), each through its own adapter into ProductRecord.
 * Issue 6 extends the mirror with locations and inventory.
 */
import type { Prisma } from "@prisma/client";
import type { ShopDb } from "../db/scoped.server";
import { parseMoney } from "../../domain/money";
import { applyIfNewer, mirrorDelegate, type ApplyOutcome } from "./apply-if-newer.server";
import {
  asArray,
  asObject,
  gidOf,
  optionalDate,
  optionalGid,
  optionalString,
  requiredDate,
  tagList,
  type Json,
} from "../webhooks/payload";

export type MirrorSource = "webhook" | "reconcile" | "local";

export interface VariantRecord {
  id: string;
  sku: string | null;
  barcode: string | null;
  priceCents: number | null;
  inventoryItemId: string | null;
  updatedAt: Date | null;
}

export interface ProductRecord {
  id: string;
  title: string;
  handle: string | null;
  status: string | null;
  tags: string[];
  updatedAt: Date;
  variants: VariantRecord[];
}

function priceCents(value: unknown, currencyCode: string | null): number | null {
  const price = parseMoney(optionalString(value), currencyCode ?? "USD");
  return price.ok ? price.minor : null;
}

/** products/create|update payload (REST shape: snake_case, numeric ids, tags as "a, b"). */
export function productFromWebhook(payload: unknown, currencyCode: string | null): ProductRecord {
  const product = asObject(payload, "product");
  return {
    id: gidOf(product, "Product", "product"),
    title: optionalString(product.title) ?? "",
    handle: optionalString(product.handle),
    status: optionalString(product.status)?.toLowerCase() ?? null,
    tags: tagList(product.tags),
    updatedAt: requiredDate(product, "updated_at", "product"),
    variants: asArray(product.variants).map((raw) => {
      const variant: Json = asObject(raw, "product.variants[]");
      return {
        id: gidOf(variant, "ProductVariant", "variant"),
        sku: optionalString(variant.sku),
        barcode: optionalString(variant.barcode),
        priceCents: priceCents(variant.price, currencyCode),
        inventoryItemId: optionalGid(variant.inventory_item_id, "InventoryItem"),
        updatedAt: optionalDate(variant.updated_at),
      };
    }),
  };
}

/** A ProductsPage node (Admin GraphQL). */
export interface ProductNode {
  id: string;
  title: string;
  handle: string;
  tags: string[];
  status: string;
  updatedAt: string;
  variants: { nodes: { id: string; sku?: string | null; barcode?: string | null; price: string; inventoryItem: { id: string } }[] };
}

export function productFromGraphQL(node: ProductNode, currencyCode: string | null): ProductRecord {
  const updatedAt = optionalDate(node.updatedAt);
  if (!updatedAt) throw new Error(`Product ${node.id}: updatedAt ${JSON.stringify(node.updatedAt)} is not a date`);
  return {
    id: node.id,
    title: node.title,
    handle: node.handle,
    status: node.status.toLowerCase(),
    tags: node.tags,
    updatedAt,
    variants: node.variants.nodes.map((v) => ({
      id: v.id,
      sku: v.sku ?? null,
      barcode: v.barcode ?? null,
      priceCents: priceCents(v.price, currencyCode),
      inventoryItemId: v.inventoryItem.id,
      updatedAt: null,
    })),
  };
}

/** Writes the product and replaces its variants, unless a newer version is already stored. */
export async function writeProduct(db: ShopDb, shop: string, record: ProductRecord, source: MirrorSource): Promise<ApplyOutcome> {
  return db.$transaction(async (tx) => {
    const outcome = await applyIfNewer(mirrorDelegate(tx.product), { shop, id: record.id }, record.updatedAt, {
      title: record.title,
      handle: record.handle,
      status: record.status,
      tags: record.tags,
      source,
      deletedAt: null,
    } satisfies Prisma.ProductUncheckedUpdateManyInput);
    if (outcome === "stale") return outcome;
    await tx.variant.deleteMany({ where: { productId: record.id, id: { notIn: record.variants.map((v) => v.id) } } });
    for (const variant of record.variants) {
      const row = {
        productId: record.id,
        sku: variant.sku,
        barcode: variant.barcode,
        priceCents: variant.priceCents,
        inventoryItemId: variant.inventoryItemId,
        shopifyUpdatedAt: variant.updatedAt ?? record.updatedAt,
        source,
      };
      await tx.variant.upsert({
        where: { shop_id: { shop, id: variant.id } },
        create: { shop, id: variant.id, ...row },
        update: row,
      });
    }
    return outcome;
  });
}

/** products/delete carries only the id: the deletion time is the event's trigger time. */
export async function markProductDeleted(db: ShopDb, payload: unknown, deletedAt: Date): Promise<ApplyOutcome> {
  const id = gidOf(asObject(payload, "product"), "Product", "product");
  const result = await db.product.updateMany({
    where: { id, shopifyUpdatedAt: { lt: deletedAt } },
    data: { deletedAt, shopifyUpdatedAt: deletedAt, source: "webhook" },
  });
  if (result.count > 0) await db.variant.deleteMany({ where: { productId: id } });
  return result.count > 0 ? "applied" : "stale";
}
