/**
 * The second half of the propagation receipt: the next checkout, simulated, honouring the
 * switch. Built on the checkout simulator (emulator/checkout, `simulateCheckout`), which runs
 * every activated function bundle against the store's data — so the check passes only when
 * the metafield was written to the store, our customization exists and is enabled, and the
 * function hides what the switch names.
 *
 * The cart: one in-stock variant, shipped to the switch's market (its first declared country,
 * or the region's country), offered exactly the payment methods and delivery options the
 * merchant declared for that market.
 *
 * Where it runs: tests and scripts (the drill) pass the store; the demo app reads the live
 * emulator's state (GET /__emulator/state) and loads the simulator's TypeScript through tsx
 * (a dev dependency, present wherever the emulator is). In production there is no simulator:
 * the receipt says so and stops at the read-back.
 */
import path from "node:path";
import { EMPTY_KILL_SWITCHES, isDeliveryOptionKilled, isPaymentMethodKilled, type RegionKill } from "~/domain/kill-switches/format";
import { regionKillErrors } from "~/domain/validation/kill-regions";
import { describeTarget, type ActiveSwitch, type DeclaredMarket, type MethodCatalog, type SwitchTarget } from "~/domain/kill-switches/switches";
import type { CheckoutResult, SimulateOptions } from "../../../emulator/checkout/run";
import type { StoreDump } from "../../../emulator/checkout/snapshot";

export interface ProbeRequest {
  shop: string;
  target: SwitchTarget;
  /** true: the switch was turned on (expect it hidden/blocked); false: restored (expect it back). */
  off: boolean;
  active: readonly ActiveSwitch[];
}

export interface CheckoutCheck {
  ran: true;
  ok: boolean;
  detail: string;
  market: string | null;
  country: string | null;
  /** Our functions' runs in that checkout: status and instructions. */
  runs: { extension: string; target: string; status: string; instructions: number; errors: string[] }[];
  at: string;
}

export type ProbeOutcome = CheckoutCheck | { ran: false; detail: string };
export type CheckoutProbe = (request: ProbeRequest) => Promise<ProbeOutcome>;

export type Simulate = (options: SimulateOptions) => Promise<CheckoutResult>;

export interface SimulatorProbeOptions {
  catalog: () => Promise<MethodCatalog>;
  /** The store as the simulator reads it: a dump (live emulator) or options with `store`. */
  store: () => Promise<Pick<SimulateOptions, "store" | "dump">>;
  simulate: Simulate;
  now?: () => Date;
}

function pickMarket(catalog: MethodCatalog, target: SwitchTarget): { market: DeclaredMarket | null; country: string | null } {
  const markets = catalog.markets;
  if (target.kind === "payment" || target.kind === "delivery") {
    const scoped = target.entry.mk?.[0];
    const ks = target.kind === "payment" ? { ...EMPTY_KILL_SWITCHES, pay: [target.entry] } : { ...EMPTY_KILL_SWITCHES, ship: [target.entry] };
    const offers = (m: DeclaredMarket) =>
      target.kind === "payment"
        ? m.payment.some((name) => isPaymentMethodKilled(ks, name, null, m.handle))
        : m.delivery.some((o) => isDeliveryOptionKilled(ks, { handle: o.handle, title: o.title ?? null, deliveryMethodType: o.type ?? null }, null, m.handle));
    const market = markets.find((m) => m.handle === scoped) ?? markets.find(offers) ?? null;
    return { market, country: market?.countries[0] ?? null };
  }
  if (target.kind === "region") {
    const cc = target.entry.cc ?? null;
    const market = markets.find((m) => m.handle === target.entry.mk) ?? (cc ? markets.find((m) => m.countries.includes(cc)) : undefined) ?? null;
    return { market, country: cc ?? market?.countries[0] ?? null };
  }
  return { market: markets[0] ?? null, country: markets[0]?.countries[0] ?? null };
}

function firstSku(dump: Pick<StoreDump, "variants" | "inventoryLevels"> | null): string | null {
  if (!dump) return null;
  const stocked = new Set(dump.inventoryLevels.filter((l) => (l.quantities?.available ?? 0) > 0).map((l) => l.itemId));
  const variant = dump.variants.find((v) => v.sku && stocked.has(v.inventoryItemId)) ?? dump.variants.find((v) => v.sku);
  return variant?.sku ?? null;
}

/** A probe over the checkout simulator. */
export function simulatorProbe(options: SimulatorProbeOptions): CheckoutProbe {
  // The first checkout builds the bundles (typegen + esbuild, as the CLI does); later ones reuse them.
  let built = false;
  return async (request) => {
    const { target, off } = request;
    if (target.kind === "promotion" || target.kind === "freeze") {
      return { ran: false, detail: "not simulated here: promotion switches are honoured by the discount function (isPromotionKilled); the simulated check covers payment, delivery and region switches" };
    }
    const catalog = await options.catalog();
    const { market, country } = pickMarket(catalog, target);
    if (!country) return { ran: false, detail: `no declared market to check ${describeTarget(target)} in` };
    const source = await options.store();
    const dump = source.dump ?? (source.store ? (source.store.dump() as unknown as StoreDump) : null);
    const sku = firstSku(dump);
    if (!sku) return { ran: false, detail: "the store has no variant with a SKU to put in the cart" };

    const cart = {
      lines: [{ sku, quantity: 1 }],
      address: { countryCode: country, city: "Simulated", zip: "00000", address1: "1 Peak St" },
      country,
      ...(market
        ? {
            market: { handle: market.handle },
            paymentMethods: market.payment.map((name, i) => ({ id: `gid://shopify/PaymentCustomizationPaymentMethod/${i + 1}`, name })),
            deliveryOptions: market.delivery.map((o, i) => ({ handle: o.handle, title: o.title ?? o.handle, costCents: 500 + 100 * i, type: o.type ?? "SHIPPING" })),
          }
        : {}),
      buyerJourneyStep: "CHECKOUT_COMPLETION",
    };
    const result = await options.simulate({ cart, ...source, build: !built });
    built = true;
    const shopper = result.shopper;
    const mine = new Set(["payment-kill-switch", "delivery-kill-switch", "checkout-validation"]);
    const runs = result.runs
      .filter((r) => mine.has(r.handle) || r.api === "payment-customization" || r.api === "delivery-customization" || r.api === "cart-checkout-validation")
      .map((r) => ({ extension: r.extension, target: r.target, status: r.status, instructions: r.instructions, errors: r.errors.slice(0, 3) }));
    const at = (options.now ?? (() => new Date()))().toISOString();
    const base = { ran: true as const, market: market?.handle ?? null, country, runs, at };
    const skippedWhy = (handle: string) =>
      result.skipped.find((s) => s.extension === handle || s.extension.endsWith(handle))?.reason ??
      result.runs.find((r) => r.handle === handle && r.status === "error")?.errors[0];

    // What this one switch names, by the functions' own predicates.
    const ks = EMPTY_KILL_SWITCHES;
    if (target.kind === "payment") {
      const offered = market?.payment ?? [];
      const named = offered.filter((name) => isPaymentMethodKilled({ ...ks, pay: [target.entry] }, name, null, market?.handle));
      const shown = shopper.paymentMethods.map((m) => m.originalName);
      const stillShown = named.filter((n) => shown.includes(n));
      const ok = off ? named.length > 0 && stillShown.length === 0 : stillShown.length === named.length;
      const why = ok ? "" : skippedWhy("payment-kill-switch");
      return {
        ...base,
        ok,
        detail: off
          ? ok
            ? `checkout in ${market?.handle ?? country} offered ${shown.join(", ") || "nothing"}: ${named.join(", ")} hidden`
            : `NOT honoured: checkout in ${market?.handle ?? country} still offers ${stillShown.join(", ") || "(nothing matched)"}${why ? ` — ${why}` : ""}`
          : ok
            ? `checkout in ${market?.handle ?? country} offers ${named.join(", ")} again`
            : `NOT honoured: ${named.filter((n) => !shown.includes(n)).join(", ")} still hidden in ${market?.handle ?? country}`,
      };
    }
    if (target.kind === "delivery") {
      const hidden = shopper.deliveryGroups.flatMap((g) => g.hidden.map((h) => h.handle));
      const shown = shopper.deliveryGroups.flatMap((g) => g.options.map((o) => o.handle));
      const named = (market?.delivery ?? []).filter((o) => isDeliveryOptionKilled({ ...ks, ship: [target.entry] }, { handle: o.handle, title: o.title ?? null, deliveryMethodType: o.type ?? null }, null, market?.handle)).map((o) => o.handle);
      const ok = off ? named.length > 0 && named.every((h) => hidden.includes(h)) : named.every((h) => shown.includes(h));
      const why = ok ? "" : skippedWhy("delivery-kill-switch");
      return {
        ...base,
        ok,
        detail: off
          ? ok
            ? `checkout in ${market?.handle ?? country}: ${named.join(", ")} hidden; offered ${shown.join(", ")}`
            : `NOT honoured: checkout in ${market?.handle ?? country} still offers ${named.filter((h) => !hidden.includes(h)).join(", ") || "(nothing matched)"}${why ? ` — ${why}` : ""}`
          : ok
            ? `checkout in ${market?.handle ?? country} offers ${named.join(", ")} again`
            : `NOT honoured: ${named.filter((h) => !shown.includes(h)).join(", ")} still hidden`,
      };
    }
    // region: what the checkout-validation function itself returned in this checkout.
    return { ...base, ...regionCheck(result, target.entry, off, request.active, country, market?.handle ?? null, skippedWhy("checkout-validation")) };
  };
}

const VALIDATION_HANDLE = "checkout-validation";

function validationErrorsOf(output: unknown): { target: string; message: string }[] {
  const operations = (output as { operations?: unknown } | null)?.operations;
  if (!Array.isArray(operations)) return [];
  const out: { target: string; message: string }[] = [];
  for (const op of operations) {
    const errors = (op as { validationAdd?: { errors?: unknown } } | null)?.validationAdd?.errors;
    if (!Array.isArray(errors)) continue;
    for (const e of errors as { target?: unknown; message?: unknown }[]) {
      if (typeof e.target === "string" && typeof e.message === "string") out.push({ target: e.target, message: e.message });
    }
  }
  return out;
}

/**
 * The region part of the receipt, judged from the validation function's actual output in the
 * simulated checkout (one address in `country`, shopper language English), against what
 * app/domain/validation/kill-regions.ts says the switch produces there: the error on the
 * address's country field with the switch's message. Turned on: honoured when that error is
 * in the output. Restored: honoured when it is gone (or another active region switch still
 * blocks this destination with its own words). The function not running (no active
 * validation in the store) is "NOT honoured", with the simulator's reason.
 */
export function regionCheck(
  result: Pick<CheckoutResult, "runs">,
  entry: Extract<SwitchTarget, { kind: "region" }>["entry"],
  off: boolean,
  active: readonly ActiveSwitch[],
  country: string,
  market: string | null,
  why: string | undefined
): { ok: boolean; detail: string } {
  const where = `${country}${market ? ` (${market})` : ""}`;
  const cart = { buyerJourney: { step: "CHECKOUT_COMPLETION" as const }, localization: { language: { isoCode: "EN" } }, cart: { deliveryGroups: [{ deliveryAddress: { countryCode: country } }] } };
  const expect = (region: Omit<RegionKill, "until">[]) => regionKillErrors({ v: 1, region }, cart, market, null)[0] ?? null;
  const mine = expect([entry]);
  if (!mine) return { ok: false, detail: `NOT checked: this switch does not apply to checkout to ${where}` };
  const same = (a: Omit<RegionKill, "until">) => (a.cc ?? null) === (entry.cc ?? null) && (a.mk ?? null) === (entry.mk ?? null);
  const others = active.flatMap((a) => (a.target.kind === "region" && !same(a.target.entry) ? [a.target.entry] : [])).filter((e) => expect([e]) !== null);
  const runs = result.runs.filter((r) => r.handle === VALIDATION_HANDLE);
  const ran = runs.filter((r) => r.status === "ok");
  if (ran.length === 0) {
    const failed = runs.find((r) => r.errors.length > 0)?.errors[0];
    const reason = failed ?? `no active validation runs it: save the Checkout rules page once to create it${why ? ` (simulator: ${why})` : ""}`;
    return { ok: false, detail: `NOT honoured: checkout to ${where} was not checked by ${VALIDATION_HANDLE} — ${reason}` };
  }
  const errors = ran.flatMap((r) => validationErrorsOf(r.output));
  const atField = errors.filter((e) => e.target === mine.target);
  if (off) {
    const shown = atField.find((e) => e.message === mine.message) ?? atField.find((e) => others.some((o) => expect([o])?.message === e.message));
    return shown
      ? { ok: true, detail: `checkout to ${where} blocked by ${VALIDATION_HANDLE} on ${shown.target}: “${shown.message}”` }
      : { ok: false, detail: `NOT honoured: ${VALIDATION_HANDLE} ran for checkout to ${where} and returned ${errors.length === 0 ? "no errors" : errors.map((e) => `“${e.message}”`).join(" / ")}` };
  }
  const still = atField.find((e) => e.message === mine.message && !others.some((o) => expect([o])?.message === e.message));
  if (still) return { ok: false, detail: `NOT honoured: ${VALIDATION_HANDLE} still blocks checkout to ${where}: “${still.message}”` };
  const other = others.length > 0 ? atField.find((e) => others.some((o) => expect([o])?.message === e.message)) : undefined;
  return { ok: true, detail: other ? `checkout to ${where} no longer blocked by this switch (another region switch still blocks it: “${other.message}”)` : `checkout to ${where} no longer blocked by a region switch` };
}

/**
 * The demo's probe: the live emulator's state and the simulator loaded through tsx. Null when
 * the app is not in demo mode (no loopback emulator) or tsx is not installed.
 */
export function demoProbe(emulatorUrl: string | null, catalog: () => Promise<MethodCatalog>): CheckoutProbe | null {
  if (!emulatorUrl) return null;
  let simulate: Simulate | null = null;
  return simulatorProbe({
    catalog,
    store: async () => {
      const response = await fetch(new URL("/__emulator/state", emulatorUrl));
      if (!response.ok) throw new Error(`GET /__emulator/state answered ${response.status}`);
      return { dump: (await response.json()) as StoreDump };
    },
    simulate: async (options) => {
      if (!simulate) {
        // A runtime-only path: the built app does not bundle the emulator.
        const api = "tsx/esm/api";
        const { tsImport } = (await import(/* @vite-ignore */ api)) as { tsImport: (file: string, parent: string) => Promise<{ simulateCheckout: Simulate }> };
        const mod = await tsImport(path.resolve(process.cwd(), "emulator/checkout/run.ts"), import.meta.url);
        simulate = mod.simulateCheckout;
      }
      return simulate(options);
    },
  });
}
