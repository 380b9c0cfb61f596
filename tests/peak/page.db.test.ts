/**
 * The Peak page's loader and actions against the emulator (its Admin API and the checkout
 * simulator): settings, flips from the form, the readiness checklist's live values, freeze
 * windows and the scheduler.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forShop } from "~/services/db/scoped.server";
import { loadPeakPage, peakAction, type PeakContext } from "~/services/peak/page.server";
import { runPeakTick } from "~/services/peak/scheduler.server";
import { storeDrillReport } from "~/services/peak/drill-reports.server";
import { DEFAULT_TARGETS } from "~/domain/peak/drill";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startKillSwitchStore, type KillSwitchStore } from "../kill-switches/helpers";

let db: TestDatabase;
let store: KillSwitchStore;
let shop: string;
let now = new Date("2026-11-27T14:00:00Z");

const CATALOG_TEXT = ["us | US | Shop Pay, PayPal | standard:Standard:SHIPPING, express:Express:SHIPPING", "eu | DE, FR | Klarna, PayPal | dhl:DHL:SHIPPING"].join("\n");

const ctx = (): PeakContext => ({ prisma: db.prisma, shop, admin: store.admin, actor: "ana@shop", probe: store.probe, now });
const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  return data;
};

beforeAll(async () => {
  db = await createTestDatabase();
  store = await startKillSwitchStore(async () => {
    const settings = await forShop(db.prisma, shop).peakSettings.findFirst();
    return (settings?.catalog as never) ?? { markets: [] };
  });
  shop = store.emulator.store.shop.myshopifyDomain;
}, 120_000);
beforeEach(async () => {
  await db.reset();
  now = new Date("2026-11-27T14:00:00Z");
  await forShop(db.prisma, shop).shop.create({ data: { shop, ianaTimezone: "America/New_York" } });
});
afterAll(async () => {
  await store?.emulator.close();
  await db?.close();
});

describe("settings", () => {
  it("saves the declared methods per market, and names a bad line", async () => {
    expect(await peakAction(ctx(), form({ intent: "settings", catalog: CATALOG_TEXT, peakOrdersPerMinute: "2000", switchTestDays: "14" }))).toMatchObject({ ok: true });
    const page = await loadPeakPage(ctx());
    expect(page.coverage.map((c) => c.market)).toEqual(["us", "eu"]);
    expect(page.settings.catalogText).toBe(CATALOG_TEXT);
    expect(await peakAction(ctx(), form({ intent: "settings", catalog: "us | USA | x | y", peakOrdersPerMinute: "2000", switchTestDays: "14" }))).toMatchObject({
      ok: false,
      field: "catalog",
      message: expect.stringContaining("market 1.countries"),
    });
  });
});

describe("flips from the page", () => {
  beforeEach(async () => {
    await peakAction(ctx(), form({ intent: "settings", catalog: CATALOG_TEXT, peakOrdersPerMinute: "2000", switchTestDays: "14" }));
    await peakAction(ctx(), form({ intent: "activate" }));
  });

  it("a payment kill from the form, with expiry, shows as on, with its receipt in the audit log", async () => {
    const result = await peakAction(ctx(), form({ intent: "kill", kind: "payment", name: "PayPal", markets: "eu", reason: "PayPal EU outage", expiresInMinutes: "90" }));
    expect(result).toMatchObject({ ok: true, message: expect.stringContaining("hidden") });
    const page = await loadPeakPage(ctx());
    expect(page.switches).toMatchObject([{ kind: "payment", description: "Payment method “PayPal” in eu", by: "ana@shop", reason: "PayPal EU outage", expires: "Nov 27, 2026, 10:30:00 EST" }]);
    expect(page.coverage.find((c) => c.market === "eu")?.payment.remaining).toEqual(["Klarna"]);
    expect(page.audit[0]).toMatchObject({ action: "kill", actor: "ana@shop", before: "nothing off", after: "1 payment", receiptOk: true });
  });

  it("refuses a flip without a reason, and the last method of a market", async () => {
    expect(await peakAction(ctx(), form({ intent: "kill", kind: "payment", name: "PayPal", reason: "" }))).toMatchObject({ ok: false, code: "REASON_REQUIRED" });
    await peakAction(ctx(), form({ intent: "kill", kind: "payment", name: "Klarna", reason: "Klarna down" }));
    expect(await peakAction(ctx(), form({ intent: "kill", kind: "payment", name: "PayPal", markets: "eu", reason: "PayPal down" }))).toMatchObject({ ok: false, code: "LAST_PAYMENT_METHOD" });
  });

  it("the readiness checklist reads live values: tests per kind, the metafield, functions, the drill", async () => {
    let page = await loadPeakPage(ctx());
    const item = (key: string) => page.readiness.find((i) => i.key === key)!;
    expect(item("switch-tests").status).toBe("fail");
    expect(item("drill")).toMatchObject({ status: "fail", value: "never run" });
    expect(item("functions")).toMatchObject({ status: "ok", value: "payment: on, delivery: on" });

    const on = await peakAction(ctx(), form({ intent: "kill", kind: "delivery", handle: "express", reason: "test before the peak" }));
    expect(on.ok).toBe(true);
    await peakAction(ctx(), form({ intent: "kill", kind: "payment", name: "PayPal", reason: "test before the peak" }));
    await peakAction(ctx(), form({ intent: "kill", kind: "promotion", id: "bf-20-off", reason: "test before the peak" }));
    await storeDrillReport(db.prisma, shop, {
      startedAt: new Date(now.getTime() - 3_600_000),
      finishedAt: now,
      passed: true,
      report: {
        config: {},
        targets: DEFAULT_TARGETS,
        verdicts: [],
        passed: true,
        results: {
          durationMs: 60_000,
          orders: { created: 3000, cancelled: 0, returned: 0, refunded: 0, inventoryUpdates: 0 },
          ordersPerMinute: 3000,
          webhooks: { events: 1, attempts: 1, duplicates: 0, refused: {}, dead: 0, byTopic: {} },
          ack: { count: 1, p50: 5, p95: 9, p99: 9, max: 9 },
          lag: { count: 1, p50: 50, p95: 90, p99: 90, max: 90 },
          processing: { processed: 1, unprocessed: 0, dead: 0, errors: {} },
          loss: { emitted: 1, logged: 1, lost: [], undelivered: [], neverAttempted: 0 },
          atp: { count: 0, p50: null, p95: null, p99: null, max: null, note: null },
          checkout: [{ function: "payment-kill-switch", wallMs: { count: 1, p50: 20, p95: 20, p99: 20, max: 20 }, instructions: { count: 1, p50: 900_000, p95: 900_000, p99: 900_000, max: 900_000 }, inputBytes: { count: 1, p50: 800, p95: 800, p99: 800, max: 800 }, errors: 0 }],
          backpressure: { cap: null, refusals: 0, note: "" },
          notes: [],
        },
      },
    });
    page = await loadPeakPage(ctx());
    expect(item("switch-tests")).toMatchObject({ status: "warn", value: expect.stringMatching(/^payment: 0 min ago · delivery: 0 min ago · promotion: 0 min ago · region: never$/) });
    expect(item("drill")).toMatchObject({ status: "ok", value: expect.stringContaining("passed 1 h ago") });
    expect(item("headroom").value).toContain("payment-kill-switch: 900,000 instr (8%), 800 B in (1%)");
    expect(item("caches").value).toMatch(/kill-switch metafield: rev \d+, \d+ B, confirmed/);
    expect(item("code-freeze")).toMatchObject({ status: "warn", value: "none scheduled" });
  });
});

describe("freeze windows and the scheduler", () => {
  it("a promotions window turns the freeze on while open; the scheduler restores it when it closes", async () => {
    await peakAction(ctx(), form({ intent: "settings", catalog: CATALOG_TEXT, peakOrdersPerMinute: "2000", switchTestDays: "14" }));
    // 08:30 → 10:00 New York = 13:30Z → 15:00Z
    expect(await peakAction(ctx(), form({ intent: "freeze-add", scope: "promotions", startsAt: "2026-11-27T08:30", endsAt: "2026-11-27T10:00", reason: "doorbusters" }))).toMatchObject({ ok: true });
    expect(await peakAction(ctx(), form({ intent: "freeze-add", scope: "code", startsAt: "2026-11-27T10:00", endsAt: "2026-11-27T08:00", reason: "x" }))).toMatchObject({ ok: false, field: "reason" });

    const tick = await runPeakTick(db.prisma, { now, clientFor: async () => store.admin });
    expect(tick).toEqual({ restored: 0, freezesStarted: 1, errors: [] });
    const freeze = await forShop(db.prisma, shop).killSwitch.findFirst({ where: { kind: "freeze", restoredAt: null } });
    expect(freeze).toMatchObject({ createdBy: "schedule", reason: "promotion freeze window: doorbusters" });
    expect(freeze?.expiresAt?.toISOString()).toBe("2026-11-27T15:00:00.000Z");
    expect((await runPeakTick(db.prisma, { now, clientFor: async () => store.admin })).freezesStarted).toBe(0);

    now = new Date("2026-11-27T15:00:01Z");
    expect(await runPeakTick(db.prisma, { now, clientFor: async () => store.admin })).toEqual({ restored: 1, freezesStarted: 0, errors: [] });
    expect(await forShop(db.prisma, shop).killSwitch.count({ where: { restoredAt: null } })).toBe(0);
  });
});
