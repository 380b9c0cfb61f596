/**
 * What the Returns pages load and how their forms are read: the queue with its
 * filters, one RMA with its eligibility explanation, refund preview, Shopify's
 * view and audit trail, and the staff actions (each form carries the
 * idempotency key minted when the page was rendered).
 */
import { randomUUID } from "node:crypto";
import type { EligibilityResult } from "../../domain/returns/eligibility";
import type { Grade } from "../../domain/returns/disposition";
import { GRADES } from "../../domain/returns/disposition";
import { RMA_TRANSITIONS, STATUS_FILTERS, type RmaStatus, type StatusFilter } from "../../domain/returns/machine";
import { ITEM_CONDITIONS, RETURN_REASONS, type ItemCondition, type ReturnReason } from "../../domain/returns/policy";
import { parseRmaNumber } from "../../domain/returns/rma-number";
import type { RefundPreview } from "../../domain/returns/preview";
import { refundDue, TIMING_LABEL } from "../../domain/returns/timing";
import type { AdminClient } from "../admin/client.server";
import type { ShopDb } from "../db/scoped.server";
import { LocationsPage } from "../../../graphql/operations";
import { casePreview, syncReturnCase, type LineGrades, type ReturnsContext, type StaffReturnLine, type StaffReturnPlan } from "./actions.server";
import { caseLines, caseStatus, loadPolicy, type CaseLine } from "./cases.server";
import { readReturnableOrder, type ReturnableOrder } from "./shopify.server";

const OPEN: readonly RmaStatus[] = ["requested", "approved", "in_transit", "received", "inspected"];

export interface QueueFilters {
  status: StatusFilter;
  source: "all" | "staff" | "shopify";
  q: string;
}

export function readQueueFilters(url: URL): QueueFilters {
  const status = url.searchParams.get("status") ?? "open";
  const source = url.searchParams.get("source") ?? "all";
  return {
    status: (STATUS_FILTERS as readonly string[]).includes(status) ? (status as StatusFilter) : "open",
    source: source === "staff" || source === "shopify" ? source : "all",
    q: (url.searchParams.get("q") ?? "").trim().slice(0, 64),
  };
}

export interface QueueRow {
  id: string;
  rmaNumber: string;
  orderName: string;
  status: string;
  shopifyStatus: string | null;
  source: string;
  units: number;
  eligible: boolean | null;
  eligibilitySummary: string | null;
  refundMinor: number | null;
  currencyCode: string | null;
  refundTiming: string;
  createdAt: string;
}

export async function loadQueue(db: ShopDb, filters: QueueFilters) {
  const rma = filters.q ? parseRmaNumber(filters.q) : null;
  const rows = await db.returnCase.findMany({
    where: {
      ...(filters.status === "all" ? {} : filters.status === "open" ? { status: { in: [...OPEN] } } : { status: filters.status }),
      ...(filters.source === "all" ? {} : { source: filters.source }),
      ...(filters.q ? { OR: [...(rma ? [{ rmaNumber: rma }] : []), { orderName: { contains: filters.q, mode: "insensitive" as const } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: 100,
  });
  const counts = await db.returnCase.groupBy({ by: ["status"], _count: { _all: true } });
  const { policy, source, problems } = await loadPolicy(db);
  return {
    filters,
    rows: rows.map((row): QueueRow => {
      const eligibility = row.eligibility as unknown as EligibilityResult | null;
      return {
        id: row.id,
        rmaNumber: row.rmaNumber,
        orderName: row.orderName ?? row.orderId,
        status: row.status,
        shopifyStatus: row.shopifyStatus,
        source: row.source,
        units: caseLines(row).reduce((sum, line) => sum + line.quantity, 0),
        eligible: eligibility?.eligible ?? null,
        eligibilitySummary: eligibility?.summary ?? null,
        refundMinor: row.refundMinor,
        currencyCode: row.currencyCode,
        refundTiming: row.refundTiming,
        createdAt: row.createdAt.toISOString(),
      };
    }),
    counts: Object.fromEntries(counts.map((c) => [c.status, c._count._all])) as Record<string, number>,
    policy: {
      source,
      problems,
      refundTiming: policy.refundTiming,
      refundTimingLabel: TIMING_LABEL[policy.refundTiming],
      windows: [...policy.markets.map((m) => `${m.id} ${m.windowDays} days`), `elsewhere ${policy.defaultWindowDays} days`],
      finalSaleTags: policy.finalSaleTags,
    },
  };
}

export interface NewReturnView {
  order: ReturnableOrder | null;
  plan: StaffReturnPlan | null;
  idempotencyKey: string;
  error: string | null;
}

/** The "new return" panel: an order's returnable units (by order id or name). */
export async function loadNewReturn(ctx: ReturnsContext, orderRef: string): Promise<NewReturnView> {
  const ref = orderRef.trim();
  let orderId = ref.startsWith("gid://shopify/Order/") ? ref : null;
  if (!orderId && ref) {
    const name = ref.startsWith("#") ? ref : `#${ref}`;
    orderId = (await ctx.db.order.findFirst({ where: { name }, select: { id: true } }))?.id ?? null;
  }
  if (!orderId) return { order: null, plan: null, idempotencyKey: randomUUID(), error: ref ? `no order ${ref} in the mirror` : null };
  const order = await readReturnableOrder(ctx.admin, orderId);
  if (!order) return { order: null, plan: null, idempotencyKey: randomUUID(), error: `Shopify has no order ${orderId}` };
  return { order, plan: null, idempotencyKey: randomUUID(), error: order.returnable.length === 0 ? `order ${order.name} has nothing left to return` : null };
}

export interface ReturnDetailView {
  id: string;
  rmaNumber: string;
  orderId: string;
  orderName: string;
  status: RmaStatus;
  shopifyStatus: string | null;
  source: string;
  refundTiming: string;
  refundTimingLabel: string;
  refundDue: string;
  refundedAt: string | null;
  refundMinor: number | null;
  currencyCode: string | null;
  declineReason: string | null;
  declineNote: string | null;
  lines: (CaseLine & { awaitingRegrade: number })[];
  eligibility: EligibilityResult | null;
  preview: RefundPreview | null;
  previewError: string | null;
  /** Events the RMA's table allows from its status. */
  allowed: string[];
  audit: { at: string; actor: string; action: string; detail: string }[];
  locations: { id: string; name: string }[];
  restocks: { sku: string | null; quantity: number; locationId: string; via: string; occurredAt: string }[];
  keys: Record<"approve" | "decline" | "ship" | "receive" | "process" | "regrade", string>;
}

export async function loadReturnDetail(ctx: ReturnsContext, caseId: string): Promise<ReturnDetailView | null> {
  let row = await ctx.db.returnCase.findFirst({ where: { id: caseId } });
  if (!row) return null;
  const { policy } = await loadPolicy(ctx.db);
  let preview: RefundPreview | null = null;
  let previewError: string | null = null;
  try {
    const synced = await syncReturnCase(ctx, row);
    row = synced.row;
    if (synced.snapshot) preview = (await casePreview(ctx, row, synced.snapshot, policy))?.preview ?? null;
  } catch (error) {
    previewError = `Shopify could not be read for this return: ${error instanceof Error ? error.message : String(error)}`;
  }
  const status = caseStatus(row);
  const audit = await ctx.db.returnAudit.findMany({ where: { caseId }, orderBy: [{ at: "asc" }, { id: "asc" }] });
  const restocks = await ctx.db.restockEvent.findMany({ where: { caseId }, orderBy: { occurredAt: "asc" } });
  const locations = await readLocations(ctx.admin);
  const timing = row.refundTiming as typeof policy.refundTiming;
  return {
    id: row.id,
    rmaNumber: row.rmaNumber,
    orderId: row.orderId,
    orderName: row.orderName ?? row.orderId,
    status,
    shopifyStatus: row.shopifyStatus,
    source: row.source,
    refundTiming: row.refundTiming,
    refundTimingLabel: TIMING_LABEL[timing] ?? row.refundTiming,
    refundDue: refundDue(timing, status, row.refundedAt !== null).why,
    refundedAt: row.refundedAt?.toISOString() ?? null,
    refundMinor: row.refundMinor,
    currencyCode: row.currencyCode,
    declineReason: row.declineReason,
    declineNote: row.declineNote,
    lines: caseLines(row).map((line) => ({ ...line, awaitingRegrade: line.graded.refurbish - line.regraded.resell - line.regraded.scrap })),
    eligibility: row.eligibility as unknown as EligibilityResult | null,
    preview,
    previewError,
    allowed: RMA_TRANSITIONS.filter((t) => t.from === status).map((t) => t.event),
    audit: audit.map((entry) => ({ at: entry.at.toISOString(), actor: entry.actor, action: entry.action, detail: JSON.stringify(entry.detail) })),
    locations,
    restocks: restocks.map((r) => ({ sku: r.sku, quantity: r.quantity, locationId: r.locationId, via: r.via, occurredAt: r.occurredAt.toISOString() })),
    keys: { approve: randomUUID(), decline: randomUUID(), ship: randomUUID(), receive: randomUUID(), process: randomUUID(), regrade: randomUUID() },
  };
}

async function readLocations(admin: AdminClient): Promise<{ id: string; name: string }[]> {
  try {
    const data = await admin.request(LocationsPage, { first: 20, includeInactive: false });
    return data.locations.nodes.map((location) => ({ id: location.id, name: location.name }));
  } catch {
    return [];
  }
}

/* ------------------------------------------------------------------ forms */

export type FormRead<T> = { ok: true; value: T } | { ok: false; message: string };

function field(form: FormData, name: string): string | null {
  const value = form.get(name);
  return typeof value === "string" ? value : null;
}

function required(form: FormData, name: string): FormRead<string> {
  const value = field(form, name)?.trim();
  return value ? { ok: true, value } : { ok: false, message: `${name} is missing` };
}

function count(form: FormData, name: string): FormRead<number> {
  const raw = field(form, name)?.trim() ?? "0";
  const value = raw === "" ? 0 : Number(raw);
  return Number.isInteger(value) && value >= 0 ? { ok: true, value } : { ok: false, message: `${name}: "${raw}" is not a whole number of units` };
}

export type ReturnAction =
  | { intent: "approve" | "ship" | "receive"; key: string }
  | { intent: "decline"; key: string; reason: "FINAL_SALE" | "RETURN_PERIOD_ENDED" | "OTHER"; note: string }
  | { intent: "process"; key: string; lines: LineGrades[]; locationId: string | null }
  | { intent: "regrade"; key: string; line: number; to: "resell" | "scrap"; quantity: number; locationId: string | null };

/** Reads a detail-page form; every field is checked, nothing is cast. */
export function readReturnAction(form: FormData, lineCount: number): FormRead<ReturnAction> {
  const intent = field(form, "intent");
  const key = required(form, "idempotencyKey");
  if (!key.ok) return key;
  switch (intent) {
    case "approve":
    case "ship":
    case "receive":
      return { ok: true, value: { intent, key: key.value } };
    case "decline": {
      const reason = field(form, "reason");
      if (reason !== "FINAL_SALE" && reason !== "RETURN_PERIOD_ENDED" && reason !== "OTHER") return { ok: false, message: `reason: "${reason}" is not FINAL_SALE, RETURN_PERIOD_ENDED or OTHER` };
      return { ok: true, value: { intent, key: key.value, reason, note: field(form, "note") ?? "" } };
    }
    case "process": {
      const lines: LineGrades[] = [];
      for (let index = 0; index < lineCount; index++) {
        const condition = field(form, `condition.${index}`) ?? "unknown";
        if (!(ITEM_CONDITIONS as readonly string[]).includes(condition)) return { ok: false, message: `line ${index + 1}: condition "${condition}" is not one of ${ITEM_CONDITIONS.join(", ")}` };
        const grades: LineGrades["grades"] = [];
        for (const grade of GRADES) {
          const quantity = count(form, `${grade}.${index}`);
          if (!quantity.ok) return quantity;
          if (quantity.value > 0) grades.push({ grade: grade as Grade, quantity: quantity.value });
        }
        lines.push({ line: index, condition: condition as ItemCondition, grades });
      }
      return { ok: true, value: { intent, key: key.value, lines, locationId: field(form, "locationId") || null } };
    }
    case "regrade": {
      const line = count(form, "line");
      const quantity = count(form, "quantity");
      const to = field(form, "to");
      if (!line.ok) return line;
      if (!quantity.ok) return quantity;
      if (to !== "resell" && to !== "scrap") return { ok: false, message: `to: "${to}" is not resell or scrap` };
      return { ok: true, value: { intent, key: key.value, line: line.value, to, quantity: quantity.value, locationId: field(form, "locationId") || null } };
    }
    default:
      return { ok: false, message: `intent "${intent}" is not an RMA action` };
  }
}

/** The "new return" form: per returnable fulfillment line, a quantity, reason and condition. */
export function readNewReturn(form: FormData, returnable: { fulfillmentLineItemId: string }[]): FormRead<{ orderId: string; key: string; lines: StaffReturnLine[] }> {
  const orderId = required(form, "orderId");
  const key = required(form, "idempotencyKey");
  if (!orderId.ok) return orderId;
  if (!key.ok) return key;
  const lines: StaffReturnLine[] = [];
  for (const [index, item] of returnable.entries()) {
    const quantity = count(form, `quantity.${index}`);
    if (!quantity.ok) return quantity;
    if (quantity.value === 0) continue;
    const reason = field(form, `reason.${index}`) ?? "UNKNOWN";
    const condition = field(form, `condition.${index}`) ?? "unknown";
    if (!(RETURN_REASONS as readonly string[]).includes(reason)) return { ok: false, message: `line ${index + 1}: reason "${reason}" is not one of Shopify's return reasons` };
    if (!(ITEM_CONDITIONS as readonly string[]).includes(condition)) return { ok: false, message: `line ${index + 1}: condition "${condition}" is not one of ${ITEM_CONDITIONS.join(", ")}` };
    lines.push({ fulfillmentLineItemId: item.fulfillmentLineItemId, quantity: quantity.value, reason: reason as ReturnReason, condition: condition as ItemCondition, note: field(form, `note.${index}`) || null });
  }
  if (lines.length === 0) return { ok: false, message: "choose at least one unit to return" };
  return { ok: true, value: { orderId: orderId.value, key: key.value, lines } };
}
