import { describe, expect, it } from "vitest";
import { KINDS, parseRuleSet } from "~/domain/validation/parse";
import { RULES_MAX_BYTES, serializeRuleSet, validateRuleSet } from "~/domain/validation/validate";
import { RULE_KINDS, type Rule } from "~/domain/validation/types";

const max: Rule = { id: "hoodie-2", mode: "enforce", kind: "maxPerOrder", skus: ["HD-*"], max: 2, per: "sku" };
const draft = (rules: unknown[], extra: Record<string, unknown> = {}) => ({ schemaVersion: 1, currencyCode: "USD", failureMode: "closed", labels: {}, rules, ...extra });

describe("parseRuleSet: the function's reader", () => {
  it("knows exactly the kinds RULE_KINDS lists (its table is written out for the function's start-up cost)", () => {
    expect(Object.keys(KINDS).sort()).toEqual([...RULE_KINDS].sort());
    expect(parseRuleSet({ schemaVersion: 1, rules: [{ id: "a", mode: "enforce", kind: "toString" }, { id: "b", mode: "enforce", kind: "__proto__" }] }).unreadable).toEqual(["a", "b"]);
  });

  it("no metafield: nothing present, fail open", () => {
    expect(parseRuleSet(null)).toEqual({ present: false, set: null, unreadable: [], failureMode: "open" });
  });

  it.each([
    ["not JSON", "{", "open"],
    ["an array", [], "open"],
    ["another version, fail closed as written", { schemaVersion: 2, failureMode: "closed", rules: [] }, "closed"],
    ["no rules list", { schemaVersion: 1, failureMode: "closed" }, "closed"],
  ])("a value it cannot use as a whole (%s): no set, failure mode %s", (_name, value, mode) => {
    const parsed = parseRuleSet(value);
    expect(parsed).toMatchObject({ present: true, set: null, failureMode: mode });
  });

  it("reads the value string too", () => {
    expect(parseRuleSet(JSON.stringify(draft([max])))?.set?.rules).toEqual([max]);
  });

  it("lists rules without a usable id, mode or kind as unreadable, and drops off rules silently", () => {
    const parsed = parseRuleSet(
      draft([max, { id: "", mode: "enforce", kind: "atp" }, { id: "x", mode: "sometimes", kind: "atp" }, { id: "y", mode: "enforce", kind: "nope" }, { id: "z", mode: "off", kind: "nope" }, 7]),
    );
    expect(parsed.set?.rules.map((r) => r.id)).toEqual(["hoodie-2"]);
    expect(parsed.unreadable).toEqual(["#1", "x", "y", "#5"]);
  });

  it("duplicate ids: every copy is unreadable", () => {
    const parsed = parseRuleSet(draft([max, { ...max, max: 5 }]));
    expect(parsed.set?.rules).toEqual([]);
    expect(parsed.unreadable).toEqual(["hoodie-2"]);
  });
});

describe("validateRuleSet: the admin's strict check", () => {
  it("accepts a full drop and normalizes it", () => {
    const result = validateRuleSet(
      draft([
        { id: "gate", mode: "enforce", kind: "timeGate", skus: [" HD-* "], opensAt: "2026-11-27T10:00" },
        { id: "ship", mode: "test", kind: "region", countries: ["ru"], provinces: ["us-hi"], postalCodes: ["gb:bt *"], poBoxes: true },
        { id: "limit", mode: "enforce", kind: "customerLimit", skus: ["HD-*"], max: 2, window: { kind: "between", from: "2026-11-27T15:00:00Z", to: null }, guests: "block" },
        { id: "stock", mode: "enforce", kind: "atp", skus: [], staleAfterSeconds: 300, whenStale: "closed" },
      ]),
      { zone: "America/New_York" },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.set.rules[0]).toEqual({ id: "gate", mode: "enforce", kind: "timeGate", skus: ["HD-*"], opensAt: "2026-11-27T10:00:00", closesAt: null });
    expect(result.set.rules[1]).toMatchObject({ countries: ["RU"], provinces: ["US-HI"], postalCodes: ["GB:BT*"] });
  });

  it.each([
    ["rules[0].max", { ...max, max: 0 }, "must be a whole number from 1 to 10000, got 0"],
    ["rules[0].skus", { ...max, skus: [] }, "needs at least one SKU or SKU prefix (like HD-*)"],
    ["rules[0].skus[0]", { ...max, skus: ["*"] }, '"*" alone would match every SKU; list the SKUs or a prefix like HD-*'],
    ["rules[0].skus[0]", { ...max, skus: ["H*D"] }, '"H*D": "*" may only end a prefix (HD-*)'],
    ["rules[0].id", { ...max, id: "Hoodie 2" }, 'must be 1–40 lowercase letters, digits, "-" or "_", starting with a letter or digit, got "Hoodie 2"'],
    ["rules[0].mode", { ...max, mode: "on" }, 'must be one of enforce, test, off, got "on"'],
    ["rules[0].max", { id: "q", mode: "enforce", kind: "cartQuantity", min: 5, max: 2 }, "must be at least the minimum (5)"],
    ["rules[0].countries[0]", { id: "r", mode: "enforce", kind: "region", countries: ["USA"] }, 'must be a two-letter country code like US, got "USA"'],
    ["rules[0].closesAt", { id: "g", mode: "enforce", kind: "timeGate", skus: ["A"], opensAt: "2026-11-27T10:00", closesAt: "2026-11-27T09:00" }, "must be after opensAt (2026-11-27T10:00:00)"],
    ["rules[0].opensAt", { id: "g", mode: "enforce", kind: "timeGate", skus: ["A"], opensAt: "27/11/2026 10:00" }, 'must be a shop-local date and time like 2026-11-27T10:00, got "27/11/2026 10:00"'],
    ["rules[0].staleAfterSeconds", { id: "a", mode: "enforce", kind: "atp", skus: [], staleAfterSeconds: 5, whenStale: "open" }, "must be a whole number from 30 to 86400, got 5"],
    ["rules[0].window.to", { id: "c", mode: "enforce", kind: "customerLimit", skus: ["A"], max: 1, guests: "allow", window: { kind: "between", from: "2026-11-27T15:00:00Z", to: "2026-11-27T14:00:00Z" } }, "must be after from"],
  ])("names %s: %s", (path, rule, message) => {
    const result = validateRuleSet(draft([rule]));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toContainEqual({ path, message });
  });

  it("refuses a duplicate id naming the first", () => {
    const result = validateRuleSet(draft([max, max]));
    expect(!result.ok && result.errors).toEqual([{ path: "rules[1].id", message: '"hoodie-2" is already used by rules[0]' }]);
  });

  it("refuses more than 4 distinct gate times (the function's slots)", () => {
    const gates = [1, 2, 3, 4, 5].map((d) => ({ id: `g${d}`, mode: "enforce", kind: "timeGate", skus: ["A"], opensAt: `2026-12-0${d}T10:00` }));
    const result = validateRuleSet(draft(gates));
    expect(!result.ok && result.errors[0]?.path).toBe("rules");
  });

  it("warns about a gate in a DST gap, and opens it anyway", () => {
    const result = validateRuleSet(draft([{ id: "g", mode: "enforce", kind: "timeGate", skus: ["A"], opensAt: "2026-03-08T02:30" }]), { zone: "America/New_York" });
    expect(result.ok).toBe(true);
    expect(result.warnings[0]).toMatchObject({ path: "rules[0].opensAt", message: expect.stringMatching(/does not exist/) });
  });

  it("serializes deterministically (rules by id, labels sorted) within the 10,000-byte limit", () => {
    const a = serializeRuleSet({ schemaVersion: 1, currencyCode: "USD", failureMode: "open", labels: { b: "B", a: "A" }, rules: [{ ...max, id: "z" }, max] });
    expect(a.ok && a.value).toBe(
      '{"schemaVersion":1,"currencyCode":"USD","failureMode":"open","labels":{"a":"A","b":"B"},"rules":[{"id":"hoodie-2","mode":"enforce","kind":"maxPerOrder","skus":["HD-*"],"max":2,"per":"sku"},{"id":"z","mode":"enforce","kind":"maxPerOrder","skus":["HD-*"],"max":2,"per":"sku"}]}',
    );
    const labels = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`SKU-${i}`, "x".repeat(60)]));
    const big = serializeRuleSet({ schemaVersion: 1, currencyCode: "USD", failureMode: "open", labels, rules: [] });
    expect(big.ok).toBe(false);
    expect(!big.ok && big.message).toMatch(new RegExp(`reads at most ${RULES_MAX_BYTES}`));
  });

  it("what the validator accepts, the function's reader reads back as is", () => {
    const result = validateRuleSet(draft([max, { id: "q", mode: "test", kind: "cartQuantity", max: 10 }]));
    if (!result.ok) throw new Error("must validate");
    const written = serializeRuleSet(result.set);
    if (!written.ok) throw new Error("must serialize");
    const parsed = parseRuleSet(JSON.parse(written.value));
    expect(parsed.unreadable).toEqual([]);
    expect(parsed.set?.rules).toEqual(result.set.rules);
  });
});
