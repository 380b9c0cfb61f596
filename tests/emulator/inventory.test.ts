/**
 * inventoryAdjustQuantities and inventoryMoveQuantities: Shopify's validations,
 * quantities, the on_hand invariant and the inventory_levels/update webhook.
 */
import { describe, expect, it } from "vitest";

import { harness, IDS, type Harness } from "./helpers";

const ADJUST = `mutation Adjust($input: InventoryAdjustQuantitiesInput!, $key: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id reason referenceDocumentUri changes { name delta quantityAfterChange ledgerDocumentUri item { id } location { id } } }
    userErrors { field message code }
  }
}`;

const MOVE = `mutation Move($input: InventoryMoveQuantitiesInput!, $key: String!) {
  inventoryMoveQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id changes { name delta } }
    userErrors { field message code }
  }
}`;

const NAMES = ["available", "on_hand", "committed", "reserved", "incoming", "safety_stock", "damaged", "quality_control"];

function quantities(h: Harness, itemId: string, locationId: string): Record<string, number> {
  const body = h.gql(`query($item: ID!, $location: ID!, $names: [String!]!) {
    inventoryItem(id: $item) { inventoryLevel(locationId: $location) { quantities(names: $names) { name quantity } } } }`, {
    item: itemId,
    location: locationId,
    names: NAMES,
  });
  return Object.fromEntries((body.data?.inventoryItem.inventoryLevel.quantities as { name: string; quantity: number }[]).map((q) => [q.name, q.quantity]));
}

function adjustInput(overrides: Record<string, unknown> = {}, change: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "available",
    reason: "correction",
    referenceDocumentUri: "gid://peakguard/CycleCount/1",
    changes: [{ inventoryItemId: IDS.jacketSmallItem, locationId: IDS.brooklyn, delta: 5, changeFromQuantity: 14, ...change }],
    ...overrides,
  };
}

describe("inventoryAdjustQuantities", () => {
  it("changes available (and so on_hand) and emits inventory_levels/update", () => {
    const h = harness();
    const before = quantities(h, IDS.jacketSmallItem, IDS.brooklyn);
    const body = h.gql(ADJUST, { input: adjustInput(), key: "adjust-1" });
    expect(body.errors).toBeUndefined();
    const payload = body.data?.inventoryAdjustQuantities;
    expect(payload.userErrors).toEqual([]);
    expect(payload.inventoryAdjustmentGroup.reason).toBe("correction");
    expect(payload.inventoryAdjustmentGroup.changes).toEqual([
      { name: "available", delta: 5, quantityAfterChange: null, ledgerDocumentUri: null, item: { id: IDS.jacketSmallItem }, location: { id: IDS.brooklyn } },
      { name: "on_hand", delta: 5, quantityAfterChange: null, ledgerDocumentUri: null, item: { id: IDS.jacketSmallItem }, location: { id: IDS.brooklyn } },
    ]);
    const after = quantities(h, IDS.jacketSmallItem, IDS.brooklyn);
    expect(after.available).toBe(before.available! + 5);
    expect(after.on_hand).toBe(before.on_hand! + 5);
    expect(after.committed).toBe(before.committed);
    expect(h.events.map((e) => e.topic)).toEqual(["inventory_levels/update"]);
    expect(h.events[0]?.payload).toEqual({
      inventory_item_id: 8300000000001,
      location_id: 70100000001,
      available: after.available,
      updated_at: "2026-11-27T07:00:00-05:00",
      admin_graphql_api_id: "gid://shopify/InventoryLevel/70100000001?inventory_item_id=8300000000001",
    });
  });

  it("lets available go negative (overselling) but refuses an unavailable state below zero", () => {
    const h = harness();
    const oversell = h.gql(ADJUST, { input: adjustInput({}, { delta: -20, changeFromQuantity: null }), key: "oversell" });
    expect(oversell.data?.inventoryAdjustQuantities.userErrors).toEqual([]);
    expect(quantities(h, IDS.jacketSmallItem, IDS.brooklyn).available).toBe(-6);
    const reserved = h.gql(ADJUST, {
      input: adjustInput({ name: "reserved" }, { delta: -3, changeFromQuantity: null, ledgerDocumentUri: "peakguard://hold/9" }),
      key: "reserved-below-zero",
    });
    expect(reserved.data?.inventoryAdjustQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [
        {
          field: ["input", "changes", "0", "delta"],
          message: "SKU PG-JKT-S at Brooklyn Warehouse has reserved 2; a delta of -3 would make it -1.",
          code: "INVALID_QUANTITY_TOO_LOW",
        },
      ],
    });
  });

  it("answers userErrors with field paths and codes, and changes nothing", () => {
    const h = harness();
    const body = h.gql(ADJUST, {
      input: {
        name: "committed",
        reason: "because",
        referenceDocumentUri: "not a uri",
        changes: [
          { inventoryItemId: "gid://shopify/InventoryItem/1", locationId: IDS.brooklyn, delta: 1, changeFromQuantity: null },
          { inventoryItemId: IDS.jacketSmallItem, locationId: "gid://shopify/Location/2", delta: 1 },
        ],
      },
      key: "bad",
    });
    const errors = body.data?.inventoryAdjustQuantities.userErrors as { field: string[]; code: string | null }[];
    expect(errors.map((e) => [e.field.join("."), e.code])).toEqual([
      ["input.name", "INVALID_QUANTITY_NAME"],
      ["input.reason", "INVALID_REASON"],
      ["input.referenceDocumentUri", "INVALID_REFERENCE_DOCUMENT"],
      ["input.changes.0.inventoryItemId", "INVALID_INVENTORY_ITEM"],
      ["input.changes.1.changeFromQuantity", null],
      ["input.changes.1.locationId", "INVALID_LOCATION"],
    ]);
    expect(body.data?.inventoryAdjustQuantities.inventoryAdjustmentGroup).toBeNull();
    expect(h.events).toEqual([]);
  });

  it("checks ledger document URIs: required except for available, refused for available, never gid://shopify", () => {
    const h = harness();
    const codes = (input: Record<string, unknown>, key: string): (string | null)[] =>
      (h.gql(ADJUST, { input, key }).data?.inventoryAdjustQuantities.userErrors as { code: string | null }[]).map((e) => e.code);
    expect(codes(adjustInput({ name: "damaged" }, { changeFromQuantity: 0 }), "l1")).toEqual(["INVALID_QUANTITY_DOCUMENT"]);
    expect(codes(adjustInput({}, { ledgerDocumentUri: "peakguard://x/1" }), "l2")).toEqual(["INVALID_AVAILABLE_DOCUMENT"]);
    expect(codes(adjustInput({ name: "damaged" }, { changeFromQuantity: 0, ledgerDocumentUri: "gid://shopify/Order/1" }), "l3")).toEqual([
      "INTERNAL_LEDGER_DOCUMENT",
    ]);
    expect(codes(adjustInput({ name: "damaged" }, { changeFromQuantity: 0, ledgerDocumentUri: "peakguard://damage/7" }), "l4")).toEqual([]);
    expect(quantities(h, IDS.jacketSmallItem, IDS.brooklyn).damaged).toBe(5);
  });

  it("compare-and-swap: a stale changeFromQuantity is refused", () => {
    const h = harness();
    const body = h.gql(ADJUST, { input: adjustInput({}, { changeFromQuantity: 13 }), key: "cas" });
    expect(body.data?.inventoryAdjustQuantities.userErrors).toEqual([
      {
        field: ["input", "changes", "0", "changeFromQuantity"],
        message: "SKU PG-JKT-S at Brooklyn Warehouse has available 14, not the 13 the change expected.",
        code: "CHANGE_FROM_QUANTITY_STALE",
      },
    ]);
  });

  it("requires @idempotent; the same key replays, a reused key with other parameters is refused", () => {
    const h = harness();
    const withoutKey = h.gql(`mutation($input: InventoryAdjustQuantitiesInput!) {
      inventoryAdjustQuantities(input: $input) { userErrors { code } } }`, { input: adjustInput() });
    expect(withoutKey.errors?.[0]?.message).toContain("requires an idempotency key");
    expect(withoutKey.data?.inventoryAdjustQuantities).toBeNull();

    const first = h.gql(ADJUST, { input: adjustInput(), key: "retry-me" });
    const again = h.gql(ADJUST, { input: adjustInput(), key: "retry-me" });
    expect(again.data).toEqual(first.data);
    expect(quantities(h, IDS.jacketSmallItem, IDS.brooklyn).available).toBe(19);
    expect(h.events).toHaveLength(1);

    const other = h.gql(ADJUST, { input: adjustInput({}, { delta: 6 }), key: "retry-me" });
    expect(other.data?.inventoryAdjustQuantities.userErrors[0].code).toBe("IDEMPOTENCY_KEY_PARAMETER_MISMATCH");
  });
});

describe("inventoryMoveQuantities", () => {
  const move = (quantity: number, from = "available", to = "reserved", extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    reason: "reservation_created",
    referenceDocumentUri: "peakguard://drop/42",
    changes: [
      {
        inventoryItemId: IDS.jacketSmallItem,
        quantity,
        from: { locationId: IDS.brooklyn, name: from, changeFromQuantity: null, ledgerDocumentUri: from === "available" ? null : "peakguard://l/1" },
        to: { locationId: IDS.brooklyn, name: to, changeFromQuantity: null, ledgerDocumentUri: to === "available" ? null : "peakguard://l/2" },
        ...extra,
      },
    ],
  });

  it("moves units between states; on_hand does not change", () => {
    const h = harness();
    const before = quantities(h, IDS.jacketSmallItem, IDS.brooklyn);
    const body = h.gql(MOVE, { input: move(4), key: "hold-1" });
    expect(body.data?.inventoryMoveQuantities.userErrors).toEqual([]);
    expect(body.data?.inventoryMoveQuantities.inventoryAdjustmentGroup.changes).toEqual([
      { name: "available", delta: -4 },
      { name: "reserved", delta: 4 },
    ]);
    const after = quantities(h, IDS.jacketSmallItem, IDS.brooklyn);
    expect([after.available, after.reserved, after.on_hand]).toEqual([before.available! - 4, before.reserved! + 4, before.on_hand]);
    expect(h.events.map((e) => e.topic)).toEqual(["inventory_levels/update"]);
  });

  it("receiving incoming into available grows on_hand", () => {
    const h = harness();
    const body = h.gql(MOVE, { input: { ...move(5, "incoming", "available"), reason: "received" }, key: "receive" });
    expect(body.data?.inventoryMoveQuantities.inventoryAdjustmentGroup.changes).toEqual([
      { name: "incoming", delta: -5 },
      { name: "available", delta: 5 },
      { name: "on_hand", delta: 5 },
    ]);
    expect(quantities(h, IDS.jacketSmallItem, IDS.brooklyn)).toMatchObject({ incoming: 15, available: 19, on_hand: 24 });
  });

  it("refuses moving more than the source holds, a negative quantity, the same name, another location", () => {
    const h = harness();
    const codes = (input: Record<string, unknown>, key: string): string[] =>
      (h.gql(MOVE, { input, key }).data?.inventoryMoveQuantities.userErrors as { code: string }[]).map((e) => e.code);
    expect(codes(move(3, "reserved", "available"), "m1")).toEqual(["INVALID_QUANTITY_NEGATIVE"]);
    expect(codes(move(-1), "m2")).toEqual(["INVALID_QUANTITY_NEGATIVE"]);
    expect(codes(move(1, "reserved", "reserved"), "m3")).toEqual(["SAME_QUANTITY_NAME"]);
    expect(codes(move(1, "available", "committed"), "m4")).toEqual(["INVALID_QUANTITY_NAME"]);
    const otherPlace = move(1);
    (otherPlace.changes as { to: { locationId: string } }[])[0]!.to.locationId = IDS.chicago;
    expect(codes(otherPlace, "m5")).toEqual(["DIFFERENT_LOCATIONS"]);
    expect(h.events).toEqual([]);
  });
});
