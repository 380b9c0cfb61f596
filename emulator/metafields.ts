/**
 * Metafields: `$app` namespace resolution, the metafieldsSet mutation and its
 * validations, value rendering (jsonValue, compareDigest).
 *
 * `$app` resolution (https://shopify.dev/docs/apps/build/custom-data/ownership):
 * `$app` becomes the app-reserved namespace `app--<app id>`, `$app:<suffix>` becomes
 * `app--<app id>--<suffix>`, and an omitted namespace means `$app`.
 */
import { createHash } from "node:crypto";

import type { EmulatorContext } from "./context";
import type { MetafieldRecord } from "./model";
import { node } from "./nodes";
import { notEmulated, type Resolver } from "./schema";
import type { Store } from "./store";

export const MAX_METAFIELDS_PER_SET = 25;

export function resolveNamespace(namespace: string | null | undefined, appId: number): string {
  if (namespace === null || namespace === undefined || namespace === "$app") return `app--${appId}`;
  if (namespace.startsWith("$app:")) return `app--${appId}--${namespace.slice("$app:".length)}`;
  return namespace;
}

/** Types the emulator validates and stores. */
const EMULATED_TYPES = new Set([
  "json",
  "number_integer",
  "number_decimal",
  "boolean",
  "single_line_text_field",
  "multi_line_text_field",
  "date",
  "date_time",
  "url",
]);

/** Shopify types the emulator knows exist but does not validate: refused as "not emulated". */
const OTHER_SHOPIFY_TYPES = new Set([
  "color",
  "dimension",
  "volume",
  "weight",
  "money",
  "rating",
  "rich_text_field",
  "link",
  "id",
  "collection_reference",
  "customer_reference",
  "file_reference",
  "metaobject_reference",
  "mixed_reference",
  "page_reference",
  "product_reference",
  "product_taxonomy_value_reference",
  "variant_reference",
  "company_reference",
  "article_reference",
  "order_reference",
]);

function isKnownType(type: string): boolean {
  const base = type.startsWith("list.") ? type.slice(5) : type;
  return EMULATED_TYPES.has(base) || OTHER_SHOPIFY_TYPES.has(base);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Why `value` is not a valid `type` value, or null when it is. */
function valueProblem(type: string, value: string): string | null {
  switch (type) {
    case "json":
      try {
        JSON.parse(value);
        return null;
      } catch (error) {
        return `Value is invalid JSON: ${(error as Error).message}.`;
      }
    case "number_integer": {
      if (!/^-?\d+$/.test(value)) return "Value must be an integer.";
      const n = BigInt(value);
      return n < INT64_MIN || n > INT64_MAX ? "Value must be an integer between -9223372036854775808 and 9223372036854775807." : null;
    }
    case "number_decimal":
      return /^-?\d+(\.\d+)?$/.test(value) ? null : "Value must be a decimal.";
    case "boolean":
      return value === "true" || value === "false" ? null : "Value must be true or false.";
    case "single_line_text_field":
      return /[\r\n]/.test(value) ? "Value must be a single line text string." : null;
    case "multi_line_text_field":
      return null;
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) ? null : "Value must be in YYYY-MM-DD format.";
    case "date_time":
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value) && !Number.isNaN(Date.parse(value))
        ? null
        : "Value must be in YYYY-MM-DDTHH:MM:SS format.";
    case "url":
      return /^(https?|mailto|sms|tel):/.test(value) ? null : "Value must be a URL with a scheme of https, http, mailto, sms or tel.";
    default:
      throw notEmulated(`metafield type "${type}"`);
  }
}

/** Metafield.jsonValue for the types the emulator stores. */
export function jsonValueOf(metafield: MetafieldRecord): unknown {
  switch (metafield.type) {
    case "json":
      return JSON.parse(metafield.value) as unknown;
    case "number_integer": {
      const n = Number(metafield.value);
      if (!Number.isSafeInteger(n)) throw notEmulated(`Metafield.jsonValue of an integer beyond 2^53 (${metafield.value})`);
      return n;
    }
    case "boolean":
      return metafield.value === "true";
    case "single_line_text_field":
    case "multi_line_text_field":
    case "date":
    case "date_time":
    case "url":
      return metafield.value;
    default:
      throw notEmulated(`Metafield.jsonValue for type "${metafield.type}"`);
  }
}

/** An opaque digest of the stored value (Metafield.compareDigest): changes whenever the value does. */
export function compareDigestOf(metafield: MetafieldRecord): string {
  return createHash("sha256").update(JSON.stringify([metafield.id, metafield.type, metafield.value, metafield.updatedAt])).digest("hex");
}

interface SetInput {
  ownerId: string;
  namespace?: string | null;
  key: string;
  type?: string | null;
  value: string;
  compareDigest?: string | null;
}

interface UserError {
  field: string[] | null;
  message: string;
  code: string | null;
  elementIndex: number | null;
}

const NAME_CHARS = /^[A-Za-z0-9_-]+$/;

function checkName(label: "Namespace" | "Key", value: string, min: number, max: number, at: string[], index: number): UserError | null {
  if (value.length < min) return { field: at, message: `${label} is too short (minimum is ${min} characters).`, code: "TOO_SHORT", elementIndex: index };
  if (value.length > max) return { field: at, message: `${label} is too long (maximum is ${max} characters).`, code: "TOO_LONG", elementIndex: index };
  if (!NAME_CHARS.test(value)) {
    return { field: at, message: `${label} contains one or more invalid characters: use letters, digits, "-" and "_".`, code: "INVALID", elementIndex: index };
  }
  return null;
}

/**
 * Shopify's size limits on a metafield value written with API 2026-04 or later
 * (https://shopify.dev/docs/apps/build/metafields/metafield-limits): json 128 KB,
 * url and id 2 KB, every other type 64 KB; list types per item are not checked.
 */
export function valueSizeLimit(type: string): number {
  const base = type.startsWith("list.") ? type.slice(5) : type;
  if (base === "json" && type === base) return 128 * 1024;
  if ((base === "url" || base === "id") && type === base) return 2 * 1024;
  return 64 * 1024;
}

export interface MetafieldProblem {
  field: string[];
  message: string;
  code: string;
}

/**
 * The checks every metafield write makes (metafieldsSet and the `metafields`
 * of function owners): namespace and key names, `$app` use, type, value and
 * its size. Codes are metafieldsSet's; owners map them to their own enums.
 */
export function checkMetafield(
  store: { appId: number },
  input: { namespace: string; key: string; type?: string | null; value: string },
  at: (name: string) => string[],
): MetafieldProblem[] {
  const errors: MetafieldProblem[] = [];
  const rawNamespace = input.namespace;
  if (rawNamespace === "$app" || rawNamespace.startsWith("$app:")) {
    const suffix = rawNamespace.slice("$app:".length);
    if (rawNamespace !== "$app" && !NAME_CHARS.test(suffix)) {
      errors.push({ field: at("namespace"), message: `Namespace "${rawNamespace}" has an invalid $app suffix.`, code: "INVALID" });
    }
  } else {
    const problem = checkName("Namespace", rawNamespace, 3, 255, at("namespace"), 0);
    if (problem) errors.push({ field: problem.field as string[], message: problem.message, code: problem.code as string });
    else if (rawNamespace.startsWith("app--") && !rawNamespace.startsWith(`app--${store.appId}`)) {
      errors.push({ field: at("namespace"), message: `Namespace "${rawNamespace}" is reserved for another app.`, code: "APP_NOT_AUTHORIZED" });
    }
  }
  const keyProblem = checkName("Key", input.key, 2, 64, at("key"), 0);
  if (keyProblem) errors.push({ field: keyProblem.field as string[], message: keyProblem.message, code: keyProblem.code as string });
  const type = input.type ?? null;
  if (type === null || type === "") {
    errors.push({ field: at("type"), message: "Type can't be blank.", code: "BLANK" });
  } else if (!isKnownType(type)) {
    errors.push({ field: at("type"), message: `Type "${type}" is not a metafield type.`, code: "INVALID_TYPE" });
  } else {
    const limit = valueSizeLimit(type);
    const size = Buffer.byteLength(input.value, "utf8");
    const problem = size > limit ? `Value is too long: ${size} bytes, the limit for ${type} is ${limit} bytes.` : valueProblem(type, input.value);
    if (problem) errors.push({ field: at("value"), message: problem, code: size > limit ? "TOO_LONG" : "INVALID_VALUE" });
  }
  return errors;
}

export const metafieldsSet: Resolver<EmulatorContext> = (_source, args, context) => {
  const { store } = context;
  const inputs = args.metafields as SetInput[];
  if (inputs.length > MAX_METAFIELDS_PER_SET) {
    return {
      metafields: [],
      userErrors: [
        {
          field: ["metafields"],
          message: `Exceeded the maximum metafields input limit of ${MAX_METAFIELDS_PER_SET}.`,
          code: "LESS_THAN_OR_EQUAL_TO",
          elementIndex: null,
        },
      ],
    };
  }
  const errors: UserError[] = [];
  const plan: { input: SetInput; owner: { type: string; id: number }; namespace: string; existing: MetafieldRecord | undefined }[] = [];
  inputs.forEach((input, index) => {
    const at = (name: string): string[] => ["metafields", String(index), name];
    const before = errors.length;
    const owner = store.ownerOf(input.ownerId);
    if (!owner) {
      errors.push({ field: at("ownerId"), message: `Owner ${input.ownerId} does not exist.`, code: "INVALID", elementIndex: index });
    }
    errors.push(...checkMetafield(store, { ...input, namespace: input.namespace ?? "$app" }, at).map((e) => ({ ...e, elementIndex: index })));
    if (errors.length > before || !owner) return;
    const namespace = resolveNamespace(input.namespace ?? "$app", store.appId);
    const existing = store.findMetafield(owner.type, owner.id, namespace, input.key);
    if (Object.prototype.hasOwnProperty.call(input, "compareDigest")) {
      const stale = input.compareDigest === null ? existing !== undefined : !existing || compareDigestOf(existing) !== input.compareDigest;
      if (stale) {
        errors.push({
          field: at("compareDigest"),
          message: "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.",
          code: "STALE_OBJECT",
          elementIndex: index,
        });
        return;
      }
    }
    plan.push({ input, owner, namespace, existing });
  });
  if (errors.length > 0) return { metafields: [], userErrors: errors };

  const stamp = store.now();
  const written = plan.map(({ input, owner, namespace, existing }) => {
    if (existing) {
      existing.value = input.value;
      existing.type = input.type as string;
      existing.updatedAt = stamp;
      return existing;
    }
    const record: MetafieldRecord = {
      id: store.nextId(),
      ownerType: owner.type,
      ownerId: owner.id,
      namespace,
      key: input.key,
      type: input.type as string,
      value: input.value,
      createdAt: stamp,
      updatedAt: stamp,
    };
    store.putMetafield(record);
    return record;
  });
  return { metafields: written.map(node.metafield), userErrors: [] };
};

/* ------------------------------------------------ metafields in owner inputs */

/** MetafieldInput, as function owners (discounts, validations, customizations) take it. */
export interface OwnerMetafieldInput {
  id?: string | null;
  namespace?: string | null;
  key?: string | null;
  type?: string | null;
  value?: string | null;
}

export interface OwnerMetafieldWrite {
  namespace: string;
  key: string;
  type: string;
  value: string;
  existing: MetafieldRecord | undefined;
}

/**
 * Checks the `metafields` of an owner's create or update input. `owner` is null
 * while the owner is being created. An entry names an existing metafield of the
 * owner by `id`, or a namespace (default `$app`) and key; `type` may be left out
 * when the metafield exists. Problems come with paths under `path`.
 */
export function planOwnerMetafields(
  store: Store,
  owner: { type: string; id: number } | null,
  inputs: readonly OwnerMetafieldInput[],
  path: string[],
): { writes: OwnerMetafieldWrite[]; errors: MetafieldProblem[] } {
  const errors: MetafieldProblem[] = [];
  const writes: OwnerMetafieldWrite[] = [];
  inputs.forEach((input, index) => {
    const at = (name: string): string[] => [...path, String(index), name];
    let existing: MetafieldRecord | undefined;
    if (input.id != null) {
      const match = /^gid:\/\/shopify\/Metafield\/(\d+)$/.exec(input.id);
      existing = match ? store.metafields.get(Number(match[1])) : undefined;
      if (!existing || !owner || existing.ownerType !== owner.type || existing.ownerId !== owner.id) {
        errors.push({ field: at("id"), message: `Metafield ${input.id} is not a metafield of this owner.`, code: "INVALID" });
        return;
      }
    }
    const rawNamespace = input.namespace ?? (existing ? existing.namespace : "$app");
    const key = input.key ?? existing?.key ?? null;
    if (key === null || key === "") {
      errors.push({ field: at("key"), message: "Key can't be blank.", code: "BLANK" });
      return;
    }
    if (input.value == null) {
      errors.push({ field: at("value"), message: "Value can't be blank.", code: "BLANK" });
      return;
    }
    const namespace = resolveNamespace(rawNamespace, store.appId);
    existing ??= owner ? store.findMetafield(owner.type, owner.id, namespace, key) : undefined;
    const type = input.type ?? existing?.type ?? null;
    const problems = checkMetafield(store, { namespace: rawNamespace, key, type, value: input.value }, at);
    errors.push(...problems);
    if (problems.length === 0) writes.push({ namespace, key, type: type as string, value: input.value, existing });
  });
  const seen = new Set<string>();
  writes.forEach((write) => {
    const slot = `${write.namespace}.${write.key}`;
    if (seen.has(slot)) errors.push({ field: path, message: `The metafield ${slot} is listed twice.`, code: "TAKEN" });
    seen.add(slot);
  });
  return { writes, errors };
}

/** Writes checked owner metafields (creates or updates). */
export function writeOwnerMetafields(store: Store, owner: { type: string; id: number }, writes: readonly OwnerMetafieldWrite[]): void {
  const stamp = store.now();
  for (const write of writes) {
    const existing = write.existing ?? store.findMetafield(owner.type, owner.id, write.namespace, write.key);
    if (existing) {
      existing.value = write.value;
      existing.type = write.type;
      existing.updatedAt = stamp;
      continue;
    }
    store.putMetafield({
      id: store.nextId(),
      ownerType: owner.type,
      ownerId: owner.id,
      namespace: write.namespace,
      key: write.key,
      type: write.type,
      value: write.value,
      createdAt: stamp,
      updatedAt: stamp,
    });
  }
}

/** Metafield.ownerType for the owner types the store keeps. */
export const OWNER_TYPE_ENUM: Record<string, string> = {
  Shop: "SHOP",
  Product: "PRODUCT",
  ProductVariant: "PRODUCTVARIANT",
  Collection: "COLLECTION",
  Customer: "CUSTOMER",
  Order: "ORDER",
  Location: "LOCATION",
  DiscountAutomaticNode: "DISCOUNT",
  Validation: "VALIDATION",
  PaymentCustomization: "PAYMENT_CUSTOMIZATION",
  DeliveryCustomization: "DELIVERY_CUSTOMIZATION",
};
