/**
 * The Peak page's data and actions (app/routes/app.peak.tsx): readiness checklist with live
 * values, kill switches (flip, restore, publish again, activate the functions), the audit
 * log, the last drills, freeze windows and the settings (declared methods per market, peak,
 * test freshness). Times are shown in the shop's zone.
 */
import type { PrismaClient } from "@prisma/client";
import { parseKillSwitches } from "~/domain/kill-switches/format";
import {
  catalogText,
  coverage,
  describeTarget,
  parseCatalogText,
  readTarget,
  toKillSwitches,
  type MarketCoverage,
  type SwitchKind,
} from "~/domain/kill-switches/switches";
import { freezeStatus, readFreezeWindow, type FreezeScope, type FreezeWindow } from "~/domain/peak/freeze";
import { readiness, SWITCH_TEST_KINDS, type ReadinessItem, type SwitchTestKind } from "~/domain/peak/readiness";
import { zonedToUtc } from "~/domain/promotions/time-admin";
import type { AdminClient } from "../admin/client.server";
import { dashboardClock, formatInstant } from "../dashboard.server";
import { forShop } from "../db/scoped.server";
import { storedCheckoutStock } from "../validation/stock.server";
import { customizationStatus, ensureKillSwitchCustomizations, type CustomizationStatus } from "../kill-switches/customizations.server";
import { killSwitch, republish, restoreExpiredSwitches, restoreSwitch, type FlipDeps, type FlipResult, type PropagationReceipt } from "../kill-switches/flip.server";
import type { CheckoutProbe } from "../kill-switches/probe.server";
import { catalogOf, loadActiveSwitches, loadSettings, toActiveSwitch } from "../kill-switches/repository.server";
import { BACKLOG_CAP_ENV, queueCapFromEnv, webhookBacklog } from "./backpressure.server";
import { latestDrillReports, type DrillReportView } from "./drill-reports.server";

export interface PeakContext {
  prisma: PrismaClient;
  shop: string;
  admin: AdminClient;
  actor: string;
  probe: CheckoutProbe | null;
  now?: Date;
}

export interface SwitchRow {
  id: string;
  kind: SwitchKind;
  description: string;
  reason: string;
  by: string;
  since: string;
  expires: string | null;
}

export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  what: string;
  reason: string;
  rev: number | null;
  before: string;
  after: string;
  receipt: string | null;
  receiptOk: boolean | null;
}

export interface PeakPage {
  shop: string;
  clock: { timeZone: string; label: string };
  readiness: ReadinessItem[];
  switches: SwitchRow[];
  coverage: MarketCoverage[];
  audit: AuditRow[];
  drills: (DrillReportView & { startedLabel: string })[];
  freezeWindows: { id: string; scope: string; starts: string; ends: string; reason: string; by: string; open: boolean }[];
  codeFreezeOpen: { ends: string; reason: string } | null;
  settings: { catalogText: string; peakOrdersPerMinute: number; switchTestDays: number; backlogCap: number; backlogCapEnv: string };
  customizations: CustomizationStatus[] | null;
  metafield: { rev: number; bytes: number; ok: boolean; at: string } | null;
  demo: boolean;
}

/** Counts a state's switches for the audit table: "2 pay, 1 ship, freeze". */
function stateSummary(value: unknown): string {
  const ks = parseKillSwitches({ v: 1, ...(value as object) });
  const parts = [
    ks.pay.length ? `${ks.pay.length} payment` : null,
    ks.ship.length ? `${ks.ship.length} delivery` : null,
    ks.promo.length ? `${ks.promo.length} promotion` : null,
    ks.freeze ? "freeze" : null,
    ks.region.length ? `${ks.region.length} region` : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : "nothing off";
}

function receiptLine(receipt: PropagationReceipt | null): { text: string | null; ok: boolean | null } {
  if (!receipt?.publish) return { text: null, ok: null };
  const p = receipt.publish;
  const written = p.write.ok ? `written rev ${p.rev} (${p.bytes} B), ${p.readBack.detail}` : `NOT written: ${p.write.error}`;
  const checkout = receipt.checkout.ran ? `checkout: ${receipt.checkout.detail}` : `checkout: ${receipt.checkout.detail}`;
  return { text: `${written}; ${checkout}`, ok: p.ok && (!receipt.checkout.ran || receipt.checkout.ok) };
}

/** When each kind was last flipped AND honoured (promotions: the metafield confirmed). */
async function switchTests(prisma: PrismaClient, shop: string): Promise<Record<SwitchTestKind, Date | null>> {
  const rows = await forShop(prisma, shop).killSwitchAudit.findMany({
    where: { action: { in: ["kill", "restore", "expire"] } },
    orderBy: { at: "desc" },
    take: 500,
    select: { at: true, switchKey: true, receipt: true },
  });
  const out = Object.fromEntries(SWITCH_TEST_KINDS.map((k) => [k, null])) as Record<SwitchTestKind, Date | null>;
  for (const row of rows) {
    const kind = row.switchKey.split(":")[0] === "freeze" ? "promotion" : (row.switchKey.split(":")[0] as SwitchTestKind);
    if (!SWITCH_TEST_KINDS.includes(kind) || out[kind]) continue;
    const receipt = row.receipt as unknown as PropagationReceipt | null;
    const honoured = kind === "promotion" ? receipt?.publish?.ok === true : receipt?.checkout?.ran === true && receipt.checkout.ok;
    if (honoured) out[kind] = row.at;
  }
  return out;
}

export async function timeZoneOf(prisma: PrismaClient, shop: string): Promise<{ timeZone: string; label: string }> {
  const row = await forShop(prisma, shop).shop.findFirst({ select: { ianaTimezone: true } });
  return dashboardClock(row?.ianaTimezone);
}

export async function loadPeakPage(ctx: PeakContext): Promise<PeakPage> {
  const { prisma, shop } = ctx;
  const now = ctx.now ?? new Date();
  const db = forShop(prisma, shop);
  const clock = await timeZoneOf(prisma, shop);
  const fmt = (d: Date) => formatInstant(d, clock.timeZone);

  // Never show an expired switch as on: restore this shop's before reading.
  if ((await db.killSwitch.count({ where: { restoredAt: null, expiresAt: { lte: now } } })) > 0) {
    await restoreExpiredSwitches(flipDeps(ctx, clock.timeZone, "expiry"));
  }
  const settings = await loadSettings(db, shop);
  const catalog = catalogOf(settings);
  const active = await loadActiveSwitches(db);
  const audits = await db.killSwitchAudit.findMany({ orderBy: { at: "desc" }, take: 25 });
  const auditSwitchIds = [...new Set(audits.map((a) => a.switchId).filter((id): id is string => id !== null))];
  const described = new Map(
    (await db.killSwitch.findMany({ where: { id: { in: auditSwitchIds } } })).map((row) => [row.id, describeTarget(toActiveSwitch(row).target)])
  );
  const lastPublish = await db.killSwitchAudit.findFirst({ where: { rev: { not: null } }, orderBy: { at: "desc" } });
  const publishReceipt = (lastPublish?.receipt as unknown as PropagationReceipt | null)?.publish ?? null;
  const windowsRaw = await db.freezeWindow.findMany({ where: { endsAt: { gt: new Date(now.getTime() - 7 * 86_400_000) } }, orderBy: { startsAt: "asc" }, take: 50 });
  const windows: FreezeWindow[] = windowsRaw.map((w) => ({ ...w, scope: w.scope as FreezeScope }));
  const drills = await latestDrillReports(prisma, shop, 3);
  const variants = await db.variant.count();
  const lastSync = await db.variant.findFirst({ orderBy: { syncedAt: "desc" }, select: { syncedAt: true } });
  const cap = queueCapFromEnv();
  const backlog = await webhookBacklog(prisma);
  let customizations: CustomizationStatus[] | null = null;
  try {
    customizations = await customizationStatus(ctx.admin);
  } catch {
    customizations = null;
  }
  // The checkout validation's ATP copy (a metafield the function reads): its bytes, or over.
  let checkoutAtp: { bytes: number; over: boolean } | null = null;
  try {
    checkoutAtp = await storedCheckoutStock(ctx.admin);
  } catch {
    checkoutAtp = null;
  }
  const code = freezeStatus(windows, "code", now);
  const last = drills[0] ?? null;
  const items = readiness({
    now,
    testDays: settings.switchTestDays,
    drill: last
      ? {
          passed: last.passed,
          startedAt: new Date(last.startedAt),
          verdicts: last.verdicts,
          ackP99: last.results.ack.p99,
          lagP99: last.results.lag.p99,
          lost: last.results.loss.lost.length + last.results.loss.neverAttempted,
          checkout: last.results.checkout.filter((c) => !c.note).map((c) => ({ function: c.function, wallP99: c.wallMs.p99, instructionsP99: c.instructions.p99, inputBytesP99: c.inputBytes?.p99 ?? null })),
        }
      : null,
    caches: {
      mirrorSyncedAt: lastSync?.syncedAt ?? null,
      variants,
      metafield: publishReceipt && lastPublish ? { ok: publishReceipt.ok, rev: publishReceipt.rev, bytes: publishReceipt.bytes, at: lastPublish.at } : null,
      checkoutAtp,
    },
    queue: { cap, backlog },
    switchTests: await switchTests(prisma, shop),
    codeFreeze: code,
    customizations,
    declaredMarkets: catalog.markets.length,
  });

  return {
    shop,
    clock,
    readiness: items,
    switches: active.map((s) => ({
      id: s.id,
      kind: s.target.kind,
      description: describeTarget(s.target),
      reason: s.reason,
      by: s.createdBy,
      since: fmt(s.createdAt),
      expires: s.expiresAt ? fmt(s.expiresAt) : null,
    })),
    coverage: coverage(catalog, toKillSwitches(active, 0, clock.timeZone)),
    audit: audits.map((a) => {
      const line = receiptLine(a.receipt as unknown as PropagationReceipt | null);
      return { id: a.id, at: fmt(a.at), actor: a.actor, action: a.action, what: (a.switchId && described.get(a.switchId)) || a.switchKey, reason: a.reason, rev: a.rev, before: stateSummary(a.before), after: stateSummary(a.after), receipt: line.text, receiptOk: line.ok };
    }),
    drills: drills.map((d) => ({ ...d, startedLabel: fmt(new Date(d.startedAt)) })),
    freezeWindows: windows.map((w) => ({ id: w.id, scope: w.scope, starts: fmt(w.startsAt), ends: fmt(w.endsAt), reason: w.reason, by: w.createdBy, open: w.startsAt <= now && now < w.endsAt })),
    codeFreezeOpen: code.open[0] ? { ends: fmt(code.open[0].endsAt), reason: code.open[0].reason } : null,
    settings: {
      catalogText: catalogText(catalog),
      peakOrdersPerMinute: settings.peakOrdersPerMinute,
      switchTestDays: settings.switchTestDays,
      backlogCap: cap.cap,
      backlogCapEnv: BACKLOG_CAP_ENV,
    },
    customizations,
    metafield: publishReceipt && lastPublish ? { rev: publishReceipt.rev, bytes: publishReceipt.bytes, ok: publishReceipt.ok, at: fmt(lastPublish.at) } : null,
    demo: ctx.probe !== null,
  };
}

function flipDeps(ctx: PeakContext, timeZone: string, actor = ctx.actor): FlipDeps {
  return { prisma: ctx.prisma, admin: ctx.admin, shop: ctx.shop, actor, timeZone, probe: ctx.probe, ...(ctx.now ? { now: () => ctx.now! } : {}) };
}

/* ------------------------------------------------------------------ actions */

export type PeakActionResult =
  | { ok: true; intent: string; message: string; receipt?: PropagationReceipt }
  | { ok: false; intent: string; message: string; field?: string; code?: string };

const text = (form: FormData, key: string) => {
  const v = form.get(key);
  return typeof v === "string" ? v.trim() : "";
};

function flipAnswer(intent: string, result: FlipResult): PeakActionResult {
  if (!result.ok) return { ok: false, intent, code: result.code, message: result.message };
  const receipt = receiptLine(result.receipt);
  return { ok: true, intent, message: `${intent === "kill" ? "Turned off" : "Restored"}: ${result.description}. ${receipt.text ?? ""}`, receipt: result.receipt };
}

/** Reads the flip form: kind and its target fields, reason, optional expiry in minutes. */
export function readKillForm(form: FormData, now: Date): { ok: true; kind: string; raw: Record<string, unknown>; reason: string; expiresAt: Date | null } | { ok: false; field: string; message: string } {
  const kind = text(form, "kind");
  const markets = text(form, "markets")
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean);
  const message = text(form, "message");
  const language = text(form, "language") || "en";
  const raw: Record<string, unknown> = {
    name: text(form, "name"),
    handle: text(form, "handle"),
    title: text(form, "title"),
    type: text(form, "type"),
    id: text(form, "id"),
    cc: text(form, "cc"),
    market: text(form, "market"),
    ...(markets.length > 0 ? { mk: markets } : {}),
    ...(message ? { msg: { [language]: message } } : {}),
  };
  const minutes = text(form, "expiresInMinutes");
  let expiresAt: Date | null = null;
  if (minutes) {
    const n = Number(minutes);
    if (!Number.isFinite(n) || n <= 0 || n > 60 * 24 * 31) return { ok: false, field: "expiresInMinutes", message: "expiry: minutes from now, between 1 and 44,640 (31 days), or empty for none" };
    expiresAt = new Date(now.getTime() + Math.round(n) * 60_000);
  }
  return { ok: true, kind, raw, reason: text(form, "reason"), expiresAt };
}

function wallToDate(wall: string, timeZone: string): Date | null {
  if (!wall) return null;
  const converted = zonedToUtc(wall.length === 16 ? `${wall}:00` : wall, timeZone);
  return converted.ok ? new Date(converted.epochSeconds * 1000) : null;
}

export async function peakAction(ctx: PeakContext, form: FormData): Promise<PeakActionResult> {
  const intent = text(form, "intent");
  const now = ctx.now ?? new Date();
  const { timeZone } = await timeZoneOf(ctx.prisma, ctx.shop);
  const db = forShop(ctx.prisma, ctx.shop);
  switch (intent) {
    case "kill": {
      const read = readKillForm(form, now);
      if (!read.ok) return { ok: false, intent, field: read.field, message: read.message };
      const target = readTarget(read.kind, read.raw);
      if (!target.ok) return { ok: false, intent, code: target.code, message: target.message };
      return flipAnswer(intent, await killSwitch(flipDeps(ctx, timeZone), { target: target.target, reason: read.reason, expiresAt: read.expiresAt }));
    }
    case "restore":
      return flipAnswer(intent, await restoreSwitch(flipDeps(ctx, timeZone), text(form, "switchId"), text(form, "reason")));
    case "republish": {
      const receipt = await republish(flipDeps(ctx, timeZone), text(form, "reason") || "published again from the Peak page");
      const line = receiptLine(receipt);
      return receipt.publish.ok ? { ok: true, intent, message: `Published: ${line.text}`, receipt } : { ok: false, intent, message: `Not published: ${line.text}` };
    }
    case "activate": {
      const status = await ensureKillSwitchCustomizations(ctx.admin, db, ctx.shop);
      return { ok: true, intent, message: `Functions: ${status.map((s) => `${s.kind} ${s.action}`).join(", ")}` };
    }
    case "settings": {
      const catalog = parseCatalogText(text(form, "catalog"));
      if (!catalog.ok) return { ok: false, intent, field: "catalog", message: catalog.message };
      const peak = Number(text(form, "peakOrdersPerMinute"));
      if (!Number.isSafeInteger(peak) || peak < 1 || peak > 1_000_000) return { ok: false, intent, field: "peakOrdersPerMinute", message: "peak: orders per minute, a whole number from 1" };
      const days = Number(text(form, "switchTestDays"));
      if (!Number.isSafeInteger(days) || days < 1 || days > 365) return { ok: false, intent, field: "switchTestDays", message: "test freshness: days, 1 to 365" };
      await loadSettings(db, ctx.shop);
      await db.peakSettings.update({ where: { shop: ctx.shop }, data: { catalog: JSON.parse(JSON.stringify(catalog.catalog)), peakOrdersPerMinute: peak, switchTestDays: days } });
      return { ok: true, intent, message: `Saved: ${catalog.catalog.markets.length} market(s) declared, peak ${peak} orders/min (the drill runs at ${Math.round(peak * 1.5)}), tests fresh for ${days} days` };
    }
    case "freeze-add": {
      const read = readFreezeWindow({ scope: text(form, "scope"), startsAt: wallToDate(text(form, "startsAt"), timeZone), endsAt: wallToDate(text(form, "endsAt"), timeZone), reason: text(form, "reason") }, now);
      if (!read.ok) return { ok: false, intent, field: read.field, message: read.message };
      await db.freezeWindow.create({ data: { shop: ctx.shop, ...read.window, createdBy: ctx.actor } });
      return { ok: true, intent, message: `Scheduled a ${read.window.scope} freeze, ${formatInstant(read.window.startsAt, timeZone)} → ${formatInstant(read.window.endsAt, timeZone)}` };
    }
    case "freeze-delete": {
      const { count } = await db.freezeWindow.deleteMany({ where: { id: text(form, "windowId") } });
      return count === 1 ? { ok: true, intent, message: "Freeze window removed" } : { ok: false, intent, message: "No such freeze window" };
    }
    default:
      return { ok: false, intent, message: `Unknown action "${intent.slice(0, 40)}"` };
  }
}
