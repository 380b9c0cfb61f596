/**
 * Every figure carries its source and its age. The staleness budget says how old
 * a figure may be before the admin calls it stale and before checkout may no
 * longer trust it; pure (pass `now`).
 */

export type FigureSource = "webhook" | "reconcile" | "local";

export const FIGURE_SOURCES: readonly FigureSource[] = ["webhook", "reconcile", "local"];

export const SOURCE_LABEL: Record<FigureSource, string> = {
  webhook: "webhook",
  reconcile: "reconcile",
  local: "local change",
};

export interface StalenessBudget {
  /** Up to this age a figure is "fresh". */
  freshMs: number;
  /** Past this age it is "stale" (between the two: "aging"). */
  staleMs: number;
}

/**
 * Defaults: webhooks normally land within seconds; Shopify retries a failed
 * delivery for 4 hours, and the reconcile runs at least daily. A figure older than
 * 15 minutes has missed its webhooks or nothing changed; after 24 hours without
 * a reconcile it is stale.
 */
export const DEFAULT_STALENESS: StalenessBudget = { freshMs: 15 * 60_000, staleMs: 24 * 60 * 60_000 };

export type Freshness = "fresh" | "aging" | "stale";

export interface Age {
  freshness: Freshness;
  ageMs: number;
  label: string;
}

export function ageOf(asOfMs: number, nowMs: number, budget: StalenessBudget = DEFAULT_STALENESS): Age {
  const ageMs = Math.max(0, nowMs - asOfMs);
  const freshness: Freshness = ageMs <= budget.freshMs ? "fresh" : ageMs <= budget.staleMs ? "aging" : "stale";
  return { freshness, ageMs, label: formatAge(ageMs) };
}

/** "12 s", "4 min", "3 h", "2 d". */
export function formatAge(ageMs: number): string {
  const s = Math.floor(ageMs / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}
