/**
 * The order state machine's store: OrderState (state + facts per order) and
 * OrderTransition (one row per event per order, the timeline). Recording an
 * event is keyed by (order, event key): a second delivery returns the stored
 * result and changes nothing. Two events of one order processed at once cannot
 * both win: the state row is written only if it is still the version read.
 */
import { randomUUID } from "node:crypto";
import { Prisma } from "@prisma/client";
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

/**
 * Applies one event to its order (or returns the stored result of its earlier delivery), in a
 * transaction of its own: one read (orderMachineColumns), the domain's step, one write
 * (commitOrderEvent) — the state row and the transition written together.
 */
export async function recordOrderEvent(db: ShopDb, shop: string, input: RecordedEvent): Promise<ApplyResult> {
  return db.$transaction(async (raw) => {
    const tx = raw as unknown as ShopDb;
    const [read] = await tx.$queryRaw<MachineRead[]>(Prisma.sql`SELECT ${orderMachineColumns(shop, input.event.orderId, input.eventKey)}`);
    return commitOrderEvent(tx, shop, input, planOrderEvent(shop, input, read ?? { prior: null, state: null }));
  });
}

/** The states some compensation rule settles in: in any other state there is nothing to settle, and no query is made. */
const SETTLING_STATES: ReadonlySet<OrderState> = new Set(COMPENSATIONS.flatMap((rule) => rule.settlesIn));

/** What orderMachineColumns reads: the event's earlier transition and the order's state row, each as row_to_json text. */
export interface MachineRead {
  prior: string | null;
  state: string | null;
}

/**
 * The read of an event, as columns of a SELECT (the orders/* handler adds them to its mirror
 * write, so both are one round trip): "prior", the transition an earlier delivery of this event
 * recorded, and "state", the order's state row, locked (FOR UPDATE: a second event of the order
 * waits for this transaction and then reads what it wrote).
 */
export function orderMachineColumns(shop: string, orderId: string, eventKey: string): Prisma.Sql {
  return Prisma.sql`
    (SELECT row_to_json(t)::text FROM "OrderTransition" t WHERE t."shop" = ${shop} AND t."orderId" = ${orderId} AND t."eventKey" = ${eventKey}) AS "prior",
    (SELECT row_to_json(s)::text FROM "OrderState" s WHERE s."shop" = ${shop} AND s."orderId" = ${orderId} FOR UPDATE) AS "state"`;
}

/** An OrderState row as row_to_json gives it: timestamps as the column's text, kept as such to be written back. */
interface StateRow {
  orderName: string | null;
  state: string;
  facts: unknown;
  countryCode: string | null;
  orderedAt: string | null;
  fulfilledAt: string | null;
  capturedAt: string | null;
  updatedAt: string;
}

/** An event planned: the stored result of its earlier delivery, or the domain's result and the statement parts that record it. */
export type PlannedEvent = { replay: ApplyResult } | { replay: null; result: ApplyResult; ctes: Prisma.Sql };

/**
 * The domain's step for the event on what `read` holds. The write, as CTEs: the state row
 * updated only if it is still the version read (`order_state_written` is empty otherwise), or
 * inserted for a first event; the transition inserted with it.
 */
export function planOrderEvent(shop: string, input: RecordedEvent, read: MachineRead): PlannedEvent {
  const { event } = input;
  if (read.prior !== null) return { replay: replayOf(storedResult(JSON.parse(read.prior) as Parameters<typeof storedResult>[0])) };
  const row = read.state === null ? null : (JSON.parse(read.state) as StateRow);
  if (row && !isState(row.state)) throw new Error(`OrderState ${event.orderId}: "${row.state}" is not a state of the order state machine`);
  const current = row ? { state: row.state as OrderState, facts: row.facts as OrderFacts } : INITIAL_MACHINE;
  const orderName = event.orderName ?? row?.orderName ?? event.orderId.split("/").pop() ?? event.orderId;
  const { next, result } = applyOrderEvent(orderName.startsWith("#") ? orderName : `#${orderName}`, current, {
    key: input.eventKey,
    source: input.source,
    at: event.at.getTime(),
    change: event.change,
  });

  const entered = (state: OrderState) => result.steps.some((step) => step.to === state);
  const occurredAt = event.at.toISOString();
  const now = new Date().toISOString();
  // Timestamps as text: an ISO instant (its zone is ignored by ::timestamp, UTC as stored) or the stored column's own text.
  const data = {
    state: next.state,
    facts: JSON.stringify(next.facts),
    orderName: event.orderName ?? row?.orderName ?? null,
    countryCode: event.meta.countryCode ?? row?.countryCode ?? null,
    orderedAt: event.meta.orderedAt?.toISOString() ?? row?.orderedAt ?? null,
    fulfilledAt: row?.fulfilledAt ?? (next.facts.snapshot?.fulfillment === "fulfilled" ? occurredAt : null),
    capturedAt: row?.capturedAt ?? (entered("captured") ? occurredAt : null),
  };
  const stateWrite = row
    ? Prisma.sql`
    order_state_written AS (
      UPDATE "OrderState" SET "state" = ${data.state}, "facts" = ${data.facts}::jsonb, "orderName" = ${data.orderName}, "countryCode" = ${data.countryCode},
             "orderedAt" = ${data.orderedAt}::timestamp(3), "fulfilledAt" = ${data.fulfilledAt}::timestamp(3), "capturedAt" = ${data.capturedAt}::timestamp(3),
             "updatedAt" = GREATEST(${now}::timestamp(3), "updatedAt" + interval '1 millisecond')
       WHERE "shop" = ${shop} AND "orderId" = ${event.orderId} AND "updatedAt" = ${row.updatedAt}::timestamp(3)
      RETURNING 1)`
    : Prisma.sql`
    order_state_written AS (
      INSERT INTO "OrderState" ("shop", "orderId", "orderName", "state", "facts", "countryCode", "orderedAt", "fulfilledAt", "capturedAt", "updatedAt")
      VALUES (${shop}, ${event.orderId}, ${data.orderName}, ${data.state}, ${data.facts}::jsonb, ${data.countryCode},
              ${data.orderedAt}::timestamp(3), ${data.fulfilledAt}::timestamp(3), ${data.capturedAt}::timestamp(3), ${now}::timestamp(3))
      RETURNING 1)`;
  const ctes = Prisma.sql`${stateWrite},
    order_transition_written AS (
      INSERT INTO "OrderTransition" ("shop", "id", "orderId", "eventKey", "source", "outcome", "fromState", "toState", "steps", "code", "message", "occurredAt", "recordedAt")
      SELECT ${shop}, ${randomUUID()}, ${event.orderId}, ${input.eventKey}, ${input.source}, ${result.outcome}, ${result.from}, ${result.to},
             ${JSON.stringify(result.steps)}::jsonb, ${result.code}::text, ${result.message}, ${occurredAt}::timestamp(3), ${now}::timestamp(3)
       WHERE EXISTS (SELECT 1 FROM order_state_written)
      RETURNING 1)`;
  return { replay: null, result, ctes };
}

/**
 * Records a planned event, with `along` (CTEs of the caller's own writes, e.g. the order's lines
 * and promotion uses) in the same statement, one round trip. A replay writes only `along`.
 * The state row changed since it was read: OrderStateConflict (the caller's transaction is
 * rolled back and the processor retries the event). So does a concurrent first delivery of the
 * same event or order (a unique violation).
 */
export async function commitOrderEvent(tx: ShopDb, shop: string, input: RecordedEvent, planned: PlannedEvent, along: readonly Prisma.Sql[] = []): Promise<ApplyResult> {
  if (planned.replay) {
    if (along.length > 0) await tx.$queryRaw(Prisma.sql`WITH ${Prisma.join(along, ", ")} SELECT 1 AS "done"`);
    return planned.replay;
  }
  const { event } = input;
  let written: number;
  try {
    const [row] = await tx.$queryRaw<{ written: number }[]>(
      Prisma.sql`WITH ${Prisma.join([...along, planned.ctes], ", ")} SELECT (SELECT count(*) FROM order_state_written)::integer AS "written"`,
    );
    written = row?.written ?? 0;
  } catch (error) {
    // A concurrent first delivery of the same event or order: thrown (the transaction is rolled back), so the processor retries and then replays.
    if (isUniqueViolation(error)) throw new OrderStateConflict(`order ${event.orderId}: event ${input.eventKey} was recorded concurrently; retried`);
    throw error;
  }
  if (written === 0) throw new OrderStateConflict(`order ${event.orderId} changed while ${input.source} was applied; the event is retried`);
  const { result } = planned;
  if (result.outcome === "applied" && SETTLING_STATES.has(result.to)) await settleCompensations(tx, event.orderId, result.to, event.at);
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
