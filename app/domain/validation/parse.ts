/**
 * The function's reader of the rules metafield: lenient, small, never throws. It checks
 * the set's shape; each rule's own fields are checked by evaluate.ts where they are used
 * (a rule it cannot use becomes "unreadable" there). Splitting it that way keeps the
 * function bundle small: loading code costs the function ~670 Wasm instructions a byte.
 *
 * - No metafield: present false, set null: the function returns no errors.
 * - A value it cannot use as a whole (not an object, another schemaVersion, no rules
 *   list): set null, and failureMode as written if that can be read ("open" otherwise).
 * - A rule without a usable id, mode or kind is left out and listed in `unreadable` (by id,
 *   or "#<index>"), unless its mode is "off". Duplicate ids: every copy is unreadable
 *   (which one did the merchant mean?). evaluate() applies the set's failureMode to them —
 *   an unreadable rule never silently becomes "no rule" when the merchant chose closed.
 * - Unknown fields are ignored (a newer admin may add some).
 *
 * The admin validates strictly with validate.ts before writing; this is the safety net
 * for what is actually in the metafield.
 */
import { RULE_SET_VERSION, type FailureMode, type Rule, type RuleKind, type RuleSet } from "./types";
import { readMetafieldJson, UNPARSABLE } from "../json";

export interface ParsedRuleSet {
  /** false when there is no metafield at all. */
  present: boolean;
  set: RuleSet | null;
  unreadable: string[];
  failureMode: FailureMode;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
/**
 * The kinds, written out: building it from RULE_KINDS (Object.fromEntries + map) cost the
 * function ~50,000 instructions at every start. The type keeps it equal to RuleKind, and
 * tests/domain/validation/parse-validate.test.ts to RULE_KINDS.
 */
export const KINDS: { readonly [K in RuleKind]: true } = { maxPerOrder: true, customerLimit: true, cartQuantity: true, subtotal: true, region: true, timeGate: true, atp: true };

export function parseRuleSet(json: unknown): ParsedRuleSet {
  if (json === null || json === undefined) return { present: false, set: null, unreadable: [], failureMode: "open" };
  const value = readMetafieldJson(json);
  if (value === UNPARSABLE) return { present: true, set: null, unreadable: [], failureMode: "open" };
  if (!isObj(value)) return { present: true, set: null, unreadable: [], failureMode: "open" };
  const failureMode: FailureMode = value.failureMode === "closed" ? "closed" : "open";
  if (value.schemaVersion !== RULE_SET_VERSION || !Array.isArray(value.rules)) return { present: true, set: null, unreadable: [], failureMode };

  const unreadable: string[] = [];
  const rules: Rule[] = [];
  const raws: unknown[] = value.rules;
  // The admin writes rules sorted by id, so a duplicate shows as an id not above the one
  // before: only then is a Set built to find every duplicate (a Set per checkout costs more).
  let previous = "";
  let sorted = true;
  for (let i = 0; i < raws.length; i++) {
    const raw = raws[i] as Obj | null;
    const id = raw && typeof raw === "object" && typeof raw.id === "string" && raw.id !== "" ? raw.id : null;
    const mode = raw && typeof raw === "object" ? raw.mode : undefined;
    if (mode === "off") continue;
    if (id === null || (mode !== "enforce" && mode !== "test") || (KINDS as Record<string, true | undefined>)[(raw as Obj).kind as string] !== true) {
      unreadable.push(id ?? `#${i}`);
      continue;
    }
    if (id <= previous) sorted = false;
    previous = id;
    rules.push(raw as unknown as Rule);
  }
  let kept = rules;
  if (!sorted) {
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const r of rules) {
      if (seen.has(r.id)) duplicates.add(r.id);
      seen.add(r.id);
    }
    if (duplicates.size > 0) {
      kept = rules.filter((r) => !duplicates.has(r.id));
      for (const id of duplicates) unreadable.push(id);
    }
  }

  // Used as is (evaluate() checks each label it uses): copying it would cost the function per SKU.
  const labels = isObj(value.labels) ? (value.labels as Record<string, string>) : {};
  const currencyCode = typeof value.currencyCode === "string" ? value.currencyCode : "";
  return { present: true, set: { schemaVersion: RULE_SET_VERSION, currencyCode, failureMode, labels, rules: kept }, unreadable, failureMode };
}
