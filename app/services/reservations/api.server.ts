/**
 * The reservations HTTP API for the storefront, behind Shopify's app proxy.
 *
 * How a storefront authenticates: it never holds a credential. Theme or headless
 * JavaScript calls the shop's own domain, `/apps/peakguard/reservations…`; Shopify's
 * app proxy forwards the call to `<app url>/api/reservations…` and adds `shop`,
 * `timestamp`, `logged_in_customer_id` and a `signature` (HMAC-SHA256 of the
 * query with the app's secret). `authenticate.public.appProxy` checks the
 * signature (a bad one → 400) and loads the shop's offline session; the shop is
 * taken from the signed query, never from the body. A shop without the app
 * installed gets 403. (shopify.app.toml needs the [app_proxy] entry: see README.)
 *
 *   POST /api/reservations          {sku | variantId, quantity, locationId?, ttlSeconds?, reference?}   → 201 hold
 *   GET  /api/reservations/:id      → the reservation (ids are opaque and unguessable)
 *   POST /api/reservations/:id      {action: "extend" | "release", ttlSeconds?}
 *
 * Every POST needs an `Idempotency-Key` header (or `idempotencyKey` in the body): a
 * replay returns the first answer with `Idempotent-Replayed: true`. Payment
 * authorization, commit and order cancellation are not storefront actions: the
 * app calls them from order webhooks (onOrderEvent below), so a shopper cannot
 * turn a hold into a hard reserve.
 */
import type { PrismaClient } from "@prisma/client";
import { forShop } from "../db/scoped.server";
import { checkIdempotencyKey, type IdempotentAnswer } from "./idempotency.server";
import { change, getReservation, hold } from "./reservations.server";

/** A storefront hold is capped per call (a drop's per-order limits are checkout validation's). */
export const STOREFRONT_MAX_QUANTITY = 10;

export interface ProxyIdentity {
  shop: string;
  customerId: string | null;
}

export interface ApiDeps {
  prisma: PrismaClient;
  /** Resolves the caller or throws a Response (400 bad signature, 403 not installed). */
  authenticate: (request: Request) => Promise<ProxyIdentity>;
  now?: () => Date;
}

function problem(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "Cache-Control": "no-store" } });
}

function answer(a: IdempotentAnswer): Response {
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (a.replayed) headers["Idempotent-Replayed"] = "true";
  return Response.json(a.body, { status: a.status, headers });
}

async function readJson(request: Request): Promise<Record<string, unknown> | Response> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return problem(400, "invalid_json", "The body must be a JSON object");
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) return problem(400, "invalid_json", "The body must be a JSON object");
  return body as Record<string, unknown>;
}

function idempotencyKeyOf(request: Request, body: Record<string, unknown>): string | Response {
  const checked = checkIdempotencyKey(request.headers.get("Idempotency-Key") ?? body.idempotencyKey);
  return checked.ok ? checked.key : problem(400, "idempotency_key_required", checked.message);
}

const str = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);

/** POST /api/reservations */
export async function createHold(deps: ApiDeps, request: Request): Promise<Response> {
  if (request.method !== "POST") return problem(405, "method_not_allowed", `${request.method} is not allowed here; POST a hold`);
  const who = await deps.authenticate(request);
  const body = await readJson(request);
  if (body instanceof Response) return body;
  const key = idempotencyKeyOf(request, body);
  if (key instanceof Response) return key;
  const quantity = body.quantity;
  if (typeof quantity === "number" && quantity > STOREFRONT_MAX_QUANTITY) {
    return problem(422, "quantity_over_storefront_cap", `A storefront hold takes at most ${STOREFRONT_MAX_QUANTITY} units; ${quantity} requested`);
  }
  const reference = [str(body.reference), who.customerId ? `customer:${who.customerId}` : null].filter(Boolean).join(" ") || null;
  const result = await hold(
    forShop(deps.prisma, who.shop),
    who.shop,
    key,
    {
      sku: str(body.sku),
      variantId: str(body.variantId),
      locationId: str(body.locationId),
      quantity: typeof quantity === "number" ? quantity : Number.NaN,
      ttlSeconds: typeof body.ttlSeconds === "number" ? body.ttlSeconds : undefined,
      reference,
    },
    { now: (deps.now ?? (() => new Date()))() },
  );
  return answer(result);
}

/** GET|POST /api/reservations/:id */
export async function reservationById(deps: ApiDeps, request: Request, id: string | undefined): Promise<Response> {
  const who = await deps.authenticate(request);
  if (!id || !/^rsv_[a-z2-7]{26}$/.test(id)) return problem(404, "not_found", `No reservation ${id ?? ""}`);
  const db = forShop(deps.prisma, who.shop);
  if (request.method === "GET") {
    const reservation = await getReservation(db, id);
    return reservation ? Response.json({ reservation }, { headers: { "Cache-Control": "no-store" } }) : problem(404, "not_found", `No reservation ${id}`);
  }
  if (request.method !== "POST") return problem(405, "method_not_allowed", `${request.method} is not allowed here`);
  const body = await readJson(request);
  if (body instanceof Response) return body;
  const key = idempotencyKeyOf(request, body);
  if (key instanceof Response) return key;
  const action = body.action;
  if (action !== "extend" && action !== "release") {
    return problem(400, "invalid_action", `action must be "extend" or "release" (authorize and commit come from orders, not the storefront); got ${JSON.stringify(action)}`);
  }
  const result = await change(db, who.shop, key, id, action, { ttlSeconds: typeof body.ttlSeconds === "number" ? body.ttlSeconds : undefined }, (deps.now ?? (() => new Date()))());
  return answer(result);
}

/** What the route files pass as `authenticate`: the library's app proxy check. */
export function appProxyIdentity(authenticateAppProxy: (request: Request) => Promise<{ session?: { shop: string } | undefined }>) {
  return async (request: Request): Promise<ProxyIdentity> => {
    const context = await authenticateAppProxy(request); // throws 400 on a bad signature
    if (!context.session) throw problem(403, "not_installed", "Peakguard is not installed on this shop");
    return { shop: context.session.shop, customerId: new URL(request.url).searchParams.get("logged_in_customer_id") || null };
  };
}

/** Cart/order attribute the storefront sets so orders can find their holds: "_peakguard_reservations" = "rsv_…,rsv_…". */
export const RESERVATION_ATTRIBUTE = "_peakguard_reservations";

/** Reservation ids named in an order's note_attributes (REST webhook payload). */
export function reservationIdsOf(payload: unknown): string[] {
  const attributes = (payload as { note_attributes?: unknown } | null)?.note_attributes;
  if (!Array.isArray(attributes)) return [];
  const ids = new Set<string>();
  for (const attribute of attributes) {
    const entry = attribute as { name?: unknown; value?: unknown };
    if (entry?.name !== RESERVATION_ATTRIBUTE || typeof entry.value !== "string") continue;
    for (const id of entry.value.split(/[\s,]+/)) if (/^rsv_[a-z2-7]{26}$/.test(id)) ids.add(id);
  }
  return [...ids].sort();
}

/**
 * For the orders area's webhook handlers: the reservation event an order event
 * implies — payment authorized (or paid) → authorize; cancelled → release;
 * fulfilled → commit. Keyed by the webhook event, so a redelivery replays.
 */
export async function onOrderEvent(
  prisma: PrismaClient,
  shop: string,
  topic: string,
  payload: unknown,
  eventKey: string,
  now: Date,
): Promise<string[]> {
  const order = payload as { financial_status?: unknown; admin_graphql_api_id?: unknown } | null;
  const event =
    topic === "orders/cancelled" ? "release"
    : topic === "orders/fulfilled" ? "commit"
    : (topic === "orders/create" || topic === "orders/paid") && (order?.financial_status === "authorized" || order?.financial_status === "paid") ? "authorize"
    : null;
  if (!event) return [];
  const db = forShop(prisma, shop);
  const outcomes: string[] = [];
  for (const id of reservationIdsOf(payload)) {
    const orderId = typeof order?.admin_graphql_api_id === "string" ? order.admin_graphql_api_id : null;
    const result = await change(db, shop, `order-event:${eventKey}:${id}`, id, event, { orderId }, now);
    outcomes.push(`${id} ${event}: ${result.status}`);
  }
  return outcomes;
}
