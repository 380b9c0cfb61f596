/**
 * Region kill switches: the propagation receipt's simulated checkout runs the real
 * checkout-validation bundle (emulator/checkout) and judges its actual output. Without an
 * active validation in the store the function does not run and the receipt says NOT
 * honoured; with one, a killed country or market is blocked on the address's country field
 * with the switch's message, and a restore lifts it. regionCheck alone: an output without
 * the error is NOT honoured.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readTarget, type SwitchTarget } from "~/domain/kill-switches/switches";
import { forShop } from "~/services/db/scoped.server";
import { ensureKillSwitchCustomizations } from "~/services/kill-switches/customizations.server";
import { killSwitch, restoreSwitch, type FlipDeps, type FlipResult } from "~/services/kill-switches/flip.server";
import { regionCheck, simulatorProbe } from "~/services/kill-switches/probe.server";
import { asJson } from "~/services/kill-switches/repository.server";
import { emptyRuleSet, saveCheckoutRules, loadCheckoutRules } from "~/services/validation/rules.server";
import { adminClientFromToken, type AdminClient } from "~/services/admin/client.server";
import { buildFunction } from "../../functions/build";
import { startEmulator, type RunningEmulator } from "../../emulator/server";
import { simulateCheckout } from "../../emulator/checkout/run";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { CATALOG, TOKEN, seedWithFunctions } from "./helpers";

let db: TestDatabase;
let emulator: RunningEmulator;
let admin: AdminClient;
let shop: string;
const now = new Date("2026-11-27T14:00:00Z");

function target(raw: Record<string, unknown>): SwitchTarget {
  const read = readTarget("region", raw);
  if (!read.ok) throw new Error(read.message);
  return read.target;
}

const deps = (): FlipDeps => ({
  prisma: db.prisma,
  admin,
  shop,
  actor: "ops@peakguard-demo.example",
  timeZone: "America/New_York",
  probe: simulatorProbe({ catalog: async () => CATALOG, store: async () => ({ store: emulator.store }), simulate: simulateCheckout }),
  now: () => now,
});

function expectOk(result: FlipResult): Extract<FlipResult, { ok: true }> {
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result;
}

async function createValidation(): Promise<void> {
  const current = await loadCheckoutRules(admin, { currencyCode: "USD", zone: "America/New_York" });
  const saved = await saveCheckoutRules(admin, emptyRuleSet("USD"), { enabled: true, revision: current.revision, zone: "America/New_York", currencyCode: "USD", now, current });
  if (!saved.ok) throw new Error(`validation not created: ${JSON.stringify(saved)}`);
}

beforeAll(async () => {
  await Promise.all([buildFunction("payment-kill-switch"), buildFunction("delivery-kill-switch"), buildFunction("checkout-validation")]);
  db = await createTestDatabase();
  const seed = seedWithFunctions();
  emulator = await startEmulator({
    seed: { ...seed, functions: [...(seed.functions ?? []), { id: "01JPEAKVALIDATION000000001", title: "Peakguard checkout rules", apiType: "cart_checkout_validation", handle: "checkout-validation" }] },
    appUrl: "http://127.0.0.1:9",
    apiSecret: "x",
    accessToken: TOKEN,
    webhooks: { enabled: false },
  });
  admin = adminClientFromToken({ shop: emulator.store.shop.myshopifyDomain, accessToken: TOKEN, endpoint: emulator.graphqlUrl });
  shop = emulator.store.shop.myshopifyDomain;
}, 120_000);
beforeEach(async () => {
  await db.reset();
  await forShop(db.prisma, shop).peakSettings.create({ data: { shop, catalog: asJson(CATALOG) } });
  await ensureKillSwitchCustomizations(admin, forShop(db.prisma, shop), shop);
});
afterAll(async () => {
  await emulator?.close();
  await db?.close();
});

describe("region switch receipts", () => {
  it("without an active validation the function does not run: NOT honoured, and why", async () => {
    const on = expectOk(await killSwitch(deps(), { target: target({ cc: "FR" }), reason: "carrier strike in France", expiresAt: null }));
    expect(on.receipt.publish).toMatchObject({ ok: true, readBack: { ok: true } });
    expect(on.receipt.checkout).toMatchObject({ ran: true, ok: false, country: "FR" });
    expect(on.receipt.checkout.detail).toMatch(/^NOT honoured: checkout to FR \(eu\) was not checked by checkout-validation — no active validation runs it: save the Checkout rules page once to create it \(simulator: not activated: /);
    expectOk(await restoreSwitch(deps(), on.switchId, "cleanup"));
  });

  it("a killed country: the next checkout is blocked on the address's country, with the switch's message; a restore lifts it", async () => {
    await createValidation();
    const on = expectOk(
      await killSwitch(deps(), { target: target({ cc: "FR", msg: { en: "We can't ship to France today.", fr: "Pas de livraison en France aujourd'hui." } }), reason: "carrier strike in France", expiresAt: null })
    );
    expect(on.receipt.checkout).toMatchObject({
      ran: true,
      ok: true,
      country: "FR",
      market: "eu",
      detail: "checkout to FR (eu) blocked by checkout-validation on $.cart.deliveryGroups[0].deliveryAddress.countryCode: “We can't ship to France today.”",
    });
    const run = on.receipt.checkout.ran ? on.receipt.checkout.runs.find((r) => r.extension.endsWith("checkout-validation")) : undefined;
    expect(run).toMatchObject({ status: "ok" });
    expect(run!.instructions).toBeGreaterThan(0);

    const off = expectOk(await restoreSwitch(deps(), on.switchId, "strike over"));
    expect(off.receipt.checkout).toMatchObject({ ran: true, ok: true, detail: "checkout to FR (eu) no longer blocked by a region switch" });
  });

  it("a killed market: blocked in its first declared country with our default message", async () => {
    await createValidation();
    const on = expectOk(await killSwitch(deps(), { target: target({ market: "eu" }), reason: "EU warehouse offline", expiresAt: null }));
    expect(on.receipt.checkout).toMatchObject({
      ran: true,
      ok: true,
      country: "DE",
      market: "eu",
      detail:
        "checkout to DE (eu) blocked by checkout-validation on $.cart.deliveryGroups[0].deliveryAddress.countryCode: “We can't take orders for delivery to this country (DE) right now. Please choose another delivery address or try again later.”",
    });
    expectOk(await restoreSwitch(deps(), on.switchId, "warehouse back"));
  });
});

describe("regionCheck judges the function's output", () => {
  const entry = { cc: "FR" };
  const run = (output: unknown) => ({ runs: [{ handle: "checkout-validation", status: "ok", output, errors: [] }] }) as unknown as Parameters<typeof regionCheck>[0];
  const blockedOutput = {
    operations: [{ validationAdd: { errors: [{ target: "$.cart.deliveryGroups[0].deliveryAddress.countryCode", message: "We can't take orders for delivery to this country (FR) right now. Please choose another delivery address or try again later." }] } }],
  };

  it("an output without the error is NOT honoured, naming what the function returned", () => {
    expect(regionCheck(run({ operations: [] }), entry, true, [], "FR", "eu", undefined)).toEqual({ ok: false, detail: "NOT honoured: checkout-validation ran for checkout to FR (eu) and returned no errors" });
  });

  it("the same message on another field is NOT honoured", () => {
    const moved = { operations: [{ validationAdd: { errors: [{ ...blockedOutput.operations[0]!.validationAdd.errors[0]!, target: "$.cart" }] } }] };
    expect(regionCheck(run(moved), entry, true, [], "FR", "eu", undefined).ok).toBe(false);
  });

  it("the error present is honoured; still present after a restore is NOT", () => {
    expect(regionCheck(run(blockedOutput), entry, true, [], "FR", "eu", undefined).ok).toBe(true);
    expect(regionCheck(run(blockedOutput), entry, false, [], "FR", "eu", undefined)).toMatchObject({ ok: false, detail: expect.stringMatching(/^NOT honoured: checkout-validation still blocks checkout to FR/) });
  });

  it("a restore while a market switch still blocks the country is honoured, and says so", () => {
    const market = { id: "s2", target: { kind: "region", entry: { mk: "eu" } }, reason: "r", createdBy: "x", createdAt: new Date(), expiresAt: null } as const;
    const result = regionCheck(run(blockedOutput), { cc: "FR", msg: { en: "France is paused." } }, false, [market], "FR", "eu", undefined);
    expect(result).toMatchObject({ ok: true, detail: expect.stringContaining("another region switch still blocks it") });
  });

  it("a failed run is NOT honoured, with its error", () => {
    const failed = { runs: [{ handle: "checkout-validation", status: "error", output: null, errors: ["input query: not simulated: Market"] }] } as unknown as Parameters<typeof regionCheck>[0];
    expect(regionCheck(failed, entry, true, [], "FR", "eu", undefined).detail).toBe("NOT honoured: checkout to FR (eu) was not checked by checkout-validation — input query: not simulated: Market");
  });
});
