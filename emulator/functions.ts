/**
 * The app's Shopify Functions and their owners: `shopifyFunctions` lists the
 * functions the seed declares; automatic app discounts, cart validations and
 * payment and delivery customizations are created, updated, (de)activated and
 * deleted through the Admin mutations, with their `metafields` (the function's
 * configuration) stored on the owner and readable with `metafield(namespace, key)`.
 *
 * Limits Shopify documents and the emulator enforces: at most 25 active owners
 * per Function API (active discounts, enabled validations and customizations);
 * the function must exist and implement the owner's API; metafield values within
 * the metafield size limits (metafields.ts).
 */
import { GraphQLError, type GraphQLResolveInfo } from "graphql";

import type { EmulatorContext } from "./context";
import { gid, idOf, isoSeconds, parseGid } from "./ids";
import {
  planOwnerMetafields,
  writeOwnerMetafields,
  type MetafieldProblem,
  type OwnerMetafieldInput,
  type OwnerMetafieldWrite,
} from "./metafields";
import type { CustomizationRecord, DiscountClass, DiscountRecord, ShopifyFunctionRecord, ValidationRecord } from "./model";
import { node } from "./nodes";
import * as payloads from "./payloads";
import {
  count,
  field,
  listing,
  metafieldResolvers,
  metafieldsLister,
  ms,
  search,
  sortBy,
  type Args,
  type Lister,
  type R,
} from "./resolve";
import { notEmulated, type ResolverMap } from "./schema";
import type { Store } from "./store";

/** Shopify: "at most 25 active functions per Function API per store". */
export const MAX_ACTIVE_PER_FUNCTION_API = 25;
const MAX_TITLE_LENGTH = 255;

interface UserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

/* ------------------------------------------------------------ the functions */

export type FunctionApi = "discount" | "validation" | "payment_customization" | "delivery_customization";

/** Which owner an apiType serves. The discount API had per-class types before the unified `discount`. */
const API_TYPES: Record<FunctionApi, readonly string[]> = {
  discount: ["discount", "discounts", "product_discounts", "order_discounts", "shipping_discounts"],
  validation: ["cart_checkout_validation"],
  payment_customization: ["payment_customization"],
  delivery_customization: ["delivery_customization"],
};

/** Discount classes a legacy per-class discount function implies. */
const LEGACY_CLASSES: Record<string, DiscountClass[]> = {
  product_discounts: ["PRODUCT"],
  order_discounts: ["ORDER"],
  shipping_discounts: ["SHIPPING"],
};

interface FunctionCodes {
  multiple: string;
  missing: string;
  notFound: string;
  wrongApi: string;
}

const DISCOUNT_CODES: FunctionCodes = { multiple: "MULTIPLE_FUNCTION_IDENTIFIERS", missing: "MISSING_FUNCTION_IDENTIFIER", notFound: "INVALID", wrongApi: "INVALID" };
const OWNER_CODES: FunctionCodes = {
  multiple: "MULTIPLE_FUNCTION_IDENTIFIERS",
  missing: "MISSING_FUNCTION_IDENTIFIER",
  notFound: "FUNCTION_NOT_FOUND",
  wrongApi: "FUNCTION_DOES_NOT_IMPLEMENT",
};

/** The function an owner input names by `functionHandle` or (deprecated) `functionId`. */
function resolveFunction(
  store: Store,
  input: { functionHandle?: string | null; functionId?: string | null },
  api: FunctionApi,
  path: string[],
  codes: FunctionCodes,
): { fn: ShopifyFunctionRecord } | { error: UserError } {
  const { functionHandle, functionId } = input;
  if (functionHandle != null && functionId != null) {
    return { error: { field: path, message: "Give functionHandle or functionId, not both.", code: codes.multiple } };
  }
  if (functionHandle == null && functionId == null) {
    return { error: { field: path, message: "A function is required: give functionHandle (or the deprecated functionId).", code: codes.missing } };
  }
  const fn = functionHandle != null ? store.functions.find((f) => f.handle === functionHandle) : store.functions.find((f) => f.id === functionId);
  const named = functionHandle != null ? `handle "${functionHandle}"` : `id "${functionId}"`;
  const at = [...path.slice(0, -1), functionHandle != null ? "functionHandle" : "functionId"];
  if (!fn) return { error: { field: at, message: `No function of this app has the ${named}.`, code: codes.notFound } };
  if (!API_TYPES[api].includes(fn.apiType)) {
    return { error: { field: at, message: `Function "${fn.handle}" implements the ${fn.apiType} API, not ${api}.`, code: codes.wrongApi } };
  }
  return { fn };
}

function functionNode(fn: ShopifyFunctionRecord): Record<string, unknown> {
  // A plain object: the seeded properties answer; app, appBridge and unseeded ones are not emulated.
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fn)) if (value !== undefined) out[key] = value;
  return out;
}

function functionOf(store: Store, functionId: string): Record<string, unknown> {
  const fn = store.functions.find((f) => f.id === functionId);
  if (!fn) throw notEmulated(`ShopifyFunction ${functionId}, which is no longer in the seed`);
  return functionNode(fn);
}

/* ------------------------------------------------------------ shared checks */

function mapProblems(problems: MetafieldProblem[], codes: (code: string) => string): UserError[] {
  return problems.map((problem) => ({ field: problem.field, message: problem.message, code: codes(problem.code) }));
}

function title(value: unknown, required: boolean, path: string[], blank: string, tooLong: string): { title: string | null; error: UserError | null } {
  if (value == null || (typeof value === "string" && value.trim() === "")) {
    return { title: null, error: required ? { field: path, message: "Title can't be blank.", code: blank } : null };
  }
  const text = String(value);
  if (text.length > MAX_TITLE_LENGTH) return { title: null, error: { field: path, message: `Title is too long (maximum is ${MAX_TITLE_LENGTH} characters).`, code: tooLong } };
  return { title: text, error: null };
}

function at(...path: (string | number)[]): string[] {
  return path.map(String);
}

/* ---------------------------------------------------------------- discounts */

export function discountStatus(record: Pick<DiscountRecord, "startsAt" | "endsAt">, now: number): "ACTIVE" | "EXPIRED" | "SCHEDULED" {
  if (Date.parse(record.startsAt) > now) return "SCHEDULED";
  if (record.endsAt !== null && Date.parse(record.endsAt) <= now) return "EXPIRED";
  return "ACTIVE";
}

function activeDiscounts(store: Store, except?: number): number {
  const now = store.clock();
  return [...store.discounts.values()].filter((d) => d.id !== except && discountStatus(d, now) === "ACTIVE").length;
}

function discountLimitError(store: Store, record: Pick<DiscountRecord, "startsAt" | "endsAt">, except?: number): UserError | null {
  const now = store.clock();
  if (discountStatus(record, now) !== "ACTIVE") return null;
  const active = activeDiscounts(store, except);
  if (active < MAX_ACTIVE_PER_FUNCTION_API) return null;
  return {
    field: null,
    message: `The shop already has ${active} active automatic app discounts; at most ${MAX_ACTIVE_PER_FUNCTION_API} can be active at once.`,
    code: "MAX_APP_DISCOUNTS",
  };
}

interface DiscountInput {
  title?: string | null;
  functionHandle?: string | null;
  functionId?: string | null;
  discountClasses?: DiscountClass[] | null;
  combinesWith?: {
    orderDiscounts?: boolean | null;
    productDiscounts?: boolean | null;
    shippingDiscounts?: boolean | null;
    productDiscountsWithTagsOnSameCartLine?: unknown;
  } | null;
  context?: { all?: string | null } & Record<string, unknown>;
  startsAt?: string | null;
  endsAt?: string | null;
  appliesOnOneTimePurchase?: boolean | null;
  appliesOnSubscription?: boolean | null;
  recurringCycleLimit?: number | null;
  tags?: string[] | null;
  metafields?: OwnerMetafieldInput[] | null;
}

const DISCOUNT_METAFIELD_CODES = (code: string): string => (["BLANK", "TOO_SHORT", "TOO_LONG", "TAKEN"].includes(code) ? code : "INVALID");

function normalizeTime(value: string): string {
  return isoSeconds(Date.parse(value));
}

/**
 * Checks a DiscountAutomaticAppInput against `existing` (update) or nothing
 * (create) and returns the record it would make, or the userErrors.
 */
function planDiscount(
  store: Store,
  input: DiscountInput,
  existing: DiscountRecord | null,
): { record: Omit<DiscountRecord, "id">; writes: OwnerMetafieldWrite[] } | { errors: UserError[] } {
  const root = "automaticAppDiscount";
  const errors: UserError[] = [];
  let fn: ShopifyFunctionRecord | undefined = existing ? store.functions.find((f) => f.id === existing.functionId) : undefined;
  if (!existing || input.functionHandle != null || input.functionId != null) {
    const found = resolveFunction(store, input, "discount", at(root, "functionHandle"), DISCOUNT_CODES);
    if ("error" in found) errors.push(found.error);
    else if (existing && found.fn.id !== existing.functionId) {
      errors.push({ field: at(root, "functionHandle"), message: "The function of an app discount can't be changed; create another discount.", code: "INVALID" });
    } else fn = found.fn;
  }
  if (input.context && Object.entries(input.context).some(([key, value]) => key !== "all" && value != null)) {
    throw notEmulated("discount contexts other than all buyers (DiscountAutomaticAppInput.context)");
  }
  if (input.combinesWith?.productDiscountsWithTagsOnSameCartLine != null) {
    throw notEmulated("DiscountCombinesWithInput.productDiscountsWithTagsOnSameCartLine");
  }
  const named = title(input.title, !existing, at(root, "title"), "BLANK", "TOO_LONG");
  if (named.error) errors.push(named.error);
  let classes: DiscountClass[] | null = input.discountClasses && input.discountClasses.length > 0 ? [...new Set(input.discountClasses)] : null;
  if (classes === null && existing) classes = existing.discountClasses;
  if (classes === null && fn) classes = LEGACY_CLASSES[fn.apiType] ?? null;
  if (classes === null && fn) errors.push({ field: at(root, "discountClasses"), message: "Discount classes can't be blank for a discount function.", code: "BLANK" });
  const stamp = store.now();
  const startsAt = input.startsAt ? normalizeTime(input.startsAt) : (existing?.startsAt ?? stamp);
  const endsAt = input.endsAt !== undefined ? (input.endsAt === null ? null : normalizeTime(input.endsAt)) : (existing?.endsAt ?? null);
  if (endsAt !== null && Date.parse(endsAt) <= Date.parse(startsAt)) {
    errors.push({ field: at(root, "endsAt"), message: `The end date ${endsAt} is not after the start date ${startsAt}.`, code: "END_DATE_BEFORE_START_DATE" });
  }
  const combinesWith = {
    orderDiscounts: input.combinesWith?.orderDiscounts ?? (input.combinesWith ? false : (existing?.combinesWith.orderDiscounts ?? false)),
    productDiscounts: input.combinesWith?.productDiscounts ?? (input.combinesWith ? false : (existing?.combinesWith.productDiscounts ?? false)),
    shippingDiscounts: input.combinesWith?.shippingDiscounts ?? (input.combinesWith ? false : (existing?.combinesWith.shippingDiscounts ?? false)),
  };
  if (classes?.includes("SHIPPING") && combinesWith.shippingDiscounts) {
    errors.push({
      field: at(root, "combinesWith", "shippingDiscounts"),
      message: "A shipping discount can't combine with other shipping discounts.",
      code: "INVALID_COMBINES_WITH_FOR_DISCOUNT_CLASS",
    });
  }
  const metafields = planOwnerMetafields(store, existing ? { type: "DiscountAutomaticNode", id: existing.id } : null, input.metafields ?? [], at(root, "metafields"));
  errors.push(...mapProblems(metafields.errors, DISCOUNT_METAFIELD_CODES));
  if (errors.length > 0 || !fn || classes === null) return { errors };
  const record: Omit<DiscountRecord, "id"> = {
    functionId: fn.id,
    title: named.title ?? existing?.title ?? "",
    discountClasses: classes,
    combinesWith,
    startsAt,
    endsAt,
    appliesOnOneTimePurchase: input.appliesOnOneTimePurchase ?? true,
    appliesOnSubscription: input.appliesOnSubscription ?? true,
    recurringCycleLimit: input.recurringCycleLimit ?? 1,
    tags: input.tags ? [...input.tags] : (existing?.tags ?? []),
    createdAt: existing?.createdAt ?? stamp,
    updatedAt: stamp,
  };
  const limit = discountLimitError(store, record, existing?.id);
  if (limit && !(existing && discountStatus(existing, store.clock()) === "ACTIVE")) return { errors: [limit] };
  return { record, writes: metafields.writes };
}

function discountPayload(store: Store, record: DiscountRecord): unknown {
  return payloads.discount(store, record, discountStatus(record, store.clock()));
}

function findDiscount(store: Store, id: unknown): DiscountRecord | undefined {
  const numeric = idOf(id, "DiscountAutomaticNode");
  return numeric === null ? undefined : store.discounts.get(numeric);
}

const discountMutations: Record<string, R> = {
  discountAutomaticAppCreate: (_s, args, context) => {
    const { store } = context;
    const planned = planDiscount(store, args.automaticAppDiscount as DiscountInput, null);
    if ("errors" in planned) return { automaticAppDiscount: null, userErrors: planned.errors };
    const record: DiscountRecord = { id: store.nextId(), ...planned.record };
    store.discounts.set(record.id, record);
    writeOwnerMetafields(store, { type: "DiscountAutomaticNode", id: record.id }, planned.writes);
    store.emit("discounts/create", discountPayload(store, record));
    return { automaticAppDiscount: node.discountAutomaticApp(record), userErrors: [] };
  },
  discountAutomaticAppUpdate: (_s, args, context) => {
    const { store } = context;
    const existing = findDiscount(store, args.id);
    if (!existing) return { automaticAppDiscount: null, userErrors: [{ field: ["id"], message: `Discount ${String(args.id)} does not exist.`, code: "INVALID" }] };
    const planned = planDiscount(store, args.automaticAppDiscount as DiscountInput, existing);
    if ("errors" in planned) return { automaticAppDiscount: null, userErrors: planned.errors };
    Object.assign(existing, planned.record);
    writeOwnerMetafields(store, { type: "DiscountAutomaticNode", id: existing.id }, planned.writes);
    store.emit("discounts/update", discountPayload(store, existing));
    return { automaticAppDiscount: node.discountAutomaticApp(existing), userErrors: [] };
  },
  discountAutomaticDelete: (_s, args, context) => {
    const { store } = context;
    const existing = findDiscount(store, args.id);
    if (!existing) return { deletedAutomaticDiscountId: null, userErrors: [{ field: ["id"], message: `Discount ${String(args.id)} does not exist.`, code: "INVALID" }] };
    store.discounts.delete(existing.id);
    store.deleteMetafieldsOf("DiscountAutomaticNode", existing.id);
    store.emit("discounts/delete", payloads.discountDeleted(store, existing.id));
    return { deletedAutomaticDiscountId: gid("DiscountAutomaticNode", existing.id), userErrors: [] };
  },
  discountAutomaticActivate: (_s, args, context) => {
    const { store } = context;
    const existing = findDiscount(store, args.id);
    if (!existing) return { automaticDiscountNode: null, userErrors: [{ field: ["id"], message: `Discount ${String(args.id)} does not exist.`, code: "INVALID" }] };
    const now = store.now();
    const next = { startsAt: Date.parse(existing.startsAt) > store.clock() ? now : existing.startsAt, endsAt: null };
    if (discountStatus(existing, store.clock()) !== "ACTIVE") {
      const limit = discountLimitError(store, next, existing.id);
      if (limit) return { automaticDiscountNode: null, userErrors: [limit] };
    }
    Object.assign(existing, next, { updatedAt: now });
    store.emit("discounts/update", discountPayload(store, existing));
    return { automaticDiscountNode: node.discountAutomaticNode(existing), userErrors: [] };
  },
  discountAutomaticDeactivate: (_s, args, context) => {
    const { store } = context;
    const existing = findDiscount(store, args.id);
    if (!existing) return { automaticDiscountNode: null, userErrors: [{ field: ["id"], message: `Discount ${String(args.id)} does not exist.`, code: "INVALID" }] };
    const now = store.now();
    if (discountStatus(existing, store.clock()) !== "EXPIRED") existing.endsAt = Date.parse(existing.startsAt) > store.clock() ? existing.startsAt : now;
    existing.updatedAt = now;
    store.emit("discounts/update", discountPayload(store, existing));
    return { automaticDiscountNode: node.discountAutomaticNode(existing), userErrors: [] };
  },
};

const discountSearch = (store: Store) => ({
  id: { kind: "number" as const, get: (d: DiscountRecord) => d.id },
  title: { kind: "text" as const, get: (d: DiscountRecord) => d.title },
  status: { kind: "text" as const, get: (d: DiscountRecord) => discountStatus(d, store.clock()).toLowerCase() },
  type: { kind: "text" as const, get: () => "app" },
  method: { kind: "text" as const, get: () => "automatic" },
  discount_class: { kind: "text" as const, get: (d: DiscountRecord) => d.discountClasses.map((c) => c.toLowerCase()) },
  created_at: { kind: "date" as const, get: (d: DiscountRecord) => d.createdAt },
  updated_at: { kind: "date" as const, get: (d: DiscountRecord) => d.updatedAt },
  starts_at: { kind: "date" as const, get: (d: DiscountRecord) => d.startsAt },
  ends_at: { kind: "date" as const, get: (d: DiscountRecord) => d.endsAt },
});

const discountSort = {
  ID: (d: DiscountRecord) => d.id,
  TITLE: (d: DiscountRecord) => d.title.toLowerCase(),
  CREATED_AT: (d: DiscountRecord) => ms(d.createdAt),
  UPDATED_AT: (d: DiscountRecord) => ms(d.updatedAt),
  STARTS_AT: (d: DiscountRecord) => ms(d.startsAt),
  ENDS_AT: (d: DiscountRecord) => (d.endsAt === null ? Number.MAX_SAFE_INTEGER : ms(d.endsAt)),
};

function discounts(context: EmulatorContext, info: GraphQLResolveInfo, args: Args, field: string): DiscountRecord[] {
  if (args.savedSearchId != null) throw notEmulated(`${field}(savedSearchId:)`);
  const match = search(context, info, args, discountSearch(context.store));
  return [...context.store.discounts.values()].filter(match);
}

/* ---------------------------------------------------- validations, customizations */

interface OwnerKind<T> {
  api: FunctionApi;
  /** Store map and metafield owner type. */
  map: (store: Store) => Map<number, T>;
  type: string;
  /** Input argument name and payload field name. */
  inputName: string;
  payloadName: string;
  render: (record: T) => unknown;
  notFound: string;
  limitCode: string;
  limitWhat: string;
  metafieldCode: (code: string) => string;
  titleRequired: boolean;
  blankCode: string;
  tooLongCode: string;
  invalidCode: string;
}

function enabledCount<T extends { id: number; enabled: boolean }>(map: Map<number, T>, except: readonly number[] = []): number {
  return [...map.values()].filter((record) => record.enabled && !except.includes(record.id)).length;
}

function limitError(kind: { limitCode: string; limitWhat: string }, enabled: number, adding: number): UserError | null {
  if (enabled + adding <= MAX_ACTIVE_PER_FUNCTION_API) return null;
  return {
    field: null,
    message: `The shop already has ${enabled} enabled ${kind.limitWhat}; at most ${MAX_ACTIVE_PER_FUNCTION_API} can be active per Function API.`,
    code: kind.limitCode,
  };
}

const VALIDATION: OwnerKind<ValidationRecord> = {
  api: "validation",
  map: (store) => store.validations,
  type: "Validation",
  inputName: "validation",
  payloadName: "validation",
  render: node.validation,
  notFound: "NOT_FOUND",
  limitCode: "MAX_VALIDATIONS_ACTIVATED",
  limitWhat: "validations",
  metafieldCode: (code) => code,
  titleRequired: false,
  blankCode: "BLANK",
  tooLongCode: "TOO_LONG",
  invalidCode: "INVALID",
};

const PAYMENT: OwnerKind<CustomizationRecord> = {
  api: "payment_customization",
  map: (store) => store.paymentCustomizations,
  type: "PaymentCustomization",
  inputName: "paymentCustomization",
  payloadName: "paymentCustomization",
  render: node.paymentCustomization,
  notFound: "PAYMENT_CUSTOMIZATION_NOT_FOUND",
  limitCode: "MAXIMUM_ACTIVE_PAYMENT_CUSTOMIZATIONS",
  limitWhat: "payment customizations",
  metafieldCode: () => "INVALID_METAFIELDS",
  titleRequired: true,
  blankCode: "REQUIRED_INPUT_FIELD",
  tooLongCode: "INVALID",
  invalidCode: "INVALID",
};

const DELIVERY: OwnerKind<CustomizationRecord> = {
  ...PAYMENT,
  api: "delivery_customization",
  map: (store) => store.deliveryCustomizations,
  type: "DeliveryCustomization",
  inputName: "deliveryCustomization",
  payloadName: "deliveryCustomization",
  render: node.deliveryCustomization,
  notFound: "DELIVERY_CUSTOMIZATION_NOT_FOUND",
  limitCode: "MAXIMUM_ACTIVE_DELIVERY_CUSTOMIZATIONS",
  limitWhat: "delivery customizations",
};

interface OwnerInput {
  title?: string | null;
  functionHandle?: string | null;
  functionId?: string | null;
  metafields?: OwnerMetafieldInput[] | null;
  /** Validations. */
  enable?: boolean | null;
  blockOnFailure?: boolean | null;
  /** Customizations. */
  enabled?: boolean | null;
}

function find<T>(kind: OwnerKind<T>, store: Store, id: unknown): T | undefined {
  const numeric = idOf(id, kind.type);
  return numeric === null ? undefined : kind.map(store).get(numeric);
}

function notFound<T>(kind: OwnerKind<T>, id: unknown, field: string[]): UserError {
  return { field, message: `${kind.type} ${String(id)} does not exist.`, code: kind.notFound };
}

/** Create and update for validations and customizations: function, title, enabled state, limit, metafields. */
function ownerWrite<T extends ValidationRecord | CustomizationRecord>(kind: OwnerKind<T>, mode: "create" | "update"): R {
  return (_s, args, context) => {
    const { store } = context;
    const input = args[kind.inputName] as OwnerInput;
    const fail = (errors: UserError[]): unknown => ({ [kind.payloadName]: null, userErrors: errors });
    const existing = mode === "update" ? find(kind, store, args.id) : undefined;
    if (mode === "update" && !existing) return fail([notFound(kind, args.id, ["id"])]);
    const errors: UserError[] = [];
    let fn: ShopifyFunctionRecord | undefined = existing ? store.functions.find((f) => f.id === existing.functionId) : undefined;
    if (mode === "create" || input.functionHandle != null || input.functionId != null) {
      const found = resolveFunction(store, input, kind.api, at(kind.inputName, "functionHandle"), OWNER_CODES);
      if ("error" in found) errors.push(found.error);
      else if (existing && found.fn.id !== existing.functionId) {
        errors.push({ field: at(kind.inputName, "functionHandle"), message: `The function of a ${kind.type} can't be changed.`, code: "FUNCTION_ID_CANNOT_BE_CHANGED" });
      } else fn = found.fn;
    }
    const named = title(input.title, kind.titleRequired && mode === "create", at(kind.inputName, "title"), kind.blankCode, kind.tooLongCode);
    if (named.error) errors.push(named.error);
    // Validations take `enable` (default false, on update too: the input type's default); customizations `enabled`.
    const isValidation = kind.api === "validation";
    const enabledInput = isValidation ? (input.enable ?? false) : input.enabled;
    if (!isValidation && mode === "create" && enabledInput == null) {
      errors.push({ field: at(kind.inputName, "enabled"), message: "enabled is required.", code: "REQUIRED_INPUT_FIELD" });
    }
    const enabled = enabledInput ?? (existing?.enabled ?? false);
    const owner = existing ? { type: kind.type, id: existing.id } : null;
    const metafields = planOwnerMetafields(store, owner, input.metafields ?? [], at(kind.inputName, "metafields"));
    errors.push(...mapProblems(metafields.errors, kind.metafieldCode));
    if (errors.length > 0 || !fn) return fail(errors);
    if (enabled && !existing?.enabled) {
      const limit = limitError(kind, enabledCount(kind.map(store) as Map<number, T>), 1);
      if (limit) return fail([limit]);
    }
    const stamp = store.now();
    const record = (existing ?? { id: store.nextId(), functionId: fn.id, createdAt: stamp }) as T;
    record.title = named.title ?? existing?.title ?? fn.title;
    record.enabled = enabled;
    if (isValidation) (record as ValidationRecord).blockOnFailure = input.blockOnFailure ?? false;
    record.updatedAt = stamp;
    kind.map(store).set(record.id, record);
    writeOwnerMetafields(store, { type: kind.type, id: record.id }, metafields.writes);
    return { [kind.payloadName]: kind.render(record), userErrors: [] };
  };
}

function ownerDelete<T extends { id: number }>(kind: OwnerKind<T>): R {
  return (_s, args, context) => {
    const { store } = context;
    const existing = find(kind, store, args.id);
    if (!existing) return { deletedId: null, userErrors: [notFound(kind, args.id, ["id"])] };
    kind.map(store).delete(existing.id);
    store.deleteMetafieldsOf(kind.type, existing.id);
    return { deletedId: gid(kind.type, existing.id), userErrors: [] };
  };
}

/** paymentCustomizationActivation / deliveryCustomizationActivation: all or nothing. */
function ownerActivation(kind: OwnerKind<CustomizationRecord>): R {
  return (_s, args, context) => {
    const { store } = context;
    const ids = args.ids as string[];
    const enabled = args.enabled === true;
    const errors: UserError[] = [];
    const records: CustomizationRecord[] = [];
    ids.forEach((id, index) => {
      const record = find(kind, store, id);
      if (record) records.push(record);
      else errors.push(notFound(kind, id, ["ids", String(index)]));
    });
    if (errors.length > 0) return { ids: null, userErrors: errors };
    if (enabled) {
      const turningOn = new Set(records.filter((record) => !record.enabled).map((record) => record.id));
      const limit = limitError(kind, enabledCount(kind.map(store)), turningOn.size);
      if (limit) return { ids: null, userErrors: [limit] };
    }
    const stamp = store.now();
    for (const record of records) {
      record.enabled = enabled;
      record.updatedAt = stamp;
    }
    return { ids: [...new Set(records.map((record) => gid(kind.type, record.id)))], userErrors: [] };
  };
}

export const functionMutations: Record<string, R> = {
  ...discountMutations,
  validationCreate: ownerWrite(VALIDATION, "create"),
  validationUpdate: ownerWrite(VALIDATION, "update"),
  validationDelete: ownerDelete(VALIDATION),
  paymentCustomizationCreate: ownerWrite(PAYMENT, "create"),
  paymentCustomizationUpdate: ownerWrite(PAYMENT, "update"),
  paymentCustomizationDelete: ownerDelete(PAYMENT),
  paymentCustomizationActivation: ownerActivation(PAYMENT),
  deliveryCustomizationCreate: ownerWrite(DELIVERY, "create"),
  deliveryCustomizationUpdate: ownerWrite(DELIVERY, "update"),
  deliveryCustomizationDelete: ownerDelete(DELIVERY),
  deliveryCustomizationActivation: ownerActivation(DELIVERY),
};

/* ---------------------------------------------------------------- queries */

function customizationSearch(): Parameters<typeof search<CustomizationRecord>>[3] {
  return {
    id: { kind: "number", get: (c) => c.id },
    title: { kind: "text", get: (c) => c.title },
    enabled: { kind: "boolean", get: (c) => c.enabled },
    function_id: { kind: "text", get: (c) => c.functionId },
  };
}

export const functionListers: Record<string, Lister> = {
  "QueryRoot.shopifyFunctions": (_s, args, context) => {
    const { store } = context;
    const items = store.functions
      .map((fn, index) => ({ fn, index: index + 1 }))
      .filter(({ fn }) => {
        if (typeof args.apiType === "string" && fn.apiType !== args.apiType) return false;
        if (typeof args.useCreationUi === "boolean") {
          if (fn.useCreationUi === undefined) throw notEmulated(`shopifyFunctions(useCreationUi:) for function "${fn.handle}", whose seed has no useCreationUi`);
          return fn.useCreationUi === args.useCreationUi;
        }
        return true;
      });
    // Listed in seed order (Shopify documents no order); the cursor uses the position.
    return listing(items, (entry) => entry.index, (entry) => entry.index, (entry) => functionNode(entry.fn));
  },
  "QueryRoot.discountNodes": (_s, args, context, info) =>
    listing(discounts(context, info, args, "QueryRoot.discountNodes"), sortBy("QueryRoot.discountNodes", args.sortKey, discountSort), (d) => d.id, node.discountNode),
  "QueryRoot.automaticDiscountNodes": (_s, args, context, info) =>
    listing(
      discounts(context, info, args, "QueryRoot.automaticDiscountNodes"),
      sortBy("QueryRoot.automaticDiscountNodes", args.sortKey, { ID: discountSort.ID, CREATED_AT: discountSort.CREATED_AT }),
      (d) => d.id,
      node.discountAutomaticNode,
    ),
  "QueryRoot.validations": (_s, args, context) =>
    listing([...context.store.validations.values()], sortBy("QueryRoot.validations", args.sortKey, { ID: (v: ValidationRecord) => v.id }), (v) => v.id, node.validation),
  "QueryRoot.paymentCustomizations": (_s, args, context, info) => {
    const match = search(context, info, args, customizationSearch());
    return listing([...context.store.paymentCustomizations.values()].filter(match), (c) => c.id, (c) => c.id, node.paymentCustomization);
  },
  "QueryRoot.deliveryCustomizations": (_s, args, context, info) => {
    const match = search(context, info, args, customizationSearch());
    return listing([...context.store.deliveryCustomizations.values()].filter(match), (c) => c.id, (c) => c.id, node.deliveryCustomization);
  },
};

for (const owner of ["DiscountNode", "DiscountAutomaticNode", "Validation", "PaymentCustomization", "DeliveryCustomization"]) {
  functionListers[`${owner}.metafields`] = metafieldsLister(owner);
}

/** A lookup by gid of `type`: another type of gid answers null (a DiscountCodeNode id: none exist here), a malformed one is an error. */
function lookup<T>(map: (store: Store) => Map<number, T>, type: string, render: (record: T) => unknown): R {
  return (_s, args, context) => {
    const parsed = parseGid(args.id);
    if (!parsed) throw new GraphQLError(`Invalid global id '${String(args.id)}'`, { extensions: { code: "BAD_REQUEST" } });
    const record = parsed.type === type ? map(context.store).get(parsed.id) : undefined;
    return record === undefined ? null : render(record);
  };
}

export const functionQueries: Record<string, R> = {
  shopifyFunction: (_s, args, context) => {
    const fn = context.store.functions.find((f) => f.id === args.id);
    return fn ? functionNode(fn) : null;
  },
  discountNode: lookup((store) => store.discounts, "DiscountAutomaticNode", node.discountNode),
  automaticDiscountNode: lookup((store) => store.discounts, "DiscountAutomaticNode", node.discountAutomaticNode),
  automaticDiscount: lookup((store) => store.discounts, "DiscountAutomaticNode", node.discountAutomaticApp),
  discountNodesCount: (_s, args, context, info) => {
    if (args.savedSearchId != null) throw notEmulated("QueryRoot.discountNodesCount(savedSearchId:)");
    const match = search(context, info, args, discountSearch(context.store));
    return count([...context.store.discounts.values()].filter(match).length, args.limit);
  },
  validation: lookup((store) => store.validations, "Validation", node.validation),
  paymentCustomization: lookup((store) => store.paymentCustomizations, "PaymentCustomization", node.paymentCustomization),
  deliveryCustomization: lookup((store) => store.deliveryCustomizations, "DeliveryCustomization", node.deliveryCustomization),
};

/* ---------------------------------------------------------------- types */

function customizationFields(type: string): ResolverMap<EmulatorContext>[string] {
  return {
    id: field<CustomizationRecord>((c) => gid(type, c.id)),
    title: field<CustomizationRecord>((c) => c.title),
    enabled: field<CustomizationRecord>((c) => c.enabled),
    functionId: field<CustomizationRecord>((c) => c.functionId),
    shopifyFunction: field<CustomizationRecord>((c, context) => functionOf(context.store, c.functionId)),
    // Functions never run in the emulator, so they have no error history.
    errorHistory: () => null,
    ...metafieldResolvers(type),
  };
}

export const functionTypeResolvers: ResolverMap<EmulatorContext> = {
  DiscountNode: {
    id: field<DiscountRecord>((d) => gid("DiscountAutomaticNode", d.id)),
    discount: field<DiscountRecord>((d) => node.discountAutomaticApp(d)),
    ...metafieldResolvers("DiscountNode"),
  },
  DiscountAutomaticNode: {
    id: field<DiscountRecord>((d) => gid("DiscountAutomaticNode", d.id)),
    automaticDiscount: field<DiscountRecord>((d) => node.discountAutomaticApp(d)),
    ...metafieldResolvers("DiscountAutomaticNode"),
  },
  DiscountAutomaticApp: {
    discountId: field<DiscountRecord>((d) => gid("DiscountAutomaticNode", d.id)),
    title: field<DiscountRecord>((d) => d.title),
    status: field<DiscountRecord>((d, context) => discountStatus(d, context.store.clock())),
    startsAt: field<DiscountRecord>((d) => d.startsAt),
    endsAt: field<DiscountRecord>((d) => d.endsAt),
    createdAt: field<DiscountRecord>((d) => d.createdAt),
    updatedAt: field<DiscountRecord>((d) => d.updatedAt),
    discountClasses: field<DiscountRecord>((d) => [...d.discountClasses]),
    discountClass: field<DiscountRecord>((d) => {
      if (d.discountClasses.length !== 1) throw notEmulated("DiscountAutomaticApp.discountClass (deprecated) of a discount with several classes");
      return d.discountClasses[0];
    }),
    combinesWith: field<DiscountRecord>((d) => ({ ...d.combinesWith })),
    context: () => ({ __typename: "DiscountBuyerSelectionAll", all: "ALL" }),
    appliesOnOneTimePurchase: field<DiscountRecord>((d) => d.appliesOnOneTimePurchase),
    appliesOnSubscription: field<DiscountRecord>((d) => d.appliesOnSubscription),
    recurringCycleLimit: field<DiscountRecord>((d) => d.recurringCycleLimit),
    tags: field<DiscountRecord>((d) => [...d.tags]),
    // No checkout runs in the emulator: no discount has been used, none has errored.
    asyncUsageCount: () => 0,
    errorHistory: () => null,
    appDiscountType: field<DiscountRecord>((d, context) => {
      const fn = context.store.functions.find((f) => f.id === d.functionId);
      if (!fn) throw notEmulated(`ShopifyFunction ${d.functionId}, which is no longer in the seed`);
      const out: Record<string, unknown> = { functionId: fn.id, title: fn.title, discountClasses: [...d.discountClasses] };
      if (fn.description !== undefined) out.description = fn.description;
      if (fn.appKey !== undefined) out.appKey = fn.appKey;
      return out;
    }),
  },
  Validation: {
    id: field<ValidationRecord>((v) => gid("Validation", v.id)),
    title: field<ValidationRecord>((v) => v.title),
    enabled: field<ValidationRecord>((v) => v.enabled),
    blockOnFailure: field<ValidationRecord>((v) => v.blockOnFailure),
    shopifyFunction: field<ValidationRecord>((v, context) => functionOf(context.store, v.functionId)),
    errorHistory: () => null,
    ...metafieldResolvers("Validation"),
  },
  PaymentCustomization: customizationFields("PaymentCustomization"),
  DeliveryCustomization: customizationFields("DeliveryCustomization"),
};
