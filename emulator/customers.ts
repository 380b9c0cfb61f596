/**
 * Customers: the fields the app reads (email, phone, tags, numberOfOrders,
 * amountSpent, metafields…), customerCreate / customerUpdate (customers/create,
 * customers/update) and tagsAdd / tagsRemove on customers, orders and products.
 */
import type { EmulatorContext } from "./context";
import { idOf, parseGid } from "./ids";
import { planOwnerMetafields, writeOwnerMetafields, type OwnerMetafieldInput } from "./metafields";
import { orderTotals, refundedTotal, type CustomerRecord, type OrderRecord } from "./model";
import { node } from "./nodes";
import * as payloads from "./payloads";
import { count, field, moneyV2, search, type R } from "./resolve";
import { notEmulated, type ResolverMap } from "./schema";
import { normalizeTags, type CustomerPatch, type Store } from "./store";

interface UserError {
  field: string[] | null;
  message: string;
}

/** What a customer has spent: paid orders (test orders excluded) less their refunds. */
export function amountSpent(store: Store, customerId: number): number {
  let cents = 0;
  for (const order of store.orders.values()) {
    if (order.customerId !== customerId || order.test) continue;
    if (!["PAID", "PARTIALLY_REFUNDED", "REFUNDED"].includes(order.financialStatus)) continue;
    cents += orderTotals(order).total - refundedTotal(order);
  }
  return cents;
}

function ordersOf(store: Store, customerId: number): OrderRecord[] {
  return [...store.orders.values()].filter((order) => order.customerId === customerId);
}

export const customerTypeResolvers: ResolverMap<EmulatorContext> = {
  Customer: {
    phone: field<CustomerRecord>((c) => c.phone),
    note: field<CustomerRecord>((c) => c.note),
    amountSpent: field<CustomerRecord>((c, context) => moneyV2(context.store, amountSpent(context.store, c.id))),
    defaultEmailAddress: field<CustomerRecord>((c) => (c.email ? { emailAddress: c.email } : null)),
    defaultPhoneNumber: field<CustomerRecord>((c) => (c.phone ? { phoneNumber: c.phone } : null)),
    lastOrder: field<CustomerRecord>((c, context) => {
      const last = ordersOf(context.store, c.id).sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id)[0];
      return last ? node.order(last) : null;
    }),
  },
  QueryRoot: {
    customersCount: (_s, args, context, info) => {
      const match = search<CustomerRecord>(context, info, args, {
        email: { kind: "text", get: (c) => c.email },
        phone: { kind: "text", get: (c) => c.phone },
        tag: { kind: "text", get: (c) => c.tags },
        created_at: { kind: "date", get: (c) => c.createdAt },
        updated_at: { kind: "date", get: (c) => c.updatedAt },
      });
      return count([...context.store.customers.values()].filter(match).length, args.limit);
    },
  },
};

/* ---------------------------------------------------------------- mutations */

interface CustomerInput {
  id?: string | null;
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  note?: string | null;
  tags?: string[] | null;
  metafields?: OwnerMetafieldInput[] | null;
  [other: string]: unknown;
}

const NOT_EMULATED_INPUTS = [
  "addresses",
  "emailMarketingConsent",
  "smsMarketingConsent",
  "whatsAppMarketingConsent",
  "locale",
  "multipassIdentifier",
  "taxExempt",
  "taxExemptions",
];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+[1-9]\d{7,14}$/;

function checkCustomer(store: Store, input: CustomerInput, except: number | undefined): UserError[] {
  for (const name of NOT_EMULATED_INPUTS) if (input[name] != null) throw notEmulated(`CustomerInput.${name}`);
  const errors: UserError[] = [];
  if (input.email != null && input.email !== "") {
    if (!EMAIL.test(input.email)) errors.push({ field: ["email"], message: `Email "${input.email}" is invalid.` });
    else if (store.customerWith("email", input.email, except)) errors.push({ field: ["email"], message: `Email ${input.email} has already been taken.` });
  }
  if (input.phone != null && input.phone !== "") {
    if (!PHONE.test(input.phone)) errors.push({ field: ["phone"], message: `Phone "${input.phone}" is invalid: use E.164, e.g. +12125550123.` });
    else if (store.customerWith("phone", input.phone, except)) errors.push({ field: ["phone"], message: `Phone ${input.phone} has already been taken.` });
  }
  return errors;
}

function patchOf(input: CustomerInput): CustomerPatch {
  const patch: CustomerPatch = {};
  for (const key of ["email", "phone", "firstName", "lastName", "note"] as const) {
    if (input[key] !== undefined) patch[key] = input[key] === "" ? null : input[key];
  }
  if (input.tags !== undefined) patch.tags = input.tags;
  return patch;
}

const customerCreate: R = (_s, args, context) => {
  const { store } = context;
  const input = args.input as CustomerInput;
  const errors = checkCustomer(store, input, undefined);
  if (!input.email && !input.phone && !input.firstName && !input.lastName) {
    errors.push({ field: null, message: "A name, phone number, or email address must be present." });
  }
  const metafields = planOwnerMetafields(store, null, input.metafields ?? [], ["metafields"]);
  errors.push(...metafields.errors.map((e) => ({ field: e.field, message: e.message })));
  if (errors.length > 0) return { customer: null, userErrors: errors };
  const customer = store.createCustomer(patchOf(input));
  writeOwnerMetafields(store, { type: "Customer", id: customer.id }, metafields.writes);
  return { customer: node.customer(customer), userErrors: [] };
};

const customerUpdate: R = (_s, args, context) => {
  const { store } = context;
  const input = args.input as CustomerInput;
  const customerId = idOf(input.id, "Customer");
  const existing = customerId === null ? undefined : store.customers.get(customerId);
  if (!existing) return { customer: null, userErrors: [{ field: ["id"], message: `Customer ${String(input.id)} does not exist.` }] };
  const errors = checkCustomer(store, input, existing.id);
  const metafields = planOwnerMetafields(store, { type: "Customer", id: existing.id }, input.metafields ?? [], ["metafields"]);
  errors.push(...metafields.errors.map((e) => ({ field: e.field, message: e.message })));
  if (errors.length > 0) return { customer: null, userErrors: errors };
  writeOwnerMetafields(store, { type: "Customer", id: existing.id }, metafields.writes);
  const customer = store.updateCustomer(existing.id, patchOf(input));
  return { customer: node.customer(customer), userErrors: [] };
};

/** tagsAdd / tagsRemove on a customer, order or product; each sends its owner's update webhook. */
function tagsMutation(mode: "add" | "remove"): R {
  return (_s, args, context) => {
    const { store } = context;
    const parsed = parseGid(args.id);
    const tags = normalizeTags(args.tags as string[]);
    const missing = { node: null, userErrors: [{ field: ["id"], message: `${String(args.id)} does not exist.` }] };
    const next = (current: string[]): string[] =>
      mode === "add" ? normalizeTags([...current, ...tags]) : current.filter((tag) => !tags.some((gone) => gone.toLowerCase() === tag.toLowerCase()));
    switch (parsed?.type) {
      case "Customer": {
        const customer = store.customers.get(parsed.id);
        if (!customer) return missing;
        return { node: node.customer(store.updateCustomer(customer.id, { tags: next(customer.tags) })), userErrors: [] };
      }
      case "Product": {
        const product = store.products.get(parsed.id);
        if (!product) return missing;
        return { node: node.product(store.updateProduct(product.id, { tags: next(product.tags) })), userErrors: [] };
      }
      case "Order": {
        const order = store.orders.get(parsed.id);
        if (!order) return missing;
        order.tags = next(order.tags);
        order.updatedAt = store.now();
        store.emit("orders/updated", payloads.order(store, order));
        return { node: node.order(order), userErrors: [] };
      }
      default:
        throw notEmulated(`tags${mode === "add" ? "Add" : "Remove"} on ${parsed?.type ?? String(args.id)}`);
    }
  };
}

export const customerMutations: Record<string, R> = {
  customerCreate,
  customerUpdate,
  tagsAdd: tagsMutation("add"),
  tagsRemove: tagsMutation("remove"),
};
