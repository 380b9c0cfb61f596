/**
 * The checkout rules in Shopify: one Validation running our checkout-validation function,
 * its metafields the source of truth (rules, and the clock the function reads). Nothing
 * about the rules is stored locally: the admin reads them back from Shopify every time.
 *
 *   $app:peakguard.rules  the RuleSet (app/domain/validation/types.ts), serialized by validate.ts
 *   $app:peakguard.clock  input-query variables $t0..$t11 (clock-admin.ts)
 *   $app:peakguard.ticks  what each slot holds, for the function
 *   $app:peakguard.atp_checkout  the ATP figures its ATP rules govern (stock.server.ts)
 *
 * blockOnFailure follows the rule set's failureMode ("closed" = true): a function that
 * crashes or runs out of instructions then blocks checkout, like a rule it cannot read.
 * ValidationUpdateInput defaults enable and blockOnFailure to false: both are always sent.
 * Concurrent edits: the editor sends back the revision it loaded (a digest of the rules
 * value); a save over a value that changed since is refused.
 */
import { createHash } from "node:crypto";

import { Validations, ValidationCreate, ValidationUpdate } from "../../../graphql/operations";
import { planClock } from "../../domain/validation/clock-admin";
import { CLOCK_METAFIELD, TICKS_METAFIELD } from "../../domain/validation/clock";
import { RULES_METAFIELD, RULE_SET_VERSION, type RuleSet } from "../../domain/validation/types";
import { serializeRuleSet, validateRuleSet, type FieldProblem } from "../../domain/validation/validate";
import { AdminUserErrorsError, type AdminClient, type AdminUserError } from "../admin/client.server";

export const FUNCTION_HANDLE = "checkout-validation";
export const VALIDATION_TITLE = "Peakguard checkout rules";
/** Shopify allows at most 25 validations on a shop. */
export const MAX_VALIDATIONS = 25;

export interface ValidationOwner {
  id: string;
  title: string;
  enabled: boolean;
  blockOnFailure: boolean;
}

export interface CheckoutRules {
  validation: ValidationOwner | null;
  /** The stored set (validated), or an empty one. */
  set: RuleSet;
  /** Digest of the stored rules value ("none" without one): sent back on save. */
  revision: string;
  /** Why the stored value does not validate (edited outside this app, or an older format). */
  problems: FieldProblem[];
  /** The ticks metafield as stored, for the heartbeat. */
  ticks: { value: string; compareDigest: string; updatedAt: string } | null;
  /** The ATP copy as stored (stock.server.ts), null before the first. */
  stock: { value: string; compareDigest: string; updatedAt?: string } | null;
  /** Validations on the shop (ours included), against Shopify's 25. */
  validationsOnShop: number;
}

export function emptyRuleSet(currencyCode: string): RuleSet {
  return { schemaVersion: RULE_SET_VERSION, currencyCode, failureMode: "open", labels: {}, rules: [] };
}

export function revisionOf(value: string | null | undefined): string {
  return value ? createHash("sha256").update(value).digest("hex").slice(0, 16) : "none";
}

/** Our validation and its rules, read from Shopify. */
export async function loadCheckoutRules(admin: AdminClient, options: { currencyCode: string; zone?: string }): Promise<CheckoutRules> {
  const data = await admin.request(Validations, { first: MAX_VALIDATIONS });
  const nodes = data.validations.nodes;
  const ours = nodes.find((n) => n.shopifyFunction.handle === FUNCTION_HANDLE) ?? null;
  const value = ours?.rules?.value ?? null;
  let set = emptyRuleSet(options.currencyCode);
  let problems: FieldProblem[] = [];
  if (value !== null) {
    let json: unknown = null;
    try {
      json = JSON.parse(value);
    } catch {
      problems = [{ path: "", message: "the stored rules are not JSON" }];
    }
    if (json !== null) {
      const checked = validateRuleSet(json, { zone: options.zone });
      if (checked.ok) set = checked.set;
      else problems = checked.errors;
    }
  }
  return {
    validation: ours ? { id: ours.id, title: ours.title, enabled: ours.enabled, blockOnFailure: ours.blockOnFailure } : null,
    set,
    revision: revisionOf(value),
    problems,
    ticks: ours?.ticks ?? null,
    stock: ours?.stock ?? null,
    validationsOnShop: nodes.length,
  };
}

export type SaveResult =
  | { ok: true; validation: ValidationOwner; revision: string; warnings: FieldProblem[]; clockNotes: string[]; set: RuleSet }
  | { ok: false; code: "invalid"; errors: FieldProblem[] }
  | { ok: false; code: "conflict"; message: string }
  | { ok: false; code: "shopify"; message: string; userErrors: readonly AdminUserError[] };

/**
 * Writes a rule set (validated here, strictly) with a fresh clock plan, creating the
 * validation the first time. `enabled` turns the validation on or off in Shopify.
 */
export async function saveCheckoutRules(
  admin: AdminClient,
  draft: unknown,
  options: {
    enabled: boolean;
    revision: string;
    zone: string;
    currencyCode: string;
    now: Date;
    /** What this request already read from Shopify (saves a second read); read here when absent. */
    current?: CheckoutRules;
    /**
     * More checks of the validated set before anything is written (the ATP copy's size:
     * overProblems in app/domain/validation/stock.ts); a problem refuses the save as "invalid".
     */
    check?: (set: RuleSet, current: CheckoutRules) => Promise<FieldProblem[]>;
  },
): Promise<SaveResult> {
  const checked = validateRuleSet(draft, { zone: options.zone });
  if (!checked.ok) return { ok: false, code: "invalid", errors: checked.errors };
  const serialized = serializeRuleSet(checked.set);
  if (!serialized.ok) return { ok: false, code: "invalid", errors: [{ path: "", message: serialized.message }] };

  const current = options.current ?? (await loadCheckoutRules(admin, { currencyCode: options.currencyCode, zone: options.zone }));
  if (current.revision !== options.revision) {
    return { ok: false, code: "conflict", message: "The rules changed since this page was loaded (another tab or person saved). Reload and apply your change again." };
  }
  if (options.check) {
    const problems = await options.check(checked.set, current);
    if (problems.length > 0) return { ok: false, code: "invalid", errors: problems };
  }
  const plan = planClock(checked.set, Math.floor(options.now.getTime() / 1000), options.zone);
  const metafields = [
    { ...RULES_METAFIELD, value: serialized.value },
    { ...CLOCK_METAFIELD, value: JSON.stringify(plan.variables) },
    { ...TICKS_METAFIELD, value: JSON.stringify(plan.ticks) },
  ];
  const blockOnFailure = checked.set.failureMode === "closed";
  try {
    let validation: ValidationOwner | null | undefined;
    if (current.validation === null) {
      const payload = await admin.mutate(
        ValidationCreate,
        { validation: { functionHandle: FUNCTION_HANDLE, title: VALIDATION_TITLE, enable: options.enabled, blockOnFailure, metafields } },
        "validationCreate",
      );
      validation = payload.validation;
    } else {
      const payload = await admin.mutate(
        ValidationUpdate,
        { id: current.validation.id, validation: { title: current.validation.title, enable: options.enabled, blockOnFailure, metafields } },
        "validationUpdate",
      );
      validation = payload.validation;
    }
    if (!validation) return { ok: false, code: "shopify", message: "Shopify returned no validation", userErrors: [] };
    return { ok: true, validation, revision: revisionOf(serialized.value), warnings: checked.warnings, clockNotes: plan.notes, set: checked.set };
  } catch (error) {
    if (error instanceof AdminUserErrorsError) {
      return { ok: false, code: "shopify", message: error.userErrors.map((e) => e.message).join("; "), userErrors: error.userErrors };
    }
    throw error;
  }
}
