/**
 * ADMIN SIDE: what the discount Function's input query needs as variables,
 * derived from a promotion set. The admin writes these to the metafield
 * named in the extension's [extensions.input.variables], so the query can ask
 *   merchandise { ... on ProductVariant { product { inCollections(ids: $collectionIds) { collectionId isMember } } } }
 *   buyerIdentity { customer { hasTags(tags: $customerTags) { tag hasTag } } }
 * (inCollections, not inAnyCollection: one boolean for the whole list cannot
 * tell which promotion's collection matched). Product ids and SKUs need no
 * variables. Time-window arguments for shop.localTime: localTimeChecks() in
 * time-admin.ts.
 */
import type { LineFilter, PromotionSet } from "./types";
import { compareStrings } from "./util";

export interface InputQueryVariables {
  collectionIds: string[];
  customerTags: string[];
}

export function inputQueryVariables(set: PromotionSet): InputQueryVariables {
  const collections = new Set<string>();
  const tags = new Set<string>();
  const addFilter = (filter: LineFilter | undefined) => filter?.anyOfCollections?.forEach((id) => collections.add(id));
  for (const p of set.promotions) {
    if (!p.enabled) continue;
    addFilter(p.conditions.cartContains);
    const a = p.action;
    if (a.type === "percent_off" || a.type === "fixed_off") addFilter(a.lines);
    if (a.type === "buy_x_get_y") {
      addFilter(a.buy);
      addFilter(a.get);
    }
    p.conditions.customerTags?.anyOf.forEach((tag) => tags.add(tag));
  }
  return { collectionIds: [...collections].sort(compareStrings), customerTags: [...tags].sort(compareStrings) };
}
