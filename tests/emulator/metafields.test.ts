/**
 * metafieldsSet: limits, type and value checks, `$app` namespaces, owners,
 * compare-and-set, atomicity; reading back through metafield / metafields.
 */
import { describe, expect, it } from "vitest";

import { harness, IDS } from "./helpers";

const SET = `mutation Set($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { id namespace key type value jsonValue compareDigest ownerType owner { ... on Product { id } ... on Shop { id } } }
    userErrors { field message code elementIndex }
  }
}`;

type SetResult = {
  metafields: { id: string; namespace: string; key: string; type: string; value: string; jsonValue: unknown; compareDigest: string; ownerType: string; owner: { id: string } }[];
  userErrors: { field: string[] | null; message: string; code: string | null; elementIndex: number | null }[];
};

describe("metafieldsSet", () => {
  it("writes metafields and resolves $app to the app-reserved namespace", () => {
    const h = harness();
    const body = h.gql(SET, {
      metafields: [
        { ownerId: IDS.jacket, namespace: "$app:promotions", key: "rules", type: "json", value: '{"schemaVersion":2,"rules":[]}' },
        { ownerId: IDS.shop, key: "stock_floor", type: "number_integer", value: "3" },
        { ownerId: IDS.jacket, namespace: "custom", key: "drop_active", type: "boolean", value: "true" },
      ],
    });
    expect(body.errors).toBeUndefined();
    const result = body.data?.metafieldsSet as SetResult;
    expect(result.userErrors).toEqual([]);
    expect(result.metafields.map((m) => [m.namespace, m.key, m.jsonValue, m.ownerType, m.owner.id])).toEqual([
      [`${IDS.appNamespace}--promotions`, "rules", { schemaVersion: 2, rules: [] }, "PRODUCT", IDS.jacket],
      [IDS.appNamespace, "stock_floor", 3, "SHOP", IDS.shop],
      ["custom", "drop_active", true, "PRODUCT", IDS.jacket],
    ]);
    const read = h.gql(`{
      shop { mine: metafield(key: "stock_floor") { value } explicit: metafield(namespace: "$app", key: "stock_floor") { value } }
      product(id: "${IDS.jacket}") { metafield(namespace: "$app:promotions", key: "rules") { type } metafields(first: 10, namespace: "custom") { nodes { key } } }
    }`);
    expect(read.data).toEqual({
      shop: { mine: { value: "3" }, explicit: { value: "3" } },
      product: { metafield: { type: "json" }, metafields: { nodes: [{ key: "drop_date" }, { key: "drop_active" }] } },
    });
  });

  it("refuses more than 25 metafields in one call", () => {
    const h = harness();
    const metafields = Array.from({ length: 26 }, (_, i) => ({ ownerId: IDS.shop, namespace: "custom", key: `k${i}x`, type: "number_integer", value: String(i) }));
    const result = h.gql(SET, { metafields }).data?.metafieldsSet as SetResult;
    expect(result.userErrors).toEqual([
      { field: ["metafields"], message: "Exceeded the maximum metafields input limit of 25.", code: "LESS_THAN_OR_EQUAL_TO", elementIndex: null },
    ]);
    expect(h.gql(SET, { metafields: metafields.slice(0, 25) }).data?.metafieldsSet.userErrors).toEqual([]);
  });

  it("checks json and integer values, blank types, names and owners — and writes nothing when any fails", () => {
    const h = harness();
    const result = h.gql(SET, {
      metafields: [
        { ownerId: IDS.shop, namespace: "custom", key: "fine", type: "json", value: "[1,2]" },
        { ownerId: IDS.shop, namespace: "custom", key: "broken", type: "json", value: "{not json" },
        { ownerId: IDS.shop, namespace: "custom", key: "count", type: "number_integer", value: "2.5" },
        { ownerId: IDS.shop, namespace: "custom", key: "huge", type: "number_integer", value: "9223372036854775808" },
        { ownerId: IDS.shop, namespace: "custom", key: "untyped", value: "x" },
        { ownerId: "gid://shopify/Product/1", namespace: "custom", key: "orphan", type: "json", value: "{}" },
        { ownerId: IDS.shop, namespace: "ab", key: "k", type: "json", value: "{}" },
        { ownerId: IDS.shop, namespace: "custom", key: "color", type: "colour", value: "#fff" },
      ],
    }).data?.metafieldsSet as SetResult;
    expect(result.metafields).toEqual([]);
    expect(result.userErrors.map((e) => [e.elementIndex, e.field?.join("."), e.code])).toEqual([
      [1, "metafields.1.value", "INVALID_VALUE"],
      [2, "metafields.2.value", "INVALID_VALUE"],
      [3, "metafields.3.value", "INVALID_VALUE"],
      [4, "metafields.4.type", "BLANK"],
      [5, "metafields.5.ownerId", "INVALID"],
      [6, "metafields.6.namespace", "TOO_SHORT"],
      [6, "metafields.6.key", "TOO_SHORT"],
      [7, "metafields.7.type", "INVALID_TYPE"],
    ]);
    expect(h.gql(`{ shop { metafield(namespace: "custom", key: "fine") { id } } }`).data?.shop.metafield).toBeNull();
  });

  it("refuses another app's reserved namespace", () => {
    const result = harness().gql(SET, { metafields: [{ ownerId: IDS.shop, namespace: "app--1234", key: "peek", type: "json", value: "{}" }] })
      .data?.metafieldsSet as SetResult;
    expect(result.userErrors.map((e) => e.code)).toEqual(["APP_NOT_AUTHORIZED"]);
  });

  it("compareDigest: the digest read back allows the write, a stale one is refused, null means 'must not exist'", () => {
    const h = harness();
    const input = { ownerId: IDS.jacket, namespace: "custom", key: "limit", type: "number_integer", value: "1" };
    const created = (h.gql(SET, { metafields: [{ ...input, compareDigest: null }] }).data?.metafieldsSet as SetResult).metafields[0]!;
    const again = h.gql(SET, { metafields: [{ ...input, value: "2", compareDigest: null }] }).data?.metafieldsSet as SetResult;
    expect(again.userErrors.map((e) => e.code)).toEqual(["STALE_OBJECT"]);
    h.clock.advance(1000);
    const updated = h.gql(SET, { metafields: [{ ...input, value: "2", compareDigest: created.compareDigest }] }).data?.metafieldsSet as SetResult;
    expect(updated.userErrors).toEqual([]);
    expect(updated.metafields[0]?.id).toBe(created.id);
    const stale = h.gql(SET, { metafields: [{ ...input, value: "3", compareDigest: created.compareDigest }] }).data?.metafieldsSet as SetResult;
    expect(stale.userErrors[0]).toMatchObject({ code: "STALE_OBJECT", field: ["metafields", "0", "compareDigest"] });
  });

  it("a type the emulator does not validate is not emulated rather than accepted", () => {
    const body = harness().gql(SET, { metafields: [{ ownerId: IDS.shop, namespace: "custom", key: "price", type: "money", value: '{"amount":"5.00","currency_code":"USD"}' }] });
    expect(body.errors?.[0]?.message).toBe('not emulated: metafield type "money"');
  });
});
