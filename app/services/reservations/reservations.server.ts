/**
 * Reservations: soft holds at checkout, hard reserves at payment authorization,
 * release on cancel or expiry, commit on fulfillment (state machine:
 * app/domain/inventory/reservations.ts).
 *
 * Concurrency — the one rule: a hold takes units with a single conditional UPDATE
 *
 *   UPDATE "InventoryLevel" SET "peakguardHolds" = "peakguardHolds" + n
 *    WHERE shop = $shop AND item = $item AND location = $loc AND active
 *      AND "available" - "peakguardHolds" + "incoming" >= n      -- ATP ≥ n
 *
 * On PostgreSQL concurrent UPDATEs of one row queue on its row lock and each
 * re-checks the WHERE against the committed row (READ COMMITTED), so the holds
 * that succeed never sum past ATP: 100 concurrent holds of 1 on ATP 10 succeed
 * exactly 10 times (tests/reservations). On PGlite (one connection) transactions
 * run one at a time and the same statement gives the same answer.
 * Every later change to a reservation locks its row (SELECT … FOR UPDATE) first,
 * so a release and the Shopify sync cannot both move the level's holds.
 *
 * Raw SQL bypasses forShop's scoping: every statement names `shop` itself.
 */
import { randomBytes } from "node:crypto";
import { Prisma } from "@prisma/client";
import { atpFromAvailable } from "../../domain/inventory/atp";
import {
  holdExpiry,
  holdsDelta,
  transition,
  type ReservationEvent,
  type ReservationState,
  type ReservationView,
} from "../../domain/inventory/reservations";
import type { ShopDb } from "../db/scoped.server";
import { isUniqueViolation } from "../mirror/apply-if-newer.server";
import { idempotent, requestHash, type ApiAnswer, type IdempotentAnswer, type ShopTx } from "./idempotency.server";

export const MAX_HOLD_QUANTITY = 10_000;

/** Opaque id: "rsv_" + 26 base32 characters (130 random bits); says nothing about shop, SKU or time. */
export function newReservationId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  const bytes = randomBytes(26);
  let id = "rsv_";
  for (const byte of bytes) id += alphabet[byte & 31];
  return id;
}

export interface PublicReservation {
  id: string;
  state: ReservationState;
  sku: string | null;
  variantId: string | null;
  locationId: string;
  quantity: number;
  expiresAt: string;
  createdAt: string;
  /** Units of it moved into Shopify's reserved quantity. */
  shopifyReserved: number;
}

export interface ApiError {
  error: { code: string; message: string };
}

export interface HoldRequest {
  sku?: string | null;
  variantId?: string | null;
  locationId?: string | null;
  quantity: number;
  ttlSeconds?: number;
  reference?: string | null;
}

interface ReservationRow {
  id: string;
  state: string;
  inventoryItemId: string;
  variantId: string | null;
  sku: string | null;
  locationId: string;
  quantity: number;
  shopifyQuantity: number;
  expiresAt: Date;
  createdAt: Date;
}

export function toPublic(row: ReservationRow): PublicReservation {
  return {
    id: row.id,
    state: row.state as ReservationState,
    sku: row.sku,
    variantId: row.variantId,
    locationId: row.locationId,
    quantity: row.quantity,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    shopifyReserved: row.shopifyQuantity,
  };
}

function refuse(status: number, code: string, message: string): ApiAnswer<ApiError> {
  return { status, body: { error: { code, message } } };
}

async function locationNames(tx: ShopTx, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await tx.location.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, r.name]));
}

interface ResolvedItem {
  inventoryItemId: string;
  variantId: string | null;
  sku: string | null;
}

/** SKU is the identity: exactly one live variant must carry it. */
async function resolveItem(tx: ShopTx, request: HoldRequest): Promise<ResolvedItem | ApiAnswer<ApiError>> {
  if (request.variantId) {
    const variant = await tx.variant.findFirst({ where: { id: request.variantId }, select: { id: true, sku: true, inventoryItemId: true } });
    if (!variant?.inventoryItemId) return refuse(404, "unknown_variant", `Variant ${request.variantId} is not in the catalog mirror`);
    return { inventoryItemId: variant.inventoryItemId, variantId: variant.id, sku: variant.sku };
  }
  const sku = request.sku?.trim();
  if (!sku) return refuse(400, "invalid_request", "A hold names a sku or a variantId");
  const variants = await tx.variant.findMany({ where: { sku }, select: { id: true, inventoryItemId: true }, orderBy: { id: "asc" } });
  if (variants.length === 0) return refuse(404, "unknown_sku", `SKU ${sku} is not in the catalog mirror`);
  if (variants.length > 1) {
    return refuse(409, "duplicate_sku", `SKU ${sku} is on ${variants.length} variants (${variants.map((v) => v.id).join(", ")}); hold by variantId or make the SKU unique`);
  }
  const only = variants[0]!;
  if (!only.inventoryItemId) return refuse(404, "unknown_sku", `SKU ${sku} has no inventory item`);
  return { inventoryItemId: only.inventoryItemId, variantId: only.id, sku };
}

/** The conditional UPDATE. Returns ATP after the hold, or null when ATP < quantity (nothing changed). */
async function takeUnits(tx: ShopTx, shop: string, itemId: string, locationId: string, quantity: number, now: Date): Promise<number | null> {
  const rows = await tx.$queryRaw<{ atp: number }[]>`
    UPDATE "InventoryLevel"
       SET "peakguardHolds" = "peakguardHolds" + ${quantity}, "changedAt" = ${now}
     WHERE "shop" = ${shop} AND "inventoryItemId" = ${itemId} AND "locationId" = ${locationId} AND "active"
       AND "available" - "peakguardHolds" + "incoming" >= ${quantity}
    RETURNING ("available" - "peakguardHolds" + "incoming")::int AS "atp"`;
  return rows.length > 0 ? Number(rows[0]!.atp) : null;
}

/** Moves the level's holds by `delta` (negative: units come back). */
async function moveHolds(tx: ShopTx, shop: string, itemId: string, locationId: string, delta: number, now: Date): Promise<void> {
  if (delta === 0) return;
  await tx.$executeRaw`
    UPDATE "InventoryLevel" SET "peakguardHolds" = "peakguardHolds" + ${delta}, "changedAt" = ${now}
     WHERE "shop" = ${shop} AND "inventoryItemId" = ${itemId} AND "locationId" = ${locationId}`;
}

/** Locks the reservation row for the rest of the transaction. */
export async function lockReservation(tx: ShopTx, shop: string, id: string): Promise<ReservationRow | null> {
  const rows = await tx.$queryRaw<ReservationRow[]>`
    SELECT "id", "state", "inventoryItemId", "variantId", "sku", "locationId", "quantity", "shopifyQuantity", "expiresAt", "createdAt"
      FROM "Reservation" WHERE "shop" = ${shop} AND "id" = ${id} FOR UPDATE`;
  const row = rows[0];
  return row ? { ...row, expiresAt: new Date(row.expiresAt), createdAt: new Date(row.createdAt) } : null;
}

export interface HoldOptions {
  now: Date;
  /** Test seam: the id generator. */
  newId?: () => string;
}

export interface HoldStatementInput {
  shop: string;
  key: string;
  requestHash: string;
  /** Exactly one of sku (trimmed) and variantId. */
  sku: string | null;
  variantId: string | null;
  locationId: string | null;
  quantity: number;
  id: string;
  now: Date;
  expiresAt: Date;
  reference: string | null;
}

/**
 * A hold that succeeds, in one statement (one round trip, atomic): resolve the SKU
 * (exactly one variant, tracked), pick the level (the given location, else the one
 * with the most ATP, then by id), take the units with the conditional UPDATE, insert
 * the reservation and the idempotency log row with its answer. The answer is built
 * here and stored as JSON text; the first caller and every replay parse that same
 * text, so a replay is byte for byte the first answer.
 *
 * Returns no row when the hold cannot be taken as asked (unknown or duplicate SKU,
 * untracked, not enough ATP, or the chosen level lost its units to a concurrent
 * hold): nothing was written, and hold() runs the step-by-step path, which names
 * the reason and stores the refusal. A key already in the log fails the INSERT
 * (unique violation): the statement rolls back, units included, and hold() replays.
 */
export function holdStatement(input: HoldStatementInput): Prisma.Sql {
  const { shop, quantity, now } = input;
  return Prisma.sql`
WITH item AS (
  SELECT v."id" AS variant_id, v."sku", v."inventoryItemId" AS item_id, count(*) OVER () AS n
    FROM "Variant" v
   WHERE v."shop" = ${shop} AND (CASE WHEN ${input.variantId}::text IS NOT NULL THEN v."id" = ${input.variantId}::text ELSE v."sku" = ${input.sku}::text END)
   LIMIT 2
), one AS (
  SELECT item.* FROM item
    LEFT JOIN "InventoryItem" ii ON ii."shop" = ${shop} AND ii."id" = item.item_id
   WHERE item.n = 1 AND item.item_id IS NOT NULL AND ii."tracked" IS DISTINCT FROM false
), cand AS (
  SELECT l."locationId" FROM "InventoryLevel" l JOIN one ON l."inventoryItemId" = one.item_id
   WHERE l."shop" = ${shop} AND l."active" AND (${input.locationId}::text IS NULL OR l."locationId" = ${input.locationId}::text)
     AND l."available" - l."peakguardHolds" + l."incoming" >= ${quantity}
   ORDER BY l."available" - l."peakguardHolds" + l."incoming" DESC, l."locationId" ASC
   LIMIT 1
), took AS (
  UPDATE "InventoryLevel" l SET "peakguardHolds" = l."peakguardHolds" + ${quantity}, "changedAt" = ${now}
    FROM cand, one
   WHERE l."shop" = ${shop} AND l."inventoryItemId" = one.item_id AND l."locationId" = cand."locationId" AND l."active"
     AND l."available" - l."peakguardHolds" + l."incoming" >= ${quantity}
  RETURNING l."locationId", (l."available" - l."peakguardHolds" + l."incoming")::int AS atp_after
), res AS (
  INSERT INTO "Reservation" ("shop", "id", "state", "inventoryItemId", "variantId", "sku", "locationId", "quantity", "expiresAt", "reference", "createdAt", "updatedAt")
  SELECT ${shop}, ${input.id}, 'held', one.item_id, one.variant_id, one."sku", took."locationId", ${quantity}, ${input.expiresAt}, ${input.reference}::text, ${now}, ${now}
    FROM took, one
  RETURNING "id", "variantId", "sku", "locationId"
), body AS (
  SELECT res."id",
         json_build_object('reservation', json_build_object('id', res."id", 'state', 'held', 'sku', res."sku", 'variantId', res."variantId",
                           'locationId', res."locationId", 'quantity', ${quantity}::int, 'expiresAt', ${input.expiresAt.toISOString()}::text,
                           'createdAt', ${now.toISOString()}::text, 'shopifyReserved', 0),
                           'atpAfter', took.atp_after)::text AS answer
    FROM res, took
), logged AS (
  INSERT INTO "ReservationRequest" ("shop", "idempotencyKey", "operation", "requestHash", "status", "response", "reservationId")
  SELECT ${shop}, ${input.key}, 'hold', ${input.requestHash}, 201, to_jsonb(body.answer), body."id" FROM body
  RETURNING "reservationId"
)
SELECT body.answer FROM body JOIN logged ON logged."reservationId" = body."id"`;
}

/** A soft hold: one statement when it can be taken as asked, else the step-by-step path (refusals named and stored). */
export async function hold(db: ShopDb, shop: string, key: string, request: HoldRequest, options: HoldOptions): Promise<IdempotentAnswer> {
  const fast = await holdInOneStatement(db, shop, key, request, options);
  if (fast) return fast;
  return holdStepByStep(db, shop, key, request, options);
}

async function holdInOneStatement(db: ShopDb, shop: string, key: string, request: HoldRequest, options: HoldOptions): Promise<IdempotentAnswer | null> {
  const { quantity } = request;
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_HOLD_QUANTITY) return null;
  const expiresAt = holdExpiry(options.now.getTime(), request.ttlSeconds);
  if (typeof expiresAt !== "number") return null;
  const sku = request.variantId ? null : (request.sku?.trim() ?? "");
  if (sku === "") return null;
  const statement = holdStatement({
    shop,
    key,
    requestHash: requestHash("hold", request),
    sku,
    variantId: request.variantId ?? null,
    locationId: request.locationId ?? null,
    quantity,
    id: (options.newId ?? newReservationId)(),
    now: options.now,
    expiresAt: new Date(expiresAt),
    reference: request.reference ?? null,
  });
  let rows: { answer: string }[];
  try {
    rows = await db.$queryRaw<{ answer: string }[]>(statement);
  } catch (error) {
    // The key is in the log already (or being written): nothing of this statement stays; the step-by-step path replays.
    if (isUniqueViolation(error)) return null;
    throw error;
  }
  const answer = rows[0]?.answer;
  return answer === undefined ? null : { status: 201, body: JSON.parse(answer) as unknown, replayed: false };
}

/** The general path: every check named, refusals stored, candidates tried in order (idempotency.server). */
async function holdStepByStep(db: ShopDb, shop: string, key: string, request: HoldRequest, options: HoldOptions): Promise<IdempotentAnswer> {
  return idempotent(db, shop, key, "hold", request, async (tx) => {
    const { quantity } = request;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_HOLD_QUANTITY) {
      return refuse(400, "invalid_quantity", `quantity must be a whole number from 1 to ${MAX_HOLD_QUANTITY}; got ${JSON.stringify(quantity)}`);
    }
    const expiresAt = holdExpiry(options.now.getTime(), request.ttlSeconds);
    if (typeof expiresAt !== "number") return refuse(400, "ttl_out_of_range", expiresAt.ok ? "ttl out of range" : expiresAt.message);

    const item = await resolveItem(tx, request);
    if ("status" in item) return item;
    const tracked = await tx.inventoryItem.findFirst({ where: { id: item.inventoryItemId }, select: { tracked: true } });
    if (tracked && !tracked.tracked) return refuse(422, "untracked", `SKU ${item.sku ?? item.inventoryItemId}: Shopify does not track its inventory, so it cannot be held`);

    const levels = await tx.inventoryLevel.findMany({
      where: { inventoryItemId: item.inventoryItemId, active: true, ...(request.locationId ? { locationId: request.locationId } : {}) },
      select: { locationId: true, available: true, incoming: true, peakguardHolds: true },
    });
    const names = await locationNames(tx, levels.map((l) => l.locationId));
    const label = `SKU ${item.sku ?? item.inventoryItemId}`;
    if (levels.length === 0) {
      return refuse(404, "no_inventory_level", request.locationId ? `${label} is not stocked at location ${request.locationId}` : `${label} is not stocked at any location`);
    }
    // Without a location: the location with the most ATP first, then by id (explicit, not array order).
    const candidates = levels
      .map((l) => ({ locationId: l.locationId, atp: atpFromAvailable(l.available, l.incoming, l.peakguardHolds) }))
      .sort((a, b) => b.atp - a.atp || (a.locationId < b.locationId ? -1 : 1));

    for (const candidate of candidates) {
      if (candidate.atp < quantity && !request.locationId) continue;
      const atpAfter = await takeUnits(tx, shop, item.inventoryItemId, candidate.locationId, quantity, options.now);
      if (atpAfter === null) continue;
      const row = await tx.reservation.create({
        data: {
          shop,
          id: (options.newId ?? newReservationId)(),
          state: "held",
          inventoryItemId: item.inventoryItemId,
          variantId: item.variantId,
          sku: item.sku,
          locationId: candidate.locationId,
          quantity,
          expiresAt: new Date(expiresAt),
          reference: request.reference ?? null,
          createdAt: options.now,
        },
      });
      return { status: 201, body: { reservation: toPublic(row), atpAfter }, reservationId: row.id };
    }
    const where = candidates.map((c) => `${names.get(c.locationId) ?? c.locationId} has ATP ${c.atp}`).join("; ");
    return refuse(409, "insufficient_atp", `${label}: ${where}; ${quantity} requested`);
  });
}

export interface ChangeRequest {
  ttlSeconds?: number;
  orderId?: string | null;
}

const EVENT_STATUS: Record<string, number> = { transition_not_allowed: 409, expired: 410, not_expired: 409, ttl_out_of_range: 400 };

/** authorize | extend | release | commit (expire is the sweeper's, see expireDue). */
export async function change(
  db: ShopDb,
  shop: string,
  key: string,
  id: string,
  event: Exclude<ReservationEvent, "expire">,
  request: ChangeRequest,
  now: Date,
): Promise<IdempotentAnswer> {
  return idempotent(db, shop, key, event, { id, ...request }, async (tx) => {
    const answer = await applyEvent(tx, shop, id, event, request, now);
    return { ...answer, reservationId: id };
  });
}

async function applyEvent(tx: ShopTx, shop: string, id: string, event: ReservationEvent, request: ChangeRequest, now: Date): Promise<ApiAnswer> {
  const row = await lockReservation(tx, shop, id);
  if (!row) return refuse(404, "not_found", `No reservation ${id}`);
  const names = await locationNames(tx, [row.locationId]);
  const view: ReservationView = {
    id: row.id,
    state: row.state as ReservationState,
    quantity: row.quantity,
    shopifyQuantity: row.shopifyQuantity,
    expiresAt: row.expiresAt.getTime(),
    sku: row.sku,
    locationName: names.get(row.locationId) ?? row.locationId,
  };
  const result = transition(view, event, now.getTime(), request.ttlSeconds);
  if (!result.ok) return refuse(EVENT_STATUS[result.code] ?? 409, result.code, result.message);
  const ended = result.to === "released" || result.to === "expired" || result.to === "committed";
  const updated = await tx.reservation.update({
    where: { shop_id: { shop, id } },
    data: {
      state: result.to,
      expiresAt: new Date(result.expiresAt),
      ...(ended ? { endedAt: now } : {}),
      ...(request.orderId ? { orderId: request.orderId } : {}),
    },
  });
  await moveHolds(tx, shop, row.inventoryItemId, row.locationId, holdsDelta(view.state, result.to, row.quantity, row.shopifyQuantity), now);
  return { status: 200, body: { reservation: toPublic(updated) } };
}

/** The TTL sweeper: every held or reserved reservation past its expiry becomes expired. */
export async function expireDue(db: ShopDb, shop: string, now: Date, limit = 500): Promise<string[]> {
  const due = await db.reservation.findMany({
    where: { state: { in: ["held", "reserved"] }, expiresAt: { lte: now } },
    orderBy: [{ expiresAt: "asc" }, { id: "asc" }],
    take: limit,
    select: { id: true },
  });
  const expired: string[] = [];
  for (const { id } of due) {
    const answer = await db.$transaction((tx) => applyEvent(tx, shop, id, "expire", {}, now));
    if (answer.status === 200) expired.push(id);
  }
  return expired;
}

export async function getReservation(db: ShopDb, id: string): Promise<PublicReservation | null> {
  const row = await db.reservation.findFirst({ where: { id } });
  return row ? toPublic(row) : null;
}

export interface ReservationListRow extends PublicReservation {
  locationName: string;
  reference: string | null;
  orderId: string | null;
  shopifyError: string | null;
  endedAt: string | null;
}

export async function listReservations(
  db: ShopDb,
  options: { states?: ReservationState[]; limit?: number } = {},
): Promise<ReservationListRow[]> {
  const rows = await db.reservation.findMany({
    where: options.states ? { state: { in: options.states } } : {},
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: options.limit ?? 50,
  });
  const names = new Map(
    (await db.location.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.locationId))] } }, select: { id: true, name: true } })).map((l) => [l.id, l.name]),
  );
  return rows.map((row) => ({
    ...toPublic(row),
    locationName: names.get(row.locationId) ?? row.locationId,
    reference: row.reference,
    orderId: row.orderId,
    shopifyError: row.shopifyError,
    endedAt: row.endedAt?.toISOString() ?? null,
  }));
}
