/**
 * What the Promotions pages load and do: the list (app/routes/app.promotions.tsx) and the
 * editor (app/routes/app.promotions_.$id.tsx: list of promotions with times in the shop's
 * zone, field-level errors, the analyzer, preview on a mirrored-catalog cart, replay on the
 * last synced orders). Intents: check (validate + analyze the draft), save, preview, replay.
 */
import type { PrismaClient } from "@prisma/client";

import type { Finding } from "~/domain/promotions/analyze";
import { compileForFunction } from "~/domain/promotions/compile";
import { utcToZoned } from "~/domain/promotions/time-admin";
import type { Evaluation, PromotionSet } from "~/domain/promotions/types";
import { CHANNEL_EXPLANATION } from "~/domain/promotions/types";
import { formatMoney } from "~/domain/promotions/util";
import { validatePromotionSet, type FieldError } from "~/domain/promotions/validate";
import type { AdminClient } from "../admin/client.server";
import { forShop } from "../db/scoped.server";
import { blankSetForm, errorsByField, formFromSet, setFromForm, type SetForm } from "./form";
import {
  analyzeWithCatalog,
  functionDeployed,
  listPromotionDiscounts,
  loadPromotionDiscount,
  previewCart,
  replayOrders,
  savePromotionDiscount,
  shopTimeZone,
  type PromotionDiscountSummary,
  type ReplayReport,
} from "./promotions.server";

export interface PageContext {
  prisma: PrismaClient;
  admin: AdminClient;
  shop: string;
  now: Date;
}

import { markAllPromotionCounters } from "./counters.server";
import { NEW_ID, REPLAY_DEFAULT, REPLAY_MAX } from "./constants";
export { NEW_ID, REPLAY_DEFAULT, REPLAY_MAX };

/* ================================================================== list === */

export interface ListPage {
  shop: string;
  zone: string;
  /** updatedAt as the shop's wall clock reads it. */
  discounts: (PromotionDiscountSummary & { updatedShop: string | null })[];
  deployed: boolean;
}

/** A Shopify DateTime as the shop's wall clock reads it ("2026-11-27 07:00"). */
export function shopWall(instant: string | null, zone: string): string | null {
  if (!instant) return null;
  const seconds = Math.floor(Date.parse(instant) / 1000);
  return Number.isFinite(seconds) ? utcToZoned(seconds, zone).wall.slice(0, 16).replace("T", " ") : null;
}

export async function loadListPage(ctx: PageContext): Promise<ListPage> {
  const zone = await shopTimeZone(ctx.prisma, ctx.admin, ctx.shop);
  const discounts = await listPromotionDiscounts(ctx.admin);
  const deployed = await functionDeployed(ctx.admin);
  return { shop: ctx.shop, zone, discounts: discounts.map((d) => ({ ...d, updatedShop: shopWall(d.updatedAt, zone) })), deployed };
}

/* ================================================================ editor === */

/** How each promotion's timing reads in the shop's zone. */
export interface Timing {
  id: string;
  text: string;
}

export interface EditorPage {
  id: string;
  zone: string;
  /** The shop's wall clock now, for the preview's default time. */
  shopNow: string;
  form: SetForm;
  status: string | null;
  setProblem: string | null;
  compiledBytes: number | null;
  findings: Finding[];
  catalogSize: number;
  timings: Timing[];
  channelExplanation: string;
  deployed: boolean;
}

/** Each windowed promotion's times as the shop reads them ("Mar 1 00:00 → Mar 16 01:00 shop time"). */
export function timings(set: PromotionSet, zone: string): Timing[] {
  const out: Timing[] = [];
  for (const p of set.promotions) {
    const parts: string[] = [];
    const w = p.conditions.timeWindow;
    if (w) {
      const start = utcToZoned(w.startUtc, zone).wall.replace("T", " ");
      const end = utcToZoned(w.endUtc, zone).wall.replace("T", " ");
      parts.push(`from ${start} until ${end} (shop time, ${zone}; authored ${w.start.replace("T", " ")} → ${w.end.replace("T", " ")} ${w.zone})`);
    }
    const r = p.conditions.recurring;
    if (r) parts.push(`${r.days ? r.days.join(", ") : "every day"} ${r.from}–${r.to} shop time`);
    if (parts.length > 0) out.push({ id: p.id, text: parts.join("; ") });
  }
  return out;
}

export async function loadEditorPage(ctx: PageContext, id: string): Promise<EditorPage | null> {
  const zone = await shopTimeZone(ctx.prisma, ctx.admin, ctx.shop);
  const shopNow = utcToZoned(Math.floor(ctx.now.getTime() / 1000), zone).wall.slice(0, 16);
  const deployed = await functionDeployed(ctx.admin);
  const base = { id, zone, shopNow, channelExplanation: CHANNEL_EXPLANATION, deployed };
  if (id === NEW_ID) {
    const currency = (await forShop(ctx.prisma, ctx.shop).shop.findFirst({ select: { currencyCode: true } }))?.currencyCode ?? "USD";
    return { ...base, form: blankSetForm(currency), status: null, setProblem: null, compiledBytes: null, findings: [], catalogSize: 0, timings: [] };
  }
  const discount = await loadPromotionDiscount(ctx.admin, id);
  if (!discount) return null;
  if (!discount.set) {
    return { ...base, form: { ...blankSetForm("USD"), title: discount.title }, status: discount.status, setProblem: discount.setProblem, compiledBytes: discount.compiledBytes, findings: [], catalogSize: 0, timings: [] };
  }
  const { findings, catalogSize } = await analyzeWithCatalog(ctx.prisma, ctx.admin, ctx.shop, discount.set, ctx.now);
  return {
    ...base,
    form: formFromSet(discount.set, discount.title, discount.combinesWith, zone),
    status: discount.status,
    setProblem: null,
    compiledBytes: discount.compiledBytes,
    findings,
    catalogSize,
    timings: timings(discount.set, zone),
  };
}

/* ================================================================ action === */

export interface PreviewView {
  shopLocal: string;
  currencyCode: string;
  subtotal: string;
  discount: string;
  total: string;
  shipping: string | null;
  lines: { sku: string; quantity: number; subtotal: string; discount: string; collections: number }[];
  explanations: Evaluation["explanations"];
}

export interface ReplayView extends ReplayReport {
  total: string;
  largestText: string | null;
  share: string;
}

export type ActionData =
  | { intent: "check" | "save"; ok: false; errors: Record<string, string> }
  | { intent: "check"; ok: true; warnings: Record<string, string>; findings: Finding[]; bytes: number; timings: Timing[] }
  | { intent: "save"; ok: true; id: string; created: boolean; warnings: Record<string, string>; findings: Finding[]; bytes: number; timings: Timing[] }
  | { intent: "preview"; ok: false; errors: Record<string, string> }
  | { intent: "preview"; ok: true; preview: PreviewView }
  | { intent: "replay"; ok: false; errors: Record<string, string> }
  | { intent: "replay"; ok: true; replay: ReplayView }
  | { intent: "unknown"; ok: false; errors: Record<string, string> };

function readForm(raw: FormDataEntryValue | null): SetForm | null {
  if (typeof raw !== "string") return null;
  try {
    const value = JSON.parse(raw) as SetForm;
    return value && typeof value === "object" && Array.isArray(value.promotions) ? value : null;
  } catch {
    return null;
  }
}

const field = (form: FormData, name: string): string => {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
};

export async function handleEditorAction(ctx: PageContext, id: string, form: FormData): Promise<{ status: number; data: ActionData }> {
  const intent = field(form, "intent");
  const setForm = readForm(form.get("form"));
  if (!setForm) return { status: 400, data: { intent: "unknown", ok: false, errors: { "": "the editor sent no readable form" } } };
  const zone = await shopTimeZone(ctx.prisma, ctx.admin, ctx.shop);
  const { set: authored, combinesWith } = setFromForm(setForm);

  if (intent === "save") {
    const saved = await savePromotionDiscount(ctx.admin, { id: id === NEW_ID ? null : id, title: setForm.title, set: authored, combinesWith, shopZone: zone });
    if (!saved.ok) return { status: 422, data: { intent: "save", ok: false, errors: errorsByField(saved.errors) } };
    // a cap may be new: publish every use counter and budget again (the promotions job)
    await markAllPromotionCounters(ctx.prisma, ctx.shop);
    const { findings } = await analyzeWithCatalog(ctx.prisma, ctx.admin, ctx.shop, saved.set, ctx.now);
    return {
      status: 200,
      data: { intent: "save", ok: true, id: saved.id, created: id === NEW_ID, warnings: errorsByField(saved.warnings), findings, bytes: saved.bytes, timings: timings(saved.set, zone) },
    };
  }

  // Everything else works on the draft as validated and compiled, without saving it.
  const validated = validatePromotionSet(authored);
  if (!validated.ok) return { status: 422, data: { intent: intentOf(intent), ok: false, errors: errorsByField(validated.errors) } as ActionData };
  const set = validated.set;
  const compiled = compileForFunction(set, zone);

  if (intent === "check") {
    if (!compiled.ok) return { status: 422, data: { intent: "check", ok: false, errors: errorsByField(compiled.errors) } };
    const { findings } = await analyzeWithCatalog(ctx.prisma, ctx.admin, ctx.shop, set, ctx.now);
    return { status: 200, data: { intent: "check", ok: true, warnings: errorsByField(validated.warnings), findings, bytes: compiled.config.bytes, timings: timings(set, zone) } };
  }

  if (intent === "preview") {
    const input = readPreview(form);
    if (!input.ok) return { status: 422, data: { intent: "preview", ok: false, errors: previewErrors(input.errors) } };
    const result = await previewCart(ctx.prisma, ctx.admin, ctx.shop, set, zone, input.value);
    if (!result.ok) return { status: 422, data: { intent: "preview", ok: false, errors: previewErrors(result.errors) } };
    const e = result.evaluation;
    const fmt = (cents: number) => formatMoney(cents, e.currencyCode);
    const shipping = e.shippingDiscounts.reduce((sum, d) => sum + d.amountCents, 0);
    return {
      status: 200,
      data: {
        intent: "preview",
        ok: true,
        preview: {
          shopLocal: result.shopLocal,
          currencyCode: e.currencyCode,
          subtotal: fmt(e.subtotalCents),
          discount: fmt(e.totalDiscountCents),
          total: fmt(e.subtotalCents - e.totalDiscountCents),
          shipping: input.value.shippingCents === null ? null : `${fmt(shipping)} off ${fmt(input.value.shippingCents)}`,
          lines: result.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, subtotal: fmt(l.subtotalCents), discount: fmt(l.discountCents), collections: l.collections.length })),
          explanations: e.explanations,
        },
      },
    };
  }

  if (intent === "replay") {
    const n = Number(field(form, "replayCount") || REPLAY_DEFAULT);
    if (!Number.isInteger(n) || n < 1 || n > REPLAY_MAX) {
      return { status: 422, data: { intent: "replay", ok: false, errors: { replayCount: `must be a whole number from 1 to ${REPLAY_MAX}` } } };
    }
    const report = await replayOrders(ctx.prisma, ctx.admin, ctx.shop, set, zone, n);
    const currency = report.currencyCode ?? set.currencyCode;
    return {
      status: 200,
      data: {
        intent: "replay",
        ok: true,
        replay: {
          ...report,
          total: formatMoney(report.totalDiscountCents, currency),
          largestText: report.largest ? `${formatMoney(report.largest.discountCents, currency)} on ${report.largest.order}` : null,
          share: report.orders === 0 ? "0%" : `${Math.round((report.affected / report.orders) * 1000) / 10}%`,
        },
      },
    };
  }
  return { status: 400, data: { intent: "unknown", ok: false, errors: { "": `unknown action "${intent}"` } } };
}

/** Preview errors by the preview form's fields (a line's SKU → the lines box, the time → its field). */
function previewErrors(errors: readonly FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const key = e.path.startsWith("lines[") || e.path === "previewLines" ? "previewLines" : e.path === "at" ? "previewAt" : e.path;
    out[key] = out[key] ? `${out[key]}; ${e.message}` : e.message;
  }
  return out;
}

function intentOf(intent: string): "check" | "save" | "preview" | "replay" | "unknown" {
  return intent === "check" || intent === "save" || intent === "preview" || intent === "replay" ? intent : "unknown";
}

/** The preview form: "SKU × quantity" per line, who, where and when. */
export function readPreview(form: FormData): { ok: true; value: Parameters<typeof previewCart>[5] } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const lines: { sku: string; quantity: number }[] = [];
  field(form, "previewLines")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .forEach((text, i) => {
      const match = /^(\S+)(?:\s*[x×*]\s*(\d+))?$/i.exec(text);
      if (!match) errors.push({ path: "previewLines", message: `line ${i + 1}: "${text}" is not "SKU" or "SKU x quantity"` });
      else lines.push({ sku: match[1]!, quantity: match[2] ? Number(match[2]) : 1 });
    });
  if (lines.length === 0 && errors.length === 0) errors.push({ path: "previewLines", message: "name at least one SKU" });
  if (lines.some((l) => l.quantity < 1)) errors.push({ path: "previewLines", message: "quantities must be at least 1" });
  const segment = field(form, "previewCustomer");
  const at = field(form, "previewAt");
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(at)) errors.push({ path: "previewAt", message: `must be a shop-local date and time like 2026-11-27T10:30, got "${at}"` });
  const shippingText = field(form, "previewShipping").trim();
  let shippingCents: number | null = null;
  if (shippingText !== "") {
    const cents = Math.round(Number(shippingText) * 100);
    if (!Number.isFinite(cents) || cents < 0) errors.push({ path: "previewShipping", message: `must be an amount like 6.95, got "${shippingText}"` });
    else shippingCents = cents;
  }
  if (errors.length > 0) return { ok: false, errors };
  const tags = field(form, "previewTags").split(",").map((t) => t.trim()).filter(Boolean);
  return {
    ok: true,
    value: {
      lines,
      country: field(form, "previewCountry").trim().toUpperCase() || null,
      channel: field(form, "previewChannel").trim() || null,
      pos: field(form, "previewPos") === "on",
      customer: segment === "guest" ? null : { orders: segment === "new" ? 0 : 3, tags },
      at,
      shippingCents,
    },
  };
}
