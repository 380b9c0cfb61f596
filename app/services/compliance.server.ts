/**
 * Shopify's mandatory compliance topics and app/uninstalled, for real:
 * customers/data_request exports what we hold about the customer,
 * customers/redact removes it, shop/redact removes everything of the shop,
 * app/uninstalled removes the sessions and schedules the shop's cleanup
 * (Shopify sends shop/redact 48 hours after uninstall; the cleanup job runs
 * then too, in case it never comes).
 */
import { Prisma, type PrismaClient } from "@prisma/client";
import { forShop, type ShopDb } from "./db/scoped.server";
import { redactReturnNotes } from "./returns/redact.server";
import { asArray, asObject, optionalGid, optionalObject, optionalString, type Json } from "./webhooks/payload";

export const CLEANUP_DELAY_MS = 48 * 60 * 60 * 1000;

/** Topics whose payloads can carry a customer's personal data. */
const PERSONAL_TOPIC_PREFIXES = ["orders/", "customers/", "refunds/", "returns/", "disputes/"];

interface CustomerRef {
  id: string | null;
  numericId: string | null;
  email: string | null;
  phone: string | null;
  orderIds: string[];
}

function customerRef(payload: unknown, ordersField: string): CustomerRef {
  const body = asObject(payload, "compliance payload");
  const customer = optionalObject(body.customer) ?? {};
  const numericId = optionalString(customer.id);
  return {
    id: optionalGid(numericId, "Customer"),
    numericId: numericId && !numericId.startsWith("gid://") ? numericId : numericId?.split("/").pop() ?? null,
    email: optionalString(customer.email),
    phone: optionalString(customer.phone),
    orderIds: asArray(body[ordersField])
      .map((id) => optionalGid(id, "Order"))
      .filter((id): id is string => id !== null),
  };
}

function customerOrdersWhere(ref: CustomerRef): Prisma.OrderWhereInput {
  const or: Prisma.OrderWhereInput[] = [];
  if (ref.id) or.push({ customerId: ref.id });
  if (ref.orderIds.length > 0) or.push({ id: { in: ref.orderIds } });
  if (ref.email) or.push({ email: ref.email });
  return or.length > 0 ? { OR: or } : { id: { in: [] } };
}

/** customers/data_request: gather and store what we hold about the customer. */
export async function exportCustomerData(db: ShopDb, shop: string, payload: unknown): Promise<string> {
  const ref = customerRef(payload, "orders_requested");
  const body = asObject(payload, "customers/data_request");
  const customer = ref.id ? await db.customer.findFirst({ where: { id: ref.id } }) : null;
  const orders = await db.order.findMany({ where: customerOrdersWhere(ref), include: { lines: true }, orderBy: { id: "asc" } });
  const exported = {
    customer,
    orders,
    heldFields: {
      customer: ["id", "email", "phone", "tags"],
      order: ["id", "name", "email", "phone", "customerId", "statuses", "totals", "lines(sku, quantity, price)"],
    },
  };
  await db.dataRequest.create({
    data: {
      shop,
      customerId: ref.id,
      email: ref.email,
      dataRequestId: optionalString(optionalObject(body.data_request)?.id),
      // Dates and BigInts as strings: the export is a JSON document.
      export: JSON.parse(JSON.stringify(exported, (_k, v) => (typeof v === "bigint" ? v.toString() : v))) as Prisma.InputJsonValue,
    },
  });
  return `exported: customer ${customer ? "found" : "not held"}, ${orders.length} order(s)`;
}

/** customers/redact: delete or anonymise every piece of the customer's personal data we hold. */
export async function redactCustomer(db: ShopDb, payload: unknown, now: Date): Promise<string> {
  const ref = customerRef(payload, "orders_to_redact");
  const customers = ref.id ? (await db.customer.deleteMany({ where: { id: ref.id } })).count : 0;
  const orderIds = (await db.order.findMany({ where: customerOrdersWhere(ref), select: { id: true } })).map((order) => order.id);
  const returns = await redactReturnNotes(db, [...new Set([...orderIds, ...ref.orderIds])]);
  const orders = await db.order.updateMany({
    where: customerOrdersWhere(ref),
    data: { email: null, phone: null, customerId: null, redactedAt: now },
  });
  const requests = await db.dataRequest.deleteMany({
    where: { OR: [ref.id ? { customerId: ref.id } : {}, ref.email ? { email: ref.email } : {}].filter((w) => Object.keys(w).length > 0) },
  });
  // promotion uses keep their amounts (budgets) but no longer name the customer
  if (ref.id) await db.promotionUse.updateMany({ where: { customerId: ref.id }, data: { customerId: null } });
  const events = await scrubEventPayloads(db, ref);
  return `redacted: ${customers} customer row(s), ${orders.count} order(s), ${requests.count} export(s), ${events} event payload(s), ${returns} return note(s)`;
}

/** Event-log payloads that mention the customer are replaced by a redaction marker. */
async function scrubEventPayloads(db: ShopDb, ref: CustomerRef): Promise<number> {
  const needles = [ref.email, ref.phone, ref.numericId].filter((n): n is string => !!n);
  if (needles.length === 0) return 0;
  const candidates = await db.webhookEvent.findMany({
    where: {
      OR: PERSONAL_TOPIC_PREFIXES.map((prefix) => ({ topic: { startsWith: prefix } })),
      AND: [{ OR: needles.map((needle) => ({ rawBody: { contains: needle } })) }],
    },
    select: { id: true, rawBody: true },
  });
  const ids = candidates.filter((event) => mentionsCustomer(event.rawBody, ref)).map((event) => event.id);
  if (ids.length === 0) return 0;
  const { count } = await db.webhookEvent.updateMany({
    where: { id: { in: ids } },
    data: { rawBody: JSON.stringify({ redacted: true }), outcome: "redacted (customers/redact)" },
  });
  return count;
}

function mentionsCustomer(rawBody: string, ref: CustomerRef): boolean {
  let body: Json;
  try {
    body = asObject(JSON.parse(rawBody), "event");
  } catch {
    return true; // unreadable and it matched a needle: redact to be safe
  }
  const customer = optionalObject(body.customer);
  const ids = [optionalString(customer?.id), optionalString(body.customer_id)];
  if (ref.numericId && ids.includes(ref.numericId)) return true;
  const text = JSON.stringify(body);
  return (!!ref.email && text.includes(ref.email)) || (!!ref.phone && text.includes(ref.phone));
}

const SHOP_TABLES = [
  "session",
  "webhookEvent",
  "orderLine",
  "order",
  "customer",
  "variant",
  "product",
  "dataRequest",
  "shopCleanup",
  "killSwitch",
  "killSwitchAudit",
  "peakSettings",
  "freezeWindow",
  "drillReport",
  "location",
  "inventoryItem",
  "inventoryLevel",
  "inventoryTransfer",
  "reservation",
  "reservationRequest",
  "atpPublication",
  "atpSample",
  "bulkSync",
  "inventorySettings",
  "orderState",
  "orderTransition",
  "orderCompensation",
  "returnCase",
  "returnAudit",
  "restockEvent",
  "staffAction",
  "returnPolicySetting",
  "checkoutRuleCheck",
  "dispute",
  "fraudCancellation",
  "chargebackBudget",
  "promotionUse",
  "promotionCounterDirty",
  "shop",
] as const;

/** shop/redact, or the cleanup 48 h after uninstall: every row of the shop, in every table. */
export async function purgeShop(prisma: PrismaClient, shop: string): Promise<Record<string, number>> {
  const db = forShop(prisma, shop);
  return db.$transaction(async (tx) => {
    const counts: Record<string, number> = {};
    for (const table of SHOP_TABLES) {
      const delegate = tx[table] as unknown as { deleteMany(args: object): Promise<{ count: number }> };
      counts[table] = (await delegate.deleteMany({})).count;
    }
    return counts;
  });
}

export const PURGED_TABLES: readonly string[] = SHOP_TABLES;

/** app/uninstalled: sessions go now; the shop's data is scheduled for cleanup. */
export async function recordUninstall(prisma: PrismaClient, shop: string, now: Date): Promise<string> {
  const db = forShop(prisma, shop);
  return db.$transaction(async (tx) => {
    const sessions = await tx.session.deleteMany({});
    await tx.shop.upsert({
      where: { shop },
      create: { shop, uninstalledAt: now },
      update: { uninstalledAt: now },
    });
    const scheduledFor = new Date(now.getTime() + CLEANUP_DELAY_MS);
    await tx.shopCleanup.upsert({
      where: { shop },
      create: { shop, reason: "app/uninstalled", scheduledFor },
      update: { reason: "app/uninstalled", scheduledFor, doneAt: null },
    });
    return `uninstalled: ${sessions.count} session(s) removed, data cleanup scheduled for ${scheduledFor.toISOString()}`;
  });
}

/** Runs the cleanups that are due for shops still uninstalled. The one deliberate cross-shop query: the job list. */
export async function runDueCleanups(prisma: PrismaClient, now: Date): Promise<string[]> {
  const due = await prisma.shopCleanup.findMany({ where: { doneAt: null, scheduledFor: { lte: now } } });
  const purged: string[] = [];
  for (const job of due) {
    const shopRow = await forShop(prisma, job.shop).shop.findFirst();
    if (shopRow && !shopRow.uninstalledAt) {
      await forShop(prisma, job.shop).shopCleanup.deleteMany({}); // reinstalled meanwhile
      continue;
    }
    await purgeShop(prisma, job.shop);
    purged.push(job.shop);
  }
  return purged;
}
