/**
 * Per-customer limits: what a customer already bought, counted by the app from synced
 * orders and published to the customer for the function to read.
 *
 * THE METAFIELD  Customer, app-owned: namespace "$app:peakguard", key "limits", type json.
 *   {"v":1,"asOf":1795791845,"counts":{"hoodie-drop":2}}
 *   counts: units bought per customerLimit rule id, inside that rule's window; a rule
 *   missing from counts means 0. asOf: when the app counted, UTC epoch seconds (for the
 *   admin; the function does not age counts — an order counts from the moment it is synced).
 *
 * IDENTITIES  Orders and customers are merged into one buyer when they share a customer
 *   id, a normalized email (lower case; "+tag" removed; dots removed for Gmail) or a phone
 *   (digits only). Every customer record of a merged buyer gets the buyer's total, so a
 *   reseller with two accounts on one email, or a guest order placed with the email of an
 *   account, counts against that account.
 *
 * WHAT A GUEST CAN EVADE  At checkout a guest has no customer record, so the function
 *   cannot see anything they bought before: a guest can buy up to the limit in every
 *   order (each order alone is still capped). Their orders are merged by email/phone
 *   only after the fact, when synced: they count against an account with that email or
 *   phone from then on, and show in the admin's counts. A rule with guests: "block" asks
 *   guests to log in instead; a buyer who makes a new account with a new email still
 *   starts from zero. Orders not yet synced (webhook lag, seconds to minutes at a drop's
 *   peak) are not counted yet either.
 */
import { parseUtc } from "../inventory/atp-metafield";
import { skuMatcher } from "./sku";
import type { CustomerLimitRule } from "./types";
import { readMetafieldJson, UNPARSABLE } from "../json";

export const LIMITS_METAFIELD = { namespace: "$app:peakguard", key: "limits", type: "json" } as const;
export const LIMITS_VERSION = 1;

/**
 * The function's reader: counts by rule id. {} when the customer has no metafield
 * (nothing bought, or not counted yet); null when the value is there but unreadable.
 * Never throws. Entries that are not integers ≥ 0 are dropped.
 */
export function readCustomerCounts(json: unknown): Record<string, number> | null {
  if (json === null || json === undefined) return {};
  const value = readMetafieldJson(json);
  if (value === UNPARSABLE) return null;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const raw = value as { v?: unknown; counts?: unknown };
  if (raw.v !== LIMITS_VERSION || typeof raw.counts !== "object" || raw.counts === null || Array.isArray(raw.counts)) return null;
  const counts: Record<string, number> = {};
  for (const key of Object.keys(raw.counts)) {
    const n = (raw.counts as Record<string, unknown>)[key];
    if (typeof n === "number" && Number.isSafeInteger(n) && n >= 0) counts[key] = n;
  }
  return counts;
}

/**
 * The function's reader for one rule: what the customer bought under `ruleId` (0 when the
 * customer has no metafield or no entry for it; an entry that is not an integer ≥ 0 counts
 * 0, as readCustomerCounts drops it); null when the value is there but unreadable. Reads
 * only that entry: no copy of the counts per checkout.
 */
export function readCustomerCount(json: unknown, ruleId: string): number | null {
  if (json === null || json === undefined) return 0;
  const value = readMetafieldJson(json);
  if (value === UNPARSABLE) return null;
  const raw = value as { v?: unknown; counts?: unknown } | null;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw) || raw.v !== LIMITS_VERSION) return null;
  const counts = raw.counts;
  if (typeof counts !== "object" || counts === null || Array.isArray(counts)) return null;
  const n = Object.prototype.hasOwnProperty.call(counts, ruleId) ? (counts as Record<string, unknown>)[ruleId] : undefined;
  return typeof n === "number" && n >= 0 && n % 1 === 0 && n <= Number.MAX_SAFE_INTEGER ? n : 0;
}

/** The metafield value for a customer's counts (zeros left out, keys sorted). */
export function serializeCustomerCounts(counts: Record<string, number>, asOfEpochSeconds: number): string {
  const sorted: Record<string, number> = {};
  for (const key of Object.keys(counts).sort()) {
    const n = counts[key]!;
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`serializeCustomerCounts: count for ${key} is ${n}`);
    if (n > 0) sorted[key] = n;
  }
  return JSON.stringify({ v: LIMITS_VERSION, asOf: Math.floor(asOfEpochSeconds), counts: sorted });
}

/* ----------------------------------------------------------- identities --- */

const GMAIL = new Set(["gmail.com", "googlemail.com"]);

/** "John.Doe+drop@GMail.com " → "johndoe@gmail.com"; null when it is not an address. */
export function normalizeEmail(email: string | null | undefined): string | null {
  if (!email) return null;
  const trimmed = email.trim().toLowerCase();
  const at = trimmed.lastIndexOf("@");
  if (at <= 0 || at === trimmed.length - 1) return null;
  let local = trimmed.slice(0, at);
  let domain = trimmed.slice(at + 1);
  const plus = local.indexOf("+");
  if (plus > 0) local = local.slice(0, plus);
  if (GMAIL.has(domain)) {
    local = local.split(".").join("");
    domain = "gmail.com";
  }
  return `${local}@${domain}`;
}

/** "+1 (613) 555-1111" → "16135551111"; null when fewer than 7 digits. */
export function normalizePhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  let digits = "";
  for (const c of phone) if (c >= "0" && c <= "9") digits += c;
  return digits.length >= 7 ? digits : null;
}

export interface BuyerRecord {
  customerId?: string | null;
  email?: string | null;
  phone?: string | null;
}

/** Union-find over identity keys ("c:<gid>", "e:<email>", "p:<digits>"). */
export class IdentityIndex {
  private readonly parent = new Map<string, string>();

  private find(key: string): string {
    let root = key;
    for (let next = this.parent.get(root); next !== undefined && next !== root; next = this.parent.get(root)) root = next;
    // Path compression.
    let node = key;
    while (node !== root) {
      const next = this.parent.get(node)!;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }

  private add(key: string): void {
    if (!this.parent.has(key)) this.parent.set(key, key);
  }

  static keysOf(record: BuyerRecord): string[] {
    const keys: string[] = [];
    if (record.customerId) keys.push(`c:${record.customerId}`);
    const email = normalizeEmail(record.email);
    if (email) keys.push(`e:${email}`);
    const phone = normalizePhone(record.phone);
    if (phone) keys.push(`p:${phone}`);
    return keys;
  }

  /** Links everything the record names into one buyer. */
  link(record: BuyerRecord): void {
    const keys = IdentityIndex.keysOf(record);
    for (const key of keys) this.add(key);
    for (let i = 1; i < keys.length; i++) {
      const a = this.find(keys[0]!);
      const b = this.find(keys[i]!);
      // Deterministic root: the smaller key.
      if (a !== b) {
        if (a < b) this.parent.set(b, a);
        else this.parent.set(a, b);
      }
    }
  }

  /** The buyer a record belongs to (its root key), or null when it names nothing. */
  buyerOf(record: BuyerRecord): string | null {
    const keys = IdentityIndex.keysOf(record);
    for (const key of keys) if (this.parent.has(key)) return this.find(key);
    return keys[0] ?? null;
  }

  /** Every customer id linked to the buyer. */
  customersOf(buyer: string): string[] {
    return this.customersByBuyer().get(buyer) ?? [];
  }

  /** Buyer (root key) → its customer ids, sorted. */
  customersByBuyer(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const key of this.parent.keys()) {
      if (!key.startsWith("c:")) continue;
      const root = this.find(key);
      const list = out.get(root) ?? [];
      list.push(key.slice(2));
      out.set(root, list);
    }
    for (const list of out.values()) list.sort();
    return out;
  }
}

/* ------------------------------------------------------------- counting --- */

export interface OrderForLimits extends BuyerRecord {
  id: string;
  /** When the order was placed, UTC ISO. */
  createdAt: string;
  cancelled: boolean;
  lines: { sku: string | null; quantity: number }[];
}

/** Is an order placed at `placed` (epoch seconds) inside the rule's window, counted at `now`? */
export function inWindow(rule: Pick<CustomerLimitRule, "window">, placed: number, now: number): boolean {
  const w = rule.window;
  if (w.kind === "days") return placed >= now - w.days * 86400 && placed <= now;
  const from = parseUtc(w.from);
  const to = w.to === null ? null : parseUtc(w.to);
  return from !== null && placed >= from && (to === null || placed < to);
}

export interface PurchaseCounts {
  identities: IdentityIndex;
  /** Units per rule id, per buyer (root key). */
  byBuyer: Map<string, Record<string, number>>;
  /** What to publish: counts per customer id (every customer of a buyer gets the buyer's counts). */
  byCustomer: Map<string, Record<string, number>>;
}

/**
 * Units of each customerLimit rule's SKUs bought by each buyer inside the rule's window,
 * from synced orders (cancelled ones not counted). `customers` adds customer records
 * (with their email/phone) so accounts without orders still merge with guest orders.
 */
export function countPurchases(
  rules: readonly CustomerLimitRule[],
  orders: readonly OrderForLimits[],
  nowEpochSeconds: number,
  customers: readonly BuyerRecord[] = [],
): PurchaseCounts {
  const identities = new IdentityIndex();
  for (const c of customers) identities.link(c);
  for (const o of orders) identities.link(o);
  const matchers = rules.map((r) => ({ rule: r, matches: skuMatcher(r.skus) }));
  const byBuyer = new Map<string, Record<string, number>>();
  for (const order of orders) {
    if (order.cancelled) continue;
    const placed = parseUtc(order.createdAt);
    const buyer = identities.buyerOf(order);
    if (placed === null || buyer === null) continue;
    for (const { rule, matches } of matchers) {
      if (!inWindow(rule, placed, nowEpochSeconds)) continue;
      let units = 0;
      for (const line of order.lines) if (line.sku !== null && line.quantity > 0 && matches(line.sku)) units += line.quantity;
      if (units === 0) continue;
      const counts = byBuyer.get(buyer) ?? {};
      counts[rule.id] = (counts[rule.id] ?? 0) + units;
      byBuyer.set(buyer, counts);
    }
  }
  const byCustomer = new Map<string, Record<string, number>>();
  const customersByBuyer = identities.customersByBuyer();
  for (const [buyer, counts] of byBuyer) {
    for (const customerId of customersByBuyer.get(buyer) ?? []) byCustomer.set(customerId, counts);
  }
  return { identities, byBuyer, byCustomer };
}
