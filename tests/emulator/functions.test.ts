/**
 * The app's functions and their owners: shopifyFunctions from the seed;
 * automatic app discounts, validations, payment and delivery customizations —
 * create, read, update, (de)activate, delete — with their configuration
 * metafields round-tripping, the 25-active limit per Function API, unknown or
 * mismatched functions, metafield size limits, and discount webhooks.
 */
import { describe, expect, it } from "vitest";

import type { SeedFile } from "../../emulator/model";
import { adminSchema } from "../../emulator/schema";
import { harness, SEED, shapeProblems, type Harness, type Json } from "./helpers";

const schema = adminSchema();

const FUNCTIONS: NonNullable<SeedFile["functions"]> = [
  { id: "0190a0c1-aaaa-7000-8000-000000000001", title: "Peakguard promotions", apiType: "discount", handle: "peakguard-promotions", description: "Stacked promotions" },
  { id: "0190a0c1-aaaa-7000-8000-000000000002", title: "Peakguard limits", apiType: "cart_checkout_validation", handle: "peakguard-limits" },
  { id: "0190a0c1-aaaa-7000-8000-000000000003", title: "Peakguard payments", apiType: "payment_customization", handle: "peakguard-payments" },
  { id: "0190a0c1-aaaa-7000-8000-000000000004", title: "Peakguard delivery", apiType: "delivery_customization", handle: "peakguard-delivery" },
];

function withFunctions(): Harness {
  return harness({ seed: { ...SEED, functions: FUNCTIONS } });
}

const CONFIG = '{"schemaVersion":1,"rules":[{"id":"bfcm","priority":1}]}';

describe("shopifyFunctions", () => {
  it("lists the seeded functions, filters by apiType, and finds one by id", () => {
    const h = withFunctions();
    const query = `{ all: shopifyFunctions(first: 10) { nodes { id title apiType handle } pageInfo { hasNextPage } }
      validations: shopifyFunctions(first: 10, apiType: "cart_checkout_validation") { nodes { handle } }
      one: shopifyFunction(id: "${FUNCTIONS[0]!.id}") { title description } none: shopifyFunction(id: "nope") { id } }`;
    const body = h.gql(query);
    expect(body.errors).toBeUndefined();
    expect(shapeProblems(schema, query, body.data)).toEqual([]);
    expect(body.data?.all.nodes.map((f: Json) => f.handle)).toEqual(["peakguard-promotions", "peakguard-limits", "peakguard-payments", "peakguard-delivery"]);
    expect(body.data?.validations.nodes).toEqual([{ handle: "peakguard-limits" }]);
    expect(body.data?.one).toEqual({ title: "Peakguard promotions", description: "Stacked promotions" });
    expect(body.data?.none).toBeNull();
  });

  it("a field the seed does not give (appKey, app) is not emulated", () => {
    const body = withFunctions().gql(`{ shopifyFunctions(first: 1) { nodes { handle appKey } } }`);
    expect(body.errors?.map((e) => e.message)).toEqual(["not emulated: ShopifyFunction.appKey"]);
  });
});

const DISCOUNT_FIELDS = `discountId title status startsAt endsAt discountClasses tags createdAt updatedAt asyncUsageCount
  combinesWith { orderDiscounts productDiscounts shippingDiscounts }
  appDiscountType { functionId title description discountClasses }
  context { __typename ... on DiscountBuyerSelectionAll { all } }`;
const DISCOUNT_CREATE = `mutation Create($input: DiscountAutomaticAppInput!) {
  discountAutomaticAppCreate(automaticAppDiscount: $input) { automaticAppDiscount { ${DISCOUNT_FIELDS} } userErrors { field message code extraInfo } }
}`;
const DISCOUNT_UPDATE = `mutation Update($id: ID!, $input: DiscountAutomaticAppInput!) {
  discountAutomaticAppUpdate(id: $id, automaticAppDiscount: $input) { automaticAppDiscount { ${DISCOUNT_FIELDS} } userErrors { field message code } }
}`;

function createDiscount(h: Harness, input: Record<string, unknown> = {}): Json {
  return h.gql(DISCOUNT_CREATE, {
    input: {
      title: "BFCM stack",
      functionHandle: "peakguard-promotions",
      discountClasses: ["PRODUCT", "ORDER"],
      combinesWith: { productDiscounts: true },
      metafields: [{ namespace: "$app:promotions", key: "config", type: "json", value: CONFIG }],
      ...input,
    },
  }).data?.discountAutomaticAppCreate;
}

describe("automatic app discounts", () => {
  it("create → read through discountNode, discountNodes and automaticDiscountNodes with the config metafield → update → delete", () => {
    const h = withFunctions();
    const created = createDiscount(h);
    expect(created.userErrors).toEqual([]);
    const discount = created.automaticAppDiscount;
    expect(discount).toMatchObject({
      title: "BFCM stack",
      status: "ACTIVE",
      startsAt: "2026-11-27T12:00:00Z",
      endsAt: null,
      discountClasses: ["PRODUCT", "ORDER"],
      combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: false },
      appDiscountType: { functionId: FUNCTIONS[0]!.id, title: "Peakguard promotions", description: "Stacked promotions", discountClasses: ["PRODUCT", "ORDER"] },
      context: { __typename: "DiscountBuyerSelectionAll", all: "ALL" },
      asyncUsageCount: 0,
    });
    expect(discount.discountId).toMatch(/^gid:\/\/shopify\/DiscountAutomaticNode\/\d+$/);
    expect(h.events.map((e) => [e.topic, e.payload])).toEqual([
      ["discounts/create", { admin_graphql_api_id: discount.discountId, title: "BFCM stack", status: "ACTIVE", created_at: "2026-11-27T07:00:00-05:00", updated_at: "2026-11-27T07:00:00-05:00" }],
    ]);

    const read = `query($id: ID!) {
      discountNode(id: $id) { id metafield(namespace: "$app:promotions", key: "config") { type value jsonValue ownerType owner { ... on DiscountAutomaticNode { id } } }
        discount { __typename ... on DiscountAutomaticApp { title status } } }
      automaticDiscountNode(id: $id) { id metafields(first: 5) { nodes { namespace key } } automaticDiscount { ... on DiscountAutomaticApp { discountId } } }
      discountNodes(first: 5, query: "status:active") { nodes { id } }
      scheduled: discountNodes(first: 5, query: "status:scheduled") { nodes { id } }
      automaticDiscountNodes(first: 5) { nodes { id } }
      discountNodesCount { count precision }
      node(id: $id) { __typename }
    }`;
    const body = h.gql(read, { id: discount.discountId });
    expect(body.errors).toBeUndefined();
    expect(shapeProblems(schema, read, body.data)).toEqual([]);
    expect(body.data).toEqual({
      discountNode: {
        id: discount.discountId,
        metafield: { type: "json", value: CONFIG, jsonValue: JSON.parse(CONFIG), ownerType: "DISCOUNT", owner: { id: discount.discountId } },
        discount: { __typename: "DiscountAutomaticApp", title: "BFCM stack", status: "ACTIVE" },
      },
      automaticDiscountNode: {
        id: discount.discountId,
        metafields: { nodes: [{ namespace: "app--9121707--promotions", key: "config" }] },
        automaticDiscount: { discountId: discount.discountId },
      },
      discountNodes: { nodes: [{ id: discount.discountId }] },
      scheduled: { nodes: [] },
      automaticDiscountNodes: { nodes: [{ id: discount.discountId }] },
      discountNodesCount: { count: 1, precision: "EXACT" },
      node: { __typename: "DiscountAutomaticNode" },
    });

    // Update: the title, an end date, and the config metafield (by namespace and key, type kept).
    h.clock.advance(60_000);
    h.events.length = 0;
    const updated = h.gql(DISCOUNT_UPDATE, {
      id: discount.discountId,
      input: { title: "BFCM stack v2", endsAt: "2026-12-02T05:00:00Z", metafields: [{ namespace: "$app:promotions", key: "config", value: '{"schemaVersion":2}' }] },
    }).data?.discountAutomaticAppUpdate;
    expect(updated.userErrors).toEqual([]);
    expect(updated.automaticAppDiscount).toMatchObject({ title: "BFCM stack v2", endsAt: "2026-12-02T05:00:00Z", updatedAt: "2026-11-27T12:01:00Z", discountClasses: ["PRODUCT", "ORDER"] });
    expect(h.gql(`{ discountNode(id: "${discount.discountId}") { metafield(namespace: "$app:promotions", key: "config") { type value } } }`).data?.discountNode.metafield).toEqual({
      type: "json",
      value: '{"schemaVersion":2}',
    });
    expect(h.events.map((e) => e.topic)).toEqual(["discounts/update"]);

    // Deactivate and activate; then delete (its metafields go too).
    const deactivated = h.gql(`mutation { discountAutomaticDeactivate(id: "${discount.discountId}") { automaticDiscountNode { automaticDiscount { ... on DiscountAutomaticApp { status endsAt } } } userErrors { message } } }`);
    expect(deactivated.data?.discountAutomaticDeactivate.automaticDiscountNode.automaticDiscount).toEqual({ status: "EXPIRED", endsAt: "2026-11-27T12:01:00Z" });
    const activated = h.gql(`mutation { discountAutomaticActivate(id: "${discount.discountId}") { automaticDiscountNode { automaticDiscount { ... on DiscountAutomaticApp { status endsAt } } } userErrors { message } } }`);
    expect(activated.data?.discountAutomaticActivate.automaticDiscountNode.automaticDiscount).toEqual({ status: "ACTIVE", endsAt: null });
    const deleted = h.gql(`mutation { discountAutomaticDelete(id: "${discount.discountId}") { deletedAutomaticDiscountId userErrors { message } } }`);
    expect(deleted.data?.discountAutomaticDelete).toEqual({ deletedAutomaticDiscountId: discount.discountId, userErrors: [] });
    expect(h.gql(`{ discountNode(id: "${discount.discountId}") { id } }`).data?.discountNode).toBeNull();
    expect([...h.store.metafields.values()].filter((m) => m.ownerType === "DiscountAutomaticNode")).toEqual([]);
    expect(h.events.map((e) => e.topic)).toEqual(["discounts/update", "discounts/update", "discounts/update", "discounts/delete"]);
  });

  it("metafieldsSet on a discount node writes what the function reads", () => {
    const h = withFunctions();
    const id = createDiscount(h).automaticAppDiscount.discountId;
    const set = h.gql(`mutation($id: ID!) { metafieldsSet(metafields: [{ ownerId: $id, namespace: "$app:promotions", key: "config", type: "json", value: "{\\"schemaVersion\\":3}" }]) { metafields { ownerType } userErrors { code } } }`, { id });
    expect(set.data?.metafieldsSet).toEqual({ metafields: [{ ownerType: "DISCOUNT" }], userErrors: [] });
    expect(h.gql(`{ discountNode(id: "${id}") { metafield(namespace: "$app:promotions", key: "config") { value } } }`).data?.discountNode.metafield.value).toBe('{"schemaVersion":3}');
  });

  it("refuses a missing, unknown or wrong-API function, a blank title, bad dates, shipping-on-shipping and invalid metafields", () => {
    const h = withFunctions();
    const errors = (input: Record<string, unknown>): [string, string][] =>
      (createDiscount(h, input).userErrors as Json[]).map((e) => [e.field?.join(".") ?? "", e.code]);
    expect(errors({ functionHandle: null })).toEqual([["automaticAppDiscount.functionHandle", "MISSING_FUNCTION_IDENTIFIER"]]);
    expect(errors({ functionId: FUNCTIONS[0]!.id })).toEqual([["automaticAppDiscount.functionHandle", "MULTIPLE_FUNCTION_IDENTIFIERS"]]);
    expect(errors({ functionHandle: "nope" })).toEqual([["automaticAppDiscount.functionHandle", "INVALID"]]);
    expect(errors({ functionHandle: "peakguard-limits" })).toEqual([["automaticAppDiscount.functionHandle", "INVALID"]]);
    expect(errors({ title: " " })).toEqual([["automaticAppDiscount.title", "BLANK"]]);
    expect(errors({ discountClasses: [] })).toEqual([["automaticAppDiscount.discountClasses", "BLANK"]]);
    expect(errors({ startsAt: "2026-12-01T00:00:00Z", endsAt: "2026-11-30T00:00:00Z" })).toEqual([["automaticAppDiscount.endsAt", "END_DATE_BEFORE_START_DATE"]]);
    expect(errors({ discountClasses: ["SHIPPING"], combinesWith: { shippingDiscounts: true } })).toEqual([
      ["automaticAppDiscount.combinesWith.shippingDiscounts", "INVALID_COMBINES_WITH_FOR_DISCOUNT_CLASS"],
    ]);
    expect(errors({ metafields: [{ namespace: "$app", key: "config", type: "json", value: "{not json" }] })).toEqual([["automaticAppDiscount.metafields.0.value", "INVALID"]]);
    expect(errors({ metafields: [{ namespace: "$app", key: "config", value: "{}" }] })).toEqual([["automaticAppDiscount.metafields.0.type", "BLANK"]]);
    // json values are limited to 128 KB (API 2026-04+).
    expect(errors({ metafields: [{ namespace: "$app", key: "config", type: "json", value: `"${"x".repeat(128 * 1024)}"` }] })).toEqual([
      ["automaticAppDiscount.metafields.0.value", "TOO_LONG"],
    ]);
    expect(h.store.discounts.size).toBe(0);
    expect(h.events).toEqual([]);
  });

  it("allows 25 active app discounts; the 26th is refused with MAX_APP_DISCOUNTS, a scheduled one is not", () => {
    const h = withFunctions();
    for (let n = 1; n <= 25; n += 1) expect(createDiscount(h, { title: `Discount ${n}`, metafields: [] }).userErrors).toEqual([]);
    const refused = createDiscount(h, { title: "Discount 26", metafields: [] });
    expect(refused).toEqual({
      automaticAppDiscount: null,
      userErrors: [{ field: null, message: "The shop already has 25 active automatic app discounts; at most 25 can be active at once.", code: "MAX_APP_DISCOUNTS", extraInfo: null }],
    });
    expect(createDiscount(h, { title: "Next week", startsAt: "2026-12-04T12:00:00Z", metafields: [] }).automaticAppDiscount.status).toBe("SCHEDULED");
    const first = [...h.store.discounts.values()][0]!;
    h.gql(`mutation { discountAutomaticDeactivate(id: "gid://shopify/DiscountAutomaticNode/${first.id}") { userErrors { message } } }`);
    expect(createDiscount(h, { title: "Discount 26", metafields: [] }).userErrors).toEqual([]);
  });
});

const VALIDATION_FIELDS = `id title enabled blockOnFailure shopifyFunction { id apiType } metafield(namespace: "$app", key: "rules") { type value }`;

describe("validations", () => {
  it("create, read, update (enable and blockOnFailure default to false, as the input type says), delete", () => {
    const h = withFunctions();
    const created = h.gql(`mutation($v: ValidationCreateInput!) { validationCreate(validation: $v) { validation { ${VALIDATION_FIELDS} } userErrors { field message code } } }`, {
      v: { functionHandle: "peakguard-limits", enable: true, blockOnFailure: true, metafields: [{ namespace: "$app", key: "rules", type: "json", value: CONFIG }] },
    }).data?.validationCreate;
    expect(created.userErrors).toEqual([]);
    expect(created.validation).toMatchObject({
      title: "Peakguard limits",
      enabled: true,
      blockOnFailure: true,
      shopifyFunction: { id: FUNCTIONS[1]!.id, apiType: "cart_checkout_validation" },
      metafield: { type: "json", value: CONFIG },
    });
    const id = created.validation.id as string;
    const read = h.gql(`{ validations(first: 5) { nodes { id } } validation(id: "${id}") { title metafields(first: 5) { nodes { key ownerType } } } }`);
    expect(read.data).toEqual({ validations: { nodes: [{ id }] }, validation: { title: "Peakguard limits", metafields: { nodes: [{ key: "rules", ownerType: "VALIDATION" }] } } });
    const updated = h.gql(`mutation($id: ID!) { validationUpdate(id: $id, validation: { title: "Order limits" }) { validation { ${VALIDATION_FIELDS} } userErrors { code } } }`, { id })
      .data?.validationUpdate;
    expect(updated.validation).toMatchObject({ title: "Order limits", enabled: false, blockOnFailure: false, metafield: { value: CONFIG } });
    const deleted = h.gql(`mutation($id: ID!) { validationDelete(id: $id) { deletedId userErrors { code } } }`, { id }).data?.validationDelete;
    expect(deleted).toEqual({ deletedId: id, userErrors: [] });
    expect(h.gql(`mutation($id: ID!) { validationDelete(id: $id) { deletedId userErrors { field code } } }`, { id }).data?.validationDelete).toEqual({
      deletedId: null,
      userErrors: [{ field: ["id"], code: "NOT_FOUND" }],
    });
  });

  it("refuses an unknown function, a function of another API, and a 26th enabled validation", () => {
    const h = withFunctions();
    const create = (v: Record<string, unknown>): Json =>
      h.gql(`mutation($v: ValidationCreateInput!) { validationCreate(validation: $v) { validation { id enabled } userErrors { field code } } }`, { v }).data?.validationCreate;
    expect(create({ functionId: "missing" }).userErrors).toEqual([{ field: ["validation", "functionId"], code: "FUNCTION_NOT_FOUND" }]);
    expect(create({ functionHandle: "peakguard-payments" }).userErrors).toEqual([{ field: ["validation", "functionHandle"], code: "FUNCTION_DOES_NOT_IMPLEMENT" }]);
    for (let n = 0; n < 25; n += 1) expect(create({ functionHandle: "peakguard-limits", enable: true }).userErrors).toEqual([]);
    expect(create({ functionHandle: "peakguard-limits", enable: true }).userErrors).toEqual([{ field: null, code: "MAX_VALIDATIONS_ACTIVATED" }]);
    // A disabled one can still be created.
    expect(create({ functionHandle: "peakguard-limits" })).toMatchObject({ validation: { enabled: false }, userErrors: [] });
  });
});

describe("payment and delivery customizations", () => {
  it.each([
    ["payment", "paymentCustomization", "PaymentCustomization", "peakguard-payments", "MAXIMUM_ACTIVE_PAYMENT_CUSTOMIZATIONS", "PAYMENT_CUSTOMIZATION_NOT_FOUND"],
    ["delivery", "deliveryCustomization", "DeliveryCustomization", "peakguard-delivery", "MAXIMUM_ACTIVE_DELIVERY_CUSTOMIZATIONS", "DELIVERY_CUSTOMIZATION_NOT_FOUND"],
  ])("%s: CRUD, activation, metafields, the 25-enabled limit", (_kind, name, type, handle, limitCode, notFound) => {
    const h = withFunctions();
    const input = `${type}Input`;
    const fields = `id title enabled functionId shopifyFunction { handle } metafield(namespace: "$app", key: "config") { value ownerType }`;
    const create = (value: Record<string, unknown>): Json =>
      h.gql(`mutation($c: ${input}!) { ${name}Create(${name}: $c) { ${name} { ${fields} } userErrors { field message code } } }`, { c: value }).data?.[`${name}Create`];
    expect(create({ functionHandle: handle }).userErrors.map((e: Json) => [e.field.join("."), e.code])).toEqual([
      [`${name}.title`, "REQUIRED_INPUT_FIELD"],
      [`${name}.enabled`, "REQUIRED_INPUT_FIELD"],
    ]);
    expect(create({ functionHandle: "peakguard-limits", title: "x", enabled: true }).userErrors[0].code).toBe("FUNCTION_DOES_NOT_IMPLEMENT");
    const created = create({ functionHandle: handle, title: "Hide COD over $500", enabled: true, metafields: [{ namespace: "$app", key: "config", type: "json", value: CONFIG }] });
    expect(created.userErrors).toEqual([]);
    expect(created[name]).toMatchObject({ title: "Hide COD over $500", enabled: true, functionId: FUNCTIONS.find((f) => f.handle === handle)!.id, shopifyFunction: { handle } });
    expect(created[name].metafield).toEqual({ value: CONFIG, ownerType: type === "PaymentCustomization" ? "PAYMENT_CUSTOMIZATION" : "DELIVERY_CUSTOMIZATION" });
    const id = created[name].id as string;

    const list = h.gql(`{ ${name}s(first: 5, query: "enabled:true") { nodes { id } } one: ${name}(id: "${id}") { title } }`);
    expect(list.data).toEqual({ [`${name}s`]: { nodes: [{ id }] }, one: { title: "Hide COD over $500" } });

    const updated = h.gql(`mutation($id: ID!) { ${name}Update(id: $id, ${name}: { title: "Renamed" }) { ${name} { title enabled } userErrors { code } } }`, { id }).data?.[`${name}Update`];
    expect(updated).toEqual({ [name]: { title: "Renamed", enabled: true }, userErrors: [] });

    const off = h.gql(`mutation($ids: [ID!]!) { ${name}Activation(ids: $ids, enabled: false) { ids userErrors { field code } } }`, { ids: [id] }).data?.[`${name}Activation`];
    expect(off).toEqual({ ids: [id], userErrors: [] });
    const unknown = h.gql(`mutation($ids: [ID!]!) { ${name}Activation(ids: $ids, enabled: true) { ids userErrors { field code } } }`, { ids: [id, `gid://shopify/${type}/1`] }).data?.[
      `${name}Activation`
    ];
    expect(unknown).toEqual({ ids: null, userErrors: [{ field: ["ids", "1"], code: notFound }] });
    expect(h.gql(`{ one: ${name}(id: "${id}") { enabled } }`).data?.one.enabled).toBe(false);

    for (let n = 0; n < 25; n += 1) expect(create({ functionHandle: handle, title: `Rule ${n}`, enabled: true }).userErrors).toEqual([]);
    expect(create({ functionHandle: handle, title: "One too many", enabled: true }).userErrors).toEqual([
      { field: null, message: `The shop already has 25 enabled ${type === "PaymentCustomization" ? "payment" : "delivery"} customizations; at most 25 can be active per Function API.`, code: limitCode },
    ]);
    const reEnable = h.gql(`mutation($ids: [ID!]!) { ${name}Activation(ids: $ids, enabled: true) { ids userErrors { code } } }`, { ids: [id] }).data?.[`${name}Activation`];
    expect(reEnable).toEqual({ ids: null, userErrors: [{ code: limitCode }] });

    const deleted = h.gql(`mutation($id: ID!) { ${name}Delete(id: $id) { deletedId userErrors { code } } }`, { id }).data?.[`${name}Delete`];
    expect(deleted).toEqual({ deletedId: id, userErrors: [] });
    expect(h.store.metafieldsOf(type, Number(id.split("/").pop()))).toEqual([]);
  });
});
