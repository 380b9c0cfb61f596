import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forShop } from "~/services/db/scoped.server";
import { withIdempotency } from "~/services/orders/staff-actions.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { OTHER_SHOP, SHOP } from "../webhooks/helpers";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(() => db.reset());
afterAll(() => db.close());

const request = (over: Partial<{ key: string; action: string; target: string; params: unknown }> = {}) => ({
  key: "click-0001",
  action: "approve",
  target: "rma-1",
  params: { note: "ok" },
  ...over,
});

describe("idempotent staff actions", () => {
  it("a double click runs the action once and answers both with its result", async () => {
    let runs = 0;
    const act = () => withIdempotency(forShop(db.prisma, SHOP), SHOP, request(), async () => ({ ok: true as const, value: { n: ++runs } }));
    const first = await act();
    const second = await act();
    expect(runs).toBe(1);
    expect(first).toEqual({ ok: true, value: { n: 1 }, replayed: false });
    expect(second).toEqual({ ok: true, value: { n: 1 }, replayed: true });
  });

  it("two clicks at the same time: one acts, the other is told it is in progress", async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const db1 = forShop(db.prisma, SHOP);
    const slow = withIdempotency(db1, SHOP, request(), async () => {
      runs++;
      await gate;
      return { ok: true as const, value: "done" };
    });
    // Let the first claim the key before the second arrives.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const fast = await withIdempotency(db1, SHOP, request(), async () => ({ ok: true as const, value: (runs += 100) }));
    release();
    expect(fast).toMatchObject({ ok: false, code: "in_progress", replayed: true });
    expect(await slow).toEqual({ ok: true, value: "done", replayed: false });
    expect(runs).toBe(1);
  });

  it("a failure is remembered too: the same key never retries behind the staff's back", async () => {
    let runs = 0;
    const act = () =>
      withIdempotency(forShop(db.prisma, SHOP), SHOP, request(), async () => {
        runs++;
        throw new Error("Shopify was down");
      });
    expect(await act()).toEqual({ ok: false, code: "failed", message: "Error: Shopify was down", replayed: false });
    expect(await act()).toEqual({ ok: false, code: "failed", message: "Error: Shopify was down", replayed: true });
    expect(runs).toBe(1);
  });

  it("a key reused for another action, target or parameters is refused", async () => {
    const ok = async () => ({ ok: true as const, value: 1 });
    await withIdempotency(forShop(db.prisma, SHOP), SHOP, request(), ok);
    expect(await withIdempotency(forShop(db.prisma, SHOP), SHOP, request({ action: "decline" }), ok)).toMatchObject({
      ok: false,
      code: "idempotency_key_reused",
      message: "idempotency key click-0001 was used for approve on rma-1; a new action needs a new key",
    });
    expect(await withIdempotency(forShop(db.prisma, SHOP), SHOP, request({ params: { note: "other" } }), ok)).toMatchObject({
      code: "idempotency_key_reused",
      message: "idempotency key click-0001 was used for approve on rma-1 with other parameters; a new action needs a new key",
    });
  });

  it("keys are per shop, and a malformed key is refused before anything runs", async () => {
    const ok = async () => ({ ok: true as const, value: 1 });
    await withIdempotency(forShop(db.prisma, SHOP), SHOP, request(), ok);
    expect(await withIdempotency(forShop(db.prisma, OTHER_SHOP), OTHER_SHOP, request(), ok)).toMatchObject({ ok: true, replayed: false });
    expect(await withIdempotency(forShop(db.prisma, SHOP), SHOP, request({ key: "x" }), ok)).toMatchObject({ ok: false, code: "bad_idempotency_key" });
  });
});
