/**
 * A deterministic demo store: `generateDemoSeed({ seed })` returns a SeedFile
 * that loads through the store's normal seed path (same validation as any seed):
 *
 * - a shop in America/New_York selling in USD;
 * - up to 6 locations in different regions with real-looking addresses and
 *   coordinates (default 4: Newark NJ, Dallas TX, Ontario CA — warehouses — and a
 *   Toronto store that does not fulfil online orders);
 * - ≥ 2,000 variants (default exactly 2,000) over apparel, footwear and gear, with
 *   SKUs, UPC-A / EAN-13 barcodes with valid GS1 check digits — except a handful of
 *   deliberately wrong ones and a couple of duplicated SKUs, listed in the report —
 *   prices, weights, tags (incl. "final-sale", "drop") and collections;
 * - inventory levels at every location with all the named quantities, `committed`
 *   equal to the open orders' unfulfilled units, some `incoming`, `on_hand` stated
 *   and consistent with its parts;
 * - customers tagged vip, wholesale, new;
 * - `months` of orders on a daily curve (weekday and season factors, Thanksgiving,
 *   a Black Friday spike with a midnight rush, the BFCM weekend and Cyber Monday,
 *   one product drop), mostly paid and fulfilled, some partially fulfilled,
 *   unfulfilled (recent), pending or authorized, refunded, partially refunded,
 *   cancelled; fulfillments with their line items;
 * - returns in every state (requested, open with dispositions, closed and refunded,
 *   declined as final sale, canceled).
 *
 * Same options, same JSON: every choice comes from a seeded PRNG and `now`
 * (default 2026-12-01T12:00:00Z, fixed so that the default output never changes).
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { gid, prng, zonedMidnight } from "../ids";
import { lineShares, unitsValue } from "../money";
import type {
  FinancialStatus,
  LineItemRecord,
  OrderRecord,
  ReturnReason,
  SeedFile,
  SeedFulfillment,
  SeedQuantities,
  SeedRefund,
  SeedReturn,
  ShopifyFunctionRecord,
  StoredQuantityName,
} from "../model";

export interface DemoSeedOptions {
  /** PRNG seed: the same seed (and options) gives the same store. */
  seed: number;
  /** Variants in the catalog (≥ 1; the demo uses 2,000). */
  variants?: number;
  /** Locations, 1–6 (default 4). */
  locations?: number;
  /** Customers (default 800). */
  customers?: number;
  /** Months of order history before `now` (default 6). */
  months?: number;
  /** Orders on an ordinary weekday before season and event factors (default 40). */
  ordersPerDay?: number;
  /** The store's "now": the last order is before it. Default 2026-12-01T12:00:00Z. */
  now?: Date | number | string;
  /** The app's functions (default: {@link appFunctions}, the extensions in extensions/). */
  functions?: ShopifyFunctionRecord[];
}

/** The Function API a target belongs to, as ShopifyFunction.apiType names it. */
const TARGET_API_TYPES: Record<string, string> = {
  "cart.lines.discounts.generate.run": "discount",
  "cart.delivery-options.discounts.generate.run": "discount",
  "cart.validations.generate.run": "cart_checkout_validation",
  "cart.payment-methods.transform.run": "payment_customization",
  "cart.delivery-options.transform.run": "delivery_customization",
  "cart.fulfillment-groups.location-rankings.generate.run": "order_routing_location_rule",
  "cart.fulfillment-constraints.generate.run": "fulfillment_constraints",
  "cart.transform.run": "cart_transform",
};

/**
 * The app's function extensions (`extensions/<name>/shopify.extension.toml`) as
 * seed functions: handle, title (the extension's name), description, apiType from
 * its first target, and an id derived from the handle (stable across runs).
 * Extensions with a target of an unknown API are left out.
 */
export function appFunctions(root: string = fileURLToPath(new URL("../../", import.meta.url))): ShopifyFunctionRecord[] {
  const dir = join(root, "extensions");
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "shopify.extension.toml")))
    .map((entry) => readFileSync(join(dir, entry.name, "shopify.extension.toml"), "utf8"))
    .flatMap((toml): ShopifyFunctionRecord[] => {
      const value = (key: string): string | undefined => new RegExp(`^\\s*${key}\\s*=\\s*"([^"]*)"`, "m").exec(toml)?.[1];
      const handle = value("handle");
      const apiType = TARGET_API_TYPES[value("target") ?? ""];
      if (!handle || !apiType) return [];
      const hex = createHash("sha256").update(`peakguard-function:${handle}`).digest("hex");
      const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
      const description = value("description");
      return [{ id, title: value("name") ?? handle, apiType, handle, ...(description !== undefined ? { description } : {}) }];
    })
    .sort((a, b) => (a.handle < b.handle ? -1 : 1));
}

/** What the generator did on purpose, for tests and demos of the app's catalog checks. */
export interface DemoReport {
  variants: number;
  products: number;
  orders: number;
  customers: number;
  returns: number;
  /** SKUs of variants whose barcode has a wrong check digit. */
  invalidBarcodes: { sku: string; barcode: string }[];
  /** SKUs given to two variants. */
  duplicateSkus: string[];
  /** Local dates (shop time zone) of the events on the curve. */
  events: { date: string; name: string; factor: number }[];
}

export const DEFAULT_DEMO_NOW = "2026-12-01T12:00:00Z";
const TIME_ZONE = "America/New_York";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/* ------------------------------------------------------------------- helpers */

type Random = () => number;

function int(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function chance(random: Random, p: number): boolean {
  return random() < p;
}

/** Index drawn with probability proportional to `cumulative` (running sums). */
function weighted(random: Random, cumulative: readonly number[]): number {
  const total = cumulative[cumulative.length - 1] ?? 0;
  const target = random() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] as number) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function cumulate(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => (sum += w));
}

function money(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** GS1 check digit for the digits before it (UPC-A, EAN-13): weights 3, 1, 3… from the right. */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i += 1) {
    const digit = Number(body[body.length - 1 - i]);
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** True when `barcode` is 8, 12, 13 or 14 digits with a valid GS1 check digit. */
export function isValidGtin(barcode: string): boolean {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(barcode)) return false;
  return gs1CheckDigit(barcode.slice(0, -1)) === Number(barcode.slice(-1));
}

/** yyyy-mm-dd of `ms` in the shop's time zone. */
function localDate(ms: number): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(ms));
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function weekday(date: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** Black Friday of `year`: the day after the fourth Thursday of November. */
function blackFriday(year: number): string {
  const first = new Date(Date.UTC(year, 10, 1)).getUTCDay();
  const firstThursday = 1 + ((4 - first + 7) % 7);
  return `${year}-11-${String(firstThursday + 21 + 1).padStart(2, "0")}`;
}

/* ----------------------------------------------------------------- the world */

const LOCATIONS = [
  {
    name: "Newark Fulfillment Center",
    region: "northeast",
    online: true,
    address: { address1: "400 Delancy Street", address2: "Building B", city: "Newark", province: "New Jersey", provinceCode: "NJ", zip: "07105", country: "United States", countryCode: "US", phone: "+19735550142", latitude: 40.7214, longitude: -74.1412 },
  },
  {
    name: "Dallas Distribution Center",
    region: "south",
    online: true,
    address: { address1: "3001 Irving Boulevard", address2: null, city: "Dallas", province: "Texas", provinceCode: "TX", zip: "75247", country: "United States", countryCode: "US", phone: "+12145550187", latitude: 32.8103, longitude: -96.8726 },
  },
  {
    name: "Ontario Warehouse",
    region: "west",
    online: true,
    address: { address1: "4200 East Airport Drive", address2: "Dock 12", city: "Ontario", province: "California", provinceCode: "CA", zip: "91761", country: "United States", countryCode: "US", phone: "+19095550163", latitude: 34.0561, longitude: -117.5648 },
  },
  {
    name: "Toronto Queen West Store",
    region: "canada",
    online: false,
    address: { address1: "580 Queen Street West", address2: null, city: "Toronto", province: "Ontario", provinceCode: "ON", zip: "M5V 2B5", country: "Canada", countryCode: "CA", phone: "+14165550119", latitude: 43.6476, longitude: -79.4012 },
  },
  {
    name: "Dublin Grafton Street Store",
    region: "ireland",
    online: false,
    address: { address1: "12 Grafton Street", address2: null, city: "Dublin", province: "Dublin", provinceCode: "D", zip: "D02 XY45", country: "Ireland", countryCode: "IE", phone: "+35315550103", latitude: 53.3418, longitude: -6.2597 },
  },
  {
    name: "Chicago Fulfillment Center",
    region: "midwest",
    online: true,
    address: { address1: "1200 West 35th Street", address2: "Dock 4", city: "Chicago", province: "Illinois", provinceCode: "IL", zip: "60609", country: "United States", countryCode: "US", phone: "+13125550102", latitude: 41.8309, longitude: -87.6567 },
  },
] as const;

/** Customer regions: where orders ship from (first online location listed) and the tax rate at the destination. */
const REGIONS = [
  { name: "northeast", weight: 0.34, prefer: ["northeast", "midwest", "south", "west"], tax: 0.06625, areaCodes: ["212", "917", "973", "201", "617", "215"] },
  { name: "south", weight: 0.24, prefer: ["south", "midwest", "northeast", "west"], tax: 0.0825, areaCodes: ["214", "512", "713", "404", "305"] },
  { name: "west", weight: 0.27, prefer: ["west", "south", "midwest", "northeast"], tax: 0.0775, areaCodes: ["415", "310", "206", "503", "702"] },
  { name: "midwest", weight: 0.1, prefer: ["midwest", "northeast", "south", "west"], tax: 0.0625, areaCodes: ["312", "612", "314"] },
  { name: "canada", weight: 0.05, prefer: ["northeast", "midwest", "west", "south"], tax: 0.13, areaCodes: ["416", "647", "604"] },
] as const;

const APPAREL_SIZES = ["XS", "S", "M", "L", "XL", "XXL"];
const SIZE_POPULARITY: Record<string, number> = { XS: 0.5, S: 0.9, M: 1.4, L: 1.3, XL: 0.8, XXL: 0.4 };
const WAIST_SIZES = ["28", "30", "32", "34", "36", "38"];
const SHOE_SIZES = ["7", "7.5", "8", "8.5", "9", "9.5", "10", "10.5", "11", "11.5", "12", "13"];
const SOCK_SIZES = ["S", "M", "L", "XL"];
const COLORS = [
  ["Black", "BLK"],
  ["Navy", "NVY"],
  ["Forest", "FOR"],
  ["Ember Red", "RED"],
  ["Slate", "SLT"],
  ["Sand", "SND"],
  ["Glacier Blue", "GLB"],
  ["Olive", "OLV"],
  ["Heather Grey", "HGR"],
  ["Rust", "RST"],
] as const;

interface Family {
  type: string;
  code: string;
  names: readonly string[];
  sizes: readonly string[] | null;
  colors: [number, number];
  price: [number, number];
  /** Pounds. */
  weight: [number, number];
  tags: readonly string[];
  collection: string;
  share: number;
}

const FAMILIES: readonly Family[] = [
  { type: "Jackets", code: "JKT", names: ["Down Jacket", "Shell Jacket", "Insulated Parka", "Rain Jacket", "Softshell Jacket", "Puffer Vest"], sizes: APPAREL_SIZES, colors: [2, 4], price: [149, 349], weight: [0.9, 2.6], tags: ["outerwear", "winter"], collection: "Outerwear", share: 0.16 },
  { type: "Fleece", code: "FLC", names: ["Fleece Hoodie", "Grid Fleece", "Quarter Zip", "Sherpa Pullover"], sizes: APPAREL_SIZES, colors: [2, 4], price: [69, 129], weight: [0.7, 1.4], tags: ["layering"], collection: "Outerwear", share: 0.12 },
  { type: "Tops", code: "TOP", names: ["Merino Tee", "Trail Tee", "Long Sleeve Tee", "Sun Hoodie", "Flannel Shirt"], sizes: APPAREL_SIZES, colors: [2, 4], price: [24, 79], weight: [0.3, 0.8], tags: ["tops"], collection: "Tops", share: 0.14 },
  { type: "Base Layers", code: "BASE", names: ["Merino Base Layer Top", "Thermal Tights", "Midweight Crew", "Lightweight Zip Neck"], sizes: APPAREL_SIZES, colors: [1, 3], price: [49, 109], weight: [0.3, 0.6], tags: ["base-layer", "winter"], collection: "Base Layers", share: 0.08 },
  { type: "Pants", code: "PNT", names: ["Trail Pant", "Climbing Pant", "Rain Pant", "Jogger", "Ski Pant"], sizes: WAIST_SIZES, colors: [1, 3], price: [69, 189], weight: [0.6, 1.5], tags: ["bottoms"], collection: "Bottoms", share: 0.1 },
  { type: "Footwear", code: "SHOE", names: ["Hiking Boot", "Trail Runner", "Winter Boot", "Approach Shoe", "Camp Slipper"], sizes: SHOE_SIZES, colors: [1, 2], price: [89, 239], weight: [1.4, 3.2], tags: ["footwear"], collection: "Footwear", share: 0.14 },
  { type: "Socks", code: "SCK", names: ["Hiking Sock", "Ski Sock", "Running Sock 3-Pack", "Liner Sock"], sizes: SOCK_SIZES, colors: [1, 3], price: [14, 34], weight: [0.1, 0.3], tags: ["socks"], collection: "Accessories", share: 0.08 },
  { type: "Accessories", code: "ACC", names: ["Beanie", "Gloves", "Neck Gaiter", "Trucker Cap", "Mittens"], sizes: null, colors: [2, 5], price: [19, 69], weight: [0.1, 0.4], tags: ["accessories"], collection: "Accessories", share: 0.08 },
  { type: "Gear", code: "GEAR", names: ["Insulated Bottle", "Daypack", "Headlamp", "Trekking Poles", "Camp Mug", "Dry Bag", "Two-Person Tent", "Sleeping Bag", "Camp Stove"], sizes: null, colors: [1, 3], price: [19, 449], weight: [0.3, 5.5], tags: ["gear", "camp"], collection: "Camp & Hike", share: 0.1 },
];

const WORDS = [
  "Summit", "Ridge", "Alpine", "Cascade", "Granite", "Timberline", "Basecamp", "Switchback", "Aurora", "Glacier",
  "Canyon", "Sierra", "Tundra", "Coastal", "Ember", "Harbor", "Meridian", "Pinnacle", "Trailhead", "Windward",
  "Boreal", "Talus", "Scree", "Cirque", "Couloir", "Juniper", "Larch", "Cedar", "Highline", "Outpost",
  "Redwood", "Sawtooth", "Lookout", "Drift", "Fjord", "Mesa", "Bluebird", "Powder", "Headwall", "Traverse",
];

const FIRST_NAMES = [
  "Ada", "Liam", "Mei", "Noah", "Olivia", "Mateo", "Amara", "Ethan", "Sofia", "Kenji", "Priya", "Lucas", "Zoe", "Omar", "Hannah",
  "Diego", "Grace", "Tariq", "Chloe", "Jonah", "Aisha", "Felix", "Nora", "Ravi", "Isla", "Marcus", "Yara", "Caleb", "Leah", "Tomas",
  "Maya", "Samuel", "Elena", "Kofi", "Ines", "Owen", "Hana", "Rowan", "Lucia", "Arjun", "Freya", "Malik", "Clara", "Jun", "Naomi",
];
const LAST_NAMES = [
  "Okafor", "Brennan", "Tanaka", "Garcia", "Nguyen", "Smith", "Patel", "Johnson", "Kowalski", "Murphy", "Rossi", "Chen", "Williams",
  "Haddad", "Silva", "Kim", "Andersen", "Dubois", "Mensah", "Novak", "Reyes", "Fischer", "Osei", "Larsen", "Moreau", "Singh",
  "Walsh", "Ibrahim", "Costa", "Yamamoto", "Bauer", "Ortiz", "Lindqvist", "Adeyemi", "Campbell", "Petrov", "Romero", "Sato",
];

/* ----------------------------------------------------------------- generator */

interface VariantInfo {
  id: number;
  productIndex: number;
  sku: string;
  price: number;
  tracked: boolean;
  itemId: number;
  finalSale: boolean;
  drop: boolean;
}

interface CustomerInfo {
  id: number;
  email: string;
  region: (typeof REGIONS)[number];
  tags: string[];
  weight: number;
}

type SeedOrder = NonNullable<SeedFile["orders"]>[number];
type SeedProduct = SeedFile["products"][number];
type Region = (typeof REGIONS)[number];
type Fate = "fulfilled" | "partial" | "open" | "pending" | "authorized" | "voided" | "cancelled" | "refunded" | "partially_refunded";

interface OrderLine {
  id: number;
  variantId: number;
  quantity: number;
  price: number;
  info: VariantInfo;
}

/** One order being made: what the fate steps fill in. */
interface OrderDraft {
  id: number;
  number: number;
  placed: number;
  locationId: number;
  lines: OrderLine[];
  gross: number;
  discount: number;
  tax: number;
  shipping: number;
  financialStatus: FinancialStatus;
  fulfillments: SeedFulfillment[];
  refunds: SeedRefund[];
  cancelledAt: string | null;
  cancelReason: SeedOrder["cancelReason"];
  updated: number;
  fulfilledAt: number;
}

const WEEKDAY_FACTOR = [1.15, 1.1, 1.0, 0.95, 0.95, 0.9, 0.95];
const MONTH_FACTOR = [0.7, 0.7, 0.8, 0.85, 0.85, 0.8, 0.8, 0.9, 0.95, 1.0, 1.25, 1.5];
const HOUR_WEIGHTS = [0.3, 0.2, 0.1, 0.08, 0.08, 0.12, 0.3, 0.6, 0.9, 1.1, 1.2, 1.4, 1.6, 1.5, 1.3, 1.2, 1.2, 1.3, 1.5, 1.7, 1.8, 1.5, 1.0, 0.6];
const COLLECTION_TITLES = ["Outerwear", "Tops", "Base Layers", "Bottoms", "Footwear", "Accessories", "Camp & Hike", "New Arrivals", "Final Sale", "The Drop"];

/** Builds the demo store step by step; every random choice comes from one seeded PRNG, in a fixed order. */
class DemoBuilder {
  private readonly random: Random;
  private readonly nowMs: number;
  private readonly counters = new Map<string, number>();
  readonly shop: SeedFile["shop"];
  readonly locations: SeedFile["locations"];
  readonly collections: NonNullable<SeedFile["collections"]>;
  readonly products: SeedProduct[] = [];
  readonly customers: NonNullable<SeedFile["customers"]> = [];
  readonly orders: SeedOrder[] = [];
  readonly returns: SeedReturn[] = [];
  readonly events = new Map<string, { name: string; factor: number }>();
  readonly invalidBarcodes: DemoReport["invalidBarcodes"] = [];
  readonly duplicateSkus: string[] = [];
  private readonly variantInfos: VariantInfo[] = [];
  private readonly productPopularity: number[] = [];
  private readonly customerInfos: CustomerInfo[] = [];
  /** Unfulfilled units of open orders, and units restocked by returns, by `item:location`. */
  private readonly committed = new Map<string, number>();
  private readonly restocked = new Map<string, number>();
  private readonly regionCumulative = cumulate(REGIONS.map((r) => r.weight));
  readonly today: string;
  readonly startDate: string;
  readonly dropDate: string;

  constructor(
    private readonly options: DemoSeedOptions,
    nowMs: number,
  ) {
    this.random = prng(options.seed);
    this.nowMs = nowMs;
    const months = Math.max(1, Math.floor(options.months ?? 6));
    this.today = localDate(nowMs);
    const [y, m, d] = this.today.split("-").map(Number) as [number, number, number];
    this.startDate = new Date(Date.UTC(y, m - 1 - months, d)).toISOString().slice(0, 10);
    this.dropDate = addDays(this.startDate, Math.floor((months * 30) / 2));
    this.shop = {
      id: 48812300001,
      name: "Peakguard Demo Outfitters",
      email: "owner@peakguard-demo.example",
      myshopifyDomain: "peakguard-demo.myshopify.com",
      ianaTimezone: TIME_ZONE,
      currencyCode: "USD",
      weightUnit: "POUNDS",
      plan: { publicDisplayName: "Advanced", partnerDevelopment: false, shopifyPlus: false },
      createdAt: iso(nowMs - 3 * 365 * DAY),
      updatedAt: iso(nowMs - 30 * DAY),
    };
    const count = Math.min(LOCATIONS.length, Math.max(1, Math.floor(options.locations ?? 4)));
    this.locations = LOCATIONS.slice(0, count).map((location, index) => ({
      id: 70100000001 + index,
      name: location.name,
      isActive: true,
      fulfillsOnlineOrders: location.online,
      shipsInventory: location.online,
      address: { ...location.address },
      createdAt: iso(nowMs - (900 - index * 120) * DAY),
      updatedAt: iso(nowMs - 120 * DAY),
    }));
    this.collections = COLLECTION_TITLES.map((title, index) => ({
      id: 450000000001 + index,
      title,
      handle: slug(title),
      updatedAt: iso(nowMs - (20 + index) * DAY),
    }));
  }

  private id(kind: string, base: number): number {
    const next = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, next);
    return base + next;
  }

  private int(min: number, max: number): number {
    return int(this.random, min, max);
  }

  private pick<T>(items: readonly T[]): T {
    return pick(this.random, items);
  }

  private chance(p: number): boolean {
    return chance(this.random, p);
  }

  /** A moment after `ms`, never at or after "now". */
  private before(ms: number): number {
    return Math.min(this.nowMs - 60_000, ms);
  }

  private collectionId(title: string): number {
    return this.collections.find((c) => c.title === title)?.id as number;
  }

  /** The online location a region's orders ship from. */
  private shipFrom(region: Region): number {
    const online = LOCATIONS.slice(0, this.locations.length)
      .map((location, index) => ({ region: location.region as string, online: location.online, id: 70100000001 + index }))
      .filter((location) => location.online);
    for (const name of region.prefer) {
      const found = online.find((location) => location.region === name);
      if (found) return found.id;
    }
    return online[0]?.id ?? (this.locations[0]?.id as number);
  }

  /* -------------------------------------------------------------- catalog */

  catalog(variantTarget: number): void {
    const titles = new Set<string>();
    const familyCumulative = cumulate(FAMILIES.map((f) => f.share));
    const items = { upc: 0, ean: 0 };
    let produced = 0;
    while (produced < variantTarget) {
      const family = FAMILIES[weighted(this.random, familyCumulative)] as Family;
      let title = `${this.pick(WORDS)} ${this.pick(family.names)}`;
      for (let n = 2; titles.has(title); n += 1) title = `${title.replace(/ \d+$/, "")} ${n}`;
      titles.add(title);
      const product = this.product(family, title, variantTarget - produced, items);
      produced += product.variants.length;
      this.products.push(product);
    }
  }

  private product(family: Family, title: string, room: number, items: { upc: number; ean: number }): SeedProduct {
    const productIndex = this.products.length;
    const productId = this.id("product", 8100000000000);
    const seq = String(productIndex + 1).padStart(4, "0");
    const colorCount = this.int(family.colors[0], family.colors[1]);
    const colorStart = this.int(0, COLORS.length - 1);
    const colors = Array.from({ length: colorCount }, (_, i) => COLORS[(colorStart + i * 3) % COLORS.length] as (typeof COLORS)[number]);
    let sizes: readonly (string | null)[] = family.sizes ?? [null];
    if (family.sizes === SHOE_SIZES && this.chance(0.4)) sizes = SHOE_SIZES.filter((size) => !size.includes("."));
    const options: { size: string | null; color: (typeof COLORS)[number] | null }[] = [];
    for (const color of family.code === "GEAR" && colorCount === 1 ? [null] : colors) for (const size of sizes) options.push({ size, color });
    const finalSale = this.chance(0.08);
    const drop = !finalSale && this.chance(0.05);
    const tags = [...family.tags];
    if (finalSale) tags.push("final-sale", "clearance");
    if (drop) tags.push("drop", "limited");
    if (this.chance(0.18)) tags.push(`bfcm-${this.today.slice(0, 4)}`);
    const createdAt = this.nowMs - this.int(drop ? 10 : 20, 700) * DAY - this.int(0, 86_399) * 1000;
    const isNew = this.nowMs - createdAt < 45 * DAY;
    if (isNew) tags.push("new");
    const collectionIds = [this.collectionId(family.collection)];
    if (isNew) collectionIds.push(this.collectionId("New Arrivals"));
    if (finalSale) collectionIds.push(this.collectionId("Final Sale"));
    if (drop) collectionIds.push(this.collectionId("The Drop"));
    // Whole dollars, or just under them ($148.95, $148.99).
    const priceCents = this.int(family.price[0], family.price[1]) * 100 - this.pick([0, 0, 0, 5, 1]);
    const onSale = finalSale || this.chance(0.12);
    const weight = Math.round((family.weight[0] + this.random() * (family.weight[1] - family.weight[0])) * 100) / 100;
    const status = this.chance(0.02) ? ("DRAFT" as const) : this.chance(0.02) ? ("ARCHIVED" as const) : ("ACTIVE" as const);
    const untracked = family.code === "GEAR" && this.chance(0.05);
    const useEan = this.chance(0.25);
    this.productPopularity.push(Math.pow(this.random(), 2.2) * (drop ? 3 : 1) * (status === "ACTIVE" ? 1 : 0));
    const variants = options.slice(0, Math.min(options.length, room)).map((option) => {
      const variantId = this.id("variant", 8200000000000);
      const itemId = this.id("item", 8300000000000);
      const parts = [option.size, option.color?.[0]].filter((part): part is string => part !== null);
      const suffix = [option.size?.replace(".", ""), option.color?.[1]].filter(Boolean).join("-");
      const sku = `PG-${family.code}-${seq}${suffix ? `-${suffix}` : ""}`;
      // UPC-A: 0 + company prefix 85001 + item; EAN-13: Irish GS1 prefix 539 + company 4217 + item.
      const body = useEan ? `5394217${String(++items.ean).padStart(5, "0")}` : `085001${String(++items.upc).padStart(5, "0")}`;
      const price = priceCents + (option.size === "XXL" ? 500 : 0);
      this.variantInfos.push({ id: variantId, productIndex, sku, price, tracked: !untracked, itemId, finalSale, drop });
      return {
        id: variantId,
        title: parts.length > 0 ? parts.join(" / ") : "Default Title",
        sku,
        barcode: this.chance(0.02) ? null : `${body}${gs1CheckDigit(body)}`,
        price: money(price),
        compareAtPrice: onSale ? money(Math.round((price * 1.25) / 100) * 100) : null,
        inventoryPolicy: !drop && this.chance(0.03) ? ("CONTINUE" as const) : ("DENY" as const),
        taxable: true,
        inventoryItem: {
          id: itemId,
          tracked: !untracked,
          requiresShipping: true,
          weight: { value: weight, unit: "POUNDS" as const },
          levels: [] as { locationId: number; quantities: SeedQuantities }[],
        },
      };
    });
    return {
      id: productId,
      title,
      handle: slug(title),
      status,
      vendor: this.chance(0.85) ? "Peakguard Outfitters" : this.pick(["Northline Supply", "Alder & Oak", "Fjellvind"]),
      productType: family.type,
      tags,
      collectionIds,
      createdAt: iso(createdAt),
      updatedAt: iso(Math.min(this.nowMs - HOUR, createdAt + this.int(1, 200) * DAY)),
      variants,
    };
  }

  /** Five barcodes with a wrong check digit and two SKUs given to a second variant, spread over the catalog. */
  plantCatalogProblems(): void {
    const all = this.products.flatMap((p) => p.variants);
    const withBarcode = all.filter((v) => v.barcode !== null);
    for (let n = 0; n < Math.min(5, withBarcode.length); n += 1) {
      const variant = withBarcode[Math.floor((n + 0.5) * (withBarcode.length / 5))] as (typeof withBarcode)[number];
      const barcode = variant.barcode as string;
      variant.barcode = `${barcode.slice(0, -1)}${(Number(barcode.slice(-1)) + 1 + n) % 10}`;
      this.invalidBarcodes.push({ sku: variant.sku as string, barcode: variant.barcode });
    }
    if (all.length < 8) return;
    for (const [from, to] of [
      [0.31, 0.72],
      [0.47, 0.89],
    ] as const) {
      const source = all[Math.floor(from * all.length)] as (typeof all)[number];
      const target = all[Math.floor(to * all.length)] as (typeof all)[number];
      target.sku = source.sku;
      const info = this.variantInfos.find((v) => v.id === target.id);
      if (info) info.sku = source.sku as string;
      this.duplicateSkus.push(source.sku as string);
    }
  }

  /* ------------------------------------------------------------ customers */

  people(count: number): void {
    const phones = new Set<string>();
    for (let n = 0; n < count; n += 1) {
      const firstName = this.pick(FIRST_NAMES);
      const lastName = this.pick(LAST_NAMES);
      const region = REGIONS[weighted(this.random, this.regionCumulative)] as Region;
      const created = this.nowMs - Math.floor(Math.pow(this.random(), 0.7) * 720 * DAY) - this.int(0, 86_399) * 1000;
      const tags: string[] = [];
      const wholesale = this.chance(0.03);
      if (this.chance(0.06)) tags.push("vip");
      if (wholesale) tags.push("wholesale");
      if (this.nowMs - created < 30 * DAY) tags.push("new");
      if (this.chance(0.3)) tags.push("newsletter");
      let phone: string | null = null;
      if (this.chance(0.6)) {
        // 555-0100…0199: the numbers set aside for fiction.
        for (let attempt = 0; attempt < 5 && phone === null; attempt += 1) {
          const candidate = `+1${this.pick(region.areaCodes)}5550${String(this.int(100, 199)).slice(-3)}`;
          if (!phones.has(candidate)) phone = candidate;
        }
        if (phone) phones.add(phone);
      }
      const id = this.id("customer", 6200000000000);
      const email = `${slug(firstName)}.${slug(lastName)}${n + 1}@${this.pick(["example.com", "example.net", "example.org"])}`;
      this.customers.push({
        id,
        firstName,
        lastName,
        email,
        phone,
        note: wholesale ? "Net-30 wholesale account" : null,
        tags,
        createdAt: iso(created),
        updatedAt: iso(Math.min(this.nowMs - HOUR, created + this.int(0, 90) * DAY)),
      });
      this.customerInfos.push({ id, email, region, tags, weight: tags.includes("vip") ? 6 : wholesale ? 4 : 1 });
    }
  }

  /* --------------------------------------------------------------- orders */

  /** The retail calendar: Black Friday week and Cyber Monday of every year in range, and one product drop. */
  calendar(): void {
    for (let year = Number(this.startDate.slice(0, 4)); year <= Number(this.today.slice(0, 4)); year += 1) {
      const bf = blackFriday(year);
      for (let d = -7; d <= -2; d += 1) this.events.set(addDays(bf, d), { name: "Early Black Friday deals", factor: 1.3 });
      this.events.set(addDays(bf, -1), { name: "Thanksgiving", factor: 1.8 });
      this.events.set(bf, { name: "Black Friday", factor: 6 });
      this.events.set(addDays(bf, 1), { name: "BFCM Saturday", factor: 3 });
      this.events.set(addDays(bf, 2), { name: "BFCM Sunday", factor: 2.6 });
      this.events.set(addDays(bf, 3), { name: "Cyber Monday", factor: 4.5 });
      this.events.set(addDays(bf, 4), { name: "Cyber Week", factor: 1.8 });
    }
    if (!this.events.has(this.dropDate)) this.events.set(this.dropDate, { name: "Product drop", factor: 2.2 });
  }

  /** Every day from the start date to today: a count on the curve, times on the hourly curve, then each order's story. */
  history(ordersPerDay: number): void {
    const hourCumulative = cumulate(HOUR_WEIGHTS);
    // Black Friday opens at midnight: doorbusters.
    const midnightRush = cumulate(HOUR_WEIGHTS.map((w, hour) => (hour < 2 ? w * 12 : hour < 6 ? w * 3 : w)));
    const active = this.variantInfos.filter((v) => (this.productPopularity[v.productIndex] ?? 0) > 0);
    const variantCumulative = cumulate(
      active.map((v) => {
        const variant = this.products[v.productIndex]?.variants.find((candidate) => candidate.id === v.id);
        const size = variant?.title.split(" / ")[0] ?? "";
        return (this.productPopularity[v.productIndex] ?? 0) * (SIZE_POPULARITY[size] ?? 1);
      }),
    );
    const drops = active.filter((v) => v.drop);
    const customerCumulative = cumulate(this.customerInfos.map((c) => c.weight));
    let number = 1000;
    for (let date = this.startDate; date <= this.today; date = addDays(date, 1)) {
      const event = this.events.get(date);
      const noise = 0.85 + this.random() * 0.3;
      const expected =
        ordersPerDay * (WEEKDAY_FACTOR[weekday(date)] as number) * (MONTH_FACTOR[Number(date.slice(5, 7)) - 1] as number) * (event?.factor ?? 1) * noise;
      const midnight = zonedMidnight(date, TIME_ZONE);
      const dayFraction = date === this.today ? Math.max(0, Math.min(1, (this.nowMs - midnight) / DAY)) : 1;
      const times: number[] = [];
      for (let n = Math.round(expected * dayFraction); n > 0; n -= 1) {
        const hour = weighted(this.random, event?.name === "Black Friday" ? midnightRush : hourCumulative);
        const at = midnight + hour * HOUR + Math.floor(this.random() * HOUR);
        if (at < this.nowMs - 60_000) times.push(at);
      }
      times.sort((a, b) => a - b);
      for (const placed of times) {
        const customer = this.chance(0.78) ? this.customerInfos[weighted(this.random, customerCumulative)] : undefined;
        const lineFor = (): VariantInfo =>
          event?.name === "Product drop" && drops.length > 0 && this.chance(0.5) ? this.pick(drops) : (active[weighted(this.random, variantCumulative)] as VariantInfo);
        this.order(++number, placed, customer, event, lineFor);
      }
    }
  }

  private order(number: number, placed: number, customer: CustomerInfo | undefined, event: { name: string } | undefined, lineFor: () => VariantInfo): void {
    const region = customer?.region ?? (REGIONS[weighted(this.random, this.regionCumulative)] as Region);
    const wholesale = customer?.tags.includes("wholesale") ?? false;
    const chosen = new Map<number, { info: VariantInfo; quantity: number }>();
    for (let n = wholesale ? this.int(3, 6) : this.pick([1, 1, 1, 2, 2, 3, 4]); n > 0; n -= 1) {
      const info = lineFor();
      const quantity = wholesale ? this.int(4, 12) : this.pick([1, 1, 1, 1, 2, 2, 3]);
      const existing = chosen.get(info.id);
      if (existing) existing.quantity += quantity;
      else chosen.set(info.id, { info, quantity });
    }
    const lines = [...chosen.values()].map(({ info, quantity }) => ({ id: this.id("line", 1700000000000), variantId: info.id, quantity, price: info.price, info }));
    const gross = lines.reduce((sum, line) => sum + line.price * line.quantity, 0);
    const bfcm = event !== undefined && event.name !== "Product drop";
    const discountRate = bfcm && this.chance(0.65) ? 0.25 : this.chance(0.18) ? this.pick([0.1, 0.15, 0.2]) : 0;
    const discount = Math.round(gross * discountRate);
    const shipping = gross - discount >= 10_000 || customer?.tags.includes("vip") ? 0 : this.pick([795, 995]);
    const draft: OrderDraft = {
      id: this.id("order", 5400000000000),
      number,
      placed,
      locationId: this.shipFrom(region),
      lines,
      gross,
      discount,
      tax: Math.round((gross - discount) * region.tax),
      shipping,
      financialStatus: "PAID",
      fulfillments: [],
      refunds: [],
      cancelledAt: null,
      cancelReason: null,
      updated: placed,
      fulfilledAt: this.before(placed + this.int(3, 40) * HOUR),
    };
    const fate = this.fate(this.nowMs - placed);
    this.live(draft, fate);
    if (fate === "fulfilled" && this.nowMs - placed > 5 * DAY && this.chance(0.045)) this.returnOn(draft);
    // Open orders hold their unfulfilled units in `committed` at their location.
    if (draft.cancelledAt === null) {
      for (const line of lines) {
        if (!line.info.tracked) continue;
        const fulfilled = draft.fulfillments.reduce((sum, f) => sum + (f.lines.find((l) => l.lineItemId === line.id)?.quantity ?? 0), 0);
        if (line.quantity > fulfilled) this.add(this.committed, `${line.info.itemId}:${draft.locationId}`, line.quantity - fulfilled);
      }
    }
    const tags: string[] = [];
    if (bfcm) tags.push("bfcm");
    if (wholesale) tags.push("wholesale");
    if (lines.some((line) => line.info.drop)) tags.push("drop");
    this.orders.push({
      id: draft.id,
      number,
      email: customer?.email ?? `guest${number}@example.net`,
      customerId: customer?.id ?? null,
      locationId: draft.locationId,
      financialStatus: draft.financialStatus,
      lineItems: lines.map((line) => ({ id: line.id, variantId: line.variantId, quantity: line.quantity, price: money(line.price) })),
      ...(draft.fulfillments.length > 0 ? { fulfillments: draft.fulfillments } : {}),
      ...(draft.refunds.length > 0 ? { refunds: draft.refunds } : {}),
      ...(draft.cancelledAt !== null ? { cancelledAt: draft.cancelledAt, cancelReason: draft.cancelReason } : {}),
      shippingPrice: money(shipping),
      totalTax: money(draft.tax),
      totalDiscounts: money(discount),
      tags,
      test: false,
      createdAt: iso(placed),
      processedAt: iso(placed),
      updatedAt: iso(draft.updated),
    });
  }

  /** What happens to an order of this age: recent ones are still open, older ones fulfilled, some refunded or cancelled. */
  private fate(age: number): Fate {
    const roll = this.random();
    if (age < 2 * DAY) return roll < 0.55 ? "open" : roll < 0.65 ? "partial" : roll < 0.92 ? "fulfilled" : roll < 0.96 ? "authorized" : "pending";
    if (age < 5 * DAY) return roll < 0.12 ? "open" : roll < 0.2 ? "partial" : roll < 0.93 ? "fulfilled" : roll < 0.96 ? "cancelled" : roll < 0.98 ? "voided" : "pending";
    return roll < 0.86
      ? "fulfilled"
      : roll < 0.89
        ? "partial"
        : roll < 0.915
          ? "cancelled"
          : roll < 0.93
            ? "voided"
            : roll < 0.96
              ? "refunded"
              : roll < 0.99
                ? "partially_refunded"
                : "open";
  }

  private fulfil(draft: OrderDraft, part: boolean): void {
    const lines = draft.lines
      .map((line, index) => ({
        id: this.id("fulfillmentLine", 4500000000000),
        lineItemId: line.id,
        quantity: part ? (index === 0 ? Math.max(1, line.quantity - 1) : 0) : line.quantity,
      }))
      .filter((line) => line.quantity > 0);
    // A single one-unit line can't be partly fulfilled: that order stays open.
    if (part && draft.lines.length === 1 && draft.lines[0]?.quantity === 1) return;
    draft.fulfillments.push({ id: this.id("fulfillment", 4400000000000), locationId: draft.locationId, createdAt: iso(draft.fulfilledAt), lines });
    draft.updated = Math.max(draft.updated, draft.fulfilledAt);
  }

  private live(draft: OrderDraft, fate: Fate): void {
    switch (fate) {
      case "fulfilled":
        return this.fulfil(draft, false);
      case "partial":
        return this.fulfil(draft, true);
      case "pending":
        draft.financialStatus = "PENDING";
        return;
      case "authorized":
        draft.financialStatus = "AUTHORIZED";
        return;
      case "voided":
        draft.financialStatus = "VOIDED";
        draft.cancelledAt = iso(this.before(draft.placed + this.int(1, 30) * HOUR));
        draft.cancelReason = this.pick(["CUSTOMER", "FRAUD", "DECLINED"] as const);
        return;
      case "cancelled": {
        const at = this.before(draft.placed + this.int(1, 20) * HOUR);
        draft.cancelledAt = iso(at);
        draft.cancelReason = this.pick(["CUSTOMER", "INVENTORY", "OTHER"] as const);
        this.refund(draft, at, "Order cancelled", draft.shipping, null, draft.lines.map((line) => ({ line, quantity: line.quantity, restockType: "cancel" as const })));
        draft.updated = Math.max(draft.updated, at);
        return;
      }
      case "refunded":
      case "partially_refunded": {
        this.fulfil(draft, false);
        const at = this.before(draft.fulfilledAt + this.int(2, 12) * DAY);
        const whole = fate === "refunded";
        const lines = whole
          ? draft.lines.map((line) => ({ line, quantity: line.quantity, restockType: "return" as const }))
          : [{ line: draft.lines[0] as OrderLine, quantity: 1, restockType: "no_restock" as const }];
        this.refund(draft, at, whole ? "Refunded in full" : "Goodwill refund", whole ? draft.shipping : 0, null, lines);
        draft.updated = Math.max(draft.updated, at);
        return;
      }
      case "open":
        return;
    }
  }

  /**
   * Adds a refund and sets the financial status it leads to, valuing it the way
   * the store does (money.ts) so that the seed's statuses pass its checks.
   */
  private refund(
    draft: OrderDraft,
    at: number,
    note: string,
    shipping: number,
    returnId: number | null,
    lines: { line: OrderLine; quantity: number; restockType: "cancel" | "return" | "no_restock" }[],
  ): void {
    draft.refunds.push({
      id: this.id("refund", 9100000000000),
      createdAt: iso(at),
      note,
      shipping: money(shipping),
      ...(returnId !== null ? { returnId } : {}),
      lines: lines.map(({ line, quantity, restockType }) => ({
        id: this.id("refundLine", 9200000000000),
        lineItemId: line.id,
        quantity,
        restockType,
        locationId: restockType === "no_restock" ? null : draft.locationId,
      })),
    });
    const order = {
      lineItems: draft.lines.map((line) => ({ id: line.id, price: line.price, quantity: line.quantity }) as LineItemRecord),
      totalDiscounts: draft.discount,
      totalTax: draft.tax,
      shippingPrice: draft.shipping,
      refunds: [],
    } as unknown as OrderRecord;
    const shares = lineShares(order);
    const refunded = draft.refunds.reduce((sum, refund) => {
      const counted = new Map<number, number>();
      return (
        sum +
        Math.round(Number(refund.shipping ?? "0") * 100) +
        refund.lines.reduce((part, line) => {
          const record = order.lineItems.find((l) => l.id === line.lineItemId) as LineItemRecord;
          const value = unitsValue(order, record, counted.get(line.lineItemId) ?? 0, line.quantity, shares);
          counted.set(line.lineItemId, (counted.get(line.lineItemId) ?? 0) + line.quantity);
          return part + value.subtotal + value.tax;
        }, 0)
      );
    }, 0);
    draft.financialStatus = refunded >= draft.gross - draft.discount + draft.tax + draft.shipping ? "REFUNDED" : "PARTIALLY_REFUNDED";
  }

  /** A return of one unit of one line, in a state drawn from the mix (declined when the item is final sale). */
  private returnOn(draft: OrderDraft): void {
    const line = draft.lines[this.int(0, draft.lines.length - 1)] as OrderLine;
    const fli = draft.fulfillments[0]?.lines.find((l) => l.lineItemId === line.id);
    if (!fli) return;
    const requested = this.before(draft.fulfilledAt + this.int(2, 20) * DAY);
    const status = line.info.finalSale ? ("DECLINED" as const) : this.pick(["REQUESTED", "OPEN", "OPEN", "CLOSED", "CLOSED", "CLOSED", "CANCELED"] as const);
    const returnId = this.id("return", 1300000000000);
    const returnLineId = this.id("returnLine", 1310000000000);
    const reason = this.pick(["SIZE_TOO_SMALL", "SIZE_TOO_LARGE", "UNWANTED", "COLOR", "DEFECTIVE", "NOT_AS_DESCRIBED", "STYLE"] as ReturnReason[]);
    const approvedAt = status === "OPEN" || status === "CLOSED" ? this.before(requested + this.int(2, 48) * HOUR) : null;
    const closedAt = status === "CLOSED" ? this.before((approvedAt ?? requested) + this.int(2, 10) * DAY) : null;
    const last = closedAt ?? approvedAt ?? requested;
    const disposed = status === "CLOSED" || (status === "OPEN" && this.chance(0.4));
    const type = reason === "DEFECTIVE" ? ("NOT_RESTOCKED" as const) : ("RESTOCKED" as const);
    this.returns.push({
      id: returnId,
      orderId: draft.id,
      status,
      createdAt: iso(requested),
      updatedAt: iso(last),
      requestApprovedAt: approvedAt === null ? null : iso(approvedAt),
      closedAt: closedAt === null ? null : iso(closedAt),
      decline: status === "DECLINED" ? { reason: "FINAL_SALE", note: "Final-sale items can't be returned." } : null,
      lines: [
        {
          id: returnLineId,
          fulfillmentLineItemId: fli.id,
          quantity: 1,
          processedQuantity: status === "CLOSED" ? 1 : 0,
          returnReason: reason,
          returnReasonNote: "",
          customerNote: this.chance(0.4) ? "Doesn't fit as expected." : null,
        },
      ],
      reverseFulfillmentOrder:
        status === "OPEN" || status === "CLOSED"
          ? {
              id: this.id("rfo", 1320000000000),
              lines: [
                {
                  id: this.id("rfoLine", 1330000000000),
                  returnLineId,
                  dispositions: disposed ? [{ id: this.id("disposition", 1340000000000), type, quantity: 1, locationId: draft.locationId, createdAt: iso(last) }] : [],
                },
              ],
            }
          : null,
    });
    draft.updated = Math.max(draft.updated, last);
    if (disposed && type === "RESTOCKED" && line.info.tracked) this.add(this.restocked, `${line.info.itemId}:${draft.locationId}`, 1);
    if (status === "CLOSED") this.refund(draft, closedAt as number, `Return #${draft.number}-R1`, 0, returnId, [{ line, quantity: 1, restockType: "no_restock" }]);
  }

  private add(map: Map<string, number>, key: string, units: number): void {
    map.set(key, (map.get(key) ?? 0) + units);
  }

  /* ------------------------------------------------------------ inventory */

  /**
   * Levels at every location (a store carries about half the catalog): stock by
   * popularity, a few stock-outs, `committed` from the open orders, some
   * reserved, damaged, quality-control, safety stock and incoming units.
   */
  stock(): void {
    this.products.forEach((product, index) => {
      const popularity = this.productPopularity[index] ?? 0;
      const retail = this.chance(0.5);
      for (const variant of product.variants) {
        const tracked = variant.inventoryItem.tracked;
        for (const location of this.locations) {
          const isStore = !location.fulfillsOnlineOrders;
          if (isStore && !retail) continue;
          const key = `${variant.inventoryItem.id}:${location.id}`;
          const stockedOut = this.chance(0.05);
          const base = stockedOut ? 0 : Math.round(popularity * (isStore ? 30 : 220)) + this.int(0, isStore ? 6 : 25);
          const q: Record<StoredQuantityName, number> = {
            available: tracked ? base + (this.restocked.get(key) ?? 0) : 0,
            committed: tracked ? (this.committed.get(key) ?? 0) : 0,
            reserved: tracked && this.chance(0.06) ? this.int(1, 4) : 0,
            damaged: tracked && this.chance(0.04) ? this.int(1, 3) : 0,
            quality_control: tracked && this.chance(0.03) ? this.int(1, 2) : 0,
            safety_stock: tracked && !isStore && this.chance(0.3) ? this.int(1, 5) : 0,
            incoming: tracked && (stockedOut || this.chance(0.12)) ? this.int(6, 60) : 0,
          };
          const onHand = q.available + q.committed + q.reserved + q.damaged + q.quality_control + q.safety_stock;
          variant.inventoryItem.levels.push({ locationId: location.id, quantities: { ...q, on_hand: onHand } });
        }
      }
    });
  }

  /** The app's settings on the shop; drop dates on drop products. */
  metafields(): NonNullable<SeedFile["metafields"]> {
    const metafields: NonNullable<SeedFile["metafields"]> = [
      { ownerId: gid("Shop", this.shop.id), namespace: "app--9121707", key: "settings", type: "json", value: '{"schemaVersion":1,"holdMinutes":15}' },
    ];
    for (const product of this.products) {
      if (product.tags.includes("drop")) {
        metafields.push({ ownerId: gid("Product", product.id), namespace: "custom", key: "drop_date", type: "date", value: this.dropDate });
      }
    }
    return metafields;
  }

  functions(): ShopifyFunctionRecord[] {
    return (this.options.functions ?? appFunctions()).map((fn) => ({ ...fn }));
  }
}

/** Generates the demo store and a report of what it planted on purpose. */
export function generateDemo(options: DemoSeedOptions): { seed: SeedFile; report: DemoReport } {
  const nowMs = options.now === undefined ? Date.parse(DEFAULT_DEMO_NOW) : new Date(options.now).getTime();
  if (!Number.isFinite(nowMs)) throw new Error(`generateDemoSeed: now ${String(options.now)} is not a time`);
  const builder = new DemoBuilder(options, nowMs);
  builder.catalog(Math.max(1, Math.floor(options.variants ?? 2000)));
  builder.plantCatalogProblems();
  builder.people(Math.max(1, Math.floor(options.customers ?? 800)));
  builder.calendar();
  builder.history(Math.max(0, options.ordersPerDay ?? 40));
  builder.stock();
  const seed: SeedFile = {
    shop: builder.shop,
    app: { id: 9121707 },
    locations: builder.locations,
    collections: builder.collections,
    products: builder.products,
    customers: builder.customers,
    orders: builder.orders,
    returns: builder.returns,
    metafields: builder.metafields(),
    functions: builder.functions(),
  };
  return {
    seed,
    report: {
      variants: builder.products.reduce((sum, p) => sum + p.variants.length, 0),
      products: builder.products.length,
      orders: builder.orders.length,
      customers: builder.customers.length,
      returns: builder.returns.length,
      invalidBarcodes: builder.invalidBarcodes,
      duplicateSkus: builder.duplicateSkus,
      events: [...builder.events.entries()]
        .filter(([date]) => date >= builder.startDate && date <= builder.today)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([date, event]) => ({ date, ...event })),
    },
  };
}

/** The demo store as a SeedFile (see {@link generateDemo} for the report of planted problems). */
export function generateDemoSeed(options: DemoSeedOptions): SeedFile {
  return generateDemo(options).seed;
}
