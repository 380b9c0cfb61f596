/**
 * The order state machine's store: OrderState (state + facts per order) and
 * OrderTransition (one row per event per order, the timeline). Recording an
 * event is keyed by (order, event key): a second delivery returns the stored
 * result and changes nothing. Two events of one order processed at once cannot
 * both win: the state row is written only if it is still the version read.
 */
import type { Prisma } from "@prisma/client";
import { applyOrderEvent, INITIAL_MACHINE, replayOf, type ApplyResult, type StepRecord } from "../../domain/orders/apply";
import { COMPENSATIONS, compensationRule, compensationSettled } from "../../domain/orders/compensation";
import type { OrderFacts } from "../../domain/orders/facts";
import { ORDER_STATES, type OrderState } from "../../domain/orders/machine";
import type { ShopDb } from "../db/scoped.server";
import { isUniqueViolation } from "../mirror/apply-if-newer.server";
import type { OrderEventFromPayload } from "./order-events.server";

export class OrderStateConflict extends Error {
  override name = "OrderStateConflict";
}

export interface RecordedEvent {
  eventKey: string;
  source: string;
  event: OrderEventFromPayload;
}

function isState(value: string): value is OrderState {
  return (ORDER_STATES as readonly string[]).includes(value);
}

function storedResult(row: { outcome: string; fromState: string; toState: string; steps: Prisma.JsonValue; code: string | null; message: string }): ApplyResult {
  return {
    outcome: row.outcome as ApplyResult["outcome"],
    from: row.fromState as OrderState,
    to: row.toState as OrderState,
    steps: (Array.isArray(row.steps) ? row.steps : []) as unknown as StepRecord[],
    code: row.code,
    message: row.message,
    replayed: false,
  };
}

export async function loadMachine(db: ShopDb, orderId: string) {
  const row = await db.orderState.findFirst({ where: { orderId } });
  if (!row) return null;
  if (!isState(row.state)) throw new Error(`OrderState ${orderId}: "${row.state}" is not a state of the order state machine`);
  return { row, machine: { state: row.state, facts: row.facts as unknown as OrderFacts } };
}

/** Applies one event to its order (or returns the stored result of its earlier delivery), in a transaction of its own. */
export async function recordOrderEvent(db: ShopDb, shop: string, input: RecordedEvent): Promise<ApplyResult> {
  return db.$transaction((tx) => recordOrderEventIn(tx as unknown as ShopDb, shop, input));
}

/** The states some compensation rule settles in: in any other state there is nothing to settle, and no query is made. */
const SETTLING_STATES: ReadonlySet<OrderState> = new Set(COMPENSATIONS.flatMap((rule) => rule.settlesIn));

/**
 * recordOrderEvent inside a transaction the caller holds (the orders/* handler writes the
 * mirror, the state machine and the promotion uses of one event in one transaction).
 * `tx` must be a transaction: the state row and the transition are written together.
 */
export async function recordOrderEventIn(tx: ShopDb, shop: string, input: RecordedEvent): Promise<ApplyResult> {
  const { event } = input;
  const prior = await tx.orderTransition.findFirst({ where: { orderId: event.orderId, eventKey: input.eventKey } });
  if (prior) return replayOf(storedResult(prior));

  const loaded = await loadMachine(tx, event.orderId);
  const current = loaded?.machine ?? INITIAL_MACHINE;
  const orderName = event.orderName ?? loaded?.row.orderName ?? event.orderId.split("/").pop() ?? event.orderId;
  const { next, result } = applyOrderEvent(orderName.startsWith("#") ? orderName : `#${orderName}`, current, {
    key: input.eventKey,
    source: input.source,
    at: event.at.getTime(),
    change: event.change,
  });

  const entered = (state: OrderState) => result.steps.some((step) => step.to === state);
  const occurredAt = event.at;
  const stateData = {
    state: next.state,
    facts: next.facts as unknown as Prisma.InputJsonValue,
    orderName: event.orderName ?? loaded?.row.orderName ?? null,
    countryCode: event.meta.countryCode ?? loaded?.row.countryCode ?? null,
    orderedAt: event.meta.orderedAt ?? loaded?.row.orderedAt ?? null,
    fulfilledAt: loaded?.row.fulfilledAt ?? (next.facts.snapshot?.fulfillment === "fulfilled" ? occurredAt : null),
    capturedAt: loaded?.row.capturedAt ?? (entered("captured") ? occurredAt : null),
  };

  try {
    if (loaded) {
      const { count } = await tx.orderState.updateMany({ where: { orderId: event.orderId, updatedAt: loaded.row.updatedAt }, data: stateData });
      if (count === 0) throw new OrderStateConflict(`order ${event.orderId} changed while ${input.source} was applied; the event is retried`);
    } else {
      await tx.orderState.create({ data: { shop, orderId: event.orderId, ...stateData } });
    }
    await tx.orderTransition.create({
      data: {
        shop,
        orderId: event.orderId,
        eventKey: input.eventKey,
        source: input.source,
        outcome: result.outcome,
        fromState: result.from,
        toState: result.to,
        steps: result.steps as unknown as Prisma.InputJsonValue,
        code: result.code,
        message: result.message,
        occurredAt,
      },
    });
  } catch (error) {
    // A concurrent first delivery of the same event or order: thrown (the transaction is rolled back), so the processor retries and then replays.
    if (isUniqueViolation(error)) throw new OrderStateConflict(`order ${event.orderId}: event ${input.eventKey} was recorded concurrently; retried`);
    throw error;
  }
  if (result.outcome === "applied" && SETTLING_STATES.has(result.to)) await settleCompensations(tx, event.orderId, result.to, occurredAt);
  return result;
}

/** A compensation requested from Shopify is settled when Shopify's own webhook moves the order into its end state. */
async function settleCompensations(db: ShopDb, orderId: string, state: OrderState, at: Date): Promise<void> {
  const open = await db.orderCompensation.findMany({ where: { orderId, status: { in: ["planned", "requested", "failed"] } } });
  for (const compensation of open) {
    const rule = compensationRule(compensation.ruleId);
    if (rule && compensationSettled(rule, state)) {
      await db.orderCompensation.updateMany({ where: { id: compensation.id }, data: { status: "settled", settledAt: at } });
    }
  }
}

export interface TimelineEntry {
  id: string;
  eventKey: string;
  source: string;
  outcome: string;
  fromState: string;
  toState: string;
  steps: StepRecord[];
  code: string | null;
  message: string;
  occurredAt: string;
  recordedAt: string;
}

/** An order's timeline, oldest first. */
export async function orderTimeline(db: ShopDb, orderId: string): Promise<TimelineEntry[]> {
  const rows = await db.orderTransition.findMany({ where: { orderId }, orderBy: [{ recordedAt: "asc" }, { id: "asc" }] });
  return rows.map((row) => ({
    id: row.id,
    eventKey: row.eventKey,
    source: row.source,
    outcome: row.outcome,
    fromState: row.fromState,
    toState: row.toState,
    steps: (Array.isArray(row.steps) ? row.steps : []) as unknown as StepRecord[],
    code: row.code,
    message: row.message,
    occurredAt: row.occurredAt.toISOString(),
    recordedAt: row.recordedAt.toISOString(),
  }));
}
