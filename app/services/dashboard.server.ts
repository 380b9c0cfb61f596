/**
 * What the admin home page shows for one shop: the webhook event log's health,
 * the mirrored catalogue/order counts and the Shop row. Reads only through
 * `forShop`, so another shop's rows can never appear here.
 */
import type { PrismaClient } from "@prisma/client";
import { forShop } from "./db/scoped.server";

/** WebhookEvent.status values, in the order an event moves through them. */
export const WEBHOOK_STATUSES = ["received", "processing", "processed", "retrying", "dead"] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

export const RECENT_EVENTS = 20;
export const DEAD_EVENTS_SHOWN = 50;

export interface DashboardEvent {
  id: string;
  topic: string;
  /** ISO 8601, UTC. */
  receivedAt: string;
  /** receivedAt in the dashboard's time zone (DashboardData.clock). */
  receivedAtLabel: string;
  status: string;
  attempts: number;
  deliveries: number;
  outcome: string | null;
  lastError: string | null;
}

export interface DashboardClock {
  /** The IANA zone times are shown in: the shop's when known and valid, else UTC. */
  timeZone: string;
  /** Says which zone, and why, for the page. */
  label: string;
}

export interface DashboardShop {
  shop: string;
  installed: boolean;
  installedAtLabel: string;
  uninstalledAtLabel: string | null;
  timezone: string | null;
  currency: string | null;
}

export interface DashboardData {
  shop: string;
  clock: DashboardClock;
  /** null until the shop's first install is recorded (afterAuth). */
  shopRow: DashboardShop | null;
  webhooks: {
    counts: Record<WebhookStatus, number>;
    /** Rows whose status is none of WEBHOOK_STATUSES: shown, never hidden. */
    otherStatuses: Record<string, number>;
    total: number;
    recent: DashboardEvent[];
    /** The most recent DEAD_EVENTS_SHOWN dead events; counts.dead has them all. */
    dead: DashboardEvent[];
  };
  mirror: {
    /** Products not deleted in Shopify. */
    products: number;
    deletedProducts: number;
    variants: number;
    orders: number;
    customers: number;
  };
}

function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The zone to show times in, given the Shop row's ianaTimezone (may be missing or unrecognised). */
export function dashboardClock(shopTimezone: string | null | undefined): DashboardClock {
  if (!shopTimezone) {
    return { timeZone: "UTC", label: "Times in UTC: the shop's time zone is not synced yet" };
  }
  if (!isValidTimeZone(shopTimezone)) {
    return { timeZone: "UTC", label: `Times in UTC: the shop's time zone "${shopTimezone}" is not a recognised IANA zone` };
  }
  return { timeZone: shopTimezone, label: `Times in ${shopTimezone}, the shop's time zone` };
}

/** Formats an instant in the given zone, e.g. "Nov 26, 2026, 13:28:09 EST". Done on the server, so SSR and hydration agree. */
export function formatInstant(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  }).format(at);
}

const EVENT_FIELDS = {
  id: true,
  topic: true,
  receivedAt: true,
  status: true,
  attempts: true,
  deliveries: true,
  outcome: true,
  lastError: true,
} as const;

interface EventRow {
  id: string;
  topic: string;
  receivedAt: Date;
  status: string;
  attempts: number;
  deliveries: number;
  outcome: string | null;
  lastError: string | null;
}

function toDashboardEvent(row: EventRow, timeZone: string): DashboardEvent {
  return {
    id: row.id,
    topic: row.topic,
    receivedAt: row.receivedAt.toISOString(),
    receivedAtLabel: formatInstant(row.receivedAt, timeZone),
    status: row.status,
    attempts: row.attempts,
    deliveries: row.deliveries,
    outcome: row.outcome,
    lastError: row.lastError,
  };
}

function isWebhookStatus(status: string): status is WebhookStatus {
  return (WEBHOOK_STATUSES as readonly string[]).includes(status);
}

export async function loadDashboard(prisma: PrismaClient, shop: string): Promise<DashboardData> {
  const db = forShop(prisma, shop);
  const newestFirst = [{ receivedAt: "desc" as const }, { id: "asc" as const }];

  const [shopRow, byStatus, recent, dead, products, deletedProducts, variants, orders, customers] = await Promise.all([
    db.shop.findFirst(),
    db.webhookEvent.groupBy({ by: ["status"], _count: { _all: true }, orderBy: { status: "asc" } }),
    db.webhookEvent.findMany({ select: EVENT_FIELDS, orderBy: newestFirst, take: RECENT_EVENTS }),
    db.webhookEvent.findMany({ where: { status: "dead" }, select: EVENT_FIELDS, orderBy: newestFirst, take: DEAD_EVENTS_SHOWN }),
    db.product.count({ where: { deletedAt: null } }),
    db.product.count({ where: { deletedAt: { not: null } } }),
    db.variant.count(),
    db.order.count(),
    db.customer.count(),
  ]);

  const clock = dashboardClock(shopRow?.ianaTimezone);
  const counts: Record<WebhookStatus, number> = { received: 0, processing: 0, processed: 0, retrying: 0, dead: 0 };
  const otherStatuses: Record<string, number> = {};
  let total = 0;
  for (const group of byStatus) {
    const n = group._count._all;
    total += n;
    if (isWebhookStatus(group.status)) counts[group.status] = n;
    else otherStatuses[group.status] = n;
  }

  return {
    shop,
    clock,
    shopRow: shopRow
      ? {
          shop: shopRow.shop,
          installed: shopRow.uninstalledAt === null,
          installedAtLabel: formatInstant(shopRow.installedAt, clock.timeZone),
          uninstalledAtLabel: shopRow.uninstalledAt ? formatInstant(shopRow.uninstalledAt, clock.timeZone) : null,
          timezone: shopRow.ianaTimezone,
          currency: shopRow.currencyCode,
        }
      : null,
    webhooks: {
      counts,
      otherStatuses,
      total,
      recent: recent.map((row) => toDashboardEvent(row, clock.timeZone)),
      dead: dead.map((row) => toDashboardEvent(row, clock.timeZone)),
    },
    mirror: { products, deletedProducts, variants, orders, customers },
  };
}

// ---------------------------------------------------------------------------
// The dashboard's one action: retry a dead-lettered event.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type RetryForm =
  | { ok: true; eventId: string }
  | { ok: false; errors: { intent?: string; eventId?: string } };

/** Reads the Retry form without trusting it: every field is checked for presence, type and shape. */
export function readRetryForm(form: FormData): RetryForm {
  const intent = form.get("intent");
  if (intent !== "retry") {
    return {
      ok: false,
      errors: {
        intent: typeof intent === "string" ? `Unknown action "${intent}": the dashboard only retries dead events` : "The action is missing (expected intent=retry)",
      },
    };
  }
  const eventId = form.get("eventId");
  if (typeof eventId !== "string" || eventId.trim() === "") {
    return { ok: false, errors: { eventId: "Choose a dead-lettered event to retry: the event id is missing" } };
  }
  const id = eventId.trim();
  if (!UUID.test(id)) {
    return { ok: false, errors: { eventId: `"${id.slice(0, 80)}" is not a webhook event id (expected a UUID)` } };
  }
  return { ok: true, eventId: id };
}
