/**
 * Applies Function operations to the checkout state (state.ts), the way Shopify's checkout
 * does as far as its documents say; where they are silent the rule chosen is written next
 * to the code and anything not reproduced is left as a note saying "not simulated".
 *
 * Discounts, in Shopify's fixed order:
 *   1. product discounts (productDiscountsAdd), on line amounts;
 *   2. order discounts (orderDiscountsAdd), on the subtotal AFTER product discounts,
 *      allocated over the covered lines (largest remainder: the parts add up);
 *   3. shipping discounts (deliveryDiscountsAdd), on delivery option costs.
 * Selection strategies, from the schema: product FIRST (first candidate whose prerequisites
 * hold), MAXIMUM (the candidate with the largest total reduction), ALL (every eligible
 * candidate, each on what earlier ones left); order FIRST / MAXIMUM likewise, with
 * conditions; delivery ALL. A candidate with an associatedDiscountCode applies only when that
 * code was entered and not rejected.
 * Combining: two discounts combine only if each opts into the other's class (combinesWith);
 * the classes a discount has (discountClasses) limit the operations it may return. Two
 * product (or two shipping) discounts that do not combine on the same line (option): the
 * larger reduction stays. A later-class discount that does not combine with one already
 * applied is skipped with a note — Shopify would compare the combinations and keep the one
 * best for the buyer; that search is not simulated.
 */
import { prorate } from "../money";
import type { FunctionOwner } from "./snapshot";
import {
  lineAfterProductCents,
  lineSubtotalCents,
  sum,
  type CheckoutState,
  type DiscountClass,
  type SimAllocation,
  type SimDeliveryOption,
  type SimLine,
} from "./state";
import { decimalNumber, decimalToCents, NOT_SIMULATED, percentOfCents } from "./values";

type Json = Record<string, unknown>;

export const LINES_DISCOUNT_TARGET = "cart.lines.discounts.generate.run";
export const DELIVERY_DISCOUNT_TARGET = "cart.delivery-options.discounts.generate.run";

/** A stable key for an owner within one checkout. */
export function ownerKey(owner: FunctionOwner): string {
  return owner.gid ?? `${owner.source}:${owner.title}`;
}

export interface DiscountRunOutput {
  owner: FunctionOwner;
  target: typeof LINES_DISCOUNT_TARGET | typeof DELIVERY_DISCOUNT_TARGET;
  /** `output.operations` of the run (already validated against the schema). */
  operations: readonly Json[];
}

const CLASS_FLAG = { PRODUCT: "productDiscounts", ORDER: "orderDiscounts", SHIPPING: "shippingDiscounts" } as const;

function combines(a: FunctionOwner, aClass: DiscountClass, b: FunctionOwner, bClass: DiscountClass): boolean {
  if (ownerKey(a) === ownerKey(b)) return true;
  return a.combinesWith[CLASS_FLAG[bClass]] && b.combinesWith[CLASS_FLAG[aClass]];
}

function asRecord(value: unknown): Json | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : null;
}

function asArray(value: unknown): Json[] {
  return Array.isArray(value) ? (value.map(asRecord).filter(Boolean) as Json[]) : [];
}

/* ---------------------------------------------------------------- discounts */

export function applyDiscounts(state: CheckoutState, runs: readonly DiscountRunOutput[]): void {
  const owners = new Map(runs.map((r) => [ownerKey(r.owner), r.owner]));
  const lineById = new Map(state.lines.map((l) => [l.id, l]));

  // Entered codes first: accepts and rejects decide which code-bound candidates may apply.
  for (const run of runs) {
    for (const op of run.operations) {
      for (const code of asArray(asRecord(op.enteredDiscountCodesAccept)?.codes)) setCode(state, String(code.code), "accepted", null, run.owner.title);
      const reject = asRecord(op.enteredDiscountCodesReject);
      if (reject) for (const code of asArray(reject.codes)) setCode(state, String(code.code), "rejected", String(reject.message ?? ""), run.owner.title);
    }
  }

  const ops = (target: string, key: string): { owner: FunctionOwner; op: Json }[] =>
    runs.flatMap((run) =>
      run.target !== target
        ? []
        : run.operations
            .map((op) => asRecord(op[key]))
            .filter((op): op is Json => op !== null)
            .map((op) => ({ owner: run.owner, op })),
    );

  for (const { owner, op } of ops(LINES_DISCOUNT_TARGET, "productDiscountsAdd")) {
    if (!owner.discountClasses.includes("PRODUCT")) {
      state.notes.push(`${owner.title}: productDiscountsAdd ignored: the discount's classes are ${owner.discountClasses.join(", ") || "none"}, not PRODUCT`);
      continue;
    }
    applyProductOperation(state, owner, op, owners, lineById);
  }
  for (const { owner, op } of ops(LINES_DISCOUNT_TARGET, "orderDiscountsAdd")) {
    if (!owner.discountClasses.includes("ORDER")) {
      state.notes.push(`${owner.title}: orderDiscountsAdd ignored: the discount's classes are ${owner.discountClasses.join(", ") || "none"}, not ORDER`);
      continue;
    }
    applyOrderOperation(state, owner, op, owners, lineById);
  }
  for (const { owner, op } of ops(DELIVERY_DISCOUNT_TARGET, "deliveryDiscountsAdd")) {
    if (!owner.discountClasses.includes("SHIPPING")) {
      state.notes.push(`${owner.title}: deliveryDiscountsAdd ignored: the discount's classes are ${owner.discountClasses.join(", ") || "none"}, not SHIPPING`);
      continue;
    }
    applyDeliveryOperation(state, owner, op, owners);
  }
}

function setCode(state: CheckoutState, code: string, status: "accepted" | "rejected", message: string | null, by: string): void {
  const entered = state.discountCodes.find((c) => c.code.toLowerCase() === code.toLowerCase());
  if (!entered) {
    state.notes.push(`${by}: ${status === "accepted" ? "accepts" : "rejects"} code ${code}, which the buyer did not enter: ignored`);
    return;
  }
  if (entered.status === "rejected" && status === "accepted") return;
  entered.status = status;
  entered.message = message;
  entered.by = by;
}

/** A candidate's associatedDiscountCode holds when that code was entered and not rejected. */
function codeHolds(state: CheckoutState, candidate: Json): { ok: boolean; code: string | null } {
  const code = asRecord(candidate.associatedDiscountCode)?.code;
  if (typeof code !== "string") return { ok: true, code: null };
  const entered = state.discountCodes.find((c) => c.code.toLowerCase() === code.toLowerCase());
  return { ok: entered !== undefined && entered.status !== "rejected", code };
}

interface Plan {
  candidate: Json;
  index: number;
  reductions: Map<string, number>;
  total: number;
  code: string | null;
}

function applyProductOperation(state: CheckoutState, owner: FunctionOwner, op: Json, owners: Map<string, FunctionOwner>, lineById: Map<string, SimLine>): void {
  const strategy = String(op.selectionStrategy);
  const candidates = asArray(op.candidates);
  // What this operation has already taken from each line (ALL applies candidates in turn).
  const taken = new Map<string, number>();
  // A candidate is priced on the line minus the discounts it would stack with (its own and
  // combining ones); a discount it does not combine with is a rival, compared afterwards.
  const remaining = (line: SimLine): number => {
    const staying = line.productAllocations.filter((a) => {
      const other = owners.get(a.ownerKey);
      return other === undefined || combines(owner, "PRODUCT", other, "PRODUCT");
    });
    return lineSubtotalCents(line) - sum(staying.map((a) => a.cents)) - (taken.get(line.id) ?? 0);
  };

  const plan = (candidate: Json, index: number): Plan | null => {
    const code = codeHolds(state, candidate);
    if (!code.ok) return null;
    for (const p of asArray(candidate.prerequisites)) {
      const prerequisite = asRecord(p.cartLine);
      if (!prerequisite) continue;
      const line = lineById.get(String(prerequisite.id));
      if (!line || line.quantity < Number(prerequisite.quantity)) return null;
    }
    const targets: { line: SimLine; base: number; units: number }[] = [];
    for (const t of asArray(candidate.targets)) {
      const target = asRecord(t.cartLine);
      if (!target) continue;
      const line = lineById.get(String(target.id));
      if (!line) {
        state.notes.push(`${owner.title}: product candidate ${index} targets cart line ${String(target.id)}, which is not in the cart: candidate ignored`);
        return null;
      }
      const units = target.quantity == null ? line.quantity : Math.min(Number(target.quantity), line.quantity);
      targets.push({ line, units, base: Math.round((remaining(line) * units) / line.quantity) });
    }
    const value = asRecord(candidate.value) ?? {};
    const reductions = new Map<string, number>();
    const percentage = asRecord(value.percentage);
    const fixed = asRecord(value.fixedAmount);
    if (percentage) {
      const pct = Math.min(100, Math.max(0, decimalNumber(percentage.value)));
      for (const t of targets) reductions.set(t.line.id, (reductions.get(t.line.id) ?? 0) + percentOfCents(t.base, pct));
    } else if (fixed) {
      const amount = Math.max(0, decimalToCents(fixed.amount));
      if (fixed.appliesToEachItem === true) {
        for (const t of targets) reductions.set(t.line.id, (reductions.get(t.line.id) ?? 0) + Math.min(amount * t.units, t.base));
      } else {
        const bases = targets.map((t) => t.base);
        const parts = prorate(Math.min(amount, sum(bases)), bases);
        targets.forEach((t, i) => reductions.set(t.line.id, (reductions.get(t.line.id) ?? 0) + (parts[i] ?? 0)));
      }
    }
    for (const [id, cents] of reductions) {
      const line = lineById.get(id) as SimLine;
      reductions.set(id, Math.min(cents, remaining(line)));
    }
    return { candidate, index, reductions, total: sum([...reductions.values()]), code: code.code };
  };

  const chosen: Plan[] = [];
  if (strategy === "ALL") {
    candidates.forEach((candidate, index) => {
      const p = plan(candidate, index);
      if (!p) return;
      chosen.push(p);
      for (const [id, cents] of p.reductions) taken.set(id, (taken.get(id) ?? 0) + cents);
    });
  } else {
    const plans = candidates.map(plan).filter((p): p is Plan => p !== null);
    const pick = strategy === "FIRST" ? plans[0] : plans.reduce<Plan | undefined>((best, p) => (!best || p.total > best.total ? p : best), undefined);
    if (pick) chosen.push(pick);
  }

  for (const p of chosen) {
    const title = typeof p.candidate.message === "string" && p.candidate.message ? p.candidate.message : owner.title;
    for (const [lineId, cents] of p.reductions) {
      if (cents <= 0) continue;
      const line = lineById.get(lineId) as SimLine;
      const rivals = line.productAllocations.filter((a) => {
        const other = owners.get(a.ownerKey);
        return other !== undefined && !combines(owner, "PRODUCT", other, "PRODUCT");
      });
      if (rivals.length > 0) {
        const rivalCents = sum(rivals.map((a) => a.cents));
        if (cents <= rivalCents) {
          state.notes.push(`${owner.title}: does not combine with ${rivals[0]?.owner.title} on ${line.id}; the larger discount (${rivals[0]?.owner.title}) stays`);
          continue;
        }
        line.productAllocations = line.productAllocations.filter((a) => !rivals.includes(a));
        state.notes.push(`${owner.title}: does not combine with ${rivals[0]?.owner.title} on ${line.id}; the larger discount (${owner.title}) replaces it`);
      }
      const allowed = Math.min(cents, lineAfterProductCents(line));
      if (allowed > 0) line.productAllocations.push(allocation(owner, title, "PRODUCT", allowed, p.code));
    }
  }
}

function allocation(owner: FunctionOwner, title: string, discountClass: DiscountClass, cents: number, code: string | null): SimAllocation {
  return { title, owner: { gid: owner.gid, title: owner.title }, ownerKey: ownerKey(owner), discountClass, cents, code };
}

/** Owners with an allocation anywhere in the checkout, with the classes they used. */
function appliedOwners(state: CheckoutState): Map<string, Set<DiscountClass>> {
  const applied = new Map<string, Set<DiscountClass>>();
  const add = (a: SimAllocation): void => {
    let classes = applied.get(a.ownerKey);
    if (!classes) applied.set(a.ownerKey, (classes = new Set()));
    classes.add(a.discountClass);
  };
  for (const line of state.lines) [...line.productAllocations, ...line.orderAllocations].forEach(add);
  for (const group of state.deliveryGroups) for (const option of group.options) option.discounts.forEach(add);
  return applied;
}

/** The first already-applied discount (of other classes, or all classes if `sameClassToo`) the owner cannot combine with. */
function conflictWith(state: CheckoutState, owner: FunctionOwner, ownClass: DiscountClass, owners: Map<string, FunctionOwner>, sameClassToo: boolean): FunctionOwner | null {
  for (const [key, classes] of appliedOwners(state)) {
    const other = owners.get(key);
    if (!other || key === ownerKey(owner)) continue;
    for (const c of classes) {
      if (!sameClassToo && c === ownClass) continue;
      if (!combines(owner, ownClass, other, c)) return other;
    }
  }
  return null;
}

function conditionsHold(state: CheckoutState, candidate: Json, lineById: Map<string, SimLine>): boolean {
  for (const condition of asArray(candidate.conditions)) {
    const orderMinimum = asRecord(condition.orderMinimumSubtotal);
    if (orderMinimum) {
      const excluded = new Set((orderMinimum.excludedCartLineIds as string[] | undefined) ?? []);
      const subtotal = sum(state.lines.filter((l) => !excluded.has(l.id)).map(lineAfterProductCents));
      if (subtotal < decimalToCents(orderMinimum.minimumAmount)) return false;
    }
    const minQuantity = asRecord(condition.cartLineMinimumQuantity);
    if (minQuantity) {
      const lines = ((minQuantity.ids as string[] | undefined) ?? []).map((id) => lineById.get(id)).filter((l): l is SimLine => l !== undefined);
      if (sum(lines.map((l) => l.quantity)) < Number(minQuantity.minimumQuantity)) return false;
    }
    const minSubtotal = asRecord(condition.cartLineMinimumSubtotal);
    if (minSubtotal) {
      const lines = ((minSubtotal.ids as string[] | undefined) ?? []).map((id) => lineById.get(id)).filter((l): l is SimLine => l !== undefined);
      if (sum(lines.map(lineAfterProductCents)) < decimalToCents(minSubtotal.minimumAmount)) return false;
    }
  }
  return true;
}

function applyOrderOperation(state: CheckoutState, owner: FunctionOwner, op: Json, owners: Map<string, FunctionOwner>, lineById: Map<string, SimLine>): void {
  const strategy = String(op.selectionStrategy);
  const lineRemaining = (line: SimLine): number => lineAfterProductCents(line) - sum(line.orderAllocations.map((a) => a.cents));
  const plans: (Plan & { lines: SimLine[] })[] = [];
  asArray(op.candidates).forEach((candidate, index) => {
    const code = codeHolds(state, candidate);
    if (!code.ok || !conditionsHold(state, candidate, lineById)) return;
    const covered = new Map<string, SimLine>();
    for (const t of asArray(candidate.targets)) {
      const subtotal = asRecord(t.orderSubtotal);
      if (!subtotal) continue;
      const excluded = new Set((subtotal.excludedCartLineIds as string[] | undefined) ?? []);
      for (const line of state.lines) if (!excluded.has(line.id)) covered.set(line.id, line);
    }
    const lines = [...covered.values()];
    const base = sum(lines.map(lineRemaining));
    const value = asRecord(candidate.value) ?? {};
    const percentage = asRecord(value.percentage);
    const fixed = asRecord(value.fixedAmount);
    let total = 0;
    if (percentage) total = percentOfCents(base, Math.min(100, Math.max(0, decimalNumber(percentage.value))));
    else if (fixed) total = Math.min(Math.max(0, decimalToCents(fixed.amount)), base);
    const parts = prorate(total, lines.map(lineRemaining));
    const reductions = new Map(lines.map((l, i) => [l.id, parts[i] ?? 0]));
    plans.push({ candidate, index, reductions, total, code: code.code, lines });
  });
  const pick = strategy === "FIRST" ? plans[0] : plans.reduce<(typeof plans)[number] | undefined>((best, p) => (!best || p.total > best.total ? p : best), undefined);
  if (!pick || pick.total <= 0) return;
  const conflict = conflictWith(state, owner, "ORDER", owners, true);
  if (conflict) {
    state.notes.push(
      `${owner.title}: order discount skipped: it does not combine with ${conflict.title}, already applied. ${NOT_SIMULATED}: Shopify would keep whichever combination is best for the buyer`,
    );
    return;
  }
  const title = typeof pick.candidate.message === "string" && pick.candidate.message ? pick.candidate.message : owner.title;
  for (const line of pick.lines) {
    const cents = pick.reductions.get(line.id) ?? 0;
    if (cents > 0) line.orderAllocations.push(allocation(owner, title, "ORDER", cents, pick.code));
  }
}

function applyDeliveryOperation(state: CheckoutState, owner: FunctionOwner, op: Json, owners: Map<string, FunctionOwner>): void {
  // DeliveryDiscountSelectionStrategy has one value, ALL: every eligible candidate applies.
  const conflict = conflictWith(state, owner, "SHIPPING", owners, false);
  for (const [index, candidate] of asArray(op.candidates).entries()) {
    const code = codeHolds(state, candidate);
    if (!code.ok) continue;
    if (conflict) {
      state.notes.push(
        `${owner.title}: shipping discount skipped: it does not combine with ${conflict.title}, already applied. ${NOT_SIMULATED}: Shopify would keep whichever combination is best for the buyer`,
      );
      return;
    }
    const options = new Set<SimDeliveryOption>();
    for (const t of asArray(candidate.targets)) {
      const group = asRecord(t.deliveryGroup);
      const option = asRecord(t.deliveryOption);
      if (group) {
        const found = state.deliveryGroups.find((g) => g.id === group.id);
        if (!found) state.notes.push(`${owner.title}: delivery candidate ${index} targets delivery group ${String(group.id)}, which is not in the cart: target ignored`);
        // A group target discounts whichever option of the group the buyer picks: shown on every option.
        found?.options.forEach((o) => options.add(o));
      }
      if (option) {
        const matches = state.deliveryGroups.flatMap((g) => g.options.filter((o) => o.handle === option.handle));
        if (matches.length === 0) state.notes.push(`${owner.title}: delivery candidate ${index} targets option ${String(option.handle)}, which is not offered: target ignored`);
        matches.forEach((o) => options.add(o));
      }
    }
    const value = asRecord(candidate.value) ?? {};
    const percentage = asRecord(value.percentage);
    const fixed = asRecord(value.fixedAmount);
    const title = typeof candidate.message === "string" && candidate.message ? candidate.message : owner.title;
    for (const option of options) {
      const left = Math.max(0, option.costCents - sum(option.discounts.map((d) => d.cents)));
      let cents = 0;
      if (percentage) cents = percentOfCents(left, Math.min(100, Math.max(0, decimalNumber(percentage.value))));
      else if (fixed) cents = Math.min(Math.max(0, decimalToCents(fixed.amount)), left);
      if (cents <= 0) continue;
      const rivals = option.discounts.filter((d) => {
        const other = owners.get(d.ownerKey);
        return other !== undefined && !combines(owner, "SHIPPING", other, "SHIPPING");
      });
      if (rivals.length > 0) {
        if (cents <= sum(rivals.map((d) => d.cents))) {
          state.notes.push(`${owner.title}: does not combine with ${rivals[0]?.owner.title} on delivery option ${option.handle}; the larger discount (${rivals[0]?.owner.title}) stays`);
          continue;
        }
        option.discounts = option.discounts.filter((d) => !rivals.includes(d));
        state.notes.push(`${owner.title}: does not combine with ${rivals[0]?.owner.title} on delivery option ${option.handle}; the larger discount (${owner.title}) replaces it`);
      }
      option.discounts.push(allocation(owner, title, "SHIPPING", cents, code.code));
    }
  }
}

/* --------------------------------------------------------------- validation */

export function applyValidation(state: CheckoutState, owner: FunctionOwner, operations: readonly Json[]): void {
  for (const op of operations) {
    const add = asRecord(op.validationAdd);
    if (!add) continue;
    for (const error of asArray(add.errors)) {
      state.validationErrors.push({ message: String(error.message), target: String(error.target), by: owner.title });
    }
  }
}

/* ---------------------------------------------------------- payment methods */

export function applyPaymentCustomization(state: CheckoutState, owner: FunctionOwner, operations: readonly Json[]): void {
  const find = (id: unknown, what: string) => {
    const method = state.paymentMethods.find((m) => m.id === id);
    if (!method) state.notes.push(`${owner.title}: ${what} names payment method ${String(id)}, which is not offered: ignored`);
    return method;
  };
  for (const op of operations) {
    const hide = asRecord(op.paymentMethodHide);
    const rename = asRecord(op.paymentMethodRename);
    const move = asRecord(op.paymentMethodMove);
    const terms = asRecord(op.paymentTermsSet);
    const review = asRecord(op.orderReviewAdd);
    if (hide) {
      const method = find(hide.paymentMethodId, "paymentMethodHide");
      if (method) {
        const placements = Array.isArray(hide.placements) ? (hide.placements as typeof method.placements) : method.placements;
        for (const p of placements) if (method.placements.includes(p) && !method.hiddenPlacements.includes(p)) method.hiddenPlacements.push(p);
        method.hiddenBy = owner.title;
      }
    }
    if (rename) {
      const method = find(rename.paymentMethodId, "paymentMethodRename");
      if (method) {
        method.name = String(rename.name);
        method.renamedBy = owner.title;
      }
    }
    if (move) {
      const method = find(move.paymentMethodId, "paymentMethodMove");
      if (method) moveItem(state.paymentMethods, method, Number(move.index));
    }
    if (terms) state.paymentTerms.push({ terms: terms.paymentTerms ?? null, by: owner.title });
    if (review) state.orderReviews.push({ reason: String(review.reason), by: owner.title });
  }
}

/** Moves an item to `index`, clamped to the list. */
function moveItem<T>(list: T[], item: T, index: number): void {
  const from = list.indexOf(item);
  if (from < 0) return;
  list.splice(from, 1);
  list.splice(Math.max(0, Math.min(index, list.length)), 0, item);
}

/* --------------------------------------------------------- delivery options */

/** Delivery customizations cannot touch local pickup or local delivery (Shopify's rule). */
const UNTOUCHABLE = new Set(["PICK_UP", "LOCAL"]);

export function applyDeliveryCustomization(state: CheckoutState, owner: FunctionOwner, operations: readonly Json[]): void {
  for (const op of operations) {
    for (const [name, value] of Object.entries(op)) {
      const body = asRecord(value);
      if (!body) continue;
      const handle = String(body.deliveryOptionHandle);
      const hits = state.deliveryGroups.flatMap((g) => g.options.filter((o) => o.handle === handle).map((o) => ({ group: g, option: o })));
      if (hits.length === 0) {
        state.notes.push(`${owner.title}: ${name} names delivery option ${handle}, which is not offered: ignored`);
        continue;
      }
      for (const { group, option } of hits) {
        if (UNTOUCHABLE.has(option.type)) {
          state.notes.push(`${owner.title}: ${name} on ${handle} ignored: delivery customizations cannot change ${option.type} options`);
          continue;
        }
        if (name === "deliveryOptionHide") option.hiddenBy ??= owner.title;
        else if (name === "deliveryOptionRename") {
          option.title = String(body.title);
          option.renamedBy = owner.title;
        } else if (name === "deliveryOptionMove") moveItem(group.options, option, Number(body.index));
        else state.notes.push(`${owner.title}: operation ${name}: ${NOT_SIMULATED}`);
      }
    }
  }
}

/* ------------------------------------------------------------------ routing */

export function applyLocationRankings(state: CheckoutState, owner: FunctionOwner, operations: readonly Json[]): void {
  for (const op of operations) {
    const add = asRecord(op.fulfillmentGroupLocationRankingAdd);
    if (!add) continue;
    const group = state.fulfillmentGroups.find((g) => g.handle === add.fulfillmentGroupHandle);
    if (!group) {
      state.notes.push(`${owner.title}: ranking for fulfillment group ${String(add.fulfillmentGroupHandle)}, which is not in the cart: ignored`);
      continue;
    }
    const rankings: NonNullable<typeof group.rankings> = [];
    for (const r of asArray(add.rankings)) {
      const handle = String(r.locationHandle);
      if (!group.inventoryLocationHandles.includes(handle)) {
        state.notes.push(`${owner.title}: ranks location ${handle} for ${group.handle}, which is not one of its inventory locations (${group.inventoryLocationHandles.join(", ") || "none"}): ignored`);
        continue;
      }
      rankings.push({ locationHandle: handle, rank: Number(r.rank), by: owner.title });
    }
    if (group.rankings) state.notes.push(`${owner.title}: replaces the ranking ${group.rankings[0]?.by} set for ${group.handle} (the last ranking is kept)`);
    // Stable: equal ranks keep the function's order.
    group.rankings = rankings.map((r, i) => ({ r, i })).sort((a, b) => a.r.rank - b.r.rank || a.i - b.i).map(({ r }) => r);
  }
}

/* ----------------------------------------------------- fulfillment constraints */

export function applyFulfillmentConstraints(state: CheckoutState, owner: FunctionOwner, operations: readonly Json[]): void {
  for (const op of operations) {
    for (const [name, detail] of Object.entries(op)) {
      if (detail !== null && detail !== undefined) state.fulfillmentConstraints.push({ operation: name, detail, by: owner.title });
    }
  }
}
