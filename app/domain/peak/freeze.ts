/**
 * Scheduled freeze windows: "code" (no deploys or configuration changes — a reminder the
 * team reads on the Peak page) and "promotions" (the master freeze-promotions kill switch is
 * turned on when the window opens and expires when it closes, by the Peak scheduler).
 */

export const FREEZE_SCOPES = ["code", "promotions"] as const;
export type FreezeScope = (typeof FREEZE_SCOPES)[number];

export interface FreezeWindow {
  id: string;
  scope: FreezeScope;
  startsAt: Date;
  endsAt: Date;
  reason: string;
  createdBy: string;
}

export type FreezeInput = { ok: true; window: Omit<FreezeWindow, "id" | "createdBy"> } | { ok: false; field: string; message: string };

/** Longest window accepted: a freeze is for a peak, not a season. */
export const MAX_FREEZE_DAYS = 31;

export function readFreezeWindow(raw: { scope?: unknown; startsAt?: Date | null; endsAt?: Date | null; reason?: unknown }, now: Date): FreezeInput {
  const scope = typeof raw.scope === "string" ? raw.scope : "";
  if (!(FREEZE_SCOPES as readonly string[]).includes(scope)) return { ok: false, field: "scope", message: `scope: one of ${FREEZE_SCOPES.join(", ")}` };
  const reason = typeof raw.reason === "string" ? raw.reason.trim() : "";
  if (reason.length < 3) return { ok: false, field: "reason", message: "reason: say what the freeze is for (at least 3 characters)" };
  const { startsAt, endsAt } = raw;
  if (!startsAt || Number.isNaN(startsAt.getTime())) return { ok: false, field: "startsAt", message: "start: a date and time" };
  if (!endsAt || Number.isNaN(endsAt.getTime())) return { ok: false, field: "endsAt", message: "end: a date and time" };
  if (endsAt.getTime() <= startsAt.getTime()) return { ok: false, field: "endsAt", message: `end: ${endsAt.toISOString()} is not after the start ${startsAt.toISOString()}` };
  if (endsAt.getTime() <= now.getTime()) return { ok: false, field: "endsAt", message: "end: the window is already over" };
  if (endsAt.getTime() - startsAt.getTime() > MAX_FREEZE_DAYS * 86_400_000) return { ok: false, field: "endsAt", message: `end: a window lasts at most ${MAX_FREEZE_DAYS} days` };
  return { ok: true, window: { scope: scope as FreezeScope, startsAt, endsAt, reason } };
}

export function isOpen(window: Pick<FreezeWindow, "startsAt" | "endsAt">, now: Date): boolean {
  return window.startsAt.getTime() <= now.getTime() && now.getTime() < window.endsAt.getTime();
}

/** Open windows of a scope, and the next one to open. */
export function freezeStatus(windows: readonly FreezeWindow[], scope: FreezeScope, now: Date): { open: FreezeWindow[]; next: FreezeWindow | null } {
  const mine = windows.filter((w) => w.scope === scope);
  const open = mine.filter((w) => isOpen(w, now));
  const next = mine.filter((w) => w.startsAt.getTime() > now.getTime()).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())[0] ?? null;
  return { open, next };
}
