import { describe, expect, it } from "vitest";
import { parsePromotionSet } from "~/domain/promotions/parse";
import type { PromotionSet } from "~/domain/promotions/types";
import { metafieldBytes, serializePromotionSet, utf8Length, validatePromotionSet } from "~/domain/promotions/validate";
import { authoredSet } from "./seed-set";

type Json = Record<string, unknown>;
const promotionsOf = (set: Json) => set.promotions as Json[];

function validOrThrow(json: unknown): PromotionSet {
  const result = validatePromotionSet(json);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.set;
}

describe("validatePromotionSet accepts the authored seed and normalizes it", () => {
  it("fills defaults, normalizes case, and compiles the window to UTC", () => {
    const result = validatePromotionSet(authoredSet());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [vip, bfcm, happy, , welcome] = result.set.promotions;
    expect(vip).toMatchObject({ enabled: true, conditions: { customerTags: { anyOf: ["vip"] } } });
    expect(bfcm!.conditions.timeWindow).toEqual({
      start: "2026-11-27T00:00", end: "2026-12-01T00:00", zone: "America/New_York",
      startUtc: "2026-11-27T05:00:00Z", endUtc: "2026-12-01T05:00:00Z",
    });
    expect(happy).toMatchObject({ exclusions: { skuPatterns: [] }, caps: {} });
    expect(welcome!.conditions.markets).toEqual({ countryCodes: ["US", "CA"] });
    expect(result.warnings).toEqual([]);
  });

  it("gives the same bytes for the same rules, and the Function's parser reads back exactly what was validated", () => {
    const set = validOrThrow(authoredSet());
    const text = serializePromotionSet(set);
    expect(serializePromotionSet(validOrThrow(JSON.parse(text)))).toBe(text);
    expect(parsePromotionSet(text)).toEqual(set);
    expect(text).not.toMatch(/\n| {2}/);
  });
});

describe("validatePromotionSet names the field and the problem", () => {
  type Row = [name: string, change: (set: Json) => void, path: string, message: string];
  const rows: Row[] = [
    ["percent over 100", (s) => { (promotionsOf(s)[2]!.action as Json) = { type: "percent_off", percent: 120, appliesTo: "order" }; },
      "promotions[2].action.percent", "must be between 0 and 100, got 120"],
    ["percent with 3 decimals", (s) => { (promotionsOf(s)[0]!.action as Json).percent = 12.345; },
      "promotions[0].action.percent", "must have at most 2 decimal places, got 12.345"],
    ["a stacksWith id that does not exist", (s) => { promotionsOf(s)[0]!.stacksWith = ["bfcm-20", "vip15"]; },
      "promotions[0].stacksWith[1]", `no promotion has id "vip15"`],
    ["a promotion listing itself", (s) => { promotionsOf(s)[0]!.stacksWith = ["vip-15"]; },
      "promotions[0].stacksWith[0]", "a promotion cannot list itself"],
    ["\"*\" mixed with ids", (s) => { promotionsOf(s)[3]!.stacksWith = ["*", "vip-15"]; },
      "promotions[3].stacksWith", `use either "*" (every promotion) or a list of ids, not both`],
    ["an id listed twice", (s) => { promotionsOf(s)[0]!.stacksWith = ["bfcm-20", "bfcm-20"]; },
      "promotions[0].stacksWith[1]", `"bfcm-20" is listed twice`],
    ["duplicate ids", (s) => { promotionsOf(s)[4]!.id = "vip-15"; },
      "promotions[4].id", `duplicate id "vip-15" (also promotions[0])`],
    ["the reserved id *", (s) => { promotionsOf(s)[4]!.id = "*"; },
      "promotions[4].id", `"*" is reserved (it means "every promotion" in stacksWith)`],
    ["snake_case field", (s) => { const p = promotionsOf(s)[0]!; p.stacks_with = p.stacksWith; delete p.stacksWith; },
      "promotions[0].stacks_with", "unknown field; did you mean stacksWith?"],
    ["misspelt field", (s) => { (promotionsOf(s)[0]!.conditions as Json).minSubtotal = 10; },
      "promotions[0].conditions.minSubtotal",
      "unknown field (allowed: customerSegment, customerTags, markets, channels, cartContains, minSubtotalCents, timeWindow, recurring)"],
    ["unknown action type", (s) => { (promotionsOf(s)[0]!.action as Json).type = "percentage"; },
      "promotions[0].action.type", `must be one of percent_off, fixed_off, free_shipping, buy_x_get_y, got "percentage"`],
    ["lines on an order discount", (s) => { (promotionsOf(s)[0]!.action as Json).lines = { anyOfProducts: ["gid://shopify/Product/1"] }; },
      "promotions[0].action.lines", "only for appliesTo matching_lines; an order discount covers every line not excluded"],
    ["a collection that is not a GID", (s) => { (promotionsOf(s)[1]!.conditions as Json).cartContains = { anyOfCollections: ["sale"] }; },
      "promotions[1].conditions.cartContains.anyOfCollections[0]", `must be a collection GID like gid://shopify/Collection/123, got "sale"`],
    ["an unknown time zone", (s) => { ((promotionsOf(s)[1]!.conditions as Json).timeWindow as Json).zone = "America/New_Yrok"; },
      "promotions[1].conditions.timeWindow.zone", `"America/New_Yrok" is not a time zone this system knows (expected an IANA name like Europe/Berlin, or an offset like +02:00)`],
    ["a window that ends before it starts", (s) => { ((promotionsOf(s)[1]!.conditions as Json).timeWindow as Json).end = "2026-11-26T00:00"; },
      "promotions[1].conditions.timeWindow.end", "must be after start (2026-11-27T00:00), got 2026-11-26T00:00"],
    ["hours past midnight", (s) => { (promotionsOf(s)[2]!.conditions as Json).recurring = { from: "22:00", to: "02:00" }; },
      "promotions[2].conditions.recurring.to", "must be after from (22:00), got 02:00; split a window past midnight into two promotions or end it at 24:00"],
    ["a weekday that is not one", (s) => { (promotionsOf(s)[2]!.conditions as Json).recurring = { days: ["fri", "friday"], from: "18:00", to: "20:00" }; },
      "promotions[2].conditions.recurring.days[1]", `must be one of mon, tue, wed, thu, fri, sat, sun, got "friday"`],
    ["a zero per-customer cap", (s) => { promotionsOf(s)[4]!.caps = { perCustomerUses: 0 }; },
      "promotions[4].caps.perCustomerUses", "must be at least 1, got 0"],
    ["a fractional priority", (s) => { promotionsOf(s)[0]!.priority = 1.5; },
      "promotions[0].priority", "must be a whole number, got 1.5"],
    ["an empty name", (s) => { promotionsOf(s)[0]!.name = " "; },
      "promotions[0].name", "must be 1–100 characters, got 1"],
    ["schema version", (s) => { s.schemaVersion = 2; }, "schemaVersion", "must be 1, got 2"],
    ["lowercase currency", (s) => { s.currencyCode = "usd"; }, "currencyCode", `must be an ISO 4217 code like USD, got "usd"`],
    ["a floor of 100%", (s) => { (s.floor as Json).minPercentOfSubtotal = 100; }, "floor.minPercentOfSubtotal", "must be at least 0 and below 100, got 100"],
    ["a BXGY with no get quantity", (s) => { delete ((promotionsOf(s)[3]!.action as Json).get as Json).quantity; },
      "promotions[3].action.get.quantity", "must be a whole number, got nothing"],
    ["an empty tag list", (s) => { (promotionsOf(s)[0]!.conditions as Json).customerTags = { anyOf: [] }; },
      "promotions[0].conditions.customerTags.anyOf", "must not be empty (leave the field out instead)"],
  ];

  it.each(rows)("%s", (_name, change, path, message) => {
    // GIVEN the valid seed with one thing wrong
    const set = authoredSet();
    change(set);
    // WHEN it is validated
    const result = validatePromotionSet(set);
    // THEN that field is named with its problem
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toContainEqual({ path, message });
  });

  it("reports every problem at once", () => {
    const set = authoredSet();
    promotionsOf(set)[0]!.priority = "high";
    (promotionsOf(set)[5]!.action as Json).extra = 1;
    const result = validatePromotionSet(set);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toEqual(["promotions[0].priority", "promotions[5].action.extra"]);
  });

  it.each([null, [], "text", 42])("refuses a root that is not an object (%j)", (value) => {
    const result = validatePromotionSet(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]!.path).toBe("(root)");
  });

  it("warns (without refusing) about DST-shifted bounds and flags that do nothing", () => {
    const set = authoredSet();
    ((promotionsOf(set)[1]!.conditions as Json).timeWindow as Json).start = "2026-03-08T02:30";
    (promotionsOf(set)[0]!.action as Json).allowFreeOrder = true;
    const result = validatePromotionSet(set);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings).toEqual([
      {
        path: "promotions[1].conditions.timeWindow.start",
        message: "2026-03-08T02:30 does not exist in America/New_York (clocks go forward); using 2026-03-08T03:30:00 local, 2026-03-08T07:30:00Z",
      },
      { path: "promotions[0].action.allowFreeOrder", message: "has no effect while floor.allowFreeOrder is false" },
    ]);
  });
});

describe("metafield size", () => {
  it("is fine under the limit", () => {
    const size = metafieldBytes(validOrThrow(authoredSet()));
    expect(size.ok).toBe(true);
    expect(size.bytes).toBeLessThan(3000);
  });

  it("names the size, the limit and how much to remove", () => {
    const set = validOrThrow(authoredSet());
    const base = utf8Length(serializePromotionSet(set));
    set.promotions[0]!.name += "x".repeat(10_412 - base);
    expect(metafieldBytes(set)).toEqual({
      bytes: 10_412,
      limit: 10_000,
      ok: false,
      message: "the set is 10,412 bytes; Shopify allows 10,000 — remove 412 bytes (e.g. shorten names or drop a promotion)",
    });
  });

  it("counts UTF-8 bytes, not characters", () => {
    expect(utf8Length("€")).toBe(3);
    expect(utf8Length("é")).toBe(2);
    expect(utf8Length("🎁")).toBe(4);
    expect(metafieldBytes("€".repeat(3334))).toMatchObject({ bytes: 10_002, ok: false });
  });
});
