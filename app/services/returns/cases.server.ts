/**
 * RMAs (ReturnCase rows): one per Shopify return, created by whichever comes
 * first — the returns/request webhook (a customer's request, or one made in
 * Shopify's admin) or a staff-created return in Peakguard — and kept in step
 * with Shopify's status by the returns/* webhooks. Every decision is written to
 * the audit trail (ReturnAudit).
 */
import { randomBytes } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { Grade } from "../../domain/returns/disposition";
import { checkEligibility, type EligibilityLine, type EligibilityResult } from "../../domain/returns/eligibility";
import { restockingFee } from "../../domain/returns/fees";
import { rmaTransition, RMA_STATUSES, type RmaEvent, type RmaFacts, type RmaStatus } from "../../domain/returns/machine";
import { DEFAULT_POLICY, readPolicy, RETURN_REASONS, type ItemCondition, type ReturnPolicy, type ReturnReason } from "../../domain/returns/policy";
import { formatRmaNumber } from "../../domain/returns/rma-number";
import type { ShopDb } from "../db/scoped.server";
import { isUniqueViolation } from "../mirror/apply-if-newer.server";
import { returnUnits } from "../orders/order-events.server";
import { asArray, asObject, gidOf, optionalDate, optionalObject, optionalString, type Json } from "../webhooks/payload";

export interface CaseLine {
  returnLineItemId: string | null;
  fulfillmentLineItemId: string | null;
  lineItemId: string | null;
  rfoLineItemId: string | null;
  inventoryItemId: string | null;
  variantId: string | null;
  sku: string | null;
  title: string | null;
  quantity: number;
  reason: ReturnReason;
  /** The customer's words: personal data, scrubbed by customers/redact. */
  customerNote: string | null;
  condition: ItemCondition;
  restockingFeePercent: number;
  /** Units graded at inspection, by grade. */
  graded: Record<Grade, number>;
  /** Refurbished units given their final grade later. */
  regraded: { resell: number; scrap: number };
}

export type ReturnCaseRow = Awaited<ReturnType<ShopDb["returnCase"]["findFirst"]>> & object;

export const NO_GRADES: Record<Grade, number> = { resell: 0, refurbish: 0, scrap: 0, missing: 0 };

export function caseLines(row: { lines: Prisma.JsonValue }): CaseLine[] {
  return (Array.isArray(row.lines) ? row.lines : []) as unknown as CaseLine[];
}

export function caseStatus(row: { status: string }): RmaStatus {
  if (!(RMA_STATUSES as readonly string[]).includes(row.status)) throw new Error(`ReturnCase status "${row.status}" is not an RMA status`);
  return row.status as RmaStatus;
}

export function rmaFacts(row: { refundedAt: Date | null; lines: Prisma.JsonValue }): RmaFacts {
  const lines = caseLines(row);
  const graded = (line: CaseLine) => line.graded.resell + line.graded.refurbish + line.graded.scrap + line.graded.missing;
  return {
    refunded: row.refundedAt !== null,
    unitsDisposed: lines.reduce((sum, line) => sum + graded(line), 0),
    unitsAwaitingRegrade: lines.reduce((sum, line) => sum + line.graded.refurbish - line.regraded.resell - line.regraded.scrap, 0),
    totalUnits: lines.reduce((sum, line) => sum + line.quantity, 0),
  };
}

export async function loadPolicy(db: ShopDb): Promise<{ policy: ReturnPolicy; source: "shop" | "default"; problems: string[] }> {
  const row = await db.returnPolicySetting.findFirst();
  if (!row) return { policy: DEFAULT_POLICY, source: "default", problems: [] };
  const read = readPolicy(row.policy);
  return read.ok ? { policy: read.policy, source: "shop", problems: [] } : { policy: DEFAULT_POLICY, source: "default", problems: read.errors };
}

export async function audit(
  db: ShopDb,
  shop: string,
  entry: { caseId: string; at: Date; actor: string; action: string; detail: Record<string, unknown>; idempotencyKey?: string | null },
): Promise<void> {
  await db.returnAudit.create({
    data: {
      shop,
      caseId: entry.caseId,
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      detail: JSON.parse(JSON.stringify(entry.detail)) as Prisma.InputJsonValue,
      idempotencyKey: entry.idempotencyKey ?? null,
    },
  });
}

/** A fresh RMA number; retried on the (astronomically rare) collision within the shop. */
export async function newRmaNumber(db: ShopDb): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const candidate = formatRmaNumber(randomBytes(5));
    if ((await db.returnCase.count({ where: { rmaNumber: candidate } })) === 0) return candidate;
  }
  throw new Error("could not find an unused RMA number in 5 attempts");
}

function reasonOf(value: unknown): ReturnReason {
  const upper = optionalString(value)?.toUpperCase();
  return upper && (RETURN_REASONS as readonly string[]).includes(upper) ? (upper as ReturnReason) : "UNKNOWN";
}

/** Return lines from a returns/* payload, with SKUs from the order mirror. */
async function linesFromPayload(db: ShopDb, body: Json, policy: ReturnPolicy): Promise<CaseLine[]> {
  const raw = asArray(body.return_line_items).map((entry) => asObject(entry, "return.return_line_items[]"));
  const lineItemIds = raw
    .map((line) => optionalObject(optionalObject(line.fulfillment_line_item)?.line_item))
    .map((lineItem) => (lineItem ? gidOf(lineItem, "LineItem", "return line item") : null))
    .filter((id): id is string => id !== null);
  const mirrored = lineItemIds.length > 0 ? await db.orderLine.findMany({ where: { id: { in: lineItemIds } } }) : [];
  return raw.map((line) => {
    const fulfillmentLine = optionalObject(line.fulfillment_line_item);
    const lineItem = optionalObject(fulfillmentLine?.line_item);
    const lineItemId = lineItem ? gidOf(lineItem, "LineItem", "return line item") : null;
    const mirror = mirrored.find((candidate) => candidate.id === lineItemId);
    const reason = reasonOf(line.return_reason);
    const fee = optionalObject(line.restocking_fee);
    return {
      returnLineItemId: gidOf(line, "ReturnLineItem", "return line item"),
      fulfillmentLineItemId: fulfillmentLine ? gidOf(fulfillmentLine, "FulfillmentLineItem", "fulfillment line item") : null,
      lineItemId,
      rfoLineItemId: null,
      inventoryItemId: null,
      variantId: mirror?.variantId ?? null,
      sku: mirror?.sku ?? null,
      title: null,
      quantity: typeof line.quantity === "number" ? line.quantity : 0,
      reason,
      customerNote: optionalString(line.customer_note),
      condition: "unknown",
      restockingFeePercent: typeof fee?.percentage === "number" ? fee.percentage : restockingFee(policy, { reason, condition: "unknown" }).percent,
      graded: { ...NO_GRADES },
      regraded: { resell: 0, scrap: 0 },
    };
  });
}

/** Eligibility at intake, from the mirror (order facts, order lines, product tags). */
export async function intakeEligibility(db: ShopDb, policy: ReturnPolicy, orderId: string, lines: CaseLine[], now: Date): Promise<EligibilityResult> {
  const state = await db.orderState.findFirst({ where: { orderId } });
  const order = await db.order.findFirst({ where: { id: orderId }, select: { name: true, shopifyCreatedAt: true } });
  const variantIds = lines.map((line) => line.variantId).filter((id): id is string => !!id);
  const variants = variantIds.length > 0 ? await db.variant.findMany({ where: { id: { in: variantIds } }, select: { id: true, productId: true } }) : [];
  const products = variants.length > 0 ? await db.product.findMany({ where: { id: { in: variants.map((v) => v.productId) } }, select: { id: true, tags: true } }) : [];
  const tagsOf = (variantId: string | null) => {
    const productId = variants.find((v) => v.id === variantId)?.productId;
    return products.find((p) => p.id === productId)?.tags ?? [];
  };
  const orderedAt = state?.orderedAt ?? order?.shopifyCreatedAt ?? now;
  return checkEligibility(
    policy,
    { name: state?.orderName ?? order?.name ?? orderId, countryCode: state?.countryCode ?? null, orderedAt: orderedAt.getTime(), fulfilledAt: state?.fulfilledAt?.getTime() ?? null },
    lines.map(
      (line): EligibilityLine => ({
        lineItemId: line.lineItemId ?? line.returnLineItemId ?? "?",
        sku: line.sku,
        title: line.title ?? line.sku ?? "item",
        productTags: tagsOf(line.variantId),
        quantity: line.quantity,
        returnableQuantity: null,
        reason: line.reason,
        condition: line.condition,
      }),
    ),
    now.getTime(),
  );
}

const INITIAL_STATUS: Record<string, RmaStatus> = { requested: "requested", open: "approved", declined: "declined", canceled: "cancelled", closed: "closed" };

/** The RMA event a returns/* topic means for a case that already exists. */
const TOPIC_EVENT: Partial<Record<string, RmaEvent>> = {
  "returns/approve": "approve",
  "returns/decline": "decline",
  "returns/cancel": "cancel",
  "returns/reopen": "reopen",
};

export interface IntakeContext {
  db: ShopDb;
  shop: string;
  topic: string;
  payload: unknown;
  occurredAt: Date;
  now: Date;
}

/**
 * returns/*: creates the RMA the first time a return is seen (with its lines and
 * intake eligibility), then follows Shopify's status. An event that its RMA is
 * already past (a late returns/approve after the staff approval) changes nothing.
 */
export async function returnFromWebhook(ctx: IntakeContext): Promise<string> {
  const { db, shop, topic, now } = ctx;
  const body = asObject(ctx.payload, "return");
  const returnId = gidOf(body, "Return", "return");
  const shopifyStatus = optionalString(body.status)?.toLowerCase() ?? null;
  const updatedAt = optionalDate(body.updated_at) ?? ctx.occurredAt;
  const actor = `webhook:${topic}`;
  let row = await db.returnCase.findFirst({ where: { returnId } });

  if (!row) {
    const { policy } = await loadPolicy(db);
    const lines = await linesFromPayload(db, body, policy);
    const orderId = optionalString(body.order_id) ? `gid://shopify/Order/${optionalString(body.order_id)}` : gidOf(asObject(body.order, "return.order"), "Order", "return.order");
    const eligibility = await intakeEligibility(db, policy, orderId, lines, now);
    const order = await db.order.findFirst({ where: { id: orderId }, select: { name: true, currencyCode: true } });
    try {
      row = await db.returnCase.create({
        data: {
          shop,
          rmaNumber: await newRmaNumber(db),
          returnId,
          orderId,
          orderName: order?.name ?? null,
          source: "shopify",
          status: INITIAL_STATUS[shopifyStatus ?? "requested"] ?? "requested",
          shopifyStatus,
          refundTiming: policy.refundTiming,
          lines: lines as unknown as Prisma.InputJsonValue,
          eligibility: eligibility as unknown as Prisma.InputJsonValue,
          currencyCode: order?.currencyCode ?? null,
          shopifyUpdatedAt: updatedAt,
        },
      });
    } catch (error) {
      // The staff path (or a concurrent delivery) created it first: thrown, retried, then found.
      if (isUniqueViolation(error)) throw new Error(`return ${returnId} was created concurrently; retried`);
      throw error;
    }
    await audit(db, shop, {
      caseId: row.id,
      at: now,
      actor,
      action: "intake",
      detail: { returnId, shopifyStatus, eligible: eligibility.eligible, summary: eligibility.summary, refundTiming: policy.refundTiming },
    });
    return `rma ${row.rmaNumber} opened from ${topic} (${row.status}; ${eligibility.summary})`;
  }

  // Known return: status only moves forward; a payload older than what we hold changes nothing.
  if (row.shopifyUpdatedAt && updatedAt < row.shopifyUpdatedAt) {
    return `rma ${row.rmaNumber}: ${topic} of ${updatedAt.toISOString()} is older than Shopify's state already held; recorded, not applied`;
  }
  const data: Prisma.ReturnCaseUncheckedUpdateManyInput = { shopifyStatus, shopifyUpdatedAt: updatedAt };
  const units = returnUnits(body);
  if (units && caseLines(row).every((line) => !line.returnLineItemId)) {
    const { policy } = await loadPolicy(db);
    data.lines = (await linesFromPayload(db, body, policy)) as unknown as Prisma.InputJsonValue;
  }
  const event = TOPIC_EVENT[topic];
  let moved = "";
  if (event) {
    const status = caseStatus(row);
    const result = rmaTransition(row.rmaNumber, status, event, rmaFacts(row));
    if (result.ok) {
      data.status = result.to;
      moved = `${status} → ${result.to}`;
      if (event === "decline") {
        const decline = optionalObject(body.decline);
        data.declineReason = optionalString(decline?.reason)?.toUpperCase() ?? null;
        data.declineNote = optionalString(decline?.note);
      }
    } else moved = `unchanged (${result.message})`;
  }
  await db.returnCase.updateMany({ where: { id: row.id }, data });
  await audit(db, shop, { caseId: row.id, at: now, actor, action: "shopify_status", detail: { topic, shopifyStatus, moved: moved || "status noted" } });
  return `rma ${row.rmaNumber}: Shopify ${shopifyStatus ?? "?"}${moved ? `; ${moved}` : ""}`;
}

/** reverse_fulfillment_orders/dispose: noted on the RMA that owns the reverse fulfillment order lines, when known. */
export async function disposeFromWebhook(ctx: IntakeContext): Promise<string> {
  const body = asObject(ctx.payload, "reverse fulfillment order");
  const dispositions = asArray(body.dispositions).map((raw) => asObject(raw, "dispositions[]"));
  const rfoLineIds = dispositions
    .map((d) => optionalObject(d.reverse_fulfillment_order_line_item))
    .map((line) => (line ? gidOf(line, "ReverseFulfillmentOrderLineItem", "rfo line") : null))
    .filter((id): id is string => id !== null);
  const orderId = optionalString(body.order_id) ? `gid://shopify/Order/${optionalString(body.order_id)}` : null;
  const cases = orderId ? await ctx.db.returnCase.findMany({ where: { orderId } }) : [];
  const owner = cases.find((row) => caseLines(row).some((line) => line.rfoLineItemId && rfoLineIds.includes(line.rfoLineItemId))) ?? (cases.length === 1 ? cases[0] : undefined);
  const summary = dispositions.map((d) => `${d.quantity} ${optionalString(d.type) ?? "?"}`).join(", ");
  if (!owner) return `kept: dispositions (${summary}) on a return with no RMA here yet; restocks are read from Shopify when its RMA is synced`;
  await ctx.db.returnCase.updateMany({ where: { id: owner.id }, data: { shopifyUpdatedAt: ctx.occurredAt } });
  await audit(ctx.db, ctx.shop, { caseId: owner.id, at: ctx.now, actor: `webhook:${ctx.topic}`, action: "shopify_dispositions", detail: { dispositions: summary } });
  return `rma ${owner.rmaNumber}: Shopify disposed ${summary}; restock events are written from Shopify's dispositions when the RMA syncs`;
}
