/**
 * The one-statement hold (holdStatement): what it writes when it takes units, and
 * that it writes nothing at all when it cannot — a key already in the log rolls
 * the whole statement back, units included — so hold() can fall back to the
 * step-by-step path without a trace of the first attempt.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forShop } from "~/services/db/scoped.server";
import { requestHash } from "~/services/reservations/idempotency.server";
import { hold, holdStatement, type HoldStatementInput } from "~/services/reservations/reservations.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { LOC, SHOP, T0, itemId, seedLocations, seedVariants, variantId } from "../inventory/seed";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.reset();
  await seedLocations(db.prisma);
  await seedVariants(db.prisma, [
    { n: 1, sku: "DROP-1", levels: [{ location: LOC.brooklyn, available: 2 }, { location: LOC.chicago, available: 4, incoming: 1 }] },
    { n: 2, sku: "OFF", tracked: false, levels: [{ location: LOC.brooklyn, available: 9 }] },
  ]);
});

const scoped = () => forShop(db.prisma, SHOP);
const expiresAt = new Date(T0.getTime() + 600_000);
const input = (over: Partial<HoldStatementInput> = {}): HoldStatementInput => ({
  shop: SHOP,
  key: "stmt-key-0001",
  requestHash: requestHash("hold", { sku: "DROP-1", quantity: 1 }),
  sku: "DROP-1",
  variantId: null,
  locationId: null,
  quantity: 1,
  id: "rsv_statementtest0000000000001",
  now: T0,
  expiresAt,
  reference: null,
  ...over,
});
const holdsAt = async (location: string) =>
  (await scoped().inventoryLevel.findFirst({ where: { inventoryItemId: itemId(1), locationId: location } }))!.peakguardHolds;

describe("holdStatement", () => {
  it("takes the units where ATP is largest and logs the answer it returns", async () => {
    const rows = await db.prisma.$queryRaw<{ answer: string }[]>(holdStatement(input({ quantity: 3 })));
    expect(rows).toHaveLength(1);
    const answer = JSON.parse(rows[0]!.answer);
    expect(answer).toEqual({
      reservation: {
        id: "rsv_statementtest0000000000001",
        state: "held",
        sku: "DROP-1",
        variantId: variantId(1),
        locationId: LOC.chicago,
        quantity: 3,
        expiresAt: expiresAt.toISOString(),
        createdAt: T0.toISOString(),
        shopifyReserved: 0,
      },
      atpAfter: 2,
    });
    expect(await holdsAt(LOC.chicago)).toBe(3);
    const logged = await scoped().reservationRequest.findFirst();
    expect(logged).toMatchObject({ operation: "hold", status: 201, reservationId: "rsv_statementtest0000000000001" });
    expect(logged!.response).toBe(rows[0]!.answer);
  });

  it("by variantId the reservation carries the variant's SKU", async () => {
    const rows = await db.prisma.$queryRaw<{ answer: string }[]>(holdStatement(input({ sku: null, variantId: variantId(1), locationId: LOC.brooklyn })));
    expect(JSON.parse(rows[0]!.answer)).toMatchObject({ reservation: { sku: "DROP-1", locationId: LOC.brooklyn }, atpAfter: 1 });
    expect(await scoped().reservation.findFirst()).toMatchObject({ sku: "DROP-1", variantId: variantId(1), inventoryItemId: itemId(1) });
  });

  it("writes nothing when the hold cannot be taken as asked", async () => {
    const cases: Partial<HoldStatementInput>[] = [
      { quantity: 6 }, // ATP 5 at Chicago, 2 at Brooklyn
      { locationId: LOC.brooklyn, quantity: 3 },
      { sku: "NO-SUCH-SKU" },
      { sku: "OFF" }, // untracked
      { locationId: LOC.dublin }, // not stocked there
    ];
    for (const over of cases) expect(await db.prisma.$queryRaw(holdStatement(input(over)))).toEqual([]);
    expect(await holdsAt(LOC.brooklyn)).toBe(0);
    expect(await holdsAt(LOC.chicago)).toBe(0);
    expect(await scoped().reservation.count()).toBe(0);
    expect(await scoped().reservationRequest.count()).toBe(0);
  });

  it("a key already logged fails the statement and leaves the units where they were", async () => {
    await db.prisma.$queryRaw(holdStatement(input()));
    await expect(db.prisma.$queryRaw(holdStatement(input({ id: "rsv_statementtest0000000000002" })))).rejects.toThrow();
    expect(await holdsAt(LOC.chicago)).toBe(1);
    expect(await scoped().reservation.count()).toBe(1);
  });
});

describe("hold() over the statement", () => {
  it("the first answer and its replay are the same bytes; a refusal after stock ran out is stored and replayed", async () => {
    const first = await hold(scoped(), SHOP, "svc-key-0001", { sku: "DROP-1", quantity: 5 }, { now: T0 });
    const replay = await hold(scoped(), SHOP, "svc-key-0001", { sku: "DROP-1", quantity: 5 }, { now: T0 });
    expect(first).toMatchObject({ status: 201, replayed: false, body: { reservation: { locationId: LOC.chicago }, atpAfter: 0 } });
    expect(replay.replayed).toBe(true);
    expect(JSON.stringify(replay.body)).toBe(JSON.stringify(first.body));
    const refused = await hold(scoped(), SHOP, "svc-key-0002", { sku: "DROP-1", locationId: LOC.chicago, quantity: 1 }, { now: T0 });
    expect(refused.body).toEqual({ error: { code: "insufficient_atp", message: "SKU DROP-1: Chicago Fulfillment Center has ATP 0; 1 requested" } });
    expect(await hold(scoped(), SHOP, "svc-key-0002", { sku: "DROP-1", locationId: LOC.chicago, quantity: 1 }, { now: T0 })).toMatchObject({ status: 409, replayed: true });
    expect(await holdsAt(LOC.chicago)).toBe(5);
  });
});
