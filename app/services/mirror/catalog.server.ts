/** products/* webhooks → the Product and Variant mirror (issue 6 extends it with inventory). */
import type { ShopDb } from "../db/scoped.server";
import { parseMoney } from "../../domain/money";
import { applyIfNewer, mirrorDelegate, type ApplyOutcome } from "./apply-if-newer.server";
import type { Prisma } from "@prisma/client";
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

export async function mirrorProduct(
  db: ShopDb,
  shop: string,
  payload: unknown,
  source: MirrorSource,
  currencyCode: string | null,
): Promise<ApplyOutcome> {
  const product = asObject(payload, "product");
  const id = gidOf(product, "Product", "product");
  const updatedAt = requiredDate(product, "updated_at", "product");
  return db.$transaction(async (tx) => {
    const outcome = await applyIfNewer(mirrorDelegate(tx.product), { shop, id }, updatedAt, {
      title: optionalString(product.title) ?? "",
      handle: optionalString(product.handle),
      status: optionalString(product.status),
      tags: tagList(product.tags),
      source,
      deletedAt: null,
    } satisfies Prisma.ProductUncheckedUpdateManyInput);
    if (outcome === "stale") return outcome;
    const variants = asArray(product.variants).map((v) => variantRow(asObject(v, "product.variants[]"), id, currencyCode));
    const keep = variants.map((v) => v.id);
    await tx.variant.deleteMany({ where: { productId: id, id: { notIn: keep } } });
    for (const variant of variants) {
      await tx.variant.upsert({
        where: { shop_id: { shop, id: variant.id } },
        create: { ...variant, shop, shopifyUpdatedAt: variant.shopifyUpdatedAt ?? updatedAt, source },
        update: { ...variant, shopifyUpdatedAt: variant.shopifyUpdatedAt ?? updatedAt, source },
      });
    }
    return outcome;
  });
}

function variantRow(variant: Json, productId: string, currencyCode: string | null) {
  const price = parseMoney(optionalString(variant.price), currencyCode ?? "USD");
  return {
    id: gidOf(variant, "ProductVariant", "variant"),
    productId,
    sku: optionalString(variant.sku),
    barcode: optionalString(variant.barcode),
    priceCents: price.ok ? price.minor : null,
    inventoryItemId: optionalGid(variant.inventory_item_id, "InventoryItem"),
    shopifyUpdatedAt: optionalDate(variant.updated_at),
  };
}

/** products/delete carries only the id: the deletion time is the event's trigger time. */
export async function markProductDeleted(db: ShopDb, payload: unknown, deletedAt: Date): Promise<ApplyOutcome> {
  const product = asObject(payload, "product");
  const id = gidOf(product, "Product", "product");
  const result = await db.product.updateMany({
    where: { id, shopifyUpdatedAt: { lt: deletedAt } },
    data: { deletedAt, shopifyUpdatedAt: deletedAt, source: "webhook" },
  });
  if (result.count > 0) await db.variant.deleteMany({ where: { productId: id } });
  return result.count > 0 ? "applied" : "stale";
}
