/**
 * A Function's input, built the way Shopify builds it: the extension's own input query
 * (its `input_query` file), with the input-query variables Shopify reads from the owner's
 * metafield, executed against the extension's own schema.graphql, with resolvers over the
 * checkout state (state.ts) and the store. The query's `data` is the input JSON.
 *
 * The rule the emulator keeps holds here too: a field the simulator does not reproduce
 * answers the GraphQL error `not simulated: Type.field` — never a made-up value. Custom
 * scalars are checked as they are produced (a Decimal is a string like "12.5", a Date
 * "2026-11-27", a Handle lowercase…), and the finished input is checked once more with
 * `validateTestAssets` against the schema and the query, as fixtures are: a simulator bug
 * shows up as a validation failure, not as a plausible input.
 */
import { readFile } from "node:fs/promises";

import { validateTestAssets } from "@shopify/shopify-function-test-helpers";
import type { DocumentNode, GraphQLFieldResolver, GraphQLResolveInfo, GraphQLSchema, GraphQLTypeResolver } from "graphql";
import { parse as parseToml } from "smol-toml";

import type { FunctionExtension, FunctionTarget } from "../../functions/build";
import { loadSchemaCached } from "../../functions/fixtures";
import { graphql } from "../../functions/graphql";
import type { LocationRecord } from "../model";
import { locationHandle, type FunctionOwner, type OwnerKind, type SimMetafield } from "./snapshot";
import {
  lineAfterProductCents,
  lineSubtotalCents,
  totals,
  type CheckoutState,
  type SimDeliveryGroup,
  type SimDeliveryOption,
  type SimLine,
} from "./state";
import { centsToDecimal, localTime, LocalTimeArgumentError, LocalTimeNotSimulated, NOT_SIMULATED } from "./values";

/* ------------------------------------------------------------------ targets */

export type FunctionApi =
  | "discount"
  | "cart-checkout-validation"
  | "payment-customization"
  | "delivery-customization"
  | "order-routing-location-rules"
  | "fulfillment-constraints";

export interface TargetInfo {
  api: FunctionApi;
  ownerKind: OwnerKind;
  /** The Input field that holds the owner ("discount", "validation", …). */
  ownerField: string;
}

const TARGETS: Record<string, TargetInfo> = {
  "cart.lines.discounts.generate.run": { api: "discount", ownerKind: "discount", ownerField: "discount" },
  "cart.delivery-options.discounts.generate.run": { api: "discount", ownerKind: "discount", ownerField: "discount" },
  "cart.validations.generate.run": { api: "cart-checkout-validation", ownerKind: "validation", ownerField: "validation" },
  "purchase.validation.run": { api: "cart-checkout-validation", ownerKind: "validation", ownerField: "validation" },
  "cart.payment-methods.transform.run": { api: "payment-customization", ownerKind: "paymentCustomization", ownerField: "paymentCustomization" },
  "purchase.payment-customization.run": { api: "payment-customization", ownerKind: "paymentCustomization", ownerField: "paymentCustomization" },
  "cart.delivery-options.transform.run": { api: "delivery-customization", ownerKind: "deliveryCustomization", ownerField: "deliveryCustomization" },
  "purchase.delivery-customization.run": { api: "delivery-customization", ownerKind: "deliveryCustomization", ownerField: "deliveryCustomization" },
  "cart.fulfillment-groups.location-rankings.generate.run": {
    api: "order-routing-location-rules",
    ownerKind: "locationRule",
    ownerField: "locationRule",
  },
  "cart.fulfillment-constraints.generate.run": {
    api: "fulfillment-constraints",
    ownerKind: "fulfillmentConstraintRule",
    ownerField: "fulfillmentConstraintRule",
  },
};

/** The Function API of a run target, or null for targets the simulator does not run (`*.fetch`: network). */
export function targetInfo(target: string): TargetInfo | null {
  return TARGETS[target] ?? null;
}

/* ------------------------------------------------------------ errors, scalars */

export function notSimulated(what: string): Error {
  return new graphql.GraphQLError(`${NOT_SIMULATED}: ${what}`, { extensions: { code: "NOT_SIMULATED" } });
}

/** Formats a custom scalar must have in an input (what Shopify sends). */
const SCALAR_FORMATS: Record<string, { test(value: unknown): boolean; what: string }> = {
  Decimal: { test: (v) => typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v), what: 'a Decimal string like "12.5"' },
  Date: { test: (v) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v), what: 'a Date like "2026-11-27"' },
  DateTime: { test: (v) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v), what: "an ISO-8601 DateTime with zone" },
  DateTimeWithoutTimezone: { test: (v) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(v), what: "a DateTimeWithoutTimezone" },
  TimeWithoutTimezone: { test: (v) => typeof v === "string" && /^\d{2}:\d{2}:\d{2}$/.test(v), what: "a TimeWithoutTimezone" },
  Handle: { test: (v) => typeof v === "string" && /^[a-z0-9][a-z0-9-]*$/.test(v), what: "a handle (lowercase letters, digits, hyphens)" },
  URL: { test: (v) => typeof v === "string" && /^[a-z][a-z0-9+.-]*:/.test(v), what: "a URL" },
  JSON: { test: (v) => v !== undefined, what: "JSON" },
  Void: { test: (v) => v === null, what: "null" },
};

const executableSchemas = new Map<string, Promise<GraphQLSchema>>();

/** The extension's schema.graphql, built once, with strict serializers for Shopify's custom scalars. */
export function executableSchema(schemaPath: string): Promise<GraphQLSchema> {
  let cached = executableSchemas.get(schemaPath);
  if (!cached) {
    cached = readFile(schemaPath, "utf8").then((sdl) => {
      // assumeValid: Shopify's printed SDL can hold an input type with no fields (delivery
      // customization's DeprecatedOperation), which graphql-js would refuse; Shopify accepts it.
      const schema = graphql.buildSchema(sdl, { assumeValidSDL: true, assumeValid: true });
      for (const type of Object.values(schema.getTypeMap())) {
        if (!(type instanceof graphql.GraphQLScalarType) || graphql.isSpecifiedScalarType(type)) continue;
        const format = SCALAR_FORMATS[type.name];
        Object.assign(type, {
          serialize(value: unknown) {
            if (!format) throw notSimulated(`scalar ${type.name}`);
            if (!format.test(value)) throw new graphql.GraphQLError(`${type.name} must be ${format.what}, got ${JSON.stringify(value)}`);
            return value;
          },
        });
      }
      return schema;
    });
    executableSchemas.set(schemaPath, cached);
  }
  return cached;
}

/* ------------------------------------------------------------------ context */

export interface MetafieldRead {
  owner: string;
  namespace: string;
  key: string;
  /** UTF-8 bytes of the value (Shopify's limit for a value a function reads: 10,000). */
  bytes: number;
}

/** Replace the answer of `Type.field` (tests: prove a broken resolver is caught). */
export type ResolverOverrides = Record<string, Record<string, GraphQLFieldResolver<unknown, InputContext>>>;

export interface InputContext {
  state: CheckoutState;
  owner: FunctionOwner;
  target: string;
  info: TargetInfo;
  metafieldReads: MetafieldRead[];
  overrides: ResolverOverrides;
}

type Args = Record<string, unknown>;
/** A view object: each own property is a field — a value, or a function of the field's arguments. */
type View = { __typename?: string } & Record<string, unknown>;

const fieldResolver: GraphQLFieldResolver<unknown, InputContext> = (source, args, context, info) => {
  const override = context.overrides[info.parentType.name]?.[info.fieldName];
  if (override) return override(source, args, context, info);
  if (source !== null && typeof source === "object" && Object.prototype.hasOwnProperty.call(source, info.fieldName)) {
    const value = (source as Record<string, unknown>)[info.fieldName];
    return typeof value === "function" ? (value as (args: Args, context: InputContext, info: GraphQLResolveInfo) => unknown)(args, context, info) : value;
  }
  throw notSimulated(`${info.parentType.name}.${info.fieldName}`);
};

const typeResolver: GraphQLTypeResolver<unknown, InputContext> = (value, _context, info, abstractType) => {
  const typename = value && typeof value === "object" ? (value as View).__typename : undefined;
  if (typeof typename === "string") return typename;
  throw notSimulated(`the concrete type of ${abstractType.name} at ${info.fieldName}`);
};

/* -------------------------------------------------------------------- views */

function money(state: CheckoutState, cents: number): View {
  return { amount: centsToDecimal(cents), currencyCode: state.currency };
}

function metafieldView(record: SimMetafield): View {
  return {
    type: record.type,
    value: record.value,
    jsonValue: () => jsonValue(record),
  };
}

/** Metafield.jsonValue for the types whose JSON form is unambiguous. */
function jsonValue(record: SimMetafield): unknown {
  switch (record.type) {
    case "json":
      try {
        return JSON.parse(record.value) as unknown;
      } catch {
        throw new graphql.GraphQLError(`metafield ${record.namespace}.${record.key} holds invalid JSON`);
      }
    case "boolean":
      return record.value === "true";
    case "number_integer":
      return Number(record.value);
    case "single_line_text_field":
    case "multi_line_text_field":
    case "date":
    case "date_time":
    case "url":
    case "color":
      return record.value;
    default:
      throw notSimulated(`Metafield.jsonValue for type "${record.type}"`);
  }
}

/** `metafield(namespace, key)` resolver for an owner, recording what was read. */
function metafieldField(label: string, find: (namespace: string, key: string) => SimMetafield | undefined) {
  return (args: Args, context: InputContext): View | null => {
    const namespace = context.state.snapshot.resolveNamespace(args.namespace as string | null | undefined);
    const key = String(args.key);
    const found = find(namespace, key);
    if (!found) return null;
    context.metafieldReads.push({ owner: label, namespace, key, bytes: Buffer.byteLength(found.value, "utf8") });
    return metafieldView(found);
  };
}

function storeMetafield(state: CheckoutState, ownerType: string, ownerId: number) {
  return metafieldField(`${ownerType}/${ownerId}`, (namespace, key) => state.snapshot.metafield(ownerType, ownerId, namespace, key));
}

function listMetafield(label: string, list: readonly SimMetafield[]) {
  return metafieldField(label, (namespace, key) => list.find((m) => m.namespace === namespace && m.key === key));
}

function tagAnswers(tags: readonly string[]) {
  // Shopify keeps tags unique case-insensitively; the simulator matches them that way too.
  const set = new Set(tags.map((t) => t.toLowerCase()));
  return {
    hasAnyTag: (args: Args) => (args.tags as string[]).some((t) => set.has(t.toLowerCase())),
    hasTags: (args: Args) => (args.tags as string[]).map((tag) => ({ tag, hasTag: set.has(tag.toLowerCase()) })),
  };
}

function collectionAnswers(collectionIds: readonly number[]) {
  const gids = new Set(collectionIds.map((id) => `gid://shopify/Collection/${id}`));
  return {
    inAnyCollection: (args: Args) => (args.ids as string[]).some((id) => gids.has(id)),
    inCollections: (args: Args) => (args.ids as string[]).map((id) => ({ collectionId: id, isMember: gids.has(id) })),
  };
}

function productView(state: CheckoutState, line: SimLine): View {
  const p = line.product;
  return {
    __typename: "Product",
    id: `gid://shopify/Product/${p.id}`,
    handle: p.handle,
    title: p.title,
    productType: p.productType || null,
    vendor: p.vendor || null,
    // The store has no gift cards: every product in it is a regular product.
    isGiftCard: false,
    ...tagAnswers(p.tags),
    ...collectionAnswers(p.collectionIds),
    metafield: storeMetafield(state, "Product", p.id),
  };
}

function variantView(state: CheckoutState, line: SimLine): View {
  const v = line.variant;
  const item = state.snapshot.inventoryItems.get(v.inventoryItemId);
  return {
    __typename: "ProductVariant",
    id: `gid://shopify/ProductVariant/${v.id}`,
    sku: v.sku,
    title: v.title,
    requiresShipping: line.requiresShipping,
    weight: item?.weight ? item.weight.value : null,
    weightUnit: item?.weight ? item.weight.unit : state.snapshot.shop.weightUnit,
    product: () => productView(state, line),
    ...collectionAnswers(line.product.collectionIds),
    metafield: storeMetafield(state, "ProductVariant", v.id),
  };
}

function attributeAnswer(attributes: Record<string, string>) {
  return (args: Args): View | null => {
    const key = args.key;
    if (typeof key !== "string" || !Object.prototype.hasOwnProperty.call(attributes, key)) return null;
    return { key, value: attributes[key] ?? null };
  };
}

function lineView(state: CheckoutState, line: SimLine): View {
  return {
    __typename: "CartLine",
    id: line.id,
    quantity: line.quantity,
    attribute: attributeAnswer(line.attributes),
    cost: {
      amountPerQuantity: money(state, line.unitCents),
      compareAtAmountPerQuantity: line.compareAtUnitCents === null ? null : money(state, line.compareAtUnitCents),
      subtotalAmount: money(state, lineSubtotalCents(line)),
      totalAmount: money(state, lineAfterProductCents(line)),
    },
    merchandise: () => variantView(state, line),
    // The emulator has no bundles and no subscriptions: no parent line, no selling plan.
    parentRelationship: null,
    sellingPlanAllocation: null,
  };
}

function deliverableLineView(state: CheckoutState, line: SimLine): View {
  return {
    __typename: "DeliverableCartLine",
    id: line.id,
    quantity: line.quantity,
    attribute: attributeAnswer(line.attributes),
    merchandise: () => variantView(state, line),
  };
}

function marketView(state: CheckoutState): View {
  const market = state.cart.market;
  if (!market) throw notSimulated("Market (the cart file names no market)");
  const view: View = {
    __typename: "Market",
    handle: market.handle,
    metafield: listMetafield(`Market ${market.handle}`, market.metafields),
  };
  if (market.id) view.id = market.id;
  return view;
}

function mailingAddressView(state: CheckoutState, group: SimDeliveryGroup): View | null {
  const a = group.address;
  if (!a) return null;
  const name = [a.firstName, a.lastName].filter(Boolean).join(" ");
  return {
    __typename: "MailingAddress",
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    company: a.company,
    countryCode: a.countryCode,
    firstName: a.firstName,
    lastName: a.lastName,
    name: name || null,
    phone: a.phone,
    provinceCode: a.provinceCode,
    zip: a.zip,
    latitude: a.latitude,
    longitude: a.longitude,
    market: () => (state.cart.market ? marketView(state) : null),
  };
}

function deliveryOptionView(state: CheckoutState, option: SimDeliveryOption): View {
  return {
    __typename: "CartDeliveryOption",
    handle: option.handle,
    title: option.title,
    code: option.code,
    description: option.description,
    cost: money(state, option.costCents),
    deliveryMethodType: option.type,
  };
}

function deliveryGroupView(state: CheckoutState, group: SimDeliveryGroup): View {
  const lines = state.lines.filter((l) => group.lineIds.includes(l.id));
  return {
    __typename: "CartDeliveryGroup",
    id: group.id,
    groupType: "ONE_TIME_PURCHASE",
    cartLines: () => lines.map((l) => lineView(state, l)),
    deliveryAddress: () => mailingAddressView(state, group),
    // Options hidden by an earlier delivery customization are gone for later functions.
    deliveryOptions: () => group.options.filter((o) => o.hiddenBy === null).map((o) => deliveryOptionView(state, o)),
    selectedDeliveryOption: () => {
      const selected = group.options.find((o) => o.handle === group.selectedHandle && o.hiddenBy === null);
      return selected ? deliveryOptionView(state, selected) : null;
    },
  };
}

function customerView(state: CheckoutState, customerId: number): View {
  const c = state.snapshot.customers.get(customerId);
  if (!c) throw new graphql.GraphQLError(`customer ${customerId} is not in the store`);
  const displayName = [c.firstName, c.lastName].filter(Boolean).join(" ") || c.email || c.phone || "";
  return {
    __typename: "Customer",
    id: `gid://shopify/Customer/${c.id}`,
    email: c.email,
    firstName: c.firstName,
    lastName: c.lastName,
    displayName,
    createdAt: c.createdAt,
    numberOfOrders: state.snapshot.ordersOf(c.id).length,
    // In the shop's currency (Customer.amountSpent is not converted).
    amountSpent: { amount: centsToDecimal(state.snapshot.amountSpentCents(c.id)), currencyCode: state.snapshot.shop.currencyCode },
    ...tagAnswers(c.tags),
    metafield: storeMetafield(state, "Customer", c.id),
  };
}

function buyerIdentityView(state: CheckoutState): View | null {
  const buyer = state.cart.buyer;
  if (!buyer) return null;
  const customer = buyer.customerId === null ? null : state.snapshot.customers.get(buyer.customerId);
  return {
    __typename: "BuyerIdentity",
    customer: () => (buyer.customerId === null ? null : customerView(state, buyer.customerId)),
    email: buyer.email ?? customer?.email ?? null,
    phone: buyer.phone ?? customer?.phone ?? null,
    isAuthenticated: buyer.isAuthenticated,
    // The cart format has no B2B buyers and no Shop users.
    purchasingCompany: null,
    shopUser: null,
  };
}

function locationView(state: CheckoutState, location: LocationRecord): View {
  const a = location.address;
  return {
    __typename: "Location",
    id: `gid://shopify/Location/${location.id}`,
    handle: locationHandle(location),
    name: location.name,
    address: {
      __typename: "LocationAddress",
      address1: a.address1,
      address2: a.address2,
      city: a.city,
      country: a.country,
      countryCode: a.countryCode,
      latitude: a.latitude,
      longitude: a.longitude,
      phone: a.phone,
      province: a.province,
      provinceCode: a.provinceCode,
      zip: a.zip,
    },
    metafield: storeMetafield(state, "Location", location.id),
  };
}

function cartView(state: CheckoutState): View {
  const retail = state.cart.retailLocationId === null ? null : state.snapshot.locations.get(state.cart.retailLocationId);
  return {
    __typename: "Cart",
    lines: () => state.lines.map((l) => lineView(state, l)),
    deliverableLines: () => state.lines.filter((l) => l.requiresShipping && !retail).map((l) => deliverableLineView(state, l)),
    deliveryGroups: () => state.deliveryGroups.map((g) => deliveryGroupView(state, g)),
    buyerIdentity: () => buyerIdentityView(state),
    attribute: attributeAnswer(state.cart.attributes),
    metafield: listMetafield("Cart", state.cart.metafields),
    retailLocation: () => (retail ? locationView(state, retail) : null),
    cost: () => {
      const t = totals(state, "cart");
      return {
        __typename: "CartCost",
        subtotalAmount: money(state, t.subtotalCents),
        totalAmount: money(state, t.totalCents),
      };
    },
  };
}

function localizationView(state: CheckoutState): View {
  const country = state.cart.country ?? state.cart.address?.countryCode ?? null;
  return {
    __typename: "Localization",
    country: () => {
      if (!country) throw notSimulated("Localization.country (the cart file has no address and no country)");
      return { isoCode: country };
    },
    language: { isoCode: state.cart.language },
    market: () => marketView(state),
  };
}

function shopView(state: CheckoutState): View {
  const answers = localTime(state.nowWall);
  const guard =
    <T extends unknown[]>(fn: (...values: T) => boolean) =>
    (...values: T): boolean => {
      try {
        return fn(...values);
      } catch (error) {
        if (error instanceof LocalTimeNotSimulated) throw notSimulated(error.message);
        if (error instanceof LocalTimeArgumentError) throw new graphql.GraphQLError(error.message);
        throw error;
      }
    };
  return {
    __typename: "Shop",
    localTime: {
      __typename: "LocalTime",
      date: answers.date,
      dateTimeAfter: (args: Args) => guard(answers.dateTimeAfter)(args.dateTime),
      dateTimeBefore: (args: Args) => guard(answers.dateTimeBefore)(args.dateTime),
      dateTimeBetween: (args: Args) => guard(answers.dateTimeBetween)(args.startDateTime, args.endDateTime),
      timeAfter: (args: Args) => guard(answers.timeAfter)(args.time),
      timeBefore: (args: Args) => guard(answers.timeBefore)(args.time),
      timeBetween: (args: Args) => guard(answers.timeBetween)(args.startTime, args.endTime),
    },
    metafield: storeMetafield(state, "Shop", state.snapshot.shop.id),
  };
}

function ownerView(context: InputContext): View {
  const { owner } = context;
  const view: View = { metafield: listMetafield(owner.gid ?? `${owner.kind} ${owner.title}`, owner.metafields) };
  if (owner.kind === "discount") view.discountClasses = [...owner.discountClasses];
  return view;
}

function inputView(context: InputContext): View {
  const { state, info } = context;
  const root: View = {
    cart: () => cartView(state),
    shop: () => shopView(state),
    localization: () => localizationView(state),
    presentmentCurrencyRate: state.rate,
    [info.ownerField]: () => ownerView(context),
  };
  switch (info.api) {
    case "discount":
      root.enteredDiscountCodes = () => state.discountCodes.map((c) => ({ code: c.code, rejectable: true }));
      root.triggeringDiscountCode = context.owner.triggeringDiscountCode;
      break;
    case "cart-checkout-validation":
      root.buyerJourney = { step: state.cart.buyerJourneyStep };
      break;
    case "payment-customization":
      root.paymentMethods = () =>
        state.paymentMethods.filter((m) => m.hiddenPlacements.length < m.placements.length).map((m) => ({ id: m.id, name: m.name, placements: m.placements.filter((p) => !m.hiddenPlacements.includes(p)) }));
      break;
    case "order-routing-location-rules":
      root.fulfillmentGroups = () =>
        state.fulfillmentGroups.map((fg) => {
          const group = state.deliveryGroups.find((g) => g.id === fg.deliveryGroupId) as SimDeliveryGroup;
          return {
            handle: fg.handle,
            id: fg.id,
            inventoryLocationHandles: fg.inventoryLocationHandles,
            deliveryAddress: () => mailingAddressView(state, group),
            deliveryGroup: () => deliveryGroupView(state, group),
            lines: () => state.lines.filter((l) => fg.lineIds.includes(l.id)).map((l) => lineView(state, l)),
          };
        });
      root.locations = () => activeLocations(state).map((l) => locationView(state, l));
      break;
    case "fulfillment-constraints":
      root.locations = (args: Args) => {
        const identifiers = args.identifiers as string[] | null | undefined;
        const names = args.names as string[] | null | undefined;
        return activeLocations(state)
          .filter((l) => !identifiers || identifiers.includes(`gid://shopify/Location/${l.id}`))
          .filter((l) => !names || names.includes(l.name))
          .map((l) => locationView(state, l));
      };
      break;
    case "delivery-customization":
      break;
  }
  return root;
}

function activeLocations(state: CheckoutState): LocationRecord[] {
  return [...state.snapshot.locations.values()].filter((l) => l.isActive).sort((a, b) => a.id - b.id);
}

/* ---------------------------------------------------------------- variables */

export interface InputVariablesSource {
  namespace: string;
  key: string;
}

const variableSources = new Map<string, Promise<InputVariablesSource | null>>();

/** `[extensions.input.variables] namespace, key` from the extension's toml, or null. */
export function inputVariablesSource(extension: FunctionExtension): Promise<InputVariablesSource | null> {
  let cached = variableSources.get(extension.directory);
  if (!cached) {
    // No toml (a schema-only test double): no variables.
    const tomlText = readFile(`${extension.directory}/shopify.extension.toml`, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return null;
      throw error;
    });
    cached = tomlText.then((text) => {
      if (text === null) return null;
      const toml = parseToml(text) as { extensions?: { input?: { variables?: { namespace?: unknown; key?: unknown } } }[] };
      const variables = toml.extensions?.[0]?.input?.variables;
      if (!variables) return null;
      if (typeof variables.namespace !== "string" || typeof variables.key !== "string") {
        throw new Error(`${extension.directory}/shopify.extension.toml: [extensions.input.variables] needs namespace and key`);
      }
      return { namespace: variables.namespace, key: variables.key };
    });
    variableSources.set(extension.directory, cached);
  }
  return cached;
}

/**
 * Shopify's input-query variables: the JSON metafield named in the toml, read from the
 * owner (the discount, validation, customization…); its object's keys are the variables.
 * No metafield → no variables (a query that needs one then fails, as on Shopify).
 */
export async function inputVariables(
  extension: FunctionExtension,
  state: CheckoutState,
  owner: FunctionOwner,
): Promise<{ variables: Record<string, unknown>; problems: string[] }> {
  const source = await inputVariablesSource(extension);
  if (!source) return { variables: {}, problems: [] };
  const namespace = state.snapshot.resolveNamespace(source.namespace);
  const metafield = owner.metafields.find((m) => m.namespace === namespace && m.key === source.key);
  if (!metafield) return { variables: {}, problems: [] };
  if (metafield.type !== "json") return { variables: {}, problems: [`input variables: metafield ${namespace}.${source.key} on ${owner.title} is ${metafield.type}, not json`] };
  try {
    const value = JSON.parse(metafield.value) as unknown;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return { variables: {}, problems: [`input variables: metafield ${namespace}.${source.key} on ${owner.title} is not a JSON object`] };
    }
    return { variables: value as Record<string, unknown>, problems: [] };
  } catch (error) {
    return { variables: {}, problems: [`input variables: metafield ${namespace}.${source.key} on ${owner.title} is invalid JSON (${(error as Error).message})`] };
  }
}

/* ---------------------------------------------------------------- execution */

export interface BuildInputOptions {
  extension: FunctionExtension;
  target: FunctionTarget;
  state: CheckoutState;
  owner: FunctionOwner;
  /** Use this query text instead of the target's input_query file. */
  querySource?: string;
  /** Tests: replace resolvers to prove a broken one is caught. */
  overrides?: ResolverOverrides;
  /** Tests: change the input after execution, before validation. */
  transformInput?: (input: Record<string, unknown>) => Record<string, unknown>;
}

export interface FunctionInputResult {
  /** The `data` of the input query: the function input (null when the query failed). */
  input: Record<string, unknown> | null;
  variables: Record<string, unknown>;
  /** Query parse/validation errors, execution errors ("not simulated: …"), variable problems. */
  errors: string[];
  /** validateTestAssets' findings on the input (query + input against schema.graphql). */
  validationErrors: string[];
  metafieldReads: MetafieldRead[];
  querySource: string;
}

const parsedQueries = new Map<string, DocumentNode>();

export async function buildFunctionInput(options: BuildInputOptions): Promise<FunctionInputResult> {
  const { extension, target, state, owner } = options;
  const info = targetInfo(target.target);
  if (!info) throw new Error(`target ${target.target} is not one the simulator runs`);
  const querySource = options.querySource ?? (await readFile(target.inputQueryPath, "utf8"));
  const result: FunctionInputResult = { input: null, variables: {}, errors: [], validationErrors: [], metafieldReads: [], querySource };

  let document = parsedQueries.get(querySource);
  if (!document) {
    try {
      document = graphql.parse(querySource);
    } catch (error) {
      result.errors.push(`input query: ${(error as Error).message}`);
      return result;
    }
    parsedQueries.set(querySource, document);
  }
  const schema = await executableSchema(extension.schemaPath);
  const invalid = graphql.validate(schema, document);
  if (invalid.length > 0) {
    result.errors.push(...invalid.map((e) => `input query: ${e.message}`));
    return result;
  }

  const { variables, problems } = await inputVariables(extension, state, owner);
  result.variables = variables;
  result.errors.push(...problems);

  const context: InputContext = { state, owner, target: target.target, info, metafieldReads: result.metafieldReads, overrides: options.overrides ?? {} };
  const executed = await graphql.execute({
    schema,
    document,
    rootValue: inputView(context),
    contextValue: context,
    variableValues: variables,
    fieldResolver,
    typeResolver,
  });
  for (const error of executed.errors ?? []) {
    result.errors.push(error.path ? `${error.message} (at ${error.path.join(".")})` : error.message);
  }
  if (executed.errors?.length || !executed.data) return result;

  let input = JSON.parse(JSON.stringify(executed.data)) as Record<string, unknown>;
  if (options.transformInput) input = options.transformInput(input);
  result.input = input;
  result.validationErrors = await validateInput(extension, target, input, document);
  return result;
}

/** The input against schema.graphql and the query, with the test helpers' validateTestAssets. */
export async function validateInput(extension: FunctionExtension, target: FunctionTarget, input: unknown, document: DocumentNode): Promise<string[]> {
  const schema = await loadSchemaCached(extension.schemaPath);
  const assets = await validateTestAssets({
    schema,
    fixture: { export: target.export, target: target.target, input: input as Record<string, unknown>, expectedOutput: {} },
    inputQueryAST: document,
  });
  const errors = [
    ...assets.inputQuery.errors.map((e) => `input query: ${e.message}`),
    ...assets.inputFixture.errors.map((e) => `input ${e.path.join(".")}: ${e.message}`),
  ];
  return errors;
}

/** A function's output against the target's `*Result` input type (validateTestAssets' output check). */
export async function validateOutput(extension: FunctionExtension, target: FunctionTarget, output: unknown): Promise<string[]> {
  const schema = await loadSchemaCached(extension.schemaPath);
  const assets = await validateTestAssets({
    schema,
    fixture: { export: target.export, target: target.target, input: {}, expectedOutput: output as Record<string, unknown> },
    inputQueryAST: graphql.parse("{ __typename }"),
  });
  const errors = assets.outputFixture.errors.map((e) => `output: ${e.message}`);
  if (assets.error) errors.push(`output: ${assets.error}`);
  return errors;
}
