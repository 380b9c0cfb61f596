/**
 * Staff actions on RMAs, each behind an idempotency key (a double click never
 * acts twice), each checked against the RMA's status table, each written to
 * the audit trail:
 *
 *   create   staff-created return: eligibility, policy fees, returnRequest
 *   approve  returnApproveRequest (+ the refund if the timing strategy says so)
 *   decline  returnDeclineRequest with Shopify's reason and a note
 *   ship     the carrier reports the parcel in transit (+ refund if due)
 *   receive  the parcel arrived (+ refund if due)
 *   process  inspect and grade every unit: returnProcess with dispositions
 *            (resell → RESTOCKED at a location, refurbish → PROCESSING_REQUIRED,
 *            scrap → NOT_RESTOCKED) and the refund if not issued yet
 *   regrade  refurbished units → resell (available +n, a restock event) or scrap
 *
 * Money: refunds are what Shopify's suggested financial outcome says (tax is
 * Shopify's), less the policy's fees when Shopify's return does not carry them,
 * on the transactions Shopify suggested. The preview staff saw is the same
 * computation (`casePreview`).
 */
import type { Prisma } from "@prisma/client";
import { toDecimalString } from "../../domain/money";
import { checkRegrade, planDispositions, type Grade, type GradedUnits } from "../../domain/returns/disposition";
import { checkEligibility, type EligibilityResult } from "../../domain/returns/eligibility";
import { percentOfMinor, restockingFee, returnShippingFee } from "../../domain/returns/fees";
import { rmaTransition, type RmaEvent, type RmaStatus } from "../../domain/returns/machine";
import type { DeclineReason } from "../../domain/returns/eligibility";
import type { ItemCondition, ReturnPolicy, ReturnReason } from "../../domain/returns/policy";
import { buildRefundPreview, type RefundPreview } from "../../domain/returns/preview";
import { refundDue } from "../../domain/returns/timing";
import type { AdminClient } from "../admin/client.server";
import type { ShopDb } from "../db/scoped.server";
import { withIdempotency, type ActionOutcome, type StaffActionResult } from "../orders/staff-actions.server";
import type { CurrencyCode } from "../../../graphql/generated/admin.types";
import {
  InventoryAdjustQuantities,
  ReturnApproveRequest,
  ReturnDeclineRequest,
  ReturnProcess,
  ReturnRequest,
} from "../../../graphql/operations";
import { audit, caseLines, caseStatus, loadPolicy, newRmaNumber, NO_GRADES, rmaFacts, type CaseLine, type ReturnCaseRow } from "./cases.server";
import { calculateReturn, readReturn, readReturnableOrder, readSuggestedRefund, type ReturnSnapshot, type SuggestedRefund } from "./shopify.server";

export interface ReturnsContext {
  db: ShopDb;
  shop: string;
  admin: AdminClient;
  /** Who acts: "staff:<name>" */
  actor: string;
  now: Date;
}

type Outcome = ActionOutcome<{ rmaNumber: string; status: string; message: string }>;

const refuse = (code: string, message: string): Outcome => ({ ok: false, code, message });

async function loadCase(ctx: ReturnsContext, caseId: string): Promise<ReturnCaseRow | null> {
  return ctx.db.returnCase.findFirst({ where: { id: caseId } });
}

async function saveLines(ctx: ReturnsContext, caseId: string, lines: CaseLine[], extra: Prisma.ReturnCaseUncheckedUpdateManyInput = {}): Promise<void> {
  await ctx.db.returnCase.updateMany({ where: { id: caseId }, data: { ...extra, lines: lines as unknown as Prisma.InputJsonValue } });
}

/* ------------------------------------------------------------------ sync */

/**
 * Reads the return from Shopify into the RMA: ids of its lines and reverse
 * fulfillment order lines, SKUs and inventory items, Shopify's status; and
 * writes a restock event for every RESTOCKED disposition Shopify holds that has
 * none yet (made here or in Shopify's admin), keyed by the disposition's id.
 */
export async function syncReturnCase(ctx: ReturnsContext, row: ReturnCaseRow): Promise<{ row: ReturnCaseRow; snapshot: ReturnSnapshot | null; restocks: number }> {
  if (!row.returnId) return { row, snapshot: null, restocks: 0 };
  const snapshot = await readReturn(ctx.admin, row.returnId);
  if (!snapshot) return { row, snapshot: null, restocks: 0 };
  const lines = caseLines(row).map((line, index) => {
    const match =
      snapshot.lines.find((candidate) => candidate.returnLineItemId === line.returnLineItemId) ??
      snapshot.lines.find((candidate) => candidate.fulfillmentLineItemId === line.fulfillmentLineItemId) ??
      snapshot.lines[index];
    if (!match) return line;
    const rfo = snapshot.rfoLines.find((candidate) => candidate.fulfillmentLineItemId === match.fulfillmentLineItemId);
    return {
      ...line,
      returnLineItemId: match.returnLineItemId,
      fulfillmentLineItemId: match.fulfillmentLineItemId ?? line.fulfillmentLineItemId,
      lineItemId: match.lineItemId ?? line.lineItemId,
      rfoLineItemId: rfo?.rfoLineItemId ?? line.rfoLineItemId,
      inventoryItemId: match.inventoryItemId ?? line.inventoryItemId,
      variantId: match.variantId ?? line.variantId,
      sku: match.sku ?? line.sku,
      title: match.title ?? line.title,
      restockingFeePercent: match.restockingFeePercent ?? line.restockingFeePercent,
    };
  });
  let restocks = 0;
  for (const rfoLine of snapshot.rfoLines) {
    const line = lines.find((candidate) => candidate.rfoLineItemId === rfoLine.rfoLineItemId);
    for (const disposition of rfoLine.dispositions) {
      if (disposition.type !== "RESTOCKED" || !disposition.locationId) continue;
      const created = await ctx.db.restockEvent.createMany({
        data: [
          {
            shop: ctx.shop,
            sourceKey: `disposition:${disposition.id}`,
            caseId: row.id,
            returnId: row.returnId,
            lineItemId: line?.lineItemId ?? null,
            variantId: line?.variantId ?? null,
            inventoryItemId: line?.inventoryItemId ?? null,
            sku: line?.sku ?? null,
            locationId: disposition.locationId,
            quantity: disposition.quantity,
            via: "return_disposition",
            occurredAt: ctx.now,
          },
        ],
        skipDuplicates: true,
      });
      restocks += created.count;
    }
  }
  await saveLines(ctx, row.id, lines, { shopifyStatus: snapshot.status.toLowerCase() });
  const fresh = (await loadCase(ctx, row.id)) as ReturnCaseRow;
  return { row: fresh, snapshot, restocks };
}

/* --------------------------------------------------------------- preview */

export interface CasePreview {
  preview: RefundPreview;
  suggested: SuggestedRefund | null;
  /** Units the refund covers (refundable quantities). */
  refundLines: { id: string; quantity: number }[];
  currency: string;
}

/** The refund preview of an RMA from Shopify's own numbers (per line and in total). */
export async function casePreview(ctx: ReturnsContext, row: ReturnCaseRow, snapshot: ReturnSnapshot, policy: ReturnPolicy): Promise<CasePreview | null> {
  const order = await readReturnableOrder(ctx.admin, row.orderId);
  if (!order || !row.returnId) return null;
  const lines = caseLines(row);
  const refundLines = snapshot.lines.filter((line) => line.refundableQuantity > 0).map((line) => ({ id: line.returnLineItemId, quantity: line.refundableQuantity }));
  const perLine = new Map<string, SuggestedRefund | null>();
  for (const line of refundLines) perLine.set(line.id, await readSuggestedRefund(ctx.admin, row.returnId, [line]));
  const suggested = refundLines.length > 0 ? await readSuggestedRefund(ctx.admin, row.returnId, refundLines) : null;
  const returned = snapshot.lines
    .filter((line) => line.refundableQuantity > 0)
    .map((line) => {
      const caseLine = lines.find((candidate) => candidate.returnLineItemId === line.returnLineItemId);
      const shopify = perLine.get(line.returnLineItemId);
      const percentOnShopify = line.restockingFeePercent;
      const percent = percentOnShopify ?? caseLine?.restockingFeePercent ?? 0;
      return {
        lineItemId: line.lineItemId ?? line.returnLineItemId,
        quantity: line.refundableQuantity,
        restockingFeePercent: percent,
        shopify: shopify
          ? {
              subtotalMinor: shopify.discountedSubtotalMinor,
              taxMinor: shopify.taxMinor,
              restockingFeeMinor: percentOnShopify !== null ? percentOfMinor(shopify.discountedSubtotalMinor, percentOnShopify) : null,
            }
          : null,
      };
    });
  const shippingFee =
    snapshot.shippingFeesMinor > 0
      ? snapshot.shippingFeesMinor
      : returnShippingFee(policy, { reasons: lines.map((line) => line.reason), orderTotalMinor: order.totalMinor }).amountMinor;
  const preview = buildRefundPreview({
    currency: order.currency,
    orderLines: order.lines.map((line) => ({ lineItemId: line.lineItemId, title: line.title, quantity: line.quantity, unitPriceMinor: line.unitPriceMinor })),
    orderDiscountMinor: order.discountMinor,
    returned,
    returnShippingFeeMinor: refundLines.length > 0 && !row.refundedAt ? shippingFee : 0,
    shopifyRefund: suggested ? { amountMinor: suggested.amountMinor, taxMinor: suggested.taxMinor, additionalFeesMinor: suggested.additionalFeesMinor } : null,
    thresholds: { freeShippingMinimumMinor: policy.freeShippingMinimumMinor, promotionMinimums: policy.promotionMinimums },
  });
  return { preview, suggested, refundLines, currency: order.currency };
}

/** Spreads `amount` over Shopify's suggested transactions, in their order, within each one's suggestion. */
export function refundTransactions(suggested: SuggestedRefund, amountMinor: number, currency: string) {
  const out: { parentId: string; transactionAmount: { amount: string; currencyCode: CurrencyCode } }[] = [];
  let left = amountMinor;
  for (const transaction of suggested.transactions) {
    if (left <= 0) break;
    const take = Math.min(left, transaction.amountMinor);
    if (take > 0) out.push({ parentId: transaction.parentId, transactionAmount: { amount: toDecimalString(take, currency), currencyCode: currency as CurrencyCode } });
    left -= take;
  }
  return out;
}

/* --------------------------------------------------------------- refunds */

interface ProcessPlan {
  dispositions?: Map<string, NonNullable<ReturnType<typeof planDispositions> & { ok: true }>["inputs"]>;
}

/**
 * returnProcess for every processable unit: dispositions when graded, the refund
 * when due. Returns the refunded amount (null when no refund was issued).
 */
async function processOnShopify(
  ctx: ReturnsContext,
  row: ReturnCaseRow,
  snapshot: ReturnSnapshot,
  options: { refund: boolean; policy: ReturnPolicy } & ProcessPlan,
): Promise<{ refundedMinor: number | null; processedUnits: number; note: string }> {
  const processable = snapshot.lines.filter((line) => line.processableQuantity > 0);
  if (processable.length === 0 || !row.returnId) return { refundedMinor: null, processedUnits: 0, note: "nothing left to process on Shopify's side" };
  let financialTransfer: { issueRefund: { orderTransactions: ReturnType<typeof refundTransactions> } } | undefined;
  let refundedMinor: number | null = null;
  let note = "processed without a refund";
  if (options.refund) {
    const computed = await casePreview(ctx, row, snapshot, options.policy);
    const amount = computed?.preview.totals.refundMinor ?? 0;
    if (computed?.suggested && amount > 0) {
      financialTransfer = { issueRefund: { orderTransactions: refundTransactions(computed.suggested, amount, computed.currency) } };
      refundedMinor = amount;
      note = computed.preview.explanation.at(-1) ?? `refund ${amount}`;
    } else note = "nothing to refund (Shopify suggests no refund)";
  }
  await ctx.admin.mutate(
    ReturnProcess,
    {
      input: {
        returnId: row.returnId,
        notifyCustomer: true,
        returnLineItems: processable.map((line) => {
          const dispositions = options.dispositions?.get(line.returnLineItemId);
          return {
            id: line.returnLineItemId,
            quantity: line.processableQuantity,
            ...(dispositions && dispositions.length > 0
              ? {
                  dispositions: dispositions.map((d) => ({
                    reverseFulfillmentOrderLineItemId: d.reverseFulfillmentOrderLineItemId,
                    quantity: d.quantity,
                    dispositionType: d.dispositionType,
                    ...(d.locationId ? { locationId: d.locationId } : {}),
                  })),
                }
              : {}),
          };
        }),
        ...(financialTransfer ? { financialTransfer } : {}),
      },
    },
    "returnProcess",
  );
  return { refundedMinor, processedUnits: processable.reduce((sum, line) => sum + line.processableQuantity, 0), note };
}

/** The refund the timing strategy makes due at `status`, issued now (early: before grading, units processed without dispositions). */
async function refundIfDue(ctx: ReturnsContext, row: ReturnCaseRow, status: RmaStatus, key: string): Promise<string> {
  const timing = row.refundTiming as ReturnPolicy["refundTiming"];
  const due = refundDue(timing, status, row.refundedAt !== null);
  if (!due.due) return due.why;
  const { policy } = await loadPolicy(ctx.db);
  const synced = await syncReturnCase(ctx, row);
  if (!synced.snapshot) return "the return is not on Shopify; no refund";
  const result = await processOnShopify(ctx, synced.row, synced.snapshot, { refund: true, policy });
  if (result.refundedMinor !== null) {
    await ctx.db.returnCase.updateMany({ where: { id: row.id }, data: { refundedAt: ctx.now, refundMinor: result.refundedMinor } });
  }
  await audit(ctx.db, ctx.shop, {
    caseId: row.id,
    at: ctx.now,
    actor: ctx.actor,
    action: "refund",
    detail: { why: due.why, refundedMinor: result.refundedMinor, note: result.note, processedUnits: result.processedUnits },
    idempotencyKey: key,
  });
  await syncReturnCase(ctx, (await loadCase(ctx, row.id)) as ReturnCaseRow);
  return `${due.why}: ${result.note}`;
}

/* ------------------------------------------------------------ transitions */

async function move(ctx: ReturnsContext, row: ReturnCaseRow, event: RmaEvent): Promise<{ ok: true; from: RmaStatus; to: RmaStatus } | { ok: false; code: string; message: string }> {
  const from = caseStatus(row);
  const result = rmaTransition(row.rmaNumber, from, event, rmaFacts(row));
  if (!result.ok) return result;
  await ctx.db.returnCase.updateMany({ where: { id: row.id, status: from }, data: { status: result.to } });
  return { ok: true, from, to: result.to };
}

function done(row: ReturnCaseRow, status: string, message: string): Outcome {
  return { ok: true, value: { rmaNumber: row.rmaNumber, status, message } };
}

export interface KeyedAction {
  caseId: string;
  idempotencyKey: string;
}

export function approveReturn(ctx: ReturnsContext, input: KeyedAction): Promise<StaffActionResult<{ rmaNumber: string; status: string; message: string }>> {
  return withIdempotency(ctx.db, ctx.shop, { key: input.idempotencyKey, action: "approve", target: input.caseId, params: {} }, async () => {
    const row = await loadCase(ctx, input.caseId);
    if (!row) return refuse("not_found", `no RMA ${input.caseId} in ${ctx.shop}`);
    const check = rmaTransition(row.rmaNumber, caseStatus(row), "approve", rmaFacts(row));
    if (!check.ok) return refuse(check.code, check.message);
    if (!row.returnId) return refuse("no_return", `return ${row.rmaNumber} has no Shopify return to approve`);
    await ctx.admin.mutate(ReturnApproveRequest, { input: { id: row.returnId, notifyCustomer: true } }, "returnApproveRequest");
    const moved = await move(ctx, row, "approve");
    if (!moved.ok) return refuse(moved.code, moved.message);
    await audit(ctx.db, ctx.shop, { caseId: row.id, at: ctx.now, actor: ctx.actor, action: "approve", detail: { from: moved.from, to: moved.to }, idempotencyKey: input.idempotencyKey });
    const refund = await refundIfDue(ctx, (await loadCase(ctx, row.id)) as ReturnCaseRow, "approved", input.idempotencyKey);
    return done(row, "approved", `return ${row.rmaNumber} approved; ${refund}`);
  });
}

export function declineReturn(
  ctx: ReturnsContext,
  input: KeyedAction & { reason: DeclineReason; note: string },
): Promise<StaffActionResult<{ rmaNumber: string; status: string; message: string }>> {
  return withIdempotency(ctx.db, ctx.shop, { key: input.idempotencyKey, action: "decline", target: input.caseId, params: { reason: input.reason, note: input.note } }, async () => {
    const row = await loadCase(ctx, input.caseId);
    if (!row) return refuse("not_found", `no RMA ${input.caseId} in ${ctx.shop}`);
    if (input.note.trim() === "") return refuse("note_required", `declining return ${row.rmaNumber} needs a note saying why`);
    const check = rmaTransition(row.rmaNumber, caseStatus(row), "decline", rmaFacts(row));
    if (!check.ok) return refuse(check.code, check.message);
    if (!row.returnId) return refuse("no_return", `return ${row.rmaNumber} has no Shopify return to decline`);
    await ctx.admin.mutate(
      ReturnDeclineRequest,
      { input: { id: row.returnId, declineReason: input.reason, declineNote: input.note, notifyCustomer: true } },
      "returnDeclineRequest",
    );
    const moved = await move(ctx, row, "decline");
    if (!moved.ok) return refuse(moved.code, moved.message);
    await ctx.db.returnCase.updateMany({ where: { id: row.id }, data: { declineReason: input.reason, declineNote: input.note } });
    await audit(ctx.db, ctx.shop, {
      caseId: row.id,
      at: ctx.now,
      actor: ctx.actor,
      action: "decline",
      detail: { reason: input.reason, note: input.note },
      idempotencyKey: input.idempotencyKey,
    });
    return done(row, "declined", `return ${row.rmaNumber} declined (${input.reason})`);
  });
}

/** ship (carrier reports in transit) or receive (parcel arrived): local stages, and the refund when the strategy says so. */
export function advanceReturn(
  ctx: ReturnsContext,
  input: KeyedAction & { event: "ship" | "receive" },
): Promise<StaffActionResult<{ rmaNumber: string; status: string; message: string }>> {
  return withIdempotency(ctx.db, ctx.shop, { key: input.idempotencyKey, action: input.event, target: input.caseId, params: {} }, async () => {
    const row = await loadCase(ctx, input.caseId);
    if (!row) return refuse("not_found", `no RMA ${input.caseId} in ${ctx.shop}`);
    const moved = await move(ctx, row, input.event);
    if (!moved.ok) return refuse(moved.code, moved.message);
    await audit(ctx.db, ctx.shop, { caseId: row.id, at: ctx.now, actor: ctx.actor, action: input.event, detail: { from: moved.from, to: moved.to }, idempotencyKey: input.idempotencyKey });
    const refund = await refundIfDue(ctx, (await loadCase(ctx, row.id)) as ReturnCaseRow, moved.to, input.idempotencyKey);
    return done(row, moved.to, `return ${row.rmaNumber} ${moved.to.replace("_", " ")}; ${refund}`);
  });
}

export interface LineGrades {
  /** Index in the RMA's lines. */
  line: number;
  condition: ItemCondition;
  grades: { grade: Grade; quantity: number; locationId?: string | null }[];
}

/**
 * Inspect and grade every unit: dispositions through returnProcess (or, when an
 * early refund already processed the units, resellable units back to
 * `available` with inventoryAdjustQuantities), the refund if not issued yet,
 * restock events, and the RMA closed when nothing awaits a grade.
 */
export function processReturn(
  ctx: ReturnsContext,
  input: KeyedAction & { lines: LineGrades[]; locationId: string | null },
): Promise<StaffActionResult<{ rmaNumber: string; status: string; message: string }>> {
  return withIdempotency(
    ctx.db,
    ctx.shop,
    { key: input.idempotencyKey, action: "process", target: input.caseId, params: { lines: input.lines, locationId: input.locationId } },
    async () => {
      let row = await loadCase(ctx, input.caseId);
      if (!row) return refuse("not_found", `no RMA ${input.caseId} in ${ctx.shop}`);
      // Receiving is implied by inspecting: the RMA moves through "receive" first when the parcel was not marked received.
      let status = caseStatus(row);
      const path: RmaStatus[] = [status];
      for (const event of ["receive", "inspect"] as const) {
        if (event === "receive" && status === "received") continue;
        const check = rmaTransition(row.rmaNumber, status, event, rmaFacts(row));
        if (!check.ok) return refuse(check.code, check.message);
        status = check.to;
        path.push(status);
      }
      const lines = caseLines(row);
      for (const entry of input.lines) {
        const line = lines[entry.line];
        if (!line) return refuse("bad_line", `return ${row.rmaNumber} has no line ${entry.line + 1}`);
        const total = entry.grades.reduce((sum, g) => sum + g.quantity, 0);
        if (total !== line.quantity) {
          return refuse("ungraded_units", `${line.sku ? `SKU ${line.sku}` : `line ${entry.line + 1}`}: ${total} unit(s) graded, the return has ${line.quantity}`);
        }
      }
      if (input.lines.length !== lines.length) return refuse("ungraded_units", `return ${row.rmaNumber}: grade every line (${input.lines.length} of ${lines.length} graded)`);

      const { policy } = await loadPolicy(ctx.db);
      const synced = await syncReturnCase(ctx, row);
      row = synced.row;
      const current = caseLines(row);
      const snapshot = synced.snapshot;
      const location = input.locationId ?? policy.restockLocationId;
      // Conditions are known now: the fee percentages follow them.
      const graded = current.map((line, index) => {
        const entry = input.lines.find((candidate) => candidate.line === index) as LineGrades;
        const fee = restockingFee(policy, { reason: line.reason, condition: entry.condition });
        // A fee already on Shopify's return stays; otherwise the policy's fee for the condition found.
        const onShopify = snapshot?.lines.find((l) => l.returnLineItemId === line.returnLineItemId)?.restockingFeePercent ?? null;
        return { ...line, condition: entry.condition, restockingFeePercent: onShopify ?? fee.percent };
      });
      const rfoOpen = snapshot?.rfoLines.some((rfo) => rfo.rfoStatus === "OPEN") ?? false;
      const units: GradedUnits[] = graded.map((line, index) => {
        const rfo = snapshot?.rfoLines.find((candidate) => candidate.rfoLineItemId === line.rfoLineItemId);
        const disposed = rfo?.dispositions.reduce((sum, d) => sum + d.quantity, 0) ?? 0;
        return {
          rfoLineItemId: line.rfoLineItemId ?? "",
          label: line.sku ? `SKU ${line.sku}` : `line ${index + 1}`,
          remaining: rfo ? rfo.totalQuantity - disposed : line.quantity,
          grades: (input.lines.find((candidate) => candidate.line === index) as LineGrades).grades,
        };
      });
      const plan = planDispositions(units, location);
      if (!plan.ok) return refuse(plan.code, plan.message);

      await saveLines(ctx, row.id, graded);
      row = (await loadCase(ctx, row.id)) as ReturnCaseRow;
      const refundNeeded = row.refundedAt === null;
      let refundNote = "already refunded";
      let adjusted = 0;
      if (snapshot && rfoOpen && units.every((unit) => unit.rfoLineItemId !== "")) {
        const byLine = new Map<string, typeof plan.inputs>();
        for (const [index, line] of graded.entries()) {
          const rfoLine = units[index]?.rfoLineItemId;
          if (line.returnLineItemId) byLine.set(line.returnLineItemId, plan.inputs.filter((d) => d.reverseFulfillmentOrderLineItemId === rfoLine));
        }
        const result = await processOnShopify(ctx, row, snapshot, { refund: refundNeeded, policy, dispositions: byLine });
        refundNote = result.note;
        if (result.refundedMinor !== null) await ctx.db.returnCase.updateMany({ where: { id: row.id }, data: { refundedAt: ctx.now, refundMinor: result.refundedMinor } });
      } else {
        // Shopify already processed every unit (an early refund closed the return): resellable units go back to available here.
        for (const [index, entry] of input.lines.entries()) {
          const line = graded[entry.line] as CaseLine;
          const resell = entry.grades.filter((g) => g.grade === "resell");
          for (const [gradeIndex, g] of resell.entries()) {
            const at = g.locationId ?? location;
            if (!at) return refuse("no_location", `${units[index]?.label}: ${g.quantity} unit(s) to resell need a restock location`);
            await restockAvailable(ctx, row, line, { locationId: at, quantity: g.quantity, key: `${input.idempotencyKey}:${entry.line}:${gradeIndex}`, via: "inspection" });
            adjusted += g.quantity;
          }
        }
        if (refundNeeded && snapshot) {
          const result = await processOnShopify(ctx, row, snapshot, { refund: true, policy });
          refundNote = result.note;
          if (result.refundedMinor !== null) await ctx.db.returnCase.updateMany({ where: { id: row.id }, data: { refundedAt: ctx.now, refundMinor: result.refundedMinor } });
        }
      }
      const finalLines = graded.map((line, index) => {
        const entry = input.lines.find((candidate) => candidate.line === index) as LineGrades;
        const counts = { ...NO_GRADES };
        for (const g of entry.grades) counts[g.grade] += g.quantity;
        return { ...line, graded: counts };
      });
      await saveLines(ctx, row.id, finalLines, { status: "inspected" });
      await audit(ctx.db, ctx.shop, {
        caseId: row.id,
        at: ctx.now,
        actor: ctx.actor,
        action: "process",
        detail: {
          grades: input.lines.map((entry) => ({ line: entry.line, condition: entry.condition, grades: entry.grades })),
          dispositions: plan.inputs,
          restockedOutsideDispositions: adjusted,
          refund: refundNote,
          statuses: path,
        },
        idempotencyKey: input.idempotencyKey,
      });
      row = (await loadCase(ctx, row.id)) as ReturnCaseRow;
      await syncReturnCase(ctx, row);
      const closed = await closeIfDone(ctx, (await loadCase(ctx, row.id)) as ReturnCaseRow, input.idempotencyKey);
      return done(row, closed ? "closed" : "inspected", `return ${row.rmaNumber} inspected; ${refundNote}${closed ? "; closed" : ""}`);
    },
  );
}

/** Units put back into `available` at a location outside a disposition (a regrade, or after an early refund), with their restock event. */
async function restockAvailable(
  ctx: ReturnsContext,
  row: ReturnCaseRow,
  line: CaseLine,
  input: { locationId: string; quantity: number; key: string; via: "regrade" | "inspection" },
): Promise<void> {
  if (!line.inventoryItemId) throw new Error(`return ${row.rmaNumber}: ${line.sku ?? "a line"} has no inventory item to restock`);
  await ctx.admin.mutate(
    InventoryAdjustQuantities,
    {
      idempotencyKey: input.key,
      input: {
        name: "available",
        reason: "restock",
        referenceDocumentUri: `gid://peakguard/Rma/${row.rmaNumber}`,
        changes: [{ inventoryItemId: line.inventoryItemId, locationId: input.locationId, delta: input.quantity, changeFromQuantity: null }],
      },
    },
    "inventoryAdjustQuantities",
  );
  await ctx.db.restockEvent.createMany({
    data: [
      {
        shop: ctx.shop,
        sourceKey: `${input.via}:${row.id}:${input.key}`,
        caseId: row.id,
        returnId: row.returnId,
        lineItemId: line.lineItemId,
        variantId: line.variantId,
        inventoryItemId: line.inventoryItemId,
        sku: line.sku,
        locationId: input.locationId,
        quantity: input.quantity,
        via: "regrade",
        occurredAt: ctx.now,
      },
    ],
    skipDuplicates: true,
  });
}

async function closeIfDone(ctx: ReturnsContext, row: ReturnCaseRow, key: string): Promise<boolean> {
  const result = rmaTransition(row.rmaNumber, caseStatus(row), "close", rmaFacts(row));
  if (!result.ok) return false;
  await ctx.db.returnCase.updateMany({ where: { id: row.id, status: caseStatus(row) }, data: { status: result.to } });
  await audit(ctx.db, ctx.shop, { caseId: row.id, at: ctx.now, actor: ctx.actor, action: "close", detail: { why: "every unit has a final grade and the refund was issued" }, idempotencyKey: key });
  return true;
}

/** Refurbished units get their final grade: resell (back to available at a location, a restock event) or scrap. */
export function regradeUnits(
  ctx: ReturnsContext,
  input: KeyedAction & { line: number; to: "resell" | "scrap"; quantity: number; locationId: string | null },
): Promise<StaffActionResult<{ rmaNumber: string; status: string; message: string }>> {
  return withIdempotency(
    ctx.db,
    ctx.shop,
    { key: input.idempotencyKey, action: "regrade", target: input.caseId, params: { line: input.line, to: input.to, quantity: input.quantity, locationId: input.locationId } },
    async () => {
      const row = await loadCase(ctx, input.caseId);
      if (!row) return refuse("not_found", `no RMA ${input.caseId} in ${ctx.shop}`);
      const lines = caseLines(row);
      const line = lines[input.line];
      if (!line) return refuse("bad_line", `return ${row.rmaNumber} has no line ${input.line + 1}`);
      const label = line.sku ? `SKU ${line.sku}` : `line ${input.line + 1}`;
      const awaiting = line.graded.refurbish - line.regraded.resell - line.regraded.scrap;
      const check = checkRegrade(label, "refurbish", input.to, input.quantity, awaiting);
      if (!check.ok) return refuse("bad_regrade", check.message);
      const { policy } = await loadPolicy(ctx.db);
      const location = input.locationId ?? policy.restockLocationId;
      if (input.to === "resell") {
        if (!location) return refuse("no_location", `${label}: ${input.quantity} unit(s) to resell need a restock location`);
        await restockAvailable(ctx, row, line, { locationId: location, quantity: input.quantity, key: input.idempotencyKey, via: "regrade" });
      }
      lines[input.line] = { ...line, regraded: { ...line.regraded, [input.to]: line.regraded[input.to] + input.quantity } };
      await saveLines(ctx, row.id, lines);
      await audit(ctx.db, ctx.shop, {
        caseId: row.id,
        at: ctx.now,
        actor: ctx.actor,
        action: "regrade",
        detail: { line: input.line, from: "refurbish", to: input.to, quantity: input.quantity, locationId: input.to === "resell" ? location : null },
        idempotencyKey: input.idempotencyKey,
      });
      const closed = await closeIfDone(ctx, (await loadCase(ctx, row.id)) as ReturnCaseRow, input.idempotencyKey);
      return done(row, closed ? "closed" : caseStatus(row), `${label}: ${input.quantity} refurbished unit(s) → ${input.to}${closed ? "; return closed" : ""}`);
    },
  );
}

/* ------------------------------------------------------------ staff create */

export interface StaffReturnLine {
  fulfillmentLineItemId: string;
  quantity: number;
  reason: ReturnReason;
  condition: ItemCondition;
  note: string | null;
}

export interface StaffReturnPlan {
  orderName: string;
  eligibility: EligibilityResult;
  lines: (StaffReturnLine & { lineItemId: string; sku: string | null; title: string; restockingFeePercent: number; feeWhy: string; returnable: number })[];
  shippingFee: { amountMinor: number; why: string };
  currency: string;
  /** Shopify's returnCalculate for these units (tax and fees Shopify's), explained. */
  preview: RefundPreview | null;
}

/** What a staff-created return would be: eligibility per line, the policy's fees. Nothing is written. */
export async function planStaffReturn(ctx: ReturnsContext, orderId: string, requested: StaffReturnLine[]): Promise<StaffReturnPlan | null> {
  const order = await readReturnableOrder(ctx.admin, orderId);
  if (!order) return null;
  const { policy } = await loadPolicy(ctx.db);
  const state = await ctx.db.orderState.findFirst({ where: { orderId }, select: { countryCode: true } });
  const lines = requested.map((line) => {
    const returnable = order.returnable.find((candidate) => candidate.fulfillmentLineItemId === line.fulfillmentLineItemId);
    const orderLine = order.lines.find((candidate) => candidate.lineItemId === returnable?.lineItemId);
    const fee = restockingFee(policy, { reason: line.reason, condition: line.condition });
    return {
      ...line,
      lineItemId: returnable?.lineItemId ?? line.fulfillmentLineItemId,
      sku: orderLine?.sku ?? null,
      title: orderLine?.title ?? "item",
      restockingFeePercent: fee.percent,
      feeWhy: fee.why,
      returnable: returnable?.quantity ?? 0,
      productTags: orderLine?.productTags ?? [],
    };
  });
  const eligibility = checkEligibility(
    policy,
    { name: order.name, countryCode: state?.countryCode ?? null, orderedAt: order.orderedAt, fulfilledAt: order.fulfilledAt },
    lines.map((line) => ({
      lineItemId: line.lineItemId,
      sku: line.sku,
      title: line.title,
      productTags: line.productTags,
      quantity: line.quantity,
      returnableQuantity: line.returnable,
      reason: line.reason,
      condition: line.condition,
    })),
    ctx.now.getTime(),
  );
  const shippingFee = returnShippingFee(policy, { reasons: lines.map((line) => line.reason), orderTotalMinor: order.totalMinor });
  const valid = lines.filter((line) => line.quantity > 0 && line.quantity <= line.returnable);
  const calculated = valid.length === lines.length ? await calculateReturn(ctx.admin, orderId, valid) : [];
  const preview =
    calculated.length > 0
      ? buildRefundPreview({
          currency: order.currency,
          orderLines: order.lines.map((line) => ({ lineItemId: line.lineItemId, title: line.title, quantity: line.quantity, unitPriceMinor: line.unitPriceMinor })),
          orderDiscountMinor: order.discountMinor,
          returned: valid.map((line) => {
            const shopify = calculated.find((candidate) => candidate.fulfillmentLineItemId === line.fulfillmentLineItemId);
            return {
              lineItemId: line.lineItemId,
              quantity: line.quantity,
              restockingFeePercent: line.restockingFeePercent,
              shopify: shopify ? { subtotalMinor: shopify.subtotalMinor, taxMinor: shopify.taxMinor, restockingFeeMinor: shopify.restockingFeeMinor } : null,
            };
          }),
          returnShippingFeeMinor: shippingFee.amountMinor,
          // Before the return exists Shopify's calculation is per line: its subtotal and tax, less its fees.
          shopifyRefund: (() => {
            const fees = calculated.reduce((sum, line) => sum + (line.restockingFeeMinor ?? 0), 0) + shippingFee.amountMinor;
            const gross = calculated.reduce((sum, line) => sum + line.subtotalMinor + line.taxMinor, 0);
            return { amountMinor: Math.max(0, gross - fees), taxMinor: calculated.reduce((sum, line) => sum + line.taxMinor, 0), additionalFeesMinor: fees };
          })(),
          thresholds: { freeShippingMinimumMinor: policy.freeShippingMinimumMinor, promotionMinimums: policy.promotionMinimums },
        })
      : null;
  return {
    orderName: order.name,
    eligibility,
    lines: lines.map(({ productTags: _tags, ...line }) => line),
    shippingFee,
    currency: order.currency,
    preview,
  };
}

/** A staff-created return: checked, requested on Shopify with the policy's fees, opened as an RMA (source staff). */
export function createStaffReturn(
  ctx: ReturnsContext,
  input: { orderId: string; lines: StaffReturnLine[]; idempotencyKey: string },
): Promise<StaffActionResult<{ rmaNumber: string; status: string; message: string; caseId: string }>> {
  return withIdempotency(ctx.db, ctx.shop, { key: input.idempotencyKey, action: "create", target: input.orderId, params: { lines: input.lines } }, async () => {
    const lines = input.lines.filter((line) => line.quantity > 0);
    if (lines.length === 0) return { ok: false, code: "no_lines", message: "choose at least one unit to return" };
    const plan = await planStaffReturn(ctx, input.orderId, lines);
    if (!plan) return { ok: false, code: "not_found", message: `order ${input.orderId} was not found on Shopify` };
    if (!plan.eligibility.eligible) return { ok: false, code: "not_eligible", message: `order ${plan.orderName}: ${plan.eligibility.summary}` };
    const payload = await ctx.admin.mutate(
      ReturnRequest,
      {
        input: {
          orderId: input.orderId,
          returnLineItems: plan.lines.map((line) => ({
            fulfillmentLineItemId: line.fulfillmentLineItemId,
            quantity: line.quantity,
            returnReason: line.reason,
            ...(line.note ? { customerNote: line.note } : {}),
            ...(line.restockingFeePercent > 0 ? { restockingFee: { percentage: line.restockingFeePercent } } : {}),
          })),
          ...(plan.shippingFee.amountMinor > 0
            ? { returnShippingFee: { amount: { amount: toDecimalString(plan.shippingFee.amountMinor, plan.currency), currencyCode: plan.currency as CurrencyCode } } }
            : {}),
        },
      },
      "returnRequest",
    );
    const created = payload.return;
    if (!created) return { ok: false, code: "no_return", message: "Shopify answered returnRequest without a return" };
    const { policy } = await loadPolicy(ctx.db);
    const caseLinesOut: CaseLine[] = plan.lines.map((line) => {
      const node = created.returnLineItems.nodes.find((candidate) => "fulfillmentLineItem" in candidate && candidate.fulfillmentLineItem.id === line.fulfillmentLineItemId);
      return {
        returnLineItemId: node?.id ?? null,
        fulfillmentLineItemId: line.fulfillmentLineItemId,
        lineItemId: line.lineItemId,
        rfoLineItemId: null,
        inventoryItemId: null,
        variantId: null,
        sku: line.sku,
        title: line.title,
        quantity: line.quantity,
        reason: line.reason,
        customerNote: line.note,
        condition: line.condition,
        restockingFeePercent: line.restockingFeePercent,
        graded: { ...NO_GRADES },
        regraded: { resell: 0, scrap: 0 },
      };
    });
    // The returns/request webhook may have created the RMA already: adopt it as staff-created.
    const existing = await ctx.db.returnCase.findFirst({ where: { returnId: created.id } });
    const data = {
      source: "staff",
      lines: caseLinesOut as unknown as Prisma.InputJsonValue,
      eligibility: plan.eligibility as unknown as Prisma.InputJsonValue,
      refundTiming: policy.refundTiming,
      currencyCode: plan.currency,
      orderName: plan.orderName,
    };
    const row = existing
      ? (await ctx.db.returnCase.updateMany({ where: { id: existing.id }, data }), (await loadCase(ctx, existing.id)) as ReturnCaseRow)
      : await ctx.db.returnCase.create({
          data: { shop: ctx.shop, rmaNumber: await newRmaNumber(ctx.db), returnId: created.id, orderId: input.orderId, status: "requested", shopifyStatus: created.status.toLowerCase(), ...data },
        });
    await audit(ctx.db, ctx.shop, {
      caseId: row.id,
      at: ctx.now,
      actor: ctx.actor,
      action: "create",
      detail: {
        returnId: created.id,
        eligibility: plan.eligibility.summary,
        fees: plan.lines.map((line) => ({ sku: line.sku, percent: line.restockingFeePercent, why: line.feeWhy })),
        shippingFee: plan.shippingFee,
      },
      idempotencyKey: input.idempotencyKey,
    });
    return { ok: true, value: { rmaNumber: row.rmaNumber, status: row.status, message: `return ${row.rmaNumber} requested for order ${plan.orderName}`, caseId: row.id } };
  });
}
