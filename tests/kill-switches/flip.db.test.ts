/**
 * Kill switches end to end against the store emulator: customizations created and activated,
 * each flip stored, audited, written to the shop metafield, read back, and honoured by the
 * next simulated checkout (the real function bundles in the checkout simulator).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KILL_SWITCH_KEY, parseKillSwitches } from "~/domain/kill-switches/format";
import { readTarget, type SwitchTarget } from "~/domain/kill-switches/switches";
import { forShop } from "~/services/db/scoped.server";
import { customizationStatus, ensureKillSwitchCustomizations } from "~/services/kill-switches/customizations.server";
import { killSwitch, restoreExpiredSwitches, restoreSwitch, type FlipDeps, type FlipResult } from "~/services/kill-switches/flip.server";
import { readKillSwitchMetafield } from "~/services/kill-switches/publish.server";
import { asJson } from "~/services/kill-switches/repository.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { CATALOG, startKillSwitchStore, type KillSwitchStore } from "./helpers";

let db: TestDatabase;
let store: KillSwitchStore;
let shop: string;
let now = new Date("2026-11-27T14:00:00Z");

function target(kind: string, raw: Record<string, unknown>): SwitchTarget {
  const read = readTarget(kind, raw);
  if (!read.ok) throw new Error(read.message);
  return read.target;
}

const deps = (actor = "ops@peakguard-demo.example"): FlipDeps => ({
  prisma: db.prisma,
  admin: store.admin,
  shop,
  actor,
  timeZone: "America/New_York",
  probe: store.probe,
  now: () => now,
});

function expectOk(result: FlipResult): Extract<FlipResult, { ok: true }> {
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result;
}

beforeAll(async () => {
  db = await createTestDatabase();
  store = await startKillSwitchStore();
  shop = store.emulator.store.shop.myshopifyDomain;
}, 120_000);
beforeEach(async () => {
  await db.reset();
  now = new Date("2026-11-27T14:00:00Z");
  await forShop(db.prisma, shop).peakSettings.create({ data: { shop, catalog: asJson(CATALOG) } });
  await ensureKillSwitchCustomizations(store.admin, forShop(db.prisma, shop), shop);
});
afterAll(async () => {
  await store?.emulator.close();
  await db?.close();
});

describe("customizations", () => {
  it("are created once, enabled, and found again on the next call", async () => {
    const status = await customizationStatus(store.admin);
    expect(status.map((s) => [s.kind, s.enabled])).toEqual([
      ["payment", true],
      ["delivery", true],
    ]);
    const again = await ensureKillSwitchCustomizations(store.admin, forShop(db.prisma, shop), shop);
    expect(again.map((s) => s.action)).toEqual(["active", "active"]);
    expect(again.map((s) => s.id)).toEqual(status.map((s) => s.id));
  });
});

describe("a flip", () => {
  it("writes the metafield, reads it back, and the next simulated checkout hides the payment method", async () => {
    const result = expectOk(await killSwitch(deps(), { target: target("payment", { name: "PayPal" }), reason: "PayPal timeouts at checkout", expiresAt: null }));
    expect(result.receipt.publish).toMatchObject({ ok: true, write: { ok: true }, readBack: { ok: true } });
    expect(result.receipt.checkout).toMatchObject({ ran: true, ok: true, market: "us" });
    const metafield = await readKillSwitchMetafield(store.admin);
    expect(parseKillSwitches(metafield.value).pay).toEqual([{ name: "PayPal" }]);
    expect(metafield.value).toContain(`"rev":${result.receipt.publish.rev}`);
  });

  it("hides a delivery option in the next simulated checkout", async () => {
    const result = expectOk(await killSwitch(deps(), { target: target("delivery", { handle: "express" }), reason: "Carrier missed pickups", expiresAt: null }));
    expect(result.receipt.checkout).toMatchObject({ ran: true, ok: true });
    if (result.receipt.checkout.ran) expect(result.receipt.checkout.detail).toContain("express hidden");
  });

  it("writes an audit row with who, when, why, before and after, and the receipt", async () => {
    const result = expectOk(await killSwitch(deps("ana@shop"), { target: target("payment", { name: "PayPal", mk: ["eu"] }), reason: "EU PayPal outage", expiresAt: null }));
    const rows = await forShop(db.prisma, shop).killSwitchAudit.findMany();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ id: result.auditId, actor: "ana@shop", action: "kill", reason: "EU PayPal outage", switchId: result.switchId, rev: result.receipt.publish.rev });
    expect(row.at.toISOString()).toBe(now.toISOString());
    expect(row.before).toMatchObject({ pay: [] });
    expect(row.after).toMatchObject({ pay: [{ name: "PayPal", mk: ["eu"] }] });
    expect(row.receipt).toMatchObject({ publish: { ok: true }, checkout: { ran: true, ok: true, market: "eu" } });
  });

  it("restores with its own audit row and the next checkout offers the method again", async () => {
    const on = expectOk(await killSwitch(deps(), { target: target("payment", { name: "PayPal" }), reason: "outage", expiresAt: null }));
    const off = expectOk(await restoreSwitch(deps("bo@shop"), on.switchId, "PayPal recovered"));
    expect(off.receipt.checkout).toMatchObject({ ran: true, ok: true });
    expect(parseKillSwitches((await readKillSwitchMetafield(store.admin)).value).pay).toEqual([]);
    const actions = (await forShop(db.prisma, shop).killSwitchAudit.findMany({ orderBy: { at: "asc" } })).map((r) => [r.action, r.actor]);
    expect(actions).toEqual([
      ["kill", "ops@peakguard-demo.example"],
      ["restore", "bo@shop"],
    ]);
  });
});

describe("the last-method guard", () => {
  it("refuses to hide the last payment method of a market, audits the refusal, and leaves the metafield alone", async () => {
    expectOk(await killSwitch(deps(), { target: target("payment", { name: "Shop Pay", mk: ["us"] }), reason: "Shop Pay degraded", expiresAt: null }));
    const before = await readKillSwitchMetafield(store.admin);
    const refused = await killSwitch(deps(), { target: target("payment", { name: "PayPal" }), reason: "PayPal outage", expiresAt: null });
    expect(refused).toMatchObject({ ok: false, code: "LAST_PAYMENT_METHOD" });
    expect((await readKillSwitchMetafield(store.admin)).value).toBe(before.value);
    const scoped = forShop(db.prisma, shop);
    expect(await scoped.killSwitch.count({ where: { restoredAt: null } })).toBe(1);
    const audit = await scoped.killSwitchAudit.findFirst({ where: { action: "refused" } });
    expect(audit?.reason).toMatch(/^LAST_PAYMENT_METHOD: .*market us.*\(asked: PayPal outage\)/);
  });

  it("refuses to hide the last delivery option of a market", async () => {
    expectOk(await killSwitch(deps(), { target: target("delivery", { handle: "standard" }), reason: "carrier down", expiresAt: null }));
    expect(await killSwitch(deps(), { target: target("delivery", { type: "SHIPPING", mk: ["us"] }), reason: "all carriers down", expiresAt: null })).toMatchObject({ ok: false, code: "LAST_DELIVERY_OPTION" });
  });

  it("serialises concurrent flips: of two kills that are each fine alone, one is refused", async () => {
    const [a, b] = await Promise.all([
      killSwitch(deps("a@shop"), { target: target("payment", { name: "Shop Pay" }), reason: "outage A", expiresAt: null }),
      killSwitch(deps("b@shop"), { target: target("payment", { name: "PayPal", mk: ["us"] }), reason: "outage B", expiresAt: null }),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    expect([a, b].find((r) => !r.ok)).toMatchObject({ code: "LAST_PAYMENT_METHOD" });
  });
});

describe("expiry", () => {
  it("the expiry job restores an expired switch, audits it as 'expire', and rewrites the metafield", async () => {
    const expiresAt = new Date(now.getTime() + 30 * 60_000);
    const on = expectOk(await killSwitch(deps(), { target: target("delivery", { handle: "express" }), reason: "for the drop hour", expiresAt }));
    // The metafield carries the shop-local expiry date for the functions' own check.
    expect(parseKillSwitches((await readKillSwitchMetafield(store.admin)).value).ship).toEqual([{ handle: "express", until: "2026-11-27" }]);

    expect((await restoreExpiredSwitches({ ...deps("expiry") })).restored).toEqual([]);
    now = new Date(expiresAt.getTime() + 1000);
    const { restored, receipt } = await restoreExpiredSwitches({ ...deps("expiry") });
    expect(restored.map((s) => s.id)).toEqual([on.switchId]);
    expect(receipt?.publish.ok).toBe(true);
    expect(receipt?.checkout).toMatchObject({ ran: true, ok: true });
    expect(parseKillSwitches((await readKillSwitchMetafield(store.admin)).value).ship).toEqual([]);
    const row = await forShop(db.prisma, shop).killSwitch.findFirst({ where: { id: on.switchId } });
    expect(row).toMatchObject({ restoredBy: "expiry", restoreReason: `expired at ${expiresAt.toISOString()}` });
    const audit = await forShop(db.prisma, shop).killSwitchAudit.findFirst({ where: { action: "expire" } });
    expect(audit).toMatchObject({ actor: "expiry", switchId: on.switchId });
    expect(audit?.after).toMatchObject({ ship: [] });
  });

  it("a publish never re-writes a switch whose expiry passed before the job ran", async () => {
    const expiresAt = new Date(now.getTime() + 60_000);
    expectOk(await killSwitch(deps(), { target: target("promotion", { id: "bf-20-off" }), reason: "overspend", expiresAt }));
    now = new Date(expiresAt.getTime() + 1);
    expectOk(await killSwitch(deps(), { target: target("promotion", { id: "happy-hour" }), reason: "overspend", expiresAt: null }));
    expect(parseKillSwitches((await readKillSwitchMetafield(store.admin)).value).promo).toEqual([{ id: "happy-hour" }]);
  });
});

it("the metafield key is the documented one", () => {
  expect(KILL_SWITCH_KEY).toBe("kill_switches");
});
