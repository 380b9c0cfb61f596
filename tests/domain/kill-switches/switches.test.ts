import { describe, expect, it } from "vitest";
import { isPaymentMethodKilled, parseKillSwitches } from "~/domain/kill-switches/format";
import { serializeKillSwitches } from "~/domain/kill-switches/serialize";
import {
  catalogText,
  coverage,
  expiredSwitches,
  parseCatalogText,
  planKill,
  planRestore,
  readTarget,
  switchKey,
  toKillSwitches,
  type ActiveSwitch,
  type FlipContext,
  type MethodCatalog,
  type SwitchTarget,
} from "~/domain/kill-switches/switches";

const NOW = new Date("2026-11-27T14:00:00Z"); // 09:00 in New York
const ZONE = "America/New_York";

const catalog: MethodCatalog = {
  markets: [
    {
      handle: "us",
      countries: ["US"],
      payment: ["Shop Pay", "PayPal"],
      delivery: [
        { handle: "standard", title: "Standard", type: "SHIPPING" },
        { handle: "express", title: "Express", type: "SHIPPING" },
      ],
    },
    {
      handle: "eu",
      countries: ["DE", "FR"],
      payment: ["Klarna", "PayPal"],
      delivery: [
        { handle: "dhl", title: "DHL", type: "SHIPPING" },
        { handle: "store", title: "Pick up in store", type: "PICK_UP" },
      ],
    },
  ],
};

function target(kind: string, raw: Record<string, unknown>): SwitchTarget {
  const read = readTarget(kind, raw);
  if (!read.ok) throw new Error(read.message);
  return read.target;
}

let ids = 0;
function active(t: SwitchTarget, extra: Partial<ActiveSwitch> = {}): ActiveSwitch {
  ids += 1;
  return { id: `sw-${ids}`, target: t, reason: "test", createdBy: "staff@shop", createdAt: new Date(NOW.getTime() - 60_000 * (100 - ids)), expiresAt: null, ...extra };
}

const ctx = (switches: ActiveSwitch[] = [], cat = catalog): FlipContext => ({ active: switches, catalog: cat, timeZone: ZONE, now: NOW });

describe("planKill", () => {
  it("GIVEN a reason and a declared method WHEN it is killed THEN the new state hides it", () => {
    const plan = planKill(ctx(), target("payment", { name: "PayPal" }), "PayPal outage", null);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(isPaymentMethodKilled(plan.after, "PayPal")).toBe(true);
    expect(isPaymentMethodKilled(plan.before, "PayPal")).toBe(false);
  });

  it.each([
    ["no reason", undefined],
    ["a blank reason", "   "],
    ["a two-letter reason", "no"],
  ])("refuses %s", (_name, reason) => {
    const plan = planKill(ctx(), target("payment", { name: "PayPal" }), reason, null);
    expect(plan).toMatchObject({ ok: false, code: "REASON_REQUIRED" });
  });

  it("refuses an expiry that is not in the future", () => {
    expect(planKill(ctx(), target("promotion", { id: "bf" }), "stop it", new Date(NOW.getTime() - 1))).toMatchObject({ ok: false, code: "EXPIRY_NOT_IN_FUTURE" });
    expect(planKill(ctx(), target("promotion", { id: "bf" }), "stop it", NOW)).toMatchObject({ ok: false, code: "EXPIRY_NOT_IN_FUTURE" });
  });

  it("refuses the same switch twice, naming who turned it off", () => {
    const on = active(target("payment", { name: "paypal" }));
    const plan = planKill(ctx([on]), target("payment", { name: "PayPal" }), "again", null);
    expect(plan).toMatchObject({ ok: false, code: "ALREADY_OFF" });
    if (!plan.ok) expect(plan.message).toContain("staff@shop");
  });

  describe("the last-method guard", () => {
    it("refuses hiding the last payment method of a market, naming the market and what is already off", () => {
      const shopPayOff = active(target("payment", { name: "Shop Pay", mk: ["us"] }));
      const plan = planKill(ctx([shopPayOff]), target("payment", { name: "PayPal" }), "PayPal outage", null);
      expect(plan).toMatchObject({ ok: false, code: "LAST_PAYMENT_METHOD" });
      if (!plan.ok) {
        expect(plan.message).toContain("market us");
        expect(plan.message).toContain("already off: Shop Pay");
      }
    });

    it("allows the same kill scoped to a market that keeps another method", () => {
      const shopPayOff = active(target("payment", { name: "Shop Pay", mk: ["us"] }));
      expect(planKill(ctx([shopPayOff]), target("payment", { name: "PayPal", mk: ["eu"] }), "PayPal EU outage", null).ok).toBe(true);
    });

    it("refuses a prefix that would hide every method of a market at once", () => {
      const all = { markets: [{ handle: "uk", countries: ["GB"], payment: ["PayPal", "PayPal Pay Later"], delivery: [] }] };
      expect(planKill(ctx([], all), target("payment", { name: "PayPal*" }), "PayPal outage", null)).toMatchObject({ ok: false, code: "LAST_PAYMENT_METHOD" });
    });

    it("refuses hiding the last delivery option; local pickup cannot be hidden, so it keeps a market covered", () => {
      const expressOff = active(target("delivery", { handle: "express" }));
      expect(planKill(ctx([expressOff]), target("delivery", { title: "Standard" }), "carrier down", null)).toMatchObject({ ok: false, code: "LAST_DELIVERY_OPTION" });
      // eu keeps "Pick up in store" whatever happens to DHL.
      expect(planKill(ctx(), target("delivery", { handle: "dhl" }), "carrier down", null).ok).toBe(true);
    });

    it("refuses payment and delivery switches while no market is declared", () => {
      expect(planKill(ctx([], { markets: [] }), target("payment", { name: "PayPal" }), "outage", null)).toMatchObject({ ok: false, code: "NO_DECLARED_METHODS" });
      // promotions and regions do not hide methods: no declaration needed
      expect(planKill(ctx([], { markets: [] }), target("promotion", { id: "bf" }), "overspend", null).ok).toBe(true);
    });

    it("refuses a market that is not declared", () => {
      expect(planKill(ctx(), target("payment", { name: "PayPal", mk: ["latam"] }), "outage", null)).toMatchObject({ ok: false, code: "UNKNOWN_MARKET" });
    });
  });

  it("refuses a state over 10,000 bytes", () => {
    const many = Array.from({ length: 40 }, (_, i) => active(target("region", { cc: `A${String.fromCharCode(65 + (i % 26))}`, market: `m-${i}`, msg: { en: "x".repeat(240) } })));
    const plan = planKill(ctx(many), target("region", { cc: "FR", msg: { en: "y".repeat(240) } }), "strike", null);
    expect(plan).toMatchObject({ ok: false, code: "TOO_LARGE" });
  });
});

describe("readTarget", () => {
  it.each([
    ["payment", { name: "*" }, "INVALID_TARGET"],
    ["delivery", {}, "INVALID_TARGET"],
    ["delivery", { type: "PICK_UP" }, "NOT_HIDEABLE"],
    ["delivery", { type: "LOCAL" }, "NOT_HIDEABLE"],
    ["delivery", { type: "TELEPORT" }, "INVALID_TARGET"],
    ["region", {}, "INVALID_TARGET"],
    ["region", { cc: "France" }, "INVALID_TARGET"],
    ["region", { cc: "FR", msg: { "not a language": "x" } }, "INVALID_TARGET"],
    ["promotion", { id: "" }, "INVALID_TARGET"],
    ["payment", { name: "PayPal", mk: ["EU West"] }, "INVALID_TARGET"],
    ["everything", {}, "INVALID_TARGET"],
  ])("refuses %s %o with %s", (kind, raw, code) => {
    expect(readTarget(kind, raw)).toMatchObject({ ok: false, code });
  });

  it("normalises country codes and message languages", () => {
    expect(target("region", { cc: "fr", msg: { FR: "Fermé", pt_BR: "Fechado", de: " " } })).toEqual({ kind: "region", entry: { cc: "FR", msg: { fr: "Fermé", "pt-br": "Fechado" } } });
  });

  it("keys ignore case and market order", () => {
    expect(switchKey(target("payment", { name: "PayPal", mk: ["us", "eu"] }))).toBe(switchKey(target("payment", { name: "paypal", mk: ["eu", "us"] })));
  });
});

describe("toKillSwitches", () => {
  it("writes each expiry as the shop-local date, which the functions honour through shop.localTime.date", () => {
    // 2026-11-28T03:00Z is still the 27th in New York
    const sw = active(target("promotion", { id: "bf" }), { expiresAt: new Date("2026-11-28T03:00:00Z") });
    const freeze = active(target("freeze", {}), { expiresAt: new Date("2026-11-28T06:00:00Z") });
    const ks = toKillSwitches([sw, freeze], 7, ZONE);
    expect(ks.promo).toEqual([{ id: "bf", until: "2026-11-27" }]);
    expect(ks.freeze).toEqual({ until: "2026-11-28" });
    expect(parseKillSwitches(serializeKillSwitches(ks))).toEqual(ks);
  });
});

describe("restore and expiry", () => {
  it("restores with a reason, and refuses an unknown id", () => {
    const on = active(target("payment", { name: "PayPal", mk: ["eu"] }));
    const plan = planRestore(ctx([on]), on.id, "PayPal is back");
    expect(plan.ok && plan.after.pay).toEqual([]);
    expect(planRestore(ctx([on]), on.id, "")).toMatchObject({ ok: false, code: "REASON_REQUIRED" });
    expect(planRestore(ctx([on]), "nope", "back")).toMatchObject({ ok: false, code: "NOT_FOUND" });
  });

  it("finds the switches whose expiry has passed, oldest expiry first", () => {
    const a = active(target("promotion", { id: "a" }), { expiresAt: new Date(NOW.getTime() - 1000) });
    const b = active(target("promotion", { id: "b" }), { expiresAt: new Date(NOW.getTime() - 5000) });
    const c = active(target("promotion", { id: "c" }), { expiresAt: new Date(NOW.getTime() + 1000) });
    const d = active(target("promotion", { id: "d" }));
    expect(expiredSwitches([a, b, c, d], NOW).map((s) => s.id)).toEqual([b.id, a.id]);
  });
});

describe("catalog text", () => {
  it("round-trips and names the bad line", () => {
    const text = catalogText(catalog);
    const parsed = parseCatalogText(text);
    expect(parsed.ok && parsed.catalog).toEqual(catalog);
    expect(parseCatalogText("us | US | PayPal | standard\nEU | DE | x | y")).toMatchObject({ ok: false, message: expect.stringContaining("market 2.handle") });
  });

  it("coverage lists what each market still offers", () => {
    const ks = toKillSwitches([active(target("payment", { name: "PayPal" }))], 1, ZONE);
    expect(coverage(catalog, ks).map((c) => [c.market, c.payment.remaining])).toEqual([
      ["us", ["Shop Pay"]],
      ["eu", ["Klarna"]],
    ]);
  });
});
