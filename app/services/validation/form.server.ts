/**
 * The rule editor's form → a draft rule the strict validator checks, and the validator's
 * paths → the form's field names, so every problem lands next to its field. Also the
 * item names (labels) the rule set carries for shopper messages, from the catalogue.
 */
import type { PrismaClient } from "@prisma/client";

import { ValidationLookupVariants } from "../../../graphql/operations";
import { parseMoney, toDecimalString } from "../../domain/money";
import { zonedToUtc, utcToZoned } from "../../domain/promotions/time-admin";
import { formatUtc, parseUtc } from "../../domain/inventory/atp-metafield";
import type { Rule, RuleKind, RuleSet } from "../../domain/validation/types";
import type { FieldProblem } from "../../domain/validation/validate";
import type { AdminClient } from "../admin/client.server";
import { forShop } from "../db/scoped.server";

/** The editor's fields, as strings (what a form posts and what the editor shows). */
export interface RuleFields {
  id: string;
  name: string;
  mode: string;
  kind: string;
  skus: string;
  max: string;
  per: string;
  windowKind: string;
  windowDays: string;
  windowFrom: string;
  windowTo: string;
  guests: string;
  min: string;
  minAmount: string;
  maxAmount: string;
  countries: string;
  provinces: string;
  postalCodes: string;
  poBoxes: string;
  opensAt: string;
  closesAt: string;
  location: string;
  staleAfterSeconds: string;
  whenStale: string;
}

export const EMPTY_FIELDS: RuleFields = {
  id: "",
  name: "",
  mode: "test",
  kind: "maxPerOrder",
  skus: "",
  max: "",
  per: "sku",
  windowKind: "days",
  windowDays: "30",
  windowFrom: "",
  windowTo: "",
  guests: "allow",
  min: "",
  minAmount: "",
  maxAmount: "",
  countries: "",
  provinces: "",
  postalCodes: "",
  poBoxes: "",
  opensAt: "",
  closesAt: "",
  location: "",
  staleAfterSeconds: "300",
  whenStale: "closed",
};

export function fieldsFromForm(form: FormData): RuleFields {
  const out = { ...EMPTY_FIELDS };
  for (const key of Object.keys(out) as (keyof RuleFields)[]) {
    const value = form.get(key);
    out[key] = typeof value === "string" ? value.trim() : key === "poBoxes" ? "" : out[key];
  }
  return out;
}

const list = (text: string) => text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
const wall = (local: string) => local.slice(0, 16);

/** A rule's fields for the editor, money in the set's currency, windows in the shop's time. */
export function fieldsFromRule(rule: Rule, currencyCode: string, zone: string): RuleFields {
  const f: RuleFields = { ...EMPTY_FIELDS, id: rule.id, name: rule.name ?? "", mode: rule.mode, kind: rule.kind };
  switch (rule.kind) {
    case "maxPerOrder":
      return { ...f, skus: rule.skus.join("\n"), max: String(rule.max), per: rule.per ?? "sku" };
    case "customerLimit": {
      const local = (utc: string | null) => (utc === null ? "" : wall(utcToZoned(parseUtc(utc) ?? 0, zone).wall));
      return {
        ...f,
        skus: rule.skus.join("\n"),
        max: String(rule.max),
        guests: rule.guests,
        windowKind: rule.window.kind,
        windowDays: rule.window.kind === "days" ? String(rule.window.days) : "",
        windowFrom: rule.window.kind === "between" ? local(rule.window.from) : "",
        windowTo: rule.window.kind === "between" ? local(rule.window.to) : "",
      };
    }
    case "cartQuantity":
      return { ...f, min: rule.min === undefined ? "" : String(rule.min), max: rule.max === undefined ? "" : String(rule.max) };
    case "subtotal":
      return {
        ...f,
        minAmount: rule.minCents === undefined ? "" : toDecimalString(rule.minCents, currencyCode),
        maxAmount: rule.maxCents === undefined ? "" : toDecimalString(rule.maxCents, currencyCode),
      };
    case "region":
      return { ...f, countries: (rule.countries ?? []).join(", "), provinces: (rule.provinces ?? []).join(", "), postalCodes: (rule.postalCodes ?? []).join(", "), poBoxes: rule.poBoxes ? "on" : "" };
    case "timeGate":
      return { ...f, skus: rule.skus.join("\n"), opensAt: wall(rule.opensAt), closesAt: rule.closesAt ? wall(rule.closesAt) : "" };
    case "atp":
      return { ...f, skus: rule.skus.join("\n"), location: rule.location ?? "", staleAfterSeconds: String(rule.staleAfterSeconds), whenStale: rule.whenStale };
  }
}

export type DraftRule = { ok: true; rule: Record<string, unknown> } | { ok: false; errors: Partial<Record<keyof RuleFields, string>> };

/** The form's strings → a draft rule object (numbers parsed, money to minor units, windows to UTC); the validator does the rest. */
export function draftRule(fields: RuleFields, currencyCode: string, zone: string): DraftRule {
  const errors: Partial<Record<keyof RuleFields, string>> = {};
  const int = (key: keyof RuleFields): number | undefined => {
    const text = fields[key];
    if (text === "") return undefined;
    if (!/^\d+$/.test(text)) {
      errors[key] = `Enter a whole number, not "${text}"`;
      return undefined;
    }
    return Number(text);
  };
  const money = (key: "minAmount" | "maxAmount"): number | undefined => {
    if (fields[key] === "") return undefined;
    const parsed = parseMoney(fields[key], currencyCode);
    if (!parsed.ok) errors[key] = `${parsed.message} (${currencyCode})`;
    return parsed.ok ? parsed.minor : undefined;
  };
  const utc = (key: "windowFrom" | "windowTo"): string | null | undefined => {
    if (fields[key] === "") return null;
    const converted = zonedToUtc(fields[key], zone);
    if (!converted.ok) {
      errors[key] = converted.message;
      return undefined;
    }
    return formatUtc(converted.epochSeconds);
  };
  const base = { id: fields.id, mode: fields.mode, kind: fields.kind, ...(fields.name ? { name: fields.name } : {}) };
  let rule: Record<string, unknown>;
  switch (fields.kind as RuleKind) {
    case "maxPerOrder":
      rule = { ...base, skus: list(fields.skus), max: int("max"), per: fields.per || "sku" };
      break;
    case "customerLimit": {
      const window =
        fields.windowKind === "between"
          ? { kind: "between", from: utc("windowFrom") ?? "", to: utc("windowTo") ?? null }
          : { kind: "days", days: int("windowDays") };
      if (fields.windowKind === "between" && fields.windowFrom === "") errors.windowFrom = "When the drop starts (shop time)";
      rule = { ...base, skus: list(fields.skus), max: int("max"), window, guests: fields.guests };
      break;
    }
    case "cartQuantity":
      rule = { ...base, min: int("min"), max: int("max") };
      break;
    case "subtotal":
      rule = { ...base, minCents: money("minAmount"), maxCents: money("maxAmount") };
      break;
    case "region":
      rule = { ...base, countries: list(fields.countries), provinces: list(fields.provinces), postalCodes: list(fields.postalCodes), poBoxes: fields.poBoxes !== "" };
      break;
    case "timeGate":
      rule = { ...base, skus: list(fields.skus), opensAt: fields.opensAt, closesAt: fields.closesAt || null };
      break;
    case "atp":
      rule = { ...base, skus: list(fields.skus), location: fields.location || null, staleAfterSeconds: int("staleAfterSeconds"), whenStale: fields.whenStale };
      break;
    default:
      rule = base;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, rule };
}

/** Validator paths of the rule at `index` → the editor's fields; anything else is for the whole form. */
export function fieldErrors(problems: readonly FieldProblem[], index: number): { fields: Partial<Record<keyof RuleFields, string>>; form: string[] } {
  const fields: Partial<Record<keyof RuleFields, string>> = {};
  const form: string[] = [];
  const prefix = `rules[${index}].`;
  const map: Record<string, keyof RuleFields> = {
    id: "id",
    name: "name",
    mode: "mode",
    kind: "kind",
    skus: "skus",
    max: "max",
    per: "per",
    guests: "guests",
    "window.days": "windowDays",
    "window.from": "windowFrom",
    "window.to": "windowTo",
    "window.kind": "windowKind",
    window: "windowKind",
    min: "min",
    minCents: "minAmount",
    maxCents: "maxAmount",
    countries: "countries",
    provinces: "provinces",
    postalCodes: "postalCodes",
    poBoxes: "poBoxes",
    opensAt: "opensAt",
    closesAt: "closesAt",
    location: "location",
    staleAfterSeconds: "staleAfterSeconds",
    whenStale: "whenStale",
  };
  for (const p of problems) {
    if (!p.path.startsWith(prefix)) {
      form.push(p.path ? `${p.path}: ${p.message}` : p.message);
      continue;
    }
    const rest = p.path.slice(prefix.length).replace(/\[\d+\]$/, "");
    const field = map[rest];
    if (field) fields[field] ??= p.message;
    else form.push(`${rest}: ${p.message}`);
  }
  return { fields, form };
}

/** The set with `rule` replacing the rule of the same id (or `replacing`), or added. Returns the rule's index. */
export function withRule(set: RuleSet, rule: Record<string, unknown>, replacing: string | null): { draft: Record<string, unknown>; index: number } {
  const rules: unknown[] = [...set.rules];
  const at = set.rules.findIndex((r) => r.id === (replacing ?? rule.id));
  const index = at === -1 ? rules.length : at;
  rules[index] = rule;
  return { draft: { ...set, rules }, index };
}

export const MAX_LABELS = 200;

/**
 * Item names for the rule set's messages: "Product — Variant" for every SKU the rules name,
 * prefixes expanded through the synced catalogue (at most MAX_LABELS), names from Shopify.
 * Labels for SKUs no longer found are kept.
 */
export async function labelsFor(prisma: PrismaClient, admin: AdminClient, shop: string, set: RuleSet): Promise<Record<string, string>> {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const rule of set.rules) {
    if (!("skus" in rule)) continue;
    for (const p of rule.skus) {
      if (p.endsWith("*")) prefixes.push(p.slice(0, -1));
      else exact.add(p);
    }
  }
  const db = forShop(prisma, shop);
  const variants = await db.variant.findMany({
    where: { OR: [{ sku: { in: [...exact] } }, ...prefixes.map((p) => ({ sku: { startsWith: p } }))] },
    select: { id: true },
    take: MAX_LABELS,
    orderBy: { sku: "asc" },
  });
  const labels: Record<string, string> = { ...set.labels };
  if (variants.length === 0) return labels;
  const data = await admin.request(ValidationLookupVariants, { ids: variants.map((v) => v.id) });
  for (const node of data.nodes) {
    if (!node || !("sku" in node) || !node.sku) continue;
    labels[node.sku] = node.title && node.title !== "Default Title" ? `${node.product.title} — ${node.title}` : node.product.title;
  }
  return labels;
}
