import { describe, expect, it } from "vitest";
import { inputQueryVariables } from "~/domain/promotions/inputs";
import { CHANNEL_ATTRIBUTE_KEY, CHANNEL_EXPLANATION } from "~/domain/promotions/types";
import { validatePromotionSet } from "~/domain/promotions/validate";
import { authoredSet, SALE, SHIRTS } from "./seed-set";

describe("inputQueryVariables", () => {
  it("lists every collection a filter names and every customer tag a condition names, once, sorted", () => {
    const validated = validatePromotionSet(authoredSet());
    if (!validated.ok) throw new Error("seed must validate");
    expect(inputQueryVariables(validated.set)).toEqual({ collectionIds: [SHIRTS, SALE].sort(), customerTags: ["vip"] });
  });

  it("leaves out disabled promotions", () => {
    const validated = validatePromotionSet(authoredSet());
    if (!validated.ok) throw new Error("seed must validate");
    for (const p of validated.set.promotions) p.enabled = false;
    expect(inputQueryVariables(validated.set)).toEqual({ collectionIds: [], customerTags: [] });
  });
});

describe("the channel note the admin shows", () => {
  it("names the retail location rule, the attribute, the default and the caveat", () => {
    expect(CHANNEL_EXPLANATION).toContain("retail location");
    expect(CHANNEL_EXPLANATION).toContain(CHANNEL_ATTRIBUTE_KEY);
    expect(CHANNEL_EXPLANATION).toContain(`counts as "online"`);
    expect(CHANNEL_EXPLANATION).toContain(`never claim "pos"`);
  });
});
