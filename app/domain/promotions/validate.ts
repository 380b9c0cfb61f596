/**
 * ADMIN SIDE: strict validation of a promotion set before the app writes it.
 * Not imported by the Function (which reads leniently with parse.ts).
 *
 * Every error names the field by its path and the problem with the value
 * ("promotions[2].action.percent: must be between 0 and 100, got 120").
 * Unknown fields are errors (a typo must not silently drop a condition).
 * The set returned is normalized — defaults filled, fields in a fixed order,
 * time windows compiled to UTC (time-admin.ts, which uses Intl) — so
 * serializePromotionSet gives the same bytes for the same rules.
 */
import type {
  Action,
  Caps,
  Conditions,
  LineFilter,
  Promotion,
  PromotionSet,
  RecurringWindow,
  Weekday,
} from "./types";
import { METAFIELD_BYTE_LIMIT, WEEKDAYS } from "./types";
import { compileTimeWindow } from "./time-admin";
import { groupThousands, parseClockTime } from "./util";

export interface FieldError {
  path: string;
  message: string;
}

export type ValidationResult =
  | { ok: true; set: PromotionSet; warnings: FieldError[] }
  | { ok: false; errors: FieldError[] };

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const CURRENCY = /^[A-Z]{3}$/;
const COUNTRY = /^[A-Z]{2}$/;
const HANDLE = /^[a-z0-9][a-z0-9-]*$/;
const CHANNEL = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const COLLECTION_GID = /^gid:\/\/shopify\/Collection\/\d+$/;
const PRODUCT_GID = /^gid:\/\/shopify\/Product\/\d+$/;
const MAX_PRIORITY = 1_000_000;
const ACTION_TYPES = ["percent_off", "fixed_off", "free_shipping", "buy_x_get_y"] as const;

type Obj = Record<string, unknown>;

class Ctx {
  errors: FieldError[] = [];
  warnings: FieldError[] = [];
  error(path: string, message: string): undefined {
    this.errors.push({ path, message });
    return undefined;
  }
}

/** A value as an error message shows it. */
function shown(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return "a list";
  return "an object";
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function object(ctx: Ctx, path: string, v: unknown, allowed: readonly string[]): Obj | undefined {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return ctx.error(path || "(root)", `must be an object, got ${shown(v)}`);
  const o = v as Obj;
  for (const key of Object.keys(o)) {
    if (allowed.includes(key)) continue;
    const suggestion = allowed.includes(camel(key)) ? `; did you mean ${camel(key)}?` : ` (allowed: ${allowed.join(", ")})`;
    ctx.error(join(path, key), `unknown field${suggestion}`);
  }
  return o;
}

function string(ctx: Ctx, path: string, v: unknown, rule?: { pattern: RegExp; what: string }): string | undefined {
  if (typeof v !== "string") return ctx.error(path, `must be a string, got ${shown(v)}`);
  if (rule && !rule.pattern.test(v)) return ctx.error(path, `must be ${rule.what}, got ${shown(v)}`);
  return v;
}

function integer(ctx: Ctx, path: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (typeof v !== "number" || !Number.isSafeInteger(v)) return ctx.error(path, `must be a whole number, got ${shown(v)}`);
  if (v < min || v > max) {
    return ctx.error(path, max === Number.MAX_SAFE_INTEGER ? `must be at least ${min}, got ${v}` : `must be between ${min} and ${max}, got ${v}`);
  }
  return v;
}

/** 0 < p ≤ 100 (or 0 ≤ p < 100 for the floor), at most 2 decimals. */
function percent(ctx: Ctx, path: string, v: unknown, range: "(0,100]" | "[0,100)"): number | undefined {
  if (typeof v !== "number" || !Number.isFinite(v)) return ctx.error(path, `must be a number, got ${shown(v)}`);
  const ok = range === "(0,100]" ? v > 0 && v <= 100 : v >= 0 && v < 100;
  if (!ok) {
    return ctx.error(path, range === "(0,100]"
      ? `must be between 0 and 100, got ${v}`
      : `must be at least 0 and below 100, got ${v}`);
  }
  if (Math.abs(v * 100 - Math.round(v * 100)) > 1e-9) return ctx.error(path, `must have at most 2 decimal places, got ${v}`);
  return v;
}

function boolean(ctx: Ctx, path: string, v: unknown): boolean | undefined {
  if (typeof v !== "boolean") return ctx.error(path, `must be true or false, got ${shown(v)}`);
  return v;
}

function stringList(
  ctx: Ctx,
  path: string,
  v: unknown,
  opts: { nonEmpty?: boolean; item?: { pattern: RegExp; what: string }; normalize?: (s: string) => string } = {},
): string[] | undefined {
  if (!Array.isArray(v)) return ctx.error(path, `must be a list of strings, got ${shown(v)}`);
  if (opts.nonEmpty && v.length === 0) return ctx.error(path, "must not be empty (leave the field out instead)");
  const out: string[] = [];
  let bad = false;
  v.forEach((item, i) => {
    const p = `${path}[${i}]`;
    const raw = typeof item === "string" && opts.normalize ? opts.normalize(item) : item;
    const s = string(ctx, p, raw, opts.item);
    if (s === undefined) bad = true;
    else if (out.includes(s)) {
      ctx.error(p, `${shown(s)} is listed twice`);
      bad = true;
    } else out.push(s);
  });
  return bad ? undefined : out;
}

/* ================================================================ set === */

export function validatePromotionSet(json: unknown): ValidationResult {
  const ctx = new Ctx();
  const root = object(ctx, "", json, ["schemaVersion", "currencyCode", "floor", "promotions"]);
  if (!root) return { ok: false, errors: ctx.errors };

  if (root.schemaVersion !== 1) ctx.error("schemaVersion", `must be 1, got ${shown(root.schemaVersion)}`);
  const currencyCode = string(ctx, "currencyCode", root.currencyCode, { pattern: CURRENCY, what: "an ISO 4217 code like USD" });

  const floorObj = object(ctx, "floor", root.floor, ["minPercentOfSubtotal", "allowFreeOrder"]);
  const minPercent = floorObj ? percent(ctx, "floor.minPercentOfSubtotal", floorObj.minPercentOfSubtotal, "[0,100)") : undefined;
  const allowFree = floorObj ? boolean(ctx, "floor.allowFreeOrder", floorObj.allowFreeOrder) : undefined;

  const promotions: Promotion[] = [];
  if (!Array.isArray(root.promotions)) ctx.error("promotions", `must be a list, got ${shown(root.promotions)}`);
  else root.promotions.forEach((raw, i) => {
    const p = promotion(ctx, `promotions[${i}]`, raw);
    if (p) promotions.push(p);
  });

  if (Array.isArray(root.promotions)) crossCheck(ctx, root.promotions, allowFree === true);

  if (ctx.errors.length > 0 || currencyCode === undefined || minPercent === undefined || allowFree === undefined) {
    return { ok: false, errors: ctx.errors };
  }
  return {
    ok: true,
    set: { schemaVersion: 1, currencyCode, floor: { minPercentOfSubtotal: minPercent, allowFreeOrder: allowFree }, promotions },
    warnings: ctx.warnings,
  };
}

/** Checks across promotions: duplicate ids, stacksWith naming no promotion or itself. Runs on the raw input. */
function crossCheck(ctx: Ctx, raw: unknown[], floorAllowsFree: boolean): void {
  const firstIndex = new Map<string, number>();
  raw.forEach((p, i) => {
    const id = (p as Obj | null)?.id;
    if (typeof id !== "string") return;
    const seen = firstIndex.get(id);
    if (seen === undefined) firstIndex.set(id, i);
    else ctx.error(`promotions[${i}].id`, `duplicate id ${shown(id)} (also promotions[${seen}])`);
  });
  raw.forEach((p, i) => {
    const o = p as Obj | null;
    const list = o?.stacksWith;
    if (Array.isArray(list)) {
      list.forEach((other, j) => {
        if (typeof other !== "string" || other === "*") return;
        const path = `promotions[${i}].stacksWith[${j}]`;
        if (other === o?.id) ctx.error(path, "a promotion cannot list itself");
        else if (!firstIndex.has(other)) ctx.error(path, `no promotion has id ${shown(other)}`);
      });
    }
    const action = o?.action as Obj | undefined;
    if (action && action.allowFreeOrder === true && !floorAllowsFree) {
      ctx.warnings.push({
        path: `promotions[${i}].action.allowFreeOrder`,
        message: "has no effect while floor.allowFreeOrder is false",
      });
    }
  });
}

/* ========================================================== promotion === */

const PROMOTION_FIELDS = ["id", "name", "enabled", "priority", "stacksWith", "conditions", "action", "exclusions", "caps"] as const;

function promotion(ctx: Ctx, path: string, raw: unknown): Promotion | undefined {
  const o = object(ctx, path, raw, PROMOTION_FIELDS);
  if (!o) return undefined;
  const before = ctx.errors.length;

  let id = string(ctx, `${path}.id`, o.id, { pattern: ID, what: "1–64 letters, digits, _ . - (starting with a letter or digit)" });
  if (o.id === "*") id = ctx.error(`${path}.id`, `"*" is reserved (it means "every promotion" in stacksWith)`);
  const name = string(ctx, `${path}.name`, o.name);
  if (name !== undefined && (name.trim() === "" || name.length > 100)) ctx.error(`${path}.name`, `must be 1–100 characters, got ${name.length}`);
  const enabled = o.enabled === undefined ? true : boolean(ctx, `${path}.enabled`, o.enabled);
  const priority = integer(ctx, `${path}.priority`, o.priority, -MAX_PRIORITY, MAX_PRIORITY);

  let stacksWith: string[] | undefined = [];
  if (o.stacksWith !== undefined) {
    stacksWith = stringList(ctx, `${path}.stacksWith`, o.stacksWith);
    if (stacksWith && stacksWith.includes("*") && stacksWith.length > 1) {
      ctx.error(`${path}.stacksWith`, `use either "*" (every promotion) or a list of ids, not both`);
    }
  }

  const conditions = o.conditions === undefined ? {} : conditionsOf(ctx, `${path}.conditions`, o.conditions);
  const action = actionOf(ctx, `${path}.action`, o.action);

  let skuPatterns: string[] | undefined = [];
  if (o.exclusions !== undefined) {
    const ex = object(ctx, `${path}.exclusions`, o.exclusions, ["skuPatterns"]);
    skuPatterns = ex ? stringList(ctx, `${path}.exclusions.skuPatterns`, ex.skuPatterns ?? [], {
      item: { pattern: /^[^\s]{1,100}$/, what: "a SKU pattern of 1–100 characters without spaces (* and ? are wildcards)" },
    }) : undefined;
  }

  const caps = o.caps === undefined ? {} : capsOf(ctx, `${path}.caps`, o.caps);

  if (ctx.errors.length > before || id === undefined || name === undefined || enabled === undefined || priority === undefined
    || !stacksWith || !conditions || !action || !skuPatterns || !caps) {
    return undefined;
  }
  return { id, name, enabled, priority, stacksWith, conditions, action, exclusions: { skuPatterns }, caps };
}

function lineFilter(ctx: Ctx, path: string, v: unknown, extra: readonly string[] = [], requireOne = true): (LineFilter & Obj) | undefined {
  const o = object(ctx, path, v, ["anyOfProducts", "anyOfCollections", ...extra]);
  if (!o) return undefined;
  const out: LineFilter & Obj = {};
  if (o.anyOfProducts !== undefined) {
    const list = stringList(ctx, `${path}.anyOfProducts`, o.anyOfProducts, { nonEmpty: true, item: { pattern: PRODUCT_GID, what: "a product GID like gid://shopify/Product/123" } });
    if (list) out.anyOfProducts = list;
  }
  if (o.anyOfCollections !== undefined) {
    const list = stringList(ctx, `${path}.anyOfCollections`, o.anyOfCollections, { nonEmpty: true, item: { pattern: COLLECTION_GID, what: "a collection GID like gid://shopify/Collection/123" } });
    if (list) out.anyOfCollections = list;
  }
  if (requireOne && o.anyOfProducts === undefined && o.anyOfCollections === undefined) {
    ctx.error(path, "must name anyOfProducts or anyOfCollections (leave the field out to mean every line)");
  }
  return out;
}

function conditionsOf(ctx: Ctx, path: string, v: unknown): Conditions | undefined {
  const o = object(ctx, path, v, ["customerSegment", "customerTags", "markets", "channels", "cartContains", "minSubtotalCents", "timeWindow", "recurring"]);
  if (!o) return undefined;
  const c: Conditions = {};
  if (o.customerSegment !== undefined) {
    if (o.customerSegment === "new" || o.customerSegment === "returning" || o.customerSegment === "any") c.customerSegment = o.customerSegment;
    else ctx.error(`${path}.customerSegment`, `must be one of new, returning, any, got ${shown(o.customerSegment)}`);
  }
  if (o.customerTags !== undefined) {
    const t = object(ctx, `${path}.customerTags`, o.customerTags, ["anyOf"]);
    const anyOf = t && stringList(ctx, `${path}.customerTags.anyOf`, t.anyOf, { nonEmpty: true, item: { pattern: /^\S(.{0,253}\S)?$/, what: "a tag without leading or trailing spaces" } });
    if (anyOf) c.customerTags = { anyOf };
  }
  if (o.markets !== undefined) {
    const m = object(ctx, `${path}.markets`, o.markets, ["countryCodes", "marketHandles"]);
    if (m) {
      const markets: NonNullable<Conditions["markets"]> = {};
      if (m.countryCodes !== undefined) {
        const codes = stringList(ctx, `${path}.markets.countryCodes`, m.countryCodes, {
          nonEmpty: true, normalize: (s) => s.toUpperCase(), item: { pattern: COUNTRY, what: "a two-letter ISO country code like DE" },
        });
        if (codes) markets.countryCodes = codes;
      }
      if (m.marketHandles !== undefined) {
        const handles = stringList(ctx, `${path}.markets.marketHandles`, m.marketHandles, { nonEmpty: true, item: { pattern: HANDLE, what: "a market handle like eu" } });
        if (handles) markets.marketHandles = handles;
      }
      if (m.countryCodes === undefined && m.marketHandles === undefined) ctx.error(`${path}.markets`, "must name countryCodes or marketHandles");
      c.markets = markets;
    }
  }
  if (o.channels !== undefined) {
    const channels = stringList(ctx, `${path}.channels`, o.channels, {
      nonEmpty: true, normalize: (s) => s.trim().toLowerCase(), item: { pattern: CHANNEL, what: `"online", "pos" or a channel name of lowercase letters, digits, _ and -` },
    });
    if (channels) c.channels = channels;
  }
  if (o.cartContains !== undefined) {
    const f = lineFilter(ctx, `${path}.cartContains`, o.cartContains);
    if (f) c.cartContains = f;
  }
  if (o.minSubtotalCents !== undefined) {
    const min = integer(ctx, `${path}.minSubtotalCents`, o.minSubtotalCents, 0);
    if (min !== undefined) c.minSubtotalCents = min;
  }
  if (o.timeWindow !== undefined) {
    const w = object(ctx, `${path}.timeWindow`, o.timeWindow, ["start", "end", "zone", "startUtc", "endUtc"]);
    const start = w && string(ctx, `${path}.timeWindow.start`, w.start);
    const end = w && string(ctx, `${path}.timeWindow.end`, w.end);
    const zone = w && string(ctx, `${path}.timeWindow.zone`, w.zone);
    if (start !== undefined && end !== undefined && zone !== undefined && start !== null && end !== null && zone !== null) {
      const compiled = compileTimeWindow({ start, end, zone });
      if (compiled.ok) {
        c.timeWindow = compiled.window;
        for (const note of compiled.notes) {
          const [field, ...rest] = note.split(": ");
          ctx.warnings.push({ path: `${path}.timeWindow.${field}`, message: rest.join(": ") });
        }
      } else {
        for (const e of compiled.errors) ctx.error(`${path}.timeWindow.${e.field}`, e.message);
      }
    }
  }
  if (o.recurring !== undefined) {
    const r = recurringOf(ctx, `${path}.recurring`, o.recurring);
    if (r) c.recurring = r;
  }
  return c;
}

function recurringOf(ctx: Ctx, path: string, v: unknown): RecurringWindow | undefined {
  const o = object(ctx, path, v, ["days", "from", "to"]);
  if (!o) return undefined;
  const from = string(ctx, `${path}.from`, o.from);
  const to = string(ctx, `${path}.to`, o.to);
  const fromMinutes = from === undefined ? null : parseClockTime(from, false);
  const toMinutes = to === undefined ? null : parseClockTime(to, true);
  if (from !== undefined && fromMinutes === null) ctx.error(`${path}.from`, `must be a time like 18:00, got ${shown(from)}`);
  if (to !== undefined && toMinutes === null) ctx.error(`${path}.to`, `must be a time like 20:00 (or 24:00 for end of day), got ${shown(to)}`);
  if (fromMinutes !== null && toMinutes !== null && toMinutes <= fromMinutes) {
    ctx.error(`${path}.to`, `must be after from (${from}), got ${to}; split a window past midnight into two promotions or end it at 24:00`);
  }
  let days: Weekday[] | undefined;
  if (o.days !== undefined) {
    const list = stringList(ctx, `${path}.days`, o.days, {
      nonEmpty: true, normalize: (s) => s.toLowerCase(), item: { pattern: new RegExp(`^(${WEEKDAYS.join("|")})$`), what: `one of ${WEEKDAYS.join(", ")}` },
    });
    if (list) days = WEEKDAYS.filter((d) => list.includes(d));
  }
  if (fromMinutes === null || toMinutes === null || toMinutes <= fromMinutes || (o.days !== undefined && !days)) return undefined;
  return { ...(days ? { days } : {}), from: from!, to: to! };
}

function actionOf(ctx: Ctx, path: string, v: unknown): Action | undefined {
  const type = (v as Obj | null)?.type;
  const typed = typeof v === "object" && v !== null && (ACTION_TYPES as readonly unknown[]).includes(type);
  if (!typed) {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return ctx.error(path, `must be an object, got ${shown(v)}`);
    return ctx.error(`${path}.type`, `must be one of ${ACTION_TYPES.join(", ")}, got ${shown(type)}`);
  }
  const before = ctx.errors.length;
  switch (type as Action["type"]) {
    case "free_shipping": {
      object(ctx, path, v, ["type"]);
      return ctx.errors.length > before ? undefined : { type: "free_shipping" };
    }
    case "percent_off":
    case "fixed_off": {
      const isPercent = type === "percent_off";
      const o = object(ctx, path, v, ["type", isPercent ? "percent" : "amountCents", "appliesTo", "lines", "allowFreeOrder"])!;
      const amount = isPercent ? percent(ctx, `${path}.percent`, o.percent, "(0,100]") : integer(ctx, `${path}.amountCents`, o.amountCents, 1);
      const appliesTo = o.appliesTo === "matching_lines" || o.appliesTo === "order"
        ? o.appliesTo
        : ctx.error(`${path}.appliesTo`, `must be matching_lines or order, got ${shown(o.appliesTo)}`);
      let lines: LineFilter | undefined;
      if (o.lines !== undefined) {
        if (appliesTo === "order") ctx.error(`${path}.lines`, "only for appliesTo matching_lines; an order discount covers every line not excluded");
        else lines = lineFilter(ctx, `${path}.lines`, o.lines);
      }
      const allowFreeOrder = o.allowFreeOrder === undefined ? undefined : boolean(ctx, `${path}.allowFreeOrder`, o.allowFreeOrder);
      if (ctx.errors.length > before || amount === undefined || appliesTo === undefined) return undefined;
      const tail = { ...(lines ? { lines } : {}), ...(allowFreeOrder ? { allowFreeOrder: true } : {}) };
      return isPercent
        ? { type: "percent_off", percent: amount, appliesTo, ...tail }
        : { type: "fixed_off", amountCents: amount, appliesTo, ...tail };
    }
    case "buy_x_get_y": {
      const o = object(ctx, path, v, ["type", "buy", "get", "maxApplications", "allowFreeOrder"])!;
      const buy = lineFilter(ctx, `${path}.buy`, o.buy, ["quantity"], false);
      const buyQuantity = buy ? integer(ctx, `${path}.buy.quantity`, (o.buy as Obj).quantity, 1, 1000) : undefined;
      const get = lineFilter(ctx, `${path}.get`, o.get, ["quantity", "percent"], false);
      const getQuantity = get ? integer(ctx, `${path}.get.quantity`, (o.get as Obj).quantity, 1, 1000) : undefined;
      const getPercent = get ? percent(ctx, `${path}.get.percent`, (o.get as Obj).percent, "(0,100]") : undefined;
      const maxApplications = o.maxApplications === undefined ? undefined : integer(ctx, `${path}.maxApplications`, o.maxApplications, 1, 1000);
      const allowFreeOrder = o.allowFreeOrder === undefined ? undefined : boolean(ctx, `${path}.allowFreeOrder`, o.allowFreeOrder);
      if (ctx.errors.length > before || !buy || !get || buyQuantity === undefined || getQuantity === undefined || getPercent === undefined) return undefined;
      return {
        type: "buy_x_get_y",
        buy: { ...buy, quantity: buyQuantity },
        get: { ...get, quantity: getQuantity, percent: getPercent },
        ...(maxApplications !== undefined ? { maxApplications } : {}),
        ...(allowFreeOrder ? { allowFreeOrder: true } : {}),
      };
    }
  }
}

function capsOf(ctx: Ctx, path: string, v: unknown): Caps | undefined {
  const o = object(ctx, path, v, ["maxDiscountCents", "maxDiscountPercent", "perCustomerUses", "totalBudgetCents"]);
  if (!o) return undefined;
  const before = ctx.errors.length;
  const caps: Caps = {};
  if (o.maxDiscountCents !== undefined) caps.maxDiscountCents = integer(ctx, `${path}.maxDiscountCents`, o.maxDiscountCents, 1);
  if (o.maxDiscountPercent !== undefined) caps.maxDiscountPercent = percent(ctx, `${path}.maxDiscountPercent`, o.maxDiscountPercent, "(0,100]");
  if (o.perCustomerUses !== undefined) caps.perCustomerUses = integer(ctx, `${path}.perCustomerUses`, o.perCustomerUses, 1);
  if (o.totalBudgetCents !== undefined) caps.totalBudgetCents = integer(ctx, `${path}.totalBudgetCents`, o.totalBudgetCents, 1);
  return ctx.errors.length > before ? undefined : caps;
}

/* ========================================================== storage === */

/** Compact JSON, as written to the metafield. Validated sets have a fixed field order, so equal rules give equal bytes. */
export function serializePromotionSet(set: PromotionSet): string {
  return JSON.stringify(set);
}

/** UTF-8 length without TextEncoder. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export type MetafieldSize = { bytes: number; limit: number; ok: true } | { bytes: number; limit: number; ok: false; message: string };

/** The set's size as a metafield value against Shopify's 10,000-byte limit for what a Function reads. */
export function metafieldBytes(set: PromotionSet | string): MetafieldSize {
  const bytes = utf8Length(typeof set === "string" ? set : serializePromotionSet(set));
  const limit = METAFIELD_BYTE_LIMIT;
  if (bytes <= limit) return { bytes, limit, ok: true };
  const over = bytes - limit;
  return {
    bytes,
    limit,
    ok: false,
    message: `the set is ${groupThousands(String(bytes))} bytes; Shopify allows ${groupThousands(String(limit))} — remove ${groupThousands(String(over))} byte${over === 1 ? "" : "s"} (e.g. shorten names or drop a promotion)`,
  };
}
