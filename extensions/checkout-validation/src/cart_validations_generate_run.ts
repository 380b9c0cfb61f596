import type { CartValidationsGenerateRunInput, CartValidationsGenerateRunResult } from "../generated/api";
import { ticksClock } from "../../../app/domain/validation/clock";
import { evaluate, unavailableError } from "../../../app/domain/validation/evaluate";
import { regionKillErrors } from "../../../app/domain/validation/kill-regions";
import { parseRuleSet } from "../../../app/domain/validation/parse";
import type { ValidationMessage } from "../../../app/domain/validation/types";

type Result = CartValidationsGenerateRunResult;

function respond(killed: ValidationMessage[], errors: readonly ValidationMessage[]): Result {
  const all = killed.length === 0 ? errors : killed.concat(errors);
  return { operations: all.length > 0 ? [{ validationAdd: { errors: all.map((e) => ({ target: e.target, message: e.message })) } }] : [] };
}

/**
 * Checkout rules (app/domain/validation) and the peak region kill switches
 * (kill-regions.ts): read both leniently, evaluate them on the input as Shopify sends it,
 * return the errors. A killed region blocks whatever the rules say. Rules in testing mode
 * are evaluated and logged (Shopify's function run log), never returned. Never throws: a
 * rule set it cannot read, or a failure inside the evaluation, gives no rule errors
 * (failure mode "open") or one "try again" error (failure mode "closed"); a kill-switch
 * metafield it cannot read kills nothing.
 */
export function cartValidationsGenerateRun(input: CartValidationsGenerateRunInput): Result {
  let killed: ValidationMessage[] = [];
  try {
    killed = regionKillErrors(input.shop.k?.jsonValue, input, input.localization.market?.handle, input.shop.localTime.date);
  } catch (error) {
    console.error(`peakguard: kill switches unreadable: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = parseRuleSet(input.validation.rules?.jsonValue);
  // Built only when used: wording a message costs the function more than most rules do.
  const failClosed = () => [unavailableError(input.localization.language.isoCode)];
  if (!parsed.set) return respond(killed, parsed.present && parsed.failureMode === "closed" ? failClosed() : []);
  try {
    const t = input.shop.localTime;
    const answers = [t.t0, t.t1, t.t2, t.t3, t.t4, t.t5, t.t6, t.t7, t.t8, t.t9, t.t10, t.t11];
    const clock = ticksClock(input.validation.ticks?.jsonValue, answers);
    const result = evaluate(parsed.set, input, clock, { unreadable: parsed.unreadable, verdicts: false });
    for (const e of result.testing) console.error(`peakguard testing: rule ${e.ruleId} would block ${e.target}: ${e.message}`);
    return respond(killed, result.errors);
  } catch (error) {
    console.error(`peakguard: evaluation failed: ${error instanceof Error ? error.message : String(error)}`);
    return respond(killed, parsed.failureMode === "closed" ? failClosed() : []);
  }
}
