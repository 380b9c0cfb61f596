import type { CartValidationsGenerateRunInput, CartValidationsGenerateRunResult } from "../generated/api";
import { readSlots, slotClock } from "../../../app/domain/validation/clock";
import { evaluate, unavailableError } from "../../../app/domain/validation/evaluate";
import { parseRuleSet } from "../../../app/domain/validation/parse";

/**
 * Checkout rules (app/domain/validation): read the rules leniently, evaluate them on the
 * input as Shopify sends it, return the enforced rules' errors. Rules in testing mode are
 * evaluated and logged (Shopify's function run log), never returned. Never throws: a rule
 * set it cannot read, or a failure inside the evaluation, gives no errors (failure mode
 * "open") or one "try again" error (failure mode "closed").
 */
export function cartValidationsGenerateRun(input: CartValidationsGenerateRunInput): CartValidationsGenerateRunResult {
  const parsed = parseRuleSet(input.validation.rules?.jsonValue);
  const failClosed = { operations: [{ validationAdd: { errors: [unavailableError(input.localization.language.isoCode)] } }] };
  if (!parsed.set) return parsed.present && parsed.failureMode === "closed" ? failClosed : { operations: [] };
  try {
    const t = input.shop.localTime;
    const answers = [t.t0, t.t1, t.t2, t.t3, t.t4, t.t5, t.t6, t.t7, t.t8, t.t9, t.t10, t.t11];
    const clock = slotClock(readSlots(input.validation.ticks?.jsonValue), answers);
    const result = evaluate(parsed.set, input, clock, { unreadable: parsed.unreadable });
    for (const e of result.testing) console.error(`peakguard testing: rule ${e.ruleId} would block ${e.target}: ${e.message}`);
    return { operations: result.errors.length > 0 ? [{ validationAdd: { errors: result.errors } }] : [] };
  } catch (error) {
    console.error(`peakguard: evaluation failed: ${error instanceof Error ? error.message : String(error)}`);
    return parsed.failureMode === "closed" ? failClosed : { operations: [] };
  }
}
