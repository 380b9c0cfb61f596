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
import { DEFAULT_POLICY, ITEM_CONDITIONS, readPolicy, RETURN_REASONS, slaOf, type ItemCondition, type ReturnReason } from "../../domain/returns/policy";
import { lastWeeks, reasonBreakdown, returnRates, type ReasonCount, type WeekRate } from "../../domain/returns/analytics";
import { AGE_DAYS, AGE_FILTERS, SLA_STATES, slaAge, slaCutoffs, type AgeFilter, type ReturnSla, type SlaAge, type SlaState } from "../../domain/returns/sla";
import { parseRmaNumber } from "../../domain/returns/rma-number";
import type { RefundPreview } from "../../domain/returns/preview";
import { refundDue, TIMING_LABEL } from "../../domain/returns/timing";
import type { AdminClient } from "../admin/client.server";
import type { ShopDb } from "../db/scoped.server";
import { LocationsPage } from "../../../graphql/operations";
import { approveReturn, casePreview, syncReturnCase, type LineGrades, type ReturnsContext, type StaffReturnLine, type StaffReturnPlan } from "./actions.server";
import { caseLines, caseStatus, loadPolicy, type CaseLine } from "./cases.server";
import { readReturnableOrder, type ReturnableOrder } from "./shopify.server";

const OPEN: readonly RmaStatus[] = ["requested", "approved", "in_transit", "received", "inspected"];

export interface QueueFilters {
  status: StatusFilter;
  source: "all" | "staff" | "shopify";
  /** A reason any line of the return gives. */
  reason: "all" | ReturnReason;
  /** Requests by their standing against the decision SLA (only `requested` RMAs are on the clock). */
  sla: "all" | SlaState;
  /** Requested more than this long ago. */
  age: AgeFilter;
  q: string;
}

const oneOf = <T extends string>(value: string | null, allowed: readonly T[], fallback: T): T => (value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback);

export function readQueueFilters(url: URL): QueueFilters {
  const p = url.searchParams;
  return {
    status: oneOf(p.get("status"), STATUS_FILTERS, "open"),
    source: oneOf(p.get("source"), ["all", "staff", "shopify"] as const, "all"),
    reason: oneOf(p.get("reason"), ["all", ...RETURN_REASONS] as const, "all"),
    sla: oneOf(p.get("sla"), ["all", ...SLA_STATES] as const, "all"),
    age: oneOf(p.get("age"), AGE_FILTERS, "any"),
    q: (p.get("q") ?? "").trim().slice(0, 64),
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
  reasons: string[];
  eligible: boolean | null;
  eligibilitySummary: string | null;
  refundMinor: number | null;
  currencyCode: string | null;
  refundTiming: string;
  createdAt: string;
  age: SlaAge;
  /** Approve is a move the RMA's table allows from its status. */
  approvable: boolean;
}

/** The SLA's own where-clause for requests (a status other than requested is off the clock). */
function slaWhere(state: QueueFilters["sla"], now: number, sla: ReturnSla) {
  if (state === "all") return {};
  const { breachedBefore, dueSoonBefore } = slaCutoffs(now, sla);
  const createdAt =
    state === "breached" ? { lt: new Date(breachedBefore) } : state === "due_soon" ? { gte: new Date(breachedBefore), lte: new Date(dueSoonBefore) } : { gt: new Date(dueSoonBefore) };
  return { status: "requested", createdAt };
}

export async function loadQueue(db: ShopDb, filters: QueueFilters, now: Date = new Date()) {
  const rma = filters.q ? parseRmaNumber(filters.q) : null;
  const { policy, source, problems } = await loadPolicy(db);
  const { sla, source: slaSource } = slaOf(policy);
  const nowMs = now.getTime();
  const ands: object[] = [
    filters.status === "all" ? {} : filters.status === "open" ? { status: { in: [...OPEN] } } : { status: filters.status },
    filters.source === "all" ? {} : { source: filters.source },
    filters.q ? { OR: [...(rma ? [{ rmaNumber: rma }] : []), { orderName: { contains: filters.q, mode: "insensitive" as const } }] } : {},
    // jsonb containment: some line carries this reason.
    filters.reason === "all" ? {} : { lines: { array_contains: [{ reason: filters.reason }] } },
    slaWhere(filters.sla, nowMs, sla),
    filters.age === "any" ? {} : { createdAt: { lt: new Date(nowMs - AGE_DAYS[filters.age] * 86_400_000) } },
  ];
  const rows = await db.returnCase.findMany({
    where: { AND: ands },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: 100,
  });
  const counts = await db.returnCase.groupBy({ by: ["status"], _count: { _all: true } });
  const { breachedBefore, dueSoonBefore } = slaCutoffs(nowMs, sla);
  const [breached, dueSoon] = await Promise.all([
    db.returnCase.count({ where: { status: "requested", createdAt: { lt: new Date(breachedBefore) } } }),
    db.returnCase.count({ where: { status: "requested", createdAt: { gte: new Date(breachedBefore), lte: new Date(dueSoonBefore) } } }),
  ]);
  return {
    filters,
    rows: rows.map((row): QueueRow => {
      const eligibility = row.eligibility as unknown as EligibilityResult | null;
      const lines = caseLines(row);
      return {
        id: row.id,
        rmaNumber: row.rmaNumber,
        orderName: row.orderName ?? row.orderId,
        status: row.status,
        shopifyStatus: row.shopifyStatus,
        source: row.source,
        units: lines.reduce((sum, line) => sum + line.quantity, 0),
        reasons: [...new Set(lines.map((line) => line.reason))],
        eligible: eligibility?.eligible ?? null,
        eligibilitySummary: eligibility?.summary ?? null,
        refundMinor: row.refundMinor,
        currencyCode: row.currencyCode,
        refundTiming: row.refundTiming,
        createdAt: row.createdAt.toISOString(),
        age: slaAge({ status: row.status, requestedAt: row.createdAt.getTime(), now: nowMs, sla }),
        approvable: RMA_TRANSITIONS.some((t) => t.from === row.status && t.event === "approve"),
      };
    }),
    counts: Object.fromEntries(counts.map((c) => [c.status, c._count._all])) as Record<string, number>,
    slaCounts: { breached, dueSoon },
    policy: {
      source,
      problems,
      refundTiming: policy.refundTiming,
      refundTimingLabel: TIMING_LABEL[policy.refundTiming],
      windows: [...policy.markets.map((m) => `${m.id} ${m.windowDays} days`), `elsewhere ${policy.defaultWindowDays} days`],
      finalSaleTags: policy.finalSaleTags,
      sla,
      slaSource,
    },
    /** Minted per render: a bulk approval's per-return keys derive from it, so a double submit approves nothing twice. */
    bulkKey: randomUUID(),
  };
}

/* ------------------------------------------------------------ bulk approve */

export const BULK_APPROVE_MAX = 50;

export interface BulkApproveResult {
  caseId: string;
  rmaNumber: string | null;
  ok: boolean;
  /** True when this return was already approved under the same key (a double submit). */
  replayed: boolean;
  message: string;
}

/** The bulk form: selected RMA ids (uuid) and the batch key minted with the page. */
export function readBulkApprove(form: FormData): FormRead<{ batchKey: string; caseIds: string[] }> {
  const batchKey = field(form, "bulkKey")?.trim() ?? "";
  if (!/^[A-Za-z0-9_.:-]{8,64}$/.test(batchKey)) return { ok: false, message: "bulkKey is missing or not 8–64 letters, digits, _ . : or -" };
  const ids = form.getAll("caseId").filter((v): v is string => typeof v === "string").map((v) => v.trim()).filter(Boolean);
  const unique = [...new Set(ids)];
  if (unique.length === 0) return { ok: false, message: "select at least one return to approve" };
  if (unique.length > BULK_APPROVE_MAX) return { ok: false, message: `${unique.length} returns selected: approve at most ${BULK_APPROVE_MAX} at a time` };
  const bad = unique.find((id) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id));
  if (bad) return { ok: false, message: `caseId "${bad.slice(0, 40)}" is not a return id` };
  return { ok: true, value: { batchKey, caseIds: unique } };
}

/**
 * Approves each selected return through the one idempotent approve action, one
 * key per return per batch (`<batch>:<case>`): submitting the same batch again
 * replays each stored answer instead of approving twice. One at a time, so a
 * failure is reported on its own return and the others still go through.
 */
export async function bulkApprove(ctx: ReturnsContext, input: { batchKey: string; caseIds: readonly string[] }): Promise<BulkApproveResult[]> {
  const results: BulkApproveResult[] = [];
  for (const caseId of input.caseIds) {
    const row = await ctx.db.returnCase.findFirst({ where: { id: caseId }, select: { rmaNumber: true } });
    if (!row) {
      results.push({ caseId, rmaNumber: null, ok: false, replayed: false, message: `no return ${caseId} in ${ctx.shop}` });
      continue;
    }
    const outcome = await approveReturn(ctx, { caseId, idempotencyKey: `${input.batchKey}:${caseId}` });
    results.push(
      outcome.ok
        ? { caseId, rmaNumber: row.rmaNumber, ok: true, replayed: outcome.replayed, message: outcome.value.message }
        : { caseId, rmaNumber: row.rmaNumber, ok: false, replayed: outcome.replayed, message: outcome.message },
    );
  }
  return results;
}

/* ------------------------------------------------------------- SLA setting */

/** Stores the SLA in the shop's return policy (the default policy when none is stored); an unreadable stored policy is not overwritten. */
export async function saveSla(db: ShopDb, shop: string, sla: ReturnSla): Promise<FormRead<ReturnSla>> {
  const row = await db.returnPolicySetting.findFirst();
  let base = DEFAULT_POLICY;
  if (row) {
    const read = readPolicy(row.policy);
    if (!read.ok) return { ok: false, message: `the stored return policy is unreadable (${read.errors.join("; ")}); fix it before setting the SLA` };
    base = read.policy;
  }
  const policy = JSON.parse(JSON.stringify({ ...base, sla }));
  await db.returnPolicySetting.upsert({ where: { shop }, create: { shop, policy }, update: { policy } });
  return { ok: true, value: sla };
}

/* --------------------------------------------------------------- analytics */

export const ANALYTICS_WEEKS = 12;

export interface ReturnAnalytics {
  weeks: WeekRate[];
  reasons: ReasonCount[];
  timeZone: string;
  /** Orders the rate is computed over (the mirror's; older orders are not synced). */
  ordersCounted: number;
  returnsCounted: number;
}

/** Return reasons and the weekly return rate over the last ANALYTICS_WEEKS weeks, in the shop's zone. */
export async function loadReturnAnalytics(db: ShopDb, input: { now: Date; timeZone: string }): Promise<ReturnAnalytics> {
  const weeks = lastWeeks(input.now.getTime(), input.timeZone, ANALYTICS_WEEKS);
  // A day's margin either side of the first week: the zone decides which week an instant is in.
  const from = new Date(Date.parse(`${weeks[0]}T00:00:00Z`) - 86_400_000);
  const [orders, returns] = await Promise.all([
    db.order.findMany({ where: { shopifyCreatedAt: { gte: from } }, select: { id: true, shopifyCreatedAt: true } }),
    db.returnCase.findMany({ where: { createdAt: { gte: from } }, select: { orderId: true, lines: true, status: true } }),
  ]);
  // A return is created after its order: every return of an order placed since `from` was created since `from`. Cancelled requests do not count.
  const counted = returns.filter((r) => r.status !== "cancelled");
  const returnedOrderIds = new Set(counted.map((r) => r.orderId));
  const rates = returnRates({
    weeks,
    timeZone: input.timeZone,
    orders: orders.flatMap((o) => (o.shopifyCreatedAt ? [{ orderId: o.id, placedAt: o.shopifyCreatedAt.getTime() }] : [])),
    returnedOrderIds,
  });
  const reasons = reasonBreakdown(counted.map((r) => ({ lines: caseLines(r).map((line) => ({ reason: line.reason, quantity: line.quantity })) })));
  return { weeks: rates, reasons, timeZone: input.timeZone, ordersCounted: rates.reduce((sum, w) => sum + w.orders, 0), returnsCounted: counted.length };
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
