/**
 * Reservations on the database: the conditional hold under concurrency (on PGlite
 * by default; on PostgreSQL in the TEST_DATABASE_URL pass), the lifecycle with
 * TTL expiry, idempotent replay, and shop scoping of the raw SQL.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forShop } from "~/services/db/scoped.server";
import { change, expireDue, hold } from "~/services/reservations/reservations.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { LOC, OTHER_SHOP, SHOP, T0, itemId, seedLocations, seedVariants } from "../inventory/seed";

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
});

const scoped = () => forShop(db.prisma, SHOP);
const at = (s: number) => new Date(T0.getTime() + s * 1000);

async function levelOf(n: number, location: string, shop = SHOP) {
  const level = await forShop(db.prisma, shop).inventoryLevel.findFirst({ where: { inventoryItemId: itemId(n), locationId: location } });
  if (!level) throw new Error("no level");
  return level;
}

describe(`100 concurrent holds on ATP 10 (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"})`, () => {
  it("exactly 10 succeed, 90 are refused with the ATP named, and ATP ends at 0, never negative", async () => {
    // GIVEN available 7 + incoming 3 = ATP 10 at Brooklyn
    await seedVariants(db.prisma, [{ n: 1, sku: "DROP-1", levels: [{ location: LOC.brooklyn, available: 7, incoming: 3 }] }]);
    // WHEN 100 shoppers hold 1 unit at once
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        hold(scoped(), SHOP, `hold-key-${String(i).padStart(3, "0")}`, { sku: "DROP-1", locationId: LOC.brooklyn, quantity: 1 }, { now: at(1) }),
      ),
    );
    // THEN
    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 409);
    expect(created).toHaveLength(10);
    expect(refused).toHaveLength(90);
    expect(JSON.stringify(refused[0]!.body)).toMatch(/SKU DROP-1: Brooklyn Warehouse has ATP \d+; 1 requested/);
    const level = await levelOf(1, LOC.brooklyn);
    expect(level.peakguardHolds).toBe(10);
    expect(level.available - level.peakguardHolds + level.incoming).toBe(0);
    expect(await scoped().reservation.count({ where: { state: "held" } })).toBe(10);
  });

  // Control: the same load with a read-then-write hold (check ATP, then add without a
  // condition) oversells on PostgreSQL — so the test above proves the conditional UPDATE,
  // not a lucky schedule. PGlite runs transactions one at a time, so there is no race to
  // show there: the control exists only in the PostgreSQL pass (registered, never skipped).
  if (process.env.TEST_DATABASE_URL) it(
    "control: a read-then-write hold under the same load oversells",
    async () => {
      await seedVariants(db.prisma, [{ n: 9, sku: "DROP-9", levels: [{ location: LOC.brooklyn, available: 10 }] }]);
      const naive = () =>
        scoped().$transaction(async (tx) => {
          const [row] = await tx.$queryRaw<{ atp: number }[]>`
            SELECT ("available" - "peakguardHolds" + "incoming")::int AS "atp" FROM "InventoryLevel"
             WHERE "shop" = ${SHOP} AND "inventoryItemId" = ${itemId(9)} AND "locationId" = ${LOC.brooklyn}`;
          if (!row || row.atp < 1) return false;
          await new Promise((resolve) => setTimeout(resolve, 5));
          await tx.$executeRaw`
            UPDATE "InventoryLevel" SET "peakguardHolds" = "peakguardHolds" + 1
             WHERE "shop" = ${SHOP} AND "inventoryItemId" = ${itemId(9)} AND "locationId" = ${LOC.brooklyn}`;
          return true;
        }, { maxWait: 15_000, timeout: 15_000 });
      const results = await Promise.all(Array.from({ length: 100 }, naive));
      const granted = results.filter(Boolean).length;
      console.info(`[control] read-then-write granted ${granted} holds on ATP 10`);
      expect(granted).toBeGreaterThan(10);
    },
  );

  it("holds of mixed sizes never take more than ATP", async () => {
    await seedVariants(db.prisma, [{ n: 2, sku: "DROP-2", levels: [{ location: LOC.chicago, available: 10 }] }]);
    const sizes = Array.from({ length: 40 }, (_, i) => 1 + (i % 3));
    const answers = await Promise.all(
      sizes.map((quantity, i) => hold(scoped(), SHOP, `mixed-key-${i}`, { sku: "DROP-2", locationId: LOC.chicago, quantity }, { now: at(1) })),
    );
    const taken = answers.reduce((sum, a, i) => sum + (a.status === 201 ? sizes[i]! : 0), 0);
    const level = await levelOf(2, LOC.chicago);
    expect(taken).toBe(level.peakguardHolds);
    expect(taken).toBeLessThanOrEqual(10);
    expect(taken).toBeGreaterThanOrEqual(8); // at worst a 3 is refused with 2 left, and then only 3s remain… at least 8 is always reachable
    expect(level.available - level.peakguardHolds).toBeGreaterThanOrEqual(0);
  });
});

describe("the reservation lifecycle", () => {
  beforeEach(async () => {
    await seedVariants(db.prisma, [{ n: 1, sku: "DROP-1", levels: [{ location: LOC.brooklyn, available: 5 }, { location: LOC.chicago, available: 2 }] }]);
  });

  async function holdOne(key: string, quantity = 2, ttlSeconds?: number) {
    const answer = await hold(scoped(), SHOP, key, { sku: "DROP-1", locationId: LOC.brooklyn, quantity, ttlSeconds }, { now: at(0) });
    expect(answer.status).toBe(201);
    return (answer.body as { reservation: { id: string } }).reservation.id;
  }

  it("hold → authorize → commit: ATP drops at the hold and stays down; holds are handed to Shopify by the sync", async () => {
    const id = await holdOne("life-hold-1");
    expect(id).toMatch(/^rsv_[a-z2-7]{26}$/);
    expect((await levelOf(1, LOC.brooklyn)).peakguardHolds).toBe(2);
    const authorized = await change(scoped(), SHOP, "life-auth-1", id, "authorize", { orderId: "gid://shopify/Order/1" }, at(60));
    expect(authorized.status).toBe(200);
    expect(authorized.body).toMatchObject({ reservation: { state: "reserved", expiresAt: new Date(at(60).getTime() + 7 * 86_400_000).toISOString() } });
    const committed = await change(scoped(), SHOP, "life-commit-1", id, "commit", {}, at(120));
    expect(committed.body).toMatchObject({ reservation: { state: "committed" } });
    // never moved to Shopify in this test: committing returns the unreflected units
    expect((await levelOf(1, LOC.brooklyn)).peakguardHolds).toBe(0);
  });

  it("release returns the units; a second release is refused naming the state", async () => {
    const id = await holdOne("life-hold-2");
    expect((await change(scoped(), SHOP, "life-release-2", id, "release", {}, at(10))).status).toBe(200);
    expect((await levelOf(1, LOC.brooklyn)).peakguardHolds).toBe(0);
    const again = await change(scoped(), SHOP, "life-release-2b", id, "release", {}, at(11));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: "transition_not_allowed", message: expect.stringContaining('is released: "release" is not allowed from released') } });
    expect((await levelOf(1, LOC.brooklyn)).peakguardHolds).toBe(0);
  });

  it("TTL expiry: the sweeper expires due holds only, and they give their units back", async () => {
    const short = await holdOne("ttl-hold-short", 1, 60);
    const long = await holdOne("ttl-hold-long", 2, 600);
    expect(await expireDue(scoped(), SHOP, at(59))).toEqual([]);
    expect(await expireDue(scoped(), SHOP, at(60))).toEqual([short]);
    expect((await levelOf(1, LOC.brooklyn)).peakguardHolds).toBe(2);
    const late = await change(scoped(), SHOP, "ttl-auth-short", short, "authorize", {}, at(61));
    expect(late.status).toBe(409);
    // an expired-but-not-yet-swept hold cannot be authorized either
    const expiredAuth = await change(scoped(), SHOP, "ttl-auth-long", long, "authorize", {}, at(600));
    expect(expiredAuth).toMatchObject({ status: 410, body: { error: { code: "expired" } } });
    expect(await expireDue(scoped(), SHOP, at(600))).toEqual([long]);
    expect((await levelOf(1, LOC.brooklyn)).peakguardHolds).toBe(0);
  });

  it("a replay with the same key returns the prior result and changes nothing", async () => {
    const first = await hold(scoped(), SHOP, "replay-key-1", { sku: "DROP-1", locationId: LOC.brooklyn, quantity: 2 }, { now: at(0) });
    const second = await hold(scoped(), SHOP, "replay-key-1", { sku: "DROP-1", locationId: LOC.brooklyn, quantity: 2 }, { now: at(5) });
    expect(second.replayed).toBe(true);
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    expect((await levelOf(1, LOC.brooklyn)).peakguardHolds).toBe(2);
    expect(await scoped().reservation.count()).toBe(1);
  });

  it("a refusal is replayed too, even after stock came back", async () => {
    const refused = await hold(scoped(), SHOP, "replay-refused", { sku: "DROP-1", locationId: LOC.chicago, quantity: 3 }, { now: at(0) });
    expect(refused.status).toBe(409);
    await scoped().inventoryLevel.updateMany({ where: { locationId: LOC.chicago }, data: { available: 50 } });
    const replay = await hold(scoped(), SHOP, "replay-refused", { sku: "DROP-1", locationId: LOC.chicago, quantity: 3 }, { now: at(1) });
    expect(replay).toMatchObject({ status: 409, replayed: true });
  });

  it("concurrent replays of one key run once", async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => hold(scoped(), SHOP, "replay-concurrent", { sku: "DROP-1", locationId: LOC.brooklyn, quantity: 1 }, { now: at(0) })),
    );
    expect(answers.every((a) => a.status === 201)).toBe(true);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    expect((await levelOf(1, LOC.brooklyn)).peakguardHolds).toBe(1);
  });

  it("the same key with another request is refused, naming it", async () => {
    await hold(scoped(), SHOP, "replay-mismatch", { sku: "DROP-1", locationId: LOC.brooklyn, quantity: 1 }, { now: at(0) });
    const other = await hold(scoped(), SHOP, "replay-mismatch", { sku: "DROP-1", locationId: LOC.brooklyn, quantity: 2 }, { now: at(0) });
    expect(other).toMatchObject({ status: 422, body: { error: { code: "idempotency_key_reused" } } });
  });

  it("without a location the hold goes where ATP is largest; refusals name every location's ATP", async () => {
    const answer = await hold(scoped(), SHOP, "any-location-1", { sku: "DROP-1", quantity: 3 }, { now: at(0) });
    expect(answer.body).toMatchObject({ reservation: { locationId: LOC.brooklyn } });
    const refused = await hold(scoped(), SHOP, "any-location-2", { sku: "DROP-1", quantity: 3 }, { now: at(0) });
    expect(refused.body).toEqual({
      error: { code: "insufficient_atp", message: "SKU DROP-1: Brooklyn Warehouse has ATP 2; Chicago Fulfillment Center has ATP 2; 3 requested" },
    });
  });

  it("refuses a duplicate SKU, an unknown SKU and bad quantities with named reasons", async () => {
    await seedVariants(db.prisma, [{ n: 2, sku: "DROP-1", levels: [] }]);
    expect((await hold(scoped(), SHOP, "dup-sku-1", { sku: "DROP-1", quantity: 1 }, { now: at(0) })).body).toMatchObject({ error: { code: "duplicate_sku" } });
    expect((await hold(scoped(), SHOP, "unknown-sku-1", { sku: "NOPE", quantity: 1 }, { now: at(0) })).status).toBe(404);
    expect((await hold(scoped(), SHOP, "bad-qty-0001", { sku: "NOPE", quantity: 0 }, { now: at(0) })).body).toMatchObject({ error: { code: "invalid_quantity" } });
    expect((await hold(scoped(), SHOP, "bad-ttl-0001", { sku: "NOPE", quantity: 1, ttlSeconds: 5 }, { now: at(0) })).body).toMatchObject({ error: { code: "ttl_out_of_range" } });
  });
});

describe("shop scoping of the raw SQL", () => {
  it("a hold through shop A's client never touches shop B's level for the same ids", async () => {
    await seedLocations(db.prisma, OTHER_SHOP);
    await seedVariants(db.prisma, [{ n: 1, sku: "DROP-1", levels: [{ location: LOC.brooklyn, available: 3 }] }]);
    await seedVariants(db.prisma, [{ n: 1, sku: "DROP-1", levels: [{ location: LOC.brooklyn, available: 3 }] }], OTHER_SHOP);
    const answer = await hold(scoped(), SHOP, "scope-hold-1", { sku: "DROP-1", locationId: LOC.brooklyn, quantity: 3 }, { now: at(0) });
    expect(answer.status).toBe(201);
    expect((await levelOf(1, LOC.brooklyn)).peakguardHolds).toBe(3);
    expect((await levelOf(1, LOC.brooklyn, OTHER_SHOP)).peakguardHolds).toBe(0);
    const id = (answer.body as { reservation: { id: string } }).reservation.id;
    // shop B cannot see, release or replay shop A's reservation or key
    const fromOther = await change(forShop(db.prisma, OTHER_SHOP), OTHER_SHOP, "scope-release-1", id, "release", {}, at(1));
    expect(fromOther.status).toBe(404);
    const otherKey = await hold(forShop(db.prisma, OTHER_SHOP), OTHER_SHOP, "scope-hold-1", { sku: "DROP-1", locationId: LOC.brooklyn, quantity: 1 }, { now: at(0) });
    expect(otherKey).toMatchObject({ status: 201, replayed: false });
    expect((await levelOf(1, LOC.brooklyn)).peakguardHolds).toBe(3);
  });
});
