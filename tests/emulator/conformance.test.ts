/**
 * Responses conform to the pinned Admin schema: the app's own documents
 * (graphql/admin/*.graphql) run against the emulator, validate, and come back
 * with the shape the schema promises. Fields the emulator does not answer fail
 * with "not emulated: Type.field" and no made-up value.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { parse, validate } from "graphql";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { API_VERSION } from "../../app/api-version";
import { adminSchema, adminSchemaPath } from "../../emulator/schema";
import { appFunctions } from "../../emulator/seed/generate";
import { harness, IDS, SEED, shapeProblems, type Harness, type Json } from "./helpers";

const ADMIN_DIR = fileURLToPath(new URL("../../graphql/admin/", import.meta.url));
const schema = adminSchema();

type Variables = Record<string, unknown>;

const ORDER_1001 = "gid://shopify/Order/5400000000001";
const ORDER_1002 = "gid://shopify/Order/5400000000002";

/** The fulfillment line item of order #1001's merino line (2 units, fulfilled in the seed). */
function merinoLine(h: Harness): string {
  const body = h.gql(`{ order(id: "${ORDER_1001}") { fulfillments { fulfillmentLineItems(first: 5) { nodes { id lineItem { sku } } } } } }`);
  const nodes = body.data?.order.fulfillments[0].fulfillmentLineItems.nodes as { id: string; lineItem: { sku: string } }[];
  return nodes.find((n) => n.lineItem.sku === "PG-MERINO-01")!.id;
}

/** A return of one merino from order #1001: REQUESTED (returnRequest) or OPEN (returnCreate), with its line and reverse fulfillment order line. */
function aReturn(h: Harness, status: "REQUESTED" | "OPEN"): { id: string; line: string; rfoLine: string | null } {
  const input = { orderId: ORDER_1001, returnLineItems: [{ fulfillmentLineItemId: merinoLine(h), quantity: 1 }] };
  const fields = `return { id returnLineItems(first: 1) { nodes { id } } reverseFulfillmentOrders(first: 1) { nodes { lineItems(first: 1) { nodes { id } } } } } userErrors { message }`;
  const body =
    status === "REQUESTED"
      ? h.gql(`mutation($input: ReturnRequestInput!) { returnRequest(input: $input) { ${fields} } }`, { input }).data?.returnRequest
      : h.gql(`mutation($input: ReturnInput!) { returnCreate(returnInput: $input) { ${fields} } }`, { input }).data?.returnCreate;
  expect(body.userErrors).toEqual([]);
  return {
    id: body.return.id,
    line: body.return.returnLineItems.nodes[0].id,
    rfoLine: body.return.reverseFulfillmentOrders.nodes[0]?.lineItems.nodes[0].id ?? null,
  };
}

const VALIDATION_METAFIELDS = [
  { namespace: "$app:peakguard", key: "rules", type: "json", value: '{"schemaVersion":1,"rules":[]}' },
  { namespace: "$app:peakguard", key: "ticks", type: "json", value: '{"schemaVersion":1,"ticks":[]}' },
];

function validation(h: Harness): string {
  const body = h.gql(`mutation($v: ValidationCreateInput!) { validationCreate(validation: $v) { validation { id } userErrors { message } } }`, {
    v: { functionHandle: "checkout-validation", title: "Conformance rules", enable: true, blockOnFailure: true, metafields: VALIDATION_METAFIELDS },
  }).data?.validationCreate;
  expect(body.userErrors).toEqual([]);
  return body.validation.id;
}

function customization(h: Harness, kind: "payment" | "delivery"): string {
  const name = `${kind}Customization`;
  const type = kind === "payment" ? "PaymentCustomizationInput" : "DeliveryCustomizationInput";
  const body = h.gql(`mutation($c: ${type}!) { ${name}Create(${name}: $c) { ${name} { id } userErrors { message } } }`, {
    c: { functionHandle: `${kind}-kill-switch`, title: `Conformance ${kind}`, enabled: true },
  }).data?.[`${name}Create`];
  expect(body.userErrors).toEqual([]);
  return body[name].id;
}

const PROMOTION_METAFIELDS = [
  { namespace: "$app:peakguard", key: "promotions", type: "json", value: '{"v":1,"c":"USD","p":[]}' },
  {
    namespace: "$app:peakguard",
    key: "promotion_set",
    type: "json",
    value: '{"schemaVersion":1,"currencyCode":"USD","floor":{"minPercentOfSubtotal":0,"allowFreeOrder":false},"promotions":[]}',
  },
  { namespace: "$app:peakguard", key: "promotion_vars", type: "json", value: '{"c":[],"t":[]}' },
];

/** An automatic app discount of the promotion-stacking function; its id. */
function promotionsDiscount(h: Harness): string {
  const body = h.gql(
    `mutation($d: DiscountAutomaticAppInput!) { discountAutomaticAppCreate(automaticAppDiscount: $d) { automaticAppDiscount { discountId } userErrors { message } } }`,
    {
      d: {
        functionHandle: "promotion-stacking",
        title: "Conformance promotions",
        startsAt: "2026-01-01T00:00:00Z",
        discountClasses: ["PRODUCT", "ORDER", "SHIPPING"],
        metafields: PROMOTION_METAFIELDS,
      },
    },
  ).data?.discountAutomaticAppCreate;
  expect(body.userErrors).toEqual([]);
  return body.automaticAppDiscount.discountId;
}

/**
 * Variables for each app document, by file name — or a setup that makes the
 * state the document needs and returns them. A new document needs an entry here.
 */
const VARIABLES: Record<string, Variables | ((h: Harness) => Variables | Promise<Variables>)> = {
  "ShopInfo.graphql": {},
  "ShopMetafield.graphql": { namespace: "$app", key: "settings" },
  // 4 products x 100 variants stays under the 1,000-point single-query limit (5 does not: see throttle tests).
  "ProductsPage.graphql": { first: 4 },
  "LocationsPage.graphql": { first: 10, includeInactive: true },
  "InventoryLevelsPage.graphql": { locationId: IDS.brooklyn, first: 5, query: "updated_at:>'2026-01-01T00:00:00Z'" },
  "OrdersPage.graphql": { first: 3 },
  "OrderStatuses.graphql": { ids: [ORDER_1001, ORDER_1002, "gid://shopify/Order/1"] },
  "OrderReturnables.graphql": { orderId: ORDER_1001 },
  "OrderCancel.graphql": {
    orderId: ORDER_1002,
    reason: "CUSTOMER",
    restock: true,
    notifyCustomer: false,
    refundMethod: { originalPaymentMethodsRefund: true },
    staffNote: "conformance",
  },
  "WebhookSubscriptionsPage.graphql": { first: 10 },
  "MetafieldsSet.graphql": {
    metafields: [{ ownerId: IDS.shop, namespace: "$app:config", key: "rules", type: "json", value: '{"schemaVersion":1}' }],
  },
  "InventoryAdjustQuantities.graphql": {
    idempotencyKey: "conformance-adjust-1",
    input: {
      name: "available",
      reason: "correction",
      referenceDocumentUri: "gid://peakguard/Test/1",
      changes: [{ inventoryItemId: IDS.jacketSmallItem, locationId: IDS.brooklyn, delta: -1, changeFromQuantity: 14 }],
    },
  },
  "InventoryMoveQuantities.graphql": {
    idempotencyKey: "conformance-move-1",
    input: {
      reason: "reservation_created",
      referenceDocumentUri: "peakguard://drop/1",
      changes: [
        {
          inventoryItemId: IDS.jacketSmallItem,
          quantity: 2,
          from: { locationId: IDS.brooklyn, name: "available", changeFromQuantity: null, ledgerDocumentUri: null },
          to: { locationId: IDS.brooklyn, name: "reserved", changeFromQuantity: null, ledgerDocumentUri: "peakguard://hold/1" },
        },
      ],
    },
  },
  "BulkOperationRunQuery.graphql": { query: "{ products { edges { node { id } } } }" },
  "BulkOperationStatus.graphql": async (h) => {
    const started = h.gql(`mutation { bulkOperationRunQuery(query: "{ locations { edges { node { id name } } } }") { bulkOperation { id } userErrors { message } } }`);
    await h.api.bulk.whenIdle();
    return { id: started.data?.bulkOperationRunQuery.bulkOperation.id };
  },
  "ReturnCalculate.graphql": (h) => ({
    input: {
      orderId: ORDER_1001,
      returnLineItems: [{ fulfillmentLineItemId: merinoLine(h), quantity: 2, restockingFee: { percentage: 10 } }],
      returnShippingFee: { amount: { amount: "7.50", currencyCode: "USD" } },
    },
  }),
  "ReturnRequest.graphql": (h) => ({
    input: { orderId: ORDER_1001, returnLineItems: [{ fulfillmentLineItemId: merinoLine(h), quantity: 1, returnReason: "SIZE_TOO_SMALL", customerNote: "Runs small" }] },
  }),
  "ReturnApproveRequest.graphql": (h) => ({ input: { id: aReturn(h, "REQUESTED").id, notifyCustomer: false } }),
  "ReturnDeclineRequest.graphql": (h) => ({ input: { id: aReturn(h, "REQUESTED").id, declineReason: "FINAL_SALE", declineNote: "Final sale" } }),
  "ReturnDetail.graphql": (h) => ({ id: aReturn(h, "OPEN").id }),
  "ReturnDispose.graphql": (h) => ({
    dispositionInputs: [{ reverseFulfillmentOrderLineItemId: aReturn(h, "OPEN").rfoLine, quantity: 1, dispositionType: "RESTOCKED", locationId: IDS.brooklyn }],
  }),
  "ReturnSuggestedRefund.graphql": (h) => {
    const created = aReturn(h, "OPEN");
    return { id: created.id, returnLineItems: [{ id: created.line, quantity: 1 }], refundShipping: { fullRefund: false } };
  },
  "ReturnProcess.graphql": (h) => {
    const created = aReturn(h, "OPEN");
    const sale = h.gql(`{ order(id: "${ORDER_1001}") { transactions { id kind } } }`).data?.order.transactions.find((t: Json) => t.kind === "SALE").id;
    return {
      input: {
        returnId: created.id,
        returnLineItems: [{ id: created.line, quantity: 1, dispositions: [{ reverseFulfillmentOrderLineItemId: created.rfoLine, quantity: 1, dispositionType: "RESTOCKED", locationId: IDS.brooklyn }] }],
        financialTransfer: { issueRefund: { orderTransactions: [{ parentId: sale, transactionAmount: { amount: "97.92", currencyCode: "USD" } }] } },
      },
    };
  },
  "PaymentCustomizationCreate.graphql": {
    paymentCustomization: {
      functionHandle: "payment-kill-switch",
      title: "Peakguard: payment kill switches",
      enabled: true,
      metafields: [{ namespace: "$app", key: "kill-switches", type: "json", value: '{"schemaVersion":1,"hide":[]}' }],
    },
  },
  "PaymentCustomizationActivation.graphql": (h) => ({ ids: [customization(h, "payment")], enabled: false }),
  "PaymentCustomizations.graphql": (h) => {
    customization(h, "payment");
    return { first: 10 };
  },
  "DeliveryCustomizationCreate.graphql": {
    deliveryCustomization: {
      functionHandle: "delivery-kill-switch",
      title: "Peakguard: delivery kill switches",
      enabled: true,
      metafields: [{ namespace: "$app", key: "kill-switches", type: "json", value: '{"schemaVersion":1,"hide":[]}' }],
    },
  },
  "DeliveryCustomizationActivation.graphql": (h) => ({ ids: [customization(h, "delivery")], enabled: false }),
  "DeliveryCustomizations.graphql": (h) => {
    customization(h, "delivery");
    return { first: 10 };
  },
  "ValidationCreate.graphql": {
    validation: { functionHandle: "checkout-validation", title: "Peakguard checkout rules", enable: true, blockOnFailure: true, metafields: VALIDATION_METAFIELDS },
  },
  "ValidationUpdate.graphql": (h) => ({
    id: validation(h),
    validation: { title: "Peakguard checkout rules", enable: true, blockOnFailure: false, metafields: VALIDATION_METAFIELDS },
  }),
  "Validations.graphql": (h) => {
    validation(h);
    return { first: 10 };
  },
  "ValidationLookupVariants.graphql": { ids: [IDS.jacketSmall, IDS.merinoVariant, "gid://shopify/ProductVariant/1"] },
  "ShopifyFunctionsDiscount.graphql": {},
  "DiscountProductCollections.graphql": { ids: [IDS.jacket, "gid://shopify/Product/1"] },
  "DiscountAutomaticAppCreate.graphql": {
    automaticAppDiscount: {
      functionHandle: "promotion-stacking",
      title: "Peakguard promotions",
      startsAt: "2026-01-01T00:00:00Z",
      discountClasses: ["PRODUCT", "ORDER", "SHIPPING"],
      combinesWith: { productDiscounts: false, orderDiscounts: false, shippingDiscounts: false },
      metafields: PROMOTION_METAFIELDS,
    },
  },
  "DiscountAutomaticAppUpdate.graphql": (h) => ({
    id: promotionsDiscount(h),
    automaticAppDiscount: {
      title: "Peakguard promotions (edited)",
      discountClasses: ["PRODUCT"],
      combinesWith: { orderDiscounts: true },
      metafields: PROMOTION_METAFIELDS,
    },
  }),
  "DiscountPromotionSet.graphql": (h) => ({ id: promotionsDiscount(h) }),
  "DiscountPromotionsList.graphql": (h) => {
    promotionsDiscount(h);
    return { first: 50 };
  },
};

const documents = existsSync(ADMIN_DIR) ? readdirSync(ADMIN_DIR).filter((name) => name.endsWith(".graphql")) : [];

describe("the app's Admin documents against the emulator", () => {
  let h: Harness;
  beforeEach(() => {
    // The default seed with the app's function extensions declared (customizations name them by handle).
    h = harness({ seed: { ...SEED, functions: appFunctions() } });
  });
  afterEach(async () => {
    await h.api.bulk.dispose();
  });

  it("has variables for every document in graphql/admin (a new document needs emulator support)", () => {
    expect(documents.filter((name) => !(name in VARIABLES))).toEqual([]);
  });

  it.each(documents.filter((name) => name in VARIABLES))("%s validates, runs without errors and matches the schema", async (name) => {
    const source = readFileSync(`${ADMIN_DIR}${name}`, "utf8");
    expect(validate(schema, parse(source))).toEqual([]);
    const entry = VARIABLES[name] as Variables | ((h: Harness) => Variables | Promise<Variables>);
    const variables = typeof entry === "function" ? await entry(h) : entry;
    const body = h.gql(source, variables);
    expect(body.errors).toBeUndefined();
    // A mutation's userErrors must be empty: the variables describe a change the emulator accepts.
    for (const payload of Object.values((body.data ?? {}) as Record<string, Json>)) {
      for (const key of ["userErrors", "orderCancelUserErrors"]) if (payload && key in payload) expect(payload[key]).toEqual([]);
    }
    expect(shapeProblems(schema, source, body.data)).toEqual([]);
    expect(body.extensions?.cost?.requestedQueryCost).toBeGreaterThan(0);
  });
});

describe("shape of answers", () => {
  it("interfaces resolve to the right concrete types through node/nodes", () => {
    const h = harness();
    const query = `query($ids: [ID!]!) {
      nodes(ids: $ids) { __typename id ... on Product { title } ... on Location { name } ... on InventoryItem { sku } ... on Order { name } }
      node(id: "${IDS.jacketSmall}") { __typename ... on ProductVariant { sku product { id } } }
    }`;
    const body = h.gql(query, { ids: [IDS.jacket, IDS.brooklyn, IDS.jacketSmallItem, IDS.order1002, "gid://shopify/Product/1"] });
    expect(body.errors).toBeUndefined();
    expect(body.data?.nodes.map((n: { __typename: string } | null) => n?.__typename ?? null)).toEqual([
      "Product",
      "Location",
      "InventoryItem",
      "Order",
      null,
    ]);
    expect(body.data?.node).toEqual({ __typename: "ProductVariant", sku: "PG-JKT-S", product: { id: IDS.jacket } });
    expect(shapeProblems(schema, query, body.data)).toEqual([]);
  });

  it("a malformed id is an error, not null", () => {
    const body = harness().gql(`{ product(id: "8100000000001") { id } }`);
    expect(body.errors?.[0]?.message).toBe("Invalid global id '8100000000001'");
  });

  it("inventory levels keep on_hand = available + committed + reserved + damaged + quality_control + safety_stock", () => {
    const h = harness();
    const body = h.gql(`{ inventoryItems(first: 20) { nodes { inventoryLevels(first: 3) { nodes {
      quantities(names: ["available","on_hand","committed","reserved","incoming","safety_stock","damaged","quality_control"]) { name quantity }
    } } } } }`);
    expect(body.errors).toBeUndefined();
    const levels = body.data?.inventoryItems.nodes.flatMap((item: Json) => item.inventoryLevels.nodes) as { quantities: { name: string; quantity: number }[] }[];
    expect(levels.length).toBeGreaterThan(10);
    for (const level of levels) {
      const q = Object.fromEntries(level.quantities.map((x) => [x.name, x.quantity])) as Record<string, number>;
      expect(q.on_hand).toBe(q.available! + q.committed! + q.reserved! + q.damaged! + q.quality_control! + q.safety_stock!);
    }
  });
});

describe("fields the emulator does not answer", () => {
  it("answer the error 'not emulated: Type.field' and no made-up value", () => {
    const h = harness();
    const body = h.gql(`{ product(id: "${IDS.jacket}") { title descriptionHtml onlineStoreUrl } }`);
    // descriptionHtml is non-null: its error nulls the product (the spec's propagation; the
    // product's other fields are not reported), and nothing is invented.
    expect(body.errors?.map((e) => e.message)).toEqual(["not emulated: Product.descriptionHtml"]);
    expect(body.errors?.[0]?.extensions?.code).toBe("NOT_EMULATED");
    expect(body.data).toEqual({ product: null });
  });

  it("a nullable field not emulated is null with its error beside it, the rest answers", () => {
    const h = harness();
    const body = h.gql(`{ product(id: "${IDS.jacket}") { title onlineStoreUrl } }`);
    expect(body.errors?.map((e) => [e.message, e.path?.join(".")])).toEqual([["not emulated: Product.onlineStoreUrl", "product.onlineStoreUrl"]]);
    expect(body.data?.product).toEqual({ title: "Summit Down Jacket", onlineStoreUrl: null });
  });

  it("a root field not emulated says so", () => {
    const body = harness().gql(`{ giftCards(first: 1) { nodes { id } } }`);
    expect(body.errors?.[0]?.message).toBe("not emulated: QueryRoot.giftCards");
    expect(body.data).toBeNull();
  });

  it("a query the schema rejects is answered with validation errors and is not executed", () => {
    const h = harness();
    const body = h.gql(`{ product(id: "${IDS.jacket}") { notAField } }`);
    expect(body.errors?.[0]?.message).toContain('Cannot query field "notAField" on type "Product"');
    expect(body.data).toBeUndefined();
  });
});

describe("the schema the emulator executes", () => {
  it("is read from graphql/schema when present, else from the shared copy next to the repository", () => {
    expect(adminSchemaPath(fileURLToPath(new URL("../..", import.meta.url)))).toMatch(new RegExp(`/(graphql/schema|shared/shopify/admin)/admin-${API_VERSION}\\.graphql$`));
    expect(adminSchemaPath("/nowhere/repo")).toBe(`/nowhere/shared/shopify/admin/admin-${API_VERSION}.graphql`);
  });
});
