/**
 * Customers: the fields the app reads, customerCreate / customerUpdate with
 * their userErrors and webhooks, tagsAdd / tagsRemove.
 */
import { describe, expect, it } from "vitest";

import { adminSchema } from "../../emulator/schema";
import { harness, shapeProblems, type Json } from "./helpers";

const schema = adminSchema();
const ADA = "gid://shopify/Customer/6200000000001";

describe("customers", () => {
  it("answer email, phone, tags, numberOfOrders, amountSpent (paid orders less refunds), lastOrder and metafields", () => {
    const h = harness();
    h.store.refundOrder(5400000000001, { lines: [{ lineItemId: 1700000000002, quantity: 1 }] });
    const query = `{ customer(id: "${ADA}") { id email phone tags numberOfOrders amountSpent { amount currencyCode } lastOrder { name }
        defaultEmailAddress { emailAddress } metafield(namespace: "custom", key: "tier") { value } }
      customers(first: 5, query: "tag:vip") { nodes { id displayName } }
      customersCount { count precision } }`;
    const body = h.gql(query);
    expect(body.errors).toBeUndefined();
    expect(shapeProblems(schema, query, body.data)).toEqual([]);
    // Order #1001: 249.00 + 2 × 89.99 + 9.95 shipping + 37.80 tax = 476.73; one merino refunded: 89.99 + its tax share 7.93
    // (the merino line carries 15.86 of the 37.80, by subtotal; the first unit gets floor(15.86 / 2)).
    expect(body.data).toEqual({
      customer: {
        id: ADA,
        email: "ada.okafor@example.com",
        phone: null,
        tags: ["vip"],
        numberOfOrders: "1",
        amountSpent: { amount: "378.81", currencyCode: "USD" },
        lastOrder: { name: "#1001" },
        defaultEmailAddress: { emailAddress: "ada.okafor@example.com" },
        metafield: null,
      },
      customers: { nodes: [{ id: ADA, displayName: "Ada Okafor" }] },
      customersCount: { count: 3, precision: "EXACT" },
    });
  });

  it("customerCreate and customerUpdate validate email and phone, write metafields and send customers/create and customers/update", () => {
    const h = harness();
    const create = `mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { id email phone tags note metafield(namespace: "custom", key: "tier") { value } } userErrors { field message } } }`;
    const refused = h.gql(create, { input: { email: "ada.okafor@example.com", phone: "555-1234" } }).data?.customerCreate;
    expect(refused).toEqual({
      customer: null,
      userErrors: [
        { field: ["email"], message: "Email ada.okafor@example.com has already been taken." },
        { field: ["phone"], message: 'Phone "555-1234" is invalid: use E.164, e.g. +12125550123.' },
      ],
    });
    expect(h.gql(create, { input: { note: "no name" } }).data?.customerCreate.userErrors).toEqual([{ field: null, message: "A name, phone number, or email address must be present." }]);
    expect(h.events).toEqual([]);

    const created = h.gql(create, {
      input: { email: "sam.reyes@example.org", phone: "+14155550123", firstName: "Sam", tags: ["new", " vip ", "NEW"], metafields: [{ namespace: "custom", key: "tier", type: "single_line_text_field", value: "gold" }] },
    }).data?.customerCreate;
    expect(created.userErrors).toEqual([]);
    expect(created.customer).toMatchObject({ email: "sam.reyes@example.org", phone: "+14155550123", tags: ["new", "vip"], metafield: { value: "gold" } });
    expect(h.events.map((e) => e.topic)).toEqual(["customers/create"]);
    expect(h.events[0]?.payload).toMatchObject({ email: "sam.reyes@example.org", phone: "+14155550123", tags: "new, vip", admin_graphql_api_id: created.customer.id, currency: "USD" });

    h.events.length = 0;
    const updated = h.gql(`mutation($input: CustomerInput!) { customerUpdate(input: $input) { customer { tags note } userErrors { field message } } }`, {
      input: { id: created.customer.id, tags: ["wholesale"], note: "Net-30" },
    }).data?.customerUpdate;
    expect(updated).toEqual({ customer: { tags: ["wholesale"], note: "Net-30" }, userErrors: [] });
    expect((h.events as Json[]).map((e) => [e.topic, e.payload.tags, e.payload.note])).toEqual([["customers/update", "wholesale", "Net-30"]]);
    expect(h.gql(`mutation { customerUpdate(input: { id: "gid://shopify/Customer/1", note: "x" }) { userErrors { field } } }`).data?.customerUpdate.userErrors).toEqual([{ field: ["id"] }]);
  });

  it("tagsAdd / tagsRemove change a customer's, an order's or a product's tags and send their update webhooks", () => {
    const h = harness();
    const add = h.gql(`mutation { tagsAdd(id: "${ADA}", tags: ["wholesale", "VIP"]) { node { ... on Customer { tags } } userErrors { message } } }`).data?.tagsAdd;
    expect(add).toEqual({ node: { tags: ["vip", "wholesale"] }, userErrors: [] });
    const remove = h.gql(`mutation { tagsRemove(id: "gid://shopify/Order/5400000000002", tags: ["BFCM"]) { node { ... on Order { tags } } userErrors { message } } }`).data?.tagsRemove;
    expect(remove).toEqual({ node: { tags: [] }, userErrors: [] });
    expect(h.events.map((e) => e.topic)).toEqual(["customers/update", "orders/updated"]);
  });

  it("inputs the emulator does not model are not emulated rather than ignored", () => {
    const body = harness().gql(`mutation { customerCreate(input: { email: "x@example.com", taxExempt: true }) { userErrors { message } } }`);
    expect(body.errors?.[0]?.message).toBe("not emulated: CustomerInput.taxExempt");
  });
});
