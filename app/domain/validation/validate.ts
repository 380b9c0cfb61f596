/**
 * ADMIN SIDE: the strict validator the app runs before it writes a rule set. Every
 * problem is named with its path ("rules[2].max") and what is wrong, so the editor can
 * put it next to the field. Output is normalized (countries upper-cased, wall times with
 * seconds, keys in a fixed order) and serialized deterministically; serializeRuleSet
 * refuses a value over the 10,000 bytes a function may read from a metafield.
 *
 * Uses Intl (through promotions/time-admin) for DST warnings only when a zone is given.
 */
import { parseUtc } from "../inventory/atp-metafield";
import { zonedToUtc } from "../promotions/time-admin";
import { MAX_GATE_SLOTS } from "./clock-admin";
import { canonicalWall } from "./clock";
import { RULE_KINDS, RULE_MODES, RULE_SET_VERSION, type LimitWindow, type Rule, type RuleSet } from "./types";

export const RULES_MAX_BYTES = 10_000;
export const RULE_ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const LOCATION_HANDLE = /^[a-z0-9][a-z0-9-]{0,99}$/;
const COUNTRY = /^[A-Z]{2}$/;
const PROVINCE = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;
const POSTAL = /^(?:[A-Z]{2}:)?[A-Z0-9*?-]{1,20}$/;

export interface FieldProblem {
  /** "rules[2].max", "currencyCode", "rules[0]" … */
  path: string;
  message: string;
}

export type ValidatedRuleSet = { ok: true; set: RuleSet; warnings: FieldProblem[] } | { ok: false; errors: FieldProblem[]; warnings: FieldProblem[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const show = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v));

class Collector {
  errors: FieldProblem[] = [];
  warnings: FieldProblem[] = [];
  error(path: string, message: string): void {
    this.errors.push({ path, message });
  }
  warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }

  int(value: unknown, path: string, min: number, max: number): number | undefined {
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= min && value <= max) return value;
    this.error(path, `must be a whole number from ${min} to ${max}, got ${show(value)}`);
    return undefined;
  }

  optInt(value: unknown, path: string, min: number, max: number): number | undefined {
    return value === undefined || value === null ? undefined : this.int(value, path, min, max);
  }

  skus(value: unknown, path: string, allowEmpty: boolean): string[] | undefined {
    if (!Array.isArray(value)) {
      this.error(path, `must be a list of SKUs, got ${show(value)}`);
      return undefined;
    }
    if (!allowEmpty && value.length === 0) this.error(path, "needs at least one SKU or SKU prefix (like HD-*)");
    const out: string[] = [];
    value.forEach((sku, i) => {
      if (typeof sku !== "string" || sku.trim() === "") return this.error(`${path}[${i}]`, `must be a SKU, got ${show(sku)}`);
      const s = sku.trim();
      if (s === "*") return this.error(`${path}[${i}]`, `"*" alone would match every SKU; list the SKUs or a prefix like HD-*`);
      if (s.length > 100) return this.error(`${path}[${i}]`, "is longer than 100 characters");
      if (s.indexOf("*") !== -1 && s.indexOf("*") !== s.length - 1) return this.error(`${path}[${i}]`, `"${s}": "*" may only end a prefix (HD-*)`);
      if (out.includes(s)) return this.error(`${path}[${i}]`, `"${s}" is listed twice`);
      out.push(s);
    });
    return out;
  }

  oneOf<T extends string>(value: unknown, values: readonly T[], path: string): T | undefined {
    if (values.includes(value as T)) return value as T;
    this.error(path, `must be one of ${values.join(", ")}, got ${show(value)}`);
    return undefined;
  }

  strings(value: unknown, path: string, pattern: RegExp, what: string, normalize: (s: string) => string): string[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.error(path, `must be a list, got ${show(value)}`);
      return [];
    }
    const out: string[] = [];
    value.forEach((v, i) => {
      const s = typeof v === "string" ? normalize(v) : "";
      if (!pattern.test(s)) this.error(`${path}[${i}]`, `must be ${what}, got ${show(v)}`);
      else if (out.includes(s)) this.error(`${path}[${i}]`, `"${s}" is listed twice`);
      else out.push(s);
    });
    return out;
  }

  wall(value: unknown, path: string, zone: string | undefined): string | undefined {
    const local = typeof value === "string" ? canonicalWall(value.trim()) : null;
    if (!local) {
      this.error(path, `must be a shop-local date and time like 2026-11-27T10:00, got ${show(value)}`);
      return undefined;
    }
    if (zone) {
      const utc = zonedToUtc(local, zone);
      if (!utc.ok) this.error(path, utc.message);
      else if (utc.note) this.warn(path, `${utc.note}. Shopify compares the shop's wall clock, so the gate opens at the first ${local.slice(11, 16)}.`);
    }
    return local;
  }
}

function validateWindow(c: Collector, raw: unknown, path: string): LimitWindow | undefined {
  if (!isObj(raw)) {
    c.error(path, `must be {"kind":"days","days":30} or {"kind":"between","from":…,"to":…}, got ${show(raw)}`);
    return undefined;
  }
  if (raw.kind === "days") {
    const days = c.int(raw.days, `${path}.days`, 1, 3650);
    return days === undefined ? undefined : { kind: "days", days };
  }
  if (raw.kind === "between") {
    const from = typeof raw.from === "string" ? parseUtc(raw.from) : null;
    const to = raw.to === null || raw.to === undefined ? null : typeof raw.to === "string" ? parseUtc(raw.to) : Number.NaN;
    if (from === null) c.error(`${path}.from`, `must be a UTC instant like 2026-11-27T15:00:00Z, got ${show(raw.from)}`);
    if (to !== null && !Number.isFinite(to)) c.error(`${path}.to`, `must be a UTC instant or empty, got ${show(raw.to)}`);
    if (from !== null && to !== null && Number.isFinite(to) && to <= from) c.error(`${path}.to`, "must be after from");
    if (from === null || (to !== null && !Number.isFinite(to))) return undefined;
    return { kind: "between", from: raw.from as string, to: to === null ? null : (raw.to as string) };
  }
  c.error(`${path}.kind`, `must be "days" or "between", got ${show(raw.kind)}`);
  return undefined;
}

function validateRule(c: Collector, raw: unknown, path: string, zone: string | undefined, currencyOk: boolean): Rule | undefined {
  if (!isObj(raw)) {
    c.error(path, "must be a rule object");
    return undefined;
  }
  const before = c.errors.length;
  const id = typeof raw.id === "string" && RULE_ID.test(raw.id) ? raw.id : undefined;
  if (!id) c.error(`${path}.id`, `must be 1–40 lowercase letters, digits, "-" or "_", starting with a letter or digit, got ${show(raw.id)}`);
  const mode = c.oneOf(raw.mode, RULE_MODES, `${path}.mode`);
  const kind = c.oneOf(raw.kind, RULE_KINDS, `${path}.kind`);
  let name: string | undefined;
  if (raw.name !== undefined && raw.name !== "") {
    if (typeof raw.name !== "string" || raw.name.length > 80) c.error(`${path}.name`, "must be text of at most 80 characters");
    else name = raw.name.trim();
  }
  if (!kind) return undefined;
  const base = { id: id ?? "", ...(name ? { name } : {}), mode: mode ?? "off" };
  const at = (field: string) => `${path}.${field}`;
  let rule: Rule | undefined;
  switch (kind) {
    case "maxPerOrder": {
      const skus = c.skus(raw.skus, at("skus"), false);
      const max = c.int(raw.max, at("max"), 1, 10_000);
      const per = raw.per === undefined ? "sku" : c.oneOf(raw.per, ["sku", "rule"] as const, at("per"));
      if (skus && max !== undefined && per) rule = { ...base, kind, skus, max, per };
      break;
    }
    case "customerLimit": {
      const skus = c.skus(raw.skus, at("skus"), false);
      const max = c.int(raw.max, at("max"), 1, 10_000);
      const window = validateWindow(c, raw.window, at("window"));
      const guests = c.oneOf(raw.guests, ["allow", "block"] as const, at("guests"));
      if (skus && max !== undefined && window && guests) rule = { ...base, kind, skus, max, window, guests };
      break;
    }
    case "cartQuantity": {
      const min = c.optInt(raw.min, at("min"), 1, 100_000);
      const max = c.optInt(raw.max, at("max"), 1, 100_000);
      if (raw.min == null && raw.max == null) c.error(at("min"), "set a minimum, a maximum or both");
      if (min !== undefined && max !== undefined && min > max) c.error(at("max"), `must be at least the minimum (${min})`);
      rule = { ...base, kind, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
      break;
    }
    case "subtotal": {
      const minCents = c.optInt(raw.minCents, at("minCents"), 0, 1e12);
      const maxCents = c.optInt(raw.maxCents, at("maxCents"), 1, 1e12);
      if (raw.minCents == null && raw.maxCents == null) c.error(at("minCents"), "set a minimum, a maximum or both");
      if (minCents !== undefined && maxCents !== undefined && minCents > maxCents) c.error(at("maxCents"), "must be at least the minimum");
      if (!currencyOk) c.error(at("minCents"), "the rule set needs a currencyCode for subtotal rules");
      rule = { ...base, kind, ...(minCents !== undefined ? { minCents } : {}), ...(maxCents !== undefined ? { maxCents } : {}) };
      break;
    }
    case "region": {
      const upper = (s: string) => s.trim().toUpperCase();
      const countries = c.strings(raw.countries, at("countries"), COUNTRY, "a two-letter country code like US", upper);
      const provinces = c.strings(raw.provinces, at("provinces"), PROVINCE, "a country and province like US-HI", upper);
      const postalCodes = c.strings(raw.postalCodes, at("postalCodes"), POSTAL, 'a postal-code pattern like "GB:BT*" or "969??"', (s) => upper(s).replace(/\s+/g, ""));
      if (raw.poBoxes !== undefined && typeof raw.poBoxes !== "boolean") c.error(at("poBoxes"), "must be true or false");
      const poBoxes = raw.poBoxes === true;
      if (countries.length + provinces.length + postalCodes.length === 0 && !poBoxes) c.error(at("countries"), "block at least one country, province, postal code pattern or PO boxes");
      rule = { ...base, kind, countries, provinces, postalCodes, poBoxes };
      break;
    }
    case "timeGate": {
      const skus = c.skus(raw.skus, at("skus"), false);
      const opensAt = c.wall(raw.opensAt, at("opensAt"), zone);
      const closesAt = raw.closesAt === undefined || raw.closesAt === null || raw.closesAt === "" ? null : c.wall(raw.closesAt, at("closesAt"), zone);
      if (opensAt && closesAt && closesAt <= opensAt) c.error(at("closesAt"), `must be after opensAt (${opensAt})`);
      if (skus && opensAt && closesAt !== undefined) rule = { ...base, kind, skus, opensAt, closesAt };
      break;
    }
    case "atp": {
      const skus = c.skus(raw.skus ?? [], at("skus"), true);
      const staleAfterSeconds = c.int(raw.staleAfterSeconds, at("staleAfterSeconds"), 30, 86_400);
      const whenStale = c.oneOf(raw.whenStale, ["open", "closed"] as const, at("whenStale"));
      let location: string | null = null;
      if (raw.location !== undefined && raw.location !== null && raw.location !== "") {
        if (typeof raw.location === "string" && LOCATION_HANDLE.test(raw.location)) location = raw.location;
        else c.error(at("location"), `must be a location handle (lowercase letters, digits, hyphens), got ${show(raw.location)}`);
      }
      if (skus && staleAfterSeconds !== undefined && whenStale) rule = { ...base, kind, skus, location, staleAfterSeconds, whenStale };
      break;
    }
  }
  return c.errors.length === before ? rule : undefined;
}

/**
 * Validate a rule set as the editor or an import produced it. `zone` (the shop's IANA zone)
 * adds DST warnings for time gates.
 */
export function validateRuleSet(raw: unknown, options: { zone?: string } = {}): ValidatedRuleSet {
  const c = new Collector();
  if (!isObj(raw)) return { ok: false, errors: [{ path: "", message: "must be a rule set object" }], warnings: [] };
  if (raw.schemaVersion !== RULE_SET_VERSION) c.error("schemaVersion", `must be ${RULE_SET_VERSION}, got ${show(raw.schemaVersion)}`);
  const currencyCode = typeof raw.currencyCode === "string" && /^[A-Z]{3}$/.test(raw.currencyCode) ? raw.currencyCode : undefined;
  if (!currencyCode) c.error("currencyCode", `must be a three-letter currency code like USD, got ${show(raw.currencyCode)}`);
  const failureMode = c.oneOf(raw.failureMode, ["open", "closed"] as const, "failureMode");
  const labels: Record<string, string> = {};
  if (raw.labels !== undefined) {
    if (!isObj(raw.labels)) c.error("labels", "must be an object of SKU → name");
    else {
      for (const [sku, text] of Object.entries(raw.labels)) {
        if (typeof text !== "string" || text.trim() === "" || text.length > 120) c.error(`labels.${sku}`, "must be a name of 1–120 characters");
        else labels[sku] = text.trim();
      }
    }
  }
  const rules: Rule[] = [];
  if (!Array.isArray(raw.rules)) c.error("rules", "must be a list");
  else {
    const ids = new Map<string, number>();
    raw.rules.forEach((r, i) => {
      const rule = validateRule(c, r, `rules[${i}]`, options.zone, currencyCode !== undefined);
      if (!rule) return;
      const first = ids.get(rule.id);
      if (first !== undefined) c.error(`rules[${i}].id`, `"${rule.id}" is already used by rules[${first}]`);
      else ids.set(rule.id, i);
      rules.push(rule);
    });
    const gates = new Set<string>();
    for (const rule of rules) {
      if (rule.kind === "timeGate" && rule.mode !== "off") {
        gates.add(rule.opensAt);
        if (rule.closesAt) gates.add(rule.closesAt);
      }
    }
    if (gates.size > MAX_GATE_SLOTS) {
      c.error("rules", `time gates use ${gates.size} different opening/closing times; the function can check at most ${MAX_GATE_SLOTS} (share times between drops, or turn some gates off)`);
    }
  }
  if (c.errors.length > 0 || !currencyCode || !failureMode) return { ok: false, errors: c.errors, warnings: c.warnings };
  const set: RuleSet = { schemaVersion: RULE_SET_VERSION, currencyCode, failureMode, labels, rules };
  const size = serializeRuleSet(set);
  if (!size.ok) return { ok: false, errors: [{ path: "", message: size.message }], warnings: c.warnings };
  if (size.bytes > RULES_MAX_BYTES * 0.8) c.warn("", `${size.bytes} bytes of the ${RULES_MAX_BYTES} a function may read: every byte also costs checkout time`);
  return { ok: true, set, warnings: c.warnings };
}

/** The metafield value: keys in a fixed order, rules by id, no whitespace; refused over 10,000 bytes. */
export function serializeRuleSet(set: RuleSet): { ok: true; value: string; bytes: number } | { ok: false; message: string } {
  const rules = set.rules.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const labels: Record<string, string> = {};
  for (const key of Object.keys(set.labels).sort()) labels[key] = set.labels[key]!;
  const value = JSON.stringify({ schemaVersion: set.schemaVersion, currencyCode: set.currencyCode, failureMode: set.failureMode, labels, rules });
  const bytes = new TextEncoder().encode(value).length;
  if (bytes > RULES_MAX_BYTES) return { ok: false, message: `${bytes} bytes: a function reads at most ${RULES_MAX_BYTES}; shorten labels or remove rules` };
  return { ok: true, value, bytes };
}
