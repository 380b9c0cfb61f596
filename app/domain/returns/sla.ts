/**
 * The Returns queue's service level: how long a return request may wait for
 * staff to approve or decline it. The clock runs from the request (the RMA's
 * creation) while the RMA is `requested`; once decided, the request is off the
 * clock (the goods then travel on the customer's and the carrier's time).
 *
 * Age states: within (less than `dueSoonPercent` of the SLA used), due_soon,
 * breached (past the SLA). Pure: times in epoch ms.
 */
import type { RmaStatus } from "./machine";

export interface ReturnSla {
  /** Hours a request may wait for a decision. */
  decisionHours: number;
  /** Share of the SLA after which a request is "due soon". */
  dueSoonPercent: number;
}

export const DEFAULT_SLA: ReturnSla = { decisionHours: 48, dueSoonPercent: 75 };

/** The queue's age filter: requested more than this long ago. */
export const AGE_FILTERS = ["any", "1d", "3d", "7d", "14d"] as const;
export type AgeFilter = (typeof AGE_FILTERS)[number];
export const AGE_DAYS: Record<Exclude<AgeFilter, "any">, number> = { "1d": 1, "3d": 3, "7d": 7, "14d": 14 };

export const SLA_STATES = ["within", "due_soon", "breached"] as const;
export type SlaState = (typeof SLA_STATES)[number];

export interface SlaAge {
  /** Hours since the request, whole. */
  ageHours: number;
  /** "3 d 4 h" */
  ageLabel: string;
  /** null when the RMA is not waiting for a decision. */
  state: SlaState | null;
  /** When the SLA runs out (requests only). */
  dueAt: number | null;
  /** "due in 5 h" / "breached 2 d ago" / "decided". */
  label: string;
}

const HOUR = 3_600_000;

export function durationLabel(ms: number): string {
  const hours = Math.floor(Math.abs(ms) / HOUR);
  if (hours < 1) return `${Math.floor(Math.abs(ms) / 60_000)} min`;
  if (hours < 48) return `${hours} h`;
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest === 0 ? `${days} d` : `${days} d ${rest} h`;
}

export function slaAge(input: { status: RmaStatus | string; requestedAt: number; now: number; sla: ReturnSla }): SlaAge {
  const { status, requestedAt, now, sla } = input;
  const age = Math.max(0, now - requestedAt);
  const base = { ageHours: Math.floor(age / HOUR), ageLabel: durationLabel(age) };
  if (status !== "requested") return { ...base, state: null, dueAt: null, label: "decided: off the SLA clock" };
  const dueAt = requestedAt + sla.decisionHours * HOUR;
  const dueSoonAt = requestedAt + (sla.decisionHours * HOUR * sla.dueSoonPercent) / 100;
  if (now > dueAt) return { ...base, state: "breached", dueAt, label: `breached ${durationLabel(now - dueAt)} ago (SLA ${sla.decisionHours} h)` };
  if (now >= dueSoonAt) return { ...base, state: "due_soon", dueAt, label: `due in ${durationLabel(dueAt - now)} (SLA ${sla.decisionHours} h)` };
  return { ...base, state: "within", dueAt, label: `due in ${durationLabel(dueAt - now)} (SLA ${sla.decisionHours} h)` };
}

/**
 * The request times (createdAt) a state covers at `now`, for a database
 * filter: breached = requested before `breachedBefore`; due_soon = between
 * `breachedBefore` and `dueSoonBefore`; within = after `dueSoonBefore`.
 */
export function slaCutoffs(now: number, sla: ReturnSla): { breachedBefore: number; dueSoonBefore: number } {
  return { breachedBefore: now - sla.decisionHours * HOUR, dueSoonBefore: now - (sla.decisionHours * HOUR * sla.dueSoonPercent) / 100 };
}

export type SlaFieldErrors = Partial<Record<"decision" | "unit" | "dueSoonPercent", string>>;
export type SlaRead = { ok: true; sla: ReturnSla } | { ok: false; errors: SlaFieldErrors };

/** The SLA form: a whole number of hours or days, and the due-soon share (1–99 %). */
export function readSlaForm(fields: { decision: string | null; unit: string | null; dueSoonPercent: string | null }): SlaRead {
  const errors: SlaFieldErrors = {};
  const unit = fields.unit ?? "hours";
  if (unit !== "hours" && unit !== "days") errors.unit = `"${unit.slice(0, 20)}" is not hours or days`;
  const text = (fields.decision ?? "").trim();
  let hours = 0;
  if (!/^\d+$/.test(text)) errors.decision = text === "" ? "Enter how long a request may wait for a decision" : `"${text.slice(0, 20)}" is not a whole number of ${unit === "days" ? "days" : "hours"}`;
  else {
    hours = Number(text) * (unit === "days" ? 24 : 1);
    if (hours < 1) errors.decision = "The SLA must be at least 1 hour";
    else if (hours > 24 * 90) errors.decision = `${text} ${unit} is more than 90 days`;
  }
  const share = (fields.dueSoonPercent ?? "").trim();
  const percent = share === "" ? DEFAULT_SLA.dueSoonPercent : Number(share);
  if (!/^\d*$/.test(share) || !Number.isInteger(percent) || percent < 1 || percent > 99) errors.dueSoonPercent = `"${share.slice(0, 20)}" is not a whole percentage from 1 to 99`;
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, sla: { decisionHours: hours, dueSoonPercent: percent } };
}

/** Reads a stored SLA (part of the return policy); problems are named by path. */
export function readStoredSla(value: unknown): { ok: true; sla: ReturnSla } | { ok: false; errors: string[] } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, errors: ["sla: not an object"] };
  const record = value as Record<string, unknown>;
  const errors: string[] = [];
  if (typeof record.decisionHours !== "number" || !Number.isInteger(record.decisionHours) || record.decisionHours < 1) errors.push("sla.decisionHours: not a whole number of hours ≥ 1");
  if (typeof record.dueSoonPercent !== "number" || !Number.isInteger(record.dueSoonPercent) || record.dueSoonPercent < 1 || record.dueSoonPercent > 99)
    errors.push("sla.dueSoonPercent: not a whole percentage from 1 to 99");
  return errors.length > 0 ? { ok: false, errors } : { ok: true, sla: { decisionHours: record.decisionHours as number, dueSoonPercent: record.dueSoonPercent as number } };
}
