/**
 * Writes tests/fixtures/*.json: one function input per situation, with the output written
 * out by hand below (not computed by the function). Inputs are complete answers to the
 * input query (src/cart_validations_generate_run.graphql): the rules and ticks metafields
 * as the app writes them (planClock in America/New_York) and Shopify's shop.localTime
 * answers for "now". Re-run after changing a message or the input query:
 *
 *   npx tsx extensions/checkout-validation/tests/make-fixtures.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { serializeCheckoutAtp } from "../../../app/domain/inventory/atp-metafield";
import { planClock } from "../../../app/domain/validation/clock-admin";
import type { Rule, RuleSet } from "../../../app/domain/validation/types";

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const ZONE = "America/New_York";
const PLANNED_AT = 1795791600; // 2026-11-27T15:00:00Z = 10:00 in New York
const NOW = PLANNED_AT + 120; // the checkout runs two minutes later

type Line = [sku: string | null, quantity: number, atp?: object];

interface Situation {
  name: string;
  rules: Rule[] | null;
  failureMode?: "open" | "closed";
  lines: Line[];
  step?: "CART_INTERACTION" | "CHECKOUT_INTERACTION" | "CHECKOUT_COMPLETION";
  language?: string;
  customer?: { counts: Record<string, number> } | "no-metafield" | null;
  addresses?: object[];
  subtotal?: [amount: string, currencyCode: string, rate: string];
  /** Replace the rules metafield's value (unreadable sets). */
  rawRules?: unknown;
  /** The shop's kill-switch metafield (jsonValue), absent by default. */
  killSwitches?: unknown;
  market?: string;
  errors: { target: string; message: string }[];
}

const LABELS = { "HD-BLK-M": "Hoodie — Black / M", "HD-BLK-L": "Hoodie — Black / L", "CAP-1": "Drop Cap" };
const MAX_2: Rule = { id: "hoodie-2", mode: "enforce", kind: "maxPerOrder", skus: ["HD-*"], max: 2 };
const LIMIT: Rule = { id: "drop-limit", mode: "enforce", kind: "customerLimit", skus: ["HD-*"], max: 2, window: { kind: "between", from: "2026-11-27T15:00:00Z", to: null }, guests: "block" };
const GATE: Rule = { id: "cap-gate", mode: "enforce", kind: "timeGate", skus: ["CAP-*"], opensAt: "2026-11-27T12:00:00" };
const atp = (whenStale: "open" | "closed"): Rule => ({ id: "stock", mode: "enforce", kind: "atp", skus: ["HD-*"], staleAfterSeconds: 300, whenStale });
const figure = (total: number, ageSeconds: number) => ({ v: 1, asOf: NOW - ageSeconds, total });

/** The validation's ATP copy for the lines' figures, as the app writes it (serializeCheckoutAtp); null when no line has one. */
function stockOf(lines: readonly Line[]) {
  const figures = lines.flatMap(([sku, , f]) => (sku !== null && f ? [{ sku, asOf: (f as { asOf: number }).asOf, total: (f as { total: number }).total }] : []));
  return figures.length === 0 ? null : { jsonValue: JSON.parse(serializeCheckoutAtp(figures).value) as unknown };
}
const line = (i: number) => `$.cart.lines[${i}].quantity`;
/** shop.localTime.date at NOW in New York. */
const TODAY = "2026-11-27";
const country = (i: number) => `$.cart.deliveryGroups[${i}].deliveryAddress.countryCode`;
const address = (countryCode: string, zip: string) => ({ countryCode, provinceCode: null, zip, address1: "1 Rue de la Paix", address2: null });

const SITUATIONS: Situation[] = [
  { name: "no-rules-metafield", rules: null, lines: [["HD-BLK-M", 9]], errors: [] },
  { name: "empty-cart", rules: [MAX_2, LIMIT, GATE, atp("closed")], lines: [], errors: [] },
  {
    name: "max-per-order-at-limit-passes",
    rules: [MAX_2],
    lines: [["HD-BLK-M", 2], ["CAP-1", 5], [null, 1]],
    errors: [],
  },
  {
    name: "max-per-order-one-over-en",
    rules: [MAX_2],
    lines: [["CAP-1", 1], ["HD-BLK-M", 3]],
    errors: [{ target: line(1), message: "You can buy at most 2 of Hoodie — Black / M per order. Please reduce the quantity." }],
  },
  {
    name: "customer-limit-already-bought-fr",
    rules: [LIMIT],
    language: "FR",
    customer: { counts: { "drop-limit": 1 } },
    lines: [["HD-BLK-M", 2]],
    errors: [{ target: line(0), message: "La limite pour Hoodie — Black / M est de 2 par client. Vous en avez déjà acheté 1 : vous pouvez en ajouter 1." }],
  },
  {
    name: "customer-limit-guest-must-log-in-de",
    rules: [LIMIT],
    language: "DE",
    customer: null,
    lines: [["HD-BLK-L", 1]],
    errors: [{ target: "$.cart", message: "Das Limit für Hoodie — Black / L beträgt 2 pro Kunde. Bitte melden Sie sich in Ihrem Konto an, um den Artikel zu kaufen." }],
  },
  {
    name: "customer-limit-guest-on-cart-page-passes",
    rules: [LIMIT],
    step: "CART_INTERACTION",
    customer: null,
    lines: [["HD-BLK-L", 1]],
    errors: [],
  },
  {
    name: "region-po-box-and-blocked-province",
    rules: [{ id: "ship", mode: "enforce", kind: "region", countries: ["RU"], provinces: ["US-HI"], postalCodes: [], poBoxes: true }],
    step: "CHECKOUT_INTERACTION",
    lines: [["CAP-1", 1]],
    addresses: [{ countryCode: "US", provinceCode: "HI", zip: "96813", address1: "P.O. Box 42", address2: null }],
    errors: [
      { target: "$.cart.deliveryGroups[0].deliveryAddress.provinceCode", message: "We don't ship to this region (HI). Please choose another delivery address." },
      { target: "$.cart.deliveryGroups[0].deliveryAddress.address1", message: "We can't deliver to a PO box. Please enter a street address." },
    ],
  },
  {
    name: "time-gate-not-open-fr",
    rules: [GATE],
    language: "FR",
    lines: [["HD-BLK-M", 1], ["CAP-1", 1]],
    errors: [{ target: line(1), message: "Drop Cap sera en vente le 27 nov. 2026 à 12:00 (heure de la boutique). Veuillez le retirer pour commander maintenant." }],
  },
  {
    name: "atp-only-left-de",
    rules: [atp("closed")],
    language: "DE",
    lines: [["HD-BLK-M", 3, figure(2, 60)]],
    errors: [{ target: line(0), message: "Nur noch 2 × Hoodie — Black / M verfügbar. Bitte verringern Sie die Menge auf höchstens 2." }],
  },
  {
    name: "atp-stale-fail-open-passes",
    rules: [atp("open")],
    lines: [["HD-BLK-M", 3, figure(0, 900)]],
    errors: [],
  },
  {
    name: "atp-stale-fail-closed-blocks",
    rules: [atp("closed")],
    lines: [["HD-BLK-M", 1, figure(5, 900)]],
    errors: [{ target: line(0), message: "We can't confirm stock for Hoodie — Black / M right now. Please try again in a few minutes." }],
  },
  {
    name: "testing-mode-reports-without-blocking",
    rules: [{ ...MAX_2, mode: "test" }],
    lines: [["HD-BLK-M", 5]],
    errors: [],
  },
  {
    name: "minimums-wait-for-checkout",
    rules: [
      { id: "min-qty", mode: "enforce", kind: "cartQuantity", min: 3 },
      { id: "min-subtotal", mode: "enforce", kind: "subtotal", minCents: 5000 },
    ],
    step: "CART_INTERACTION",
    lines: [["CAP-1", 1]],
    subtotal: ["19.00", "USD", "1.0"],
    errors: [],
  },
  {
    name: "subtotal-minimum-converted-to-eur",
    rules: [{ id: "min-subtotal", mode: "enforce", kind: "subtotal", minCents: 5000 }],
    lines: [["CAP-1", 1]],
    subtotal: ["45.99", "EUR", "0.92"],
    errors: [{ target: "$.cart", message: "Your order subtotal must be at least 46.00 EUR." }],
  },
  {
    name: "unreadable-rule-set-fails-closed",
    rules: [],
    rawRules: { schemaVersion: 99, failureMode: "closed", rules: [] },
    lines: [["CAP-1", 1]],
    errors: [{ target: "$.cart", message: "Checkout is temporarily unavailable. Please try again in a few minutes." }],
  },
  {
    name: "unreadable-rule-fails-open",
    rules: [MAX_2, { ...MAX_2, id: "broken", max: "two" } as unknown as Rule],
    lines: [["HD-BLK-M", 2]],
    errors: [],
  },
  {
    name: "kill-switch-country-merchant-message-fr",
    rules: [MAX_2],
    language: "FR",
    market: "eu",
    killSwitches: { v: 1, rev: 3, region: [{ cc: "FR", msg: { en: "We can't ship to France today.", fr: "Nous ne livrons pas la France aujourd'hui." } }] },
    addresses: [address("FR", "75002")],
    lines: [["HD-BLK-M", 2]],
    errors: [{ target: country(0), message: "Nous ne livrons pas la France aujourd'hui." }],
  },
  {
    name: "kill-switch-market-default-message-de",
    rules: [MAX_2],
    language: "DE",
    market: "eu",
    killSwitches: { v: 1, rev: 4, pay: [{ name: "Klarna" }], region: [{ mk: "eu", msg: { fr: "Pas de commandes en Europe aujourd'hui." } }] },
    addresses: [address("DE", "10115")],
    lines: [["HD-BLK-M", 3]],
    errors: [
      { target: country(0), message: "Wir können derzeit keine Bestellungen mit Lieferung in dieses Land (DE) annehmen. Bitte wählen Sie eine andere Lieferadresse oder versuchen Sie es später erneut." },
      { target: line(0), message: "Sie können höchstens 2 × Hoodie — Black / M pro Bestellung kaufen. Bitte verringern Sie die Menge." },
    ],
  },
  {
    name: "kill-switch-market-without-address-en",
    rules: null,
    market: "eu",
    killSwitches: { v: 1, rev: 5, region: [{ mk: "eu" }] },
    lines: [["CAP-1", 1]],
    errors: [{ target: "$.cart", message: "We can't take orders in your region right now. Please try again later." }],
  },
  {
    name: "kill-switch-expired-passes",
    rules: [MAX_2],
    market: "eu",
    killSwitches: { v: 1, rev: 6, region: [{ cc: "FR", until: "2026-11-26" }] },
    addresses: [address("FR", "75002")],
    lines: [["HD-BLK-M", 1]],
    errors: [],
  },
  {
    name: "kill-switch-on-cart-page-waits",
    rules: [MAX_2],
    step: "CART_INTERACTION",
    market: "eu",
    killSwitches: { v: 1, rev: 7, region: [{ cc: "FR", until: TODAY }] },
    addresses: [address("FR", "75002")],
    lines: [["HD-BLK-M", 1]],
    errors: [],
  },
  {
    name: "kill-switch-malformed-metafield-kills-nothing",
    rules: [MAX_2],
    market: "eu",
    killSwitches: { v: 1, region: "FR" },
    addresses: [address("FR", "75002")],
    lines: [["HD-BLK-M", 3]],
    errors: [{ target: line(0), message: "You can buy at most 2 of Hoodie — Black / M per order. Please reduce the quantity." }],
  },
];

function inputFor(s: Situation) {
  const set: RuleSet = { schemaVersion: 1, currencyCode: "USD", failureMode: s.failureMode ?? "open", labels: LABELS, rules: s.rules ?? [] };
  const plan = planClock({ ...set, rules: set.rules.filter((r) => r.kind !== "timeGate" || typeof r.opensAt === "string") }, PLANNED_AT, ZONE);
  const localTime = Object.fromEntries(plan.ticks.slots.map(([local, utc], i) => [`t${i}`, utc !== null ? NOW >= utc : local <= "2026-11-27T10:02:00"]));
  const [amount, currencyCode, rate] = s.subtotal ?? ["100.00", "USD", "1.0"];
  const customer =
    s.customer === undefined || s.customer === null
      ? null
      : { limits: s.customer === "no-metafield" ? null : { jsonValue: { v: 1, asOf: NOW - 30, counts: s.customer.counts } } };
  return {
    buyerJourney: { step: s.step ?? "CHECKOUT_COMPLETION" },
    localization: { language: { isoCode: s.language ?? "EN" }, market: { handle: s.market ?? "us" } },
    presentmentCurrencyRate: rate,
    cart: {
      cost: { subtotalAmount: { amount, currencyCode } },
      buyerIdentity: { customer },
      deliveryGroups: (s.addresses ?? []).map((deliveryAddress) => ({ deliveryAddress })),
      lines: s.lines.map(([sku, q]) => ({ q, m: sku === null ? {} : { s: sku } })),
    },
    shop: { k: s.killSwitches === undefined ? null : { jsonValue: s.killSwitches }, localTime: { date: TODAY, ...localTime } },
    validation: {
      rules: s.rules === null ? null : { jsonValue: s.rawRules ?? set },
      ticks: { jsonValue: plan.ticks },
      stock: stockOf(s.lines),
    },
  };
}

mkdirSync(DIR, { recursive: true });
for (const s of SITUATIONS) {
  const fixture = {
    payload: {
      export: "cart-validations-generate-run",
      target: "cart.validations.generate.run",
      input: inputFor(s),
      output: { operations: s.errors.length > 0 ? [{ validationAdd: { errors: s.errors } }] : [] },
    },
  };
  writeFileSync(path.join(DIR, `${s.name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
}
console.log(`wrote ${SITUATIONS.length} fixtures to ${path.relative(process.cwd(), DIR)}`);
