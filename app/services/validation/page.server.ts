/**
 * The Checkout rules page's data and actions (app/routes/app.checkout-rules.tsx keeps to
 * rendering). Every change goes to Shopify through saveCheckoutRules: the rules are read
 * back from the validation's metafield, changed, validated and written whole, with the
 * revision the page loaded.
 */
import type { PrismaClient } from "@prisma/client";

import { formatUtc, parseUtc } from "../../domain/inventory/atp-metafield";
import { utcToZoned } from "../../domain/promotions/time-admin";
import { RULE_MODES, type Rule, type RuleMode, type RuleSet } from "../../domain/validation/types";
import type { ReplayCount } from "../../domain/validation/replay";
import type { AdminClient } from "../admin/client.server";
import { forShop } from "../db/scoped.server";
import { clockStatus, refreshCheckoutClock } from "./clock.server";
import { lookupCounts, REPLAY_DAYS, replayCounts, type LookupCounts } from "./counts.server";
import { publishCustomerLimitCounts } from "./customer-limits.server";
import { draftRule, EMPTY_FIELDS, fieldErrors, fieldsFromForm, fieldsFromRule, labelsFor, withRule, type RuleFields } from "./form.server";
import { readLookupForm, runLookup, type LookupResult } from "./lookup.server";
import { readKillSwitchMetafield } from "../kill-switches/publish.server";
import { summarize } from "./labels";

export { kindLabel, summarize } from "./labels";
import { loadCheckoutRules, MAX_VALIDATIONS, saveCheckoutRules, type CheckoutRules, type SaveResult } from "./rules.server";
import { computeCheckoutStock, publishCheckoutStock } from "./stock.server";
import { checkoutCapacity, overEffect, overProblems, readStoredCopy, atpLocations, type OverEffect } from "../../domain/validation/stock";

export interface PageContext {
  prisma: PrismaClient;
  admin: AdminClient;
  shop: string;
  now: Date;
}

export interface ShopSettings {
  zone: string;
  currencyCode: string;
  /** false until the shop's zone and currency are synced (UTC and USD are assumed meanwhile). */
  synced: boolean;
}

export async function shopSettings(prisma: PrismaClient, shop: string): Promise<ShopSettings> {
  const row = await forShop(prisma, shop).shop.findFirst({ select: { ianaTimezone: true, currencyCode: true } });
  return { zone: row?.ianaTimezone ?? "UTC", currencyCode: row?.currencyCode ?? "USD", synced: Boolean(row?.ianaTimezone && row.currencyCode) };
}

export interface RuleRow {
  id: string;
  name: string;
  kind: Rule["kind"];
  mode: RuleMode;
  summary: string;
  lookups: LookupCounts | null;
  replay: ReplayCount | null;
}

/** The validation's ATP copy for the active rules: what checkout reads now, and what the figures would take. */
export interface AtpCopyState {
  /** What is stored in Shopify (what checkout reads), null before the first write. */
  stored: { skus: number; bytes: number; over: boolean; lastWritten: string | null } | null;
  /** The copy computed from the current figures for the active rules (written within a minute when it differs). */
  current: { skus: number; bytes: number; over: boolean };
  maxBytes: number;
  /** About how many SKUs' figures fit (at the current figures' average size). */
  capacity: number | null;
  /** Either is over: checkout cannot read any ATP figure. */
  over: boolean;
  rules: { id: string; name: string; skus: number; mode: RuleMode; effect: OverEffect }[];
}

export async function atpCopyState(ctx: PageContext, rules: Pick<CheckoutRules, "set" | "stock">, zone: string): Promise<AtpCopyState | null> {
  const active = rules.set.rules.filter((r) => r.kind === "atp" && r.mode !== "off");
  if (active.length === 0) return null;
  const current = await computeCheckoutStock(ctx.prisma, ctx.shop, rules.set);
  const stored = readStoredCopy(rules.stock?.value);
  const at = rules.stock?.updatedAt ? parseUtc(rules.stock.updatedAt) : null;
  return {
    stored: stored && { ...stored, lastWritten: at === null ? null : `${utcToZoned(at, zone).wall.slice(0, 19).replace("T", " ")} (${formatUtc(at)})` },
    current: { skus: current.skus, bytes: current.neededBytes, over: current.over },
    maxBytes: current.maxBytes,
    capacity: checkoutCapacity(current, atpLocations(rules.set).length),
    over: current.over || stored?.over === true,
    rules: current.rules.map((r) => {
      const rule = rules.set.rules[r.index]!;
      return { id: rule.id, name: rule.name ?? rule.id, skus: r.skus, mode: rule.mode, effect: overEffect(rule, rules.set.failureMode) };
    }),
  };
}

export interface PageData {
  shop: string;
  settings: ShopSettings;
  validation: { id: string; enabled: boolean; blockOnFailure: boolean } | null;
  failureMode: RuleSet["failureMode"];
  revision: string;
  problems: string[];
  rows: RuleRow[];
  editing: { replacing: string | null; fields: RuleFields } | null;
  replayDays: number;
  clock: { coversUntil: string | null; expired: boolean; needed: boolean };
  validationsOnShop: number;
  maxValidations: number;
  nowLocal: string;
  atpCopy: AtpCopyState | null;
}

export async function loadPage(ctx: PageContext, url: URL): Promise<PageData> {
  const settings = await shopSettings(ctx.prisma, ctx.shop);
  const rules = await loadCheckoutRules(ctx.admin, settings);
  const [lookups, replay] = await Promise.all([lookupCounts(ctx.prisma, ctx.shop), replayCounts(ctx.prisma, ctx.shop, rules.set, { zone: settings.zone, now: ctx.now })]);
  const edit = url.searchParams.get("edit");
  const editingRule = edit ? rules.set.rules.find((r) => r.id === edit) : undefined;
  const status = clockStatus(rules.ticks?.value);
  const nowSeconds = Math.floor(ctx.now.getTime() / 1000);
  return {
    shop: ctx.shop,
    settings,
    validation: rules.validation && { id: rules.validation.id, enabled: rules.validation.enabled, blockOnFailure: rules.validation.blockOnFailure },
    failureMode: rules.set.failureMode,
    revision: rules.revision,
    problems: rules.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)),
    rows: rules.set.rules.map((rule) => ({
      id: rule.id,
      name: rule.name ?? rule.id,
      kind: rule.kind,
      mode: rule.mode,
      summary: summarize(rule, rules.set),
      lookups: lookups[rule.id] ?? null,
      replay: replay[rule.id] ?? null,
    })),
    editing: edit === "new" ? { replacing: null, fields: EMPTY_FIELDS } : editingRule ? { replacing: editingRule.id, fields: fieldsFromRule(editingRule, settings.currencyCode, settings.zone) } : null,
    replayDays: REPLAY_DAYS,
    clock: {
      coversUntil: status.coversUntil === null ? null : `${utcToZoned(status.coversUntil, settings.zone).wall.replace("T", " ")} (${formatUtc(status.coversUntil)})`,
      expired: status.coversUntil === null || status.coversUntil <= nowSeconds,
      needed: rules.set.rules.some((r) => r.mode !== "off" && (r.kind === "atp" || r.kind === "timeGate")),
    },
    validationsOnShop: rules.validationsOnShop,
    maxValidations: MAX_VALIDATIONS,
    nowLocal: utcToZoned(nowSeconds, settings.zone).wall.slice(0, 16),
    atpCopy: await atpCopyState(ctx, rules, settings.zone),
  };
}

export type ActionData =
  | { intent: "saveRule"; ok: true; message: string; warnings: string[] }
  | { intent: "saveRule"; ok: false; message: string; fieldErrors: Partial<Record<keyof RuleFields, string>>; formErrors: string[]; fields: RuleFields; replacing: string | null }
  | { intent: "setMode" | "deleteRule" | "saveSettings" | "refreshClock" | "publishCounts"; ok: boolean; message: string }
  | { intent: "lookup"; ok: true; result: LookupResult }
  | { intent: "lookup"; ok: false; message: string; fieldErrors: Record<string, string> }
  | { intent: "unknown"; ok: false; message: string };

function saveMessage(result: Exclude<SaveResult, { ok: true }>): string {
  if (result.code === "invalid") return result.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join("; ");
  return result.message;
}

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v.trim() : "";
};

export async function handleAction(ctx: PageContext, form: FormData): Promise<{ status: number; data: ActionData }> {
  const settings = await shopSettings(ctx.prisma, ctx.shop);
  const intent = text(form, "intent");
  const revision = text(form, "revision");
  const current = await loadCheckoutRules(ctx.admin, settings);
  const enabled = current.validation?.enabled ?? true;
  const save = async (draft: Record<string, unknown>, on = enabled): Promise<SaveResult> => {
    // Refused before any write when the ATP rules being saved would not fit in checkout's copy of the figures.
    const check = async (set: RuleSet, before: CheckoutRules) => overProblems(before.set, set, await computeCheckoutStock(ctx.prisma, ctx.shop, set));
    const result = await saveCheckoutRules(ctx.admin, draft, { enabled: on, revision, zone: settings.zone, currencyCode: settings.currencyCode, now: ctx.now, current, check });
    if (!result.ok) return result;
    // The ATP copy for the saved rules at once (an ATP rule just added, other SKUs), not at the next heartbeat.
    try {
      const published = await publishCheckoutStock(ctx.prisma, ctx.shop, ctx.admin, { rules: { ...current, validation: result.validation, set: result.set, problems: [] } });
      if (published.over) result.clockNotes.push("Checkout cannot carry the ATP figures of every SKU the ATP rules govern (see the ATP figures card): name the drop's SKUs or prefixes in the ATP rule.");
    } catch (error) {
      result.clockNotes.push(`The ATP figures were not copied to checkout yet (${error instanceof Error ? error.message : String(error)}); the heartbeat retries within a minute.`);
    }
    return result;
  };
  const status = (r: SaveResult) => (r.ok ? 200 : r.code === "conflict" ? 409 : r.code === "invalid" ? 400 : 502);

  switch (intent) {
    case "saveRule": {
      const fields = fieldsFromForm(form);
      const replacing = text(form, "replacing") || null;
      const drafted = draftRule(fields, settings.currencyCode, settings.zone);
      if (!drafted.ok) {
        return { status: 400, data: { intent, ok: false, message: "Some fields need fixing", fieldErrors: drafted.errors, formErrors: [], fields, replacing } };
      }
      const { draft, index } = withRule(current.set, drafted.rule, replacing);
      const labelled = { ...draft, labels: await labelsFor(ctx.prisma, ctx.admin, ctx.shop, { ...current.set, rules: draft.rules as Rule[] }) };
      const result = await save(labelled);
      if (result.ok) {
        return { status: 200, data: { intent, ok: true, message: `Saved rule ${fields.id}`, warnings: [...result.warnings.map((w) => w.message), ...result.clockNotes] } };
      }
      const mapped = result.code === "invalid" ? fieldErrors(result.errors, index) : { fields: {}, form: [saveMessage(result)] };
      return { status: status(result), data: { intent, ok: false, message: "The rule was not saved", fieldErrors: mapped.fields, formErrors: mapped.form, fields, replacing } };
    }
    case "setMode":
    case "deleteRule": {
      const id = text(form, "ruleId");
      const mode = text(form, "mode") as RuleMode;
      if (!current.set.rules.some((r) => r.id === id)) return { status: 404, data: { intent, ok: false, message: `No rule ${id}` } };
      if (intent === "setMode" && !RULE_MODES.includes(mode)) return { status: 400, data: { intent, ok: false, message: `Unknown mode "${mode}"` } };
      const rules = intent === "deleteRule" ? current.set.rules.filter((r) => r.id !== id) : current.set.rules.map((r) => (r.id === id ? { ...r, mode } : r));
      const result = await save({ ...current.set, rules });
      const done = intent === "deleteRule" ? `Deleted rule ${id}` : `Rule ${id} is now ${mode === "enforce" ? "enforced" : mode === "test" ? "in testing mode" : "off"}`;
      return { status: status(result), data: { intent, ok: result.ok, message: result.ok ? done : saveMessage(result) } };
    }
    case "saveSettings": {
      const failureMode = text(form, "failureMode");
      const on = text(form, "enabled") === "on";
      const result = await save({ ...current.set, failureMode }, on);
      return { status: status(result), data: { intent, ok: result.ok, message: result.ok ? `Saved: checkout rules ${on ? "on" : "off"}, failing ${failureMode}` : saveMessage(result) } };
    }
    case "lookup": {
      const read = readLookupForm(form);
      if (!read.ok) return { status: 400, data: { intent, ok: false, message: "Some fields need fixing", fieldErrors: read.errors } };
      const killSwitches = (await readKillSwitchMetafield(ctx.admin)).value;
      const result = await runLookup(ctx.prisma, ctx.admin, ctx.shop, current.set, read.request, { zone: settings.zone, now: ctx.now, killSwitches });
      return { status: 200, data: { intent, ok: true, result } };
    }
    case "refreshClock": {
      const result = await refreshCheckoutClock(ctx.admin, { zone: settings.zone, currencyCode: settings.currencyCode, now: ctx.now, force: true });
      return {
        status: result.written ? 200 : 409,
        data: { intent, ok: result.written, message: result.written ? `Clock written; it covers until ${formatUtc(result.coversUntil)}` : `Clock not written: ${result.reason.replace("_", " ")}` },
      };
    }
    case "publishCounts": {
      const result = await publishCustomerLimitCounts(ctx.prisma, ctx.admin, ctx.shop, current.set, ctx.now);
      return { status: 200, data: { intent, ok: true, message: `Published purchase counts for ${result.customers} customer(s) in ${result.calls} call(s)` } };
    }
    default:
      return { status: 400, data: { intent: "unknown", ok: false, message: `Unknown action "${intent}"` } };
  }
}
