/**
 * The reconcile's bulk query and the records its JSONL lines carry. Pure (no
 * I/O): tests validate the query against the pinned Admin schema and parse lines.
 *
 * One query, rooted at inventoryItems, so every line stands alone: an item line
 * carries its variant and product inline; each inventory level (a nested
 * connection) gets its own line with `__parentId` (the item) and its location id
 * inline. Two connections, nested two deep: within Shopify's bulk limits
 * (≤ 5 connections, ≤ 2 levels).
 */
import { NAMED_QUANTITIES } from "../../domain/inventory/atp";

/** Identifier metafields read from each variant (namespace.key); reported, never rejected. */
export const IDENTIFIER_METAFIELDS = [
  { alias: "gtin", namespace: "custom", key: "gtin" },
  { alias: "isbn", namespace: "custom", key: "isbn" },
] as const;

export const BULK_CATALOG_QUERY = `{
  inventoryItems {
    edges {
      node {
        id
        tracked
        updatedAt
        variant {
          id
          sku
          barcode
          price
          updatedAt
          product { id title handle status tags updatedAt }
${IDENTIFIER_METAFIELDS.map((m) => `          ${m.alias}: metafield(namespace: "${m.namespace}", key: "${m.key}") { value }`).join("\n")}
        }
        inventoryLevels {
          edges {
            node {
              id
              updatedAt
              location { id }
              quantities(names: [${NAMED_QUANTITIES.map((n) => `"${n}"`).join(", ")}]) { name quantity }
            }
          }
        }
      }
    }
  }
}`;

export interface BulkItemLine {
  kind: "item";
  id: string;
  tracked: boolean;
  updatedAt: string;
  /** null: an item without a variant (Shopify keeps none such for sale). */
  variant: {
    id: string;
    sku: string | null;
    barcode: string | null;
    price: string | null;
    updatedAt: string;
    identifiers: Record<string, string>;
    product: { id: string; title: string; handle: string | null; status: string | null; tags: string[]; updatedAt: string };
  } | null;
}

export interface BulkLevelLine {
  kind: "level";
  inventoryItemId: string;
  locationId: string;
  updatedAt: string;
  quantities: { name: string; quantity: number }[];
}

export type BulkLine = BulkItemLine | BulkLevelLine | { kind: "unknown"; reason: string };

function str(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function obj(value: unknown): Record<string, unknown> | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function variantOf(raw: unknown): BulkItemLine["variant"] {
  const variant = obj(raw);
  const id = str(variant?.id);
  const product = obj(variant?.product);
  const productId = str(product?.id);
  const updatedAt = str(variant?.updatedAt);
  if (!variant || !id || !product || !productId || !updatedAt) return null;
  const identifiers: Record<string, string> = {};
  for (const m of IDENTIFIER_METAFIELDS) {
    const value = str(obj(variant[m.alias])?.value);
    if (value) identifiers[`${m.namespace}.${m.key}`] = value;
  }
  return {
    id,
    sku: str(variant.sku),
    barcode: str(variant.barcode),
    price: str(variant.price),
    updatedAt,
    identifiers,
    product: {
      id: productId,
      title: str(product.title) ?? "",
      handle: str(product.handle),
      status: str(product.status),
      tags: Array.isArray(product.tags) ? product.tags.filter((t): t is string => typeof t === "string") : [],
      updatedAt: str(product.updatedAt) ?? updatedAt,
    },
  };
}

/** One parsed JSONL line → a typed record (by the GID type of its `id`). */
export function classifyLine(value: unknown): BulkLine {
  const line = obj(value);
  const id = str(line?.id);
  if (!line || !id) return { kind: "unknown", reason: "no id" };
  if (id.startsWith("gid://shopify/InventoryItem/")) {
    const updatedAt = str(line.updatedAt);
    if (!updatedAt) return { kind: "unknown", reason: `inventory item ${id}: updatedAt missing` };
    return { kind: "item", id, tracked: line.tracked !== false, updatedAt, variant: variantOf(line.variant) };
  }
  if (id.startsWith("gid://shopify/InventoryLevel/")) {
    const itemId = str(line.__parentId);
    const locationId = str(obj(line.location)?.id);
    const updatedAt = str(line.updatedAt);
    if (!itemId || !locationId || !updatedAt) return { kind: "unknown", reason: `level ${id}: __parentId, location or updatedAt missing` };
    const quantities = Array.isArray(line.quantities)
      ? line.quantities.flatMap((q) => {
          const entry = obj(q);
          return entry && typeof entry.name === "string" && typeof entry.quantity === "number" ? [{ name: entry.name, quantity: entry.quantity }] : [];
        })
      : [];
    return { kind: "level", inventoryItemId: itemId, locationId, updatedAt, quantities };
  }
  return { kind: "unknown", reason: `unexpected id ${id}` };
}
