/**
 * inventoryAdjustQuantities and inventoryMoveQuantities, validated the way the
 * 2026-10 input types and error enums describe:
 * - `@idempotent(key:)` is required (since 2026-04); the same key with the same
 *   arguments replays the first answer, with other arguments it is refused;
 * - `changeFromQuantity` must be passed explicitly on every change (a number for
 *   compare-and-swap, or null to skip the check);
 * - `ledgerDocumentUri` is required for every quantity name except `available`,
 *   refused for `available`, and may not be a `gid://shopify/` URI;
 * - `reason` must be one of Shopify's inventory reasons; reference/ledger URIs
 *   must have a scheme (a gid needs app, entity and id).
 * The operation is atomic: any user error and nothing changes.
 */
import { getDirectiveValues, GraphQLError, type GraphQLResolveInfo } from "graphql";

import type { EmulatorContext } from "./context";
import { idOf, stableStringify } from "./ids";
import type { InventoryLevelRecord, StoredQuantityName } from "./model";
import { node } from "./nodes";
import { notEmulated, type Resolver } from "./schema";
import type { InventoryDelta } from "./store";

/** Shopify's inventory change reasons (InventoryAdjustQuantitiesInput.reason and friends). */
export const INVENTORY_REASONS = [
  "correction",
  "cycle_count_available",
  "damaged",
  "movement_created",
  "movement_updated",
  "movement_received",
  "movement_canceled",
  "other",
  "promotion",
  "quality_control",
  "received",
  "reservation_created",
  "reservation_deleted",
  "reservation_updated",
  "restock",
  "safety_stock",
  "shrinkage",
] as const;

/**
 * Names an app may adjust. `committed` belongs to orders, `on_hand` is derived
 * (adjusting `available` moves it), `incoming` arrives through transfers.
 */
const ADJUSTABLE: readonly StoredQuantityName[] = ["available", "damaged", "quality_control", "reserved", "safety_stock"];
/** Names a move may take units from / put units into (incoming may only be moved out: receiving). */
const MOVABLE_FROM: readonly StoredQuantityName[] = ["available", "damaged", "quality_control", "reserved", "safety_stock", "incoming"];
const MOVABLE_TO: readonly StoredQuantityName[] = ["available", "damaged", "quality_control", "reserved", "safety_stock"];

export const QUANTITY_LIMIT = 2_000_000_000;

interface UserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

/* ---------------------------------------------------------------- idempotency */

/** The `@idempotent(key:)` on the mutation field, or a GraphQL error when it is missing. */
export function idempotencyKey(info: GraphQLResolveInfo): string {
  const directive = info.schema.getDirective("idempotent");
  const fieldNode = info.fieldNodes[0];
  const values = directive && fieldNode ? getDirectiveValues(directive, fieldNode, info.variableValues) : undefined;
  const key = values?.key;
  if (typeof key !== "string") {
    throw new GraphQLError(
      `${info.fieldName} requires an idempotency key since API version 2026-04: add @idempotent(key: "<unique key>") to the field.`,
      { nodes: info.fieldNodes, extensions: { code: "BAD_REQUEST" } },
    );
  }
  if (key.trim() === "") {
    throw new GraphQLError("The idempotency key cannot be an empty string or whitespace only.", {
      nodes: info.fieldNodes,
      extensions: { code: "BAD_REQUEST" },
    });
  }
  return key;
}

function idempotent(
  mutation: string,
  run: (args: Record<string, unknown>, context: EmulatorContext) => unknown,
): Resolver<EmulatorContext> {
  return (_source, args, context, info) => {
    const key = idempotencyKey(info);
    const slot = `${mutation}:${key}`;
    const paramsHash = stableStringify(args);
    const previous = context.runtime.idempotency.get(slot);
    if (previous) {
      if (previous.paramsHash === paramsHash) return previous.payload;
      return {
        inventoryAdjustmentGroup: null,
        userErrors: [
          {
            field: null,
            message: `The idempotency key "${key}" was already used with different parameters.`,
            code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
          },
        ],
      };
    }
    const payload = run(args, context);
    context.runtime.idempotency.set(slot, { paramsHash, payload });
    return payload;
  };
}

/* ---------------------------------------------------------------- validation */

function isUri(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:.+/.test(value)) return false;
  if (value.startsWith("gid:")) return /^gid:\/\/[^/\s]+\/[^/\s]+\/[^/\s]+$/.test(value);
  return true;
}

function ledgerProblem(name: string, uri: string | null | undefined): { code: string; message: string } | null {
  if (name === "available") {
    return uri ? { code: "INVALID_AVAILABLE_DOCUMENT", message: "A ledger document URI is not allowed when adjusting available." } : null;
  }
  if (!uri) return { code: "INVALID_QUANTITY_DOCUMENT", message: `A ledger document URI is required when changing ${name}.` };
  if (uri.startsWith("gid://shopify/")) {
    return { code: "INTERNAL_LEDGER_DOCUMENT", message: `Internal (gid://shopify/) ledger documents are not allowed: ${uri}` };
  }
  if (!isUri(uri)) return { code: "INVALID_LEDGER_DOCUMENT", message: `The ledger document URI "${uri}" is not a valid URI.` };
  return null;
}

function has(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

function describeLevel(context: EmulatorContext, level: InventoryLevelRecord): string {
  const item = context.store.inventoryItems.get(level.itemId);
  const sku = item ? context.store.variants.get(item.variantId)?.sku : null;
  const location = context.store.locations.get(level.locationId);
  return `SKU ${sku ?? level.itemId} at ${location?.name ?? `location ${level.locationId}`}`;
}

/** Tracks quantities as a batch of changes would leave them, to check bounds once. */
class Projection {
  private values = new Map<string, number>();
  add(level: InventoryLevelRecord, name: StoredQuantityName, delta: number): number {
    const key = `${level.itemId}:${level.locationId}:${name}`;
    const next = (this.values.get(key) ?? level.quantities[name]) + delta;
    this.values.set(key, next);
    return next;
  }
}

/* ---------------------------------------------------------------- adjust */

interface ChangeInput {
  inventoryItemId: string;
  locationId: string;
  delta: number;
  changeFromQuantity?: number | null;
  ledgerDocumentUri?: string | null;
}

interface AdjustInput {
  name: string;
  reason: string;
  referenceDocumentUri?: string | null;
  changes: ChangeInput[];
}

function adjust(args: Record<string, unknown>, context: EmulatorContext): unknown {
  const input = args.input as AdjustInput;
  const { store } = context;
  const errors: UserError[] = [];
  const nameOk = (ADJUSTABLE as readonly string[]).includes(input.name);
  if (!nameOk) {
    errors.push({
      field: ["input", "name"],
      message: `The quantity name "${input.name}" can't be adjusted; use one of: ${ADJUSTABLE.join(", ")}.`,
      code: "INVALID_QUANTITY_NAME",
    });
  }
  if (!(INVENTORY_REASONS as readonly string[]).includes(input.reason)) {
    errors.push({ field: ["input", "reason"], message: `The reason "${input.reason}" is not an inventory reason.`, code: "INVALID_REASON" });
  }
  if (input.referenceDocumentUri && !isUri(input.referenceDocumentUri)) {
    errors.push({
      field: ["input", "referenceDocumentUri"],
      message: `The reference document URI "${input.referenceDocumentUri}" is not a valid URI.`,
      code: "INVALID_REFERENCE_DOCUMENT",
    });
  }
  const name = input.name as StoredQuantityName;
  const projection = new Projection();
  const deltas: InventoryDelta[] = [];
  input.changes.forEach((change, index) => {
    const at = (...rest: string[]): string[] => ["input", "changes", String(index), ...rest];
    if (!has(change, "changeFromQuantity")) {
      errors.push({
        field: at("changeFromQuantity"),
        message: "changeFromQuantity must be passed: the quantity you expect before the change, or null to skip the compare-and-swap check.",
        code: null,
      });
    }
    const itemId = idOf(change.inventoryItemId, "InventoryItem");
    const item = itemId === null ? undefined : store.inventoryItems.get(itemId);
    if (!item) {
      errors.push({ field: at("inventoryItemId"), message: `The inventory item ${change.inventoryItemId} could not be found.`, code: "INVALID_INVENTORY_ITEM" });
    }
    const locationId = idOf(change.locationId, "Location");
    const location = locationId === null ? undefined : store.locations.get(locationId);
    if (!location) {
      errors.push({ field: at("locationId"), message: `The location ${change.locationId} could not be found.`, code: "INVALID_LOCATION" });
    }
    if (nameOk) {
      const problem = ledgerProblem(name, change.ledgerDocumentUri);
      if (problem) errors.push({ field: at("ledgerDocumentUri"), ...problem });
    }
    if (!item || !location || !nameOk) return;
    const level = store.level(item.id, location.id);
    if (!level) {
      throw notEmulated(`inventoryAdjustQuantities at a location where the item is not stocked (${change.inventoryItemId} at ${change.locationId})`);
    }
    if (typeof change.changeFromQuantity === "number" && change.changeFromQuantity !== level.quantities[name]) {
      errors.push({
        field: at("changeFromQuantity"),
        message: `${describeLevel(context, level)} has ${name} ${level.quantities[name]}, not the ${change.changeFromQuantity} the change expected.`,
        code: "CHANGE_FROM_QUANTITY_STALE",
      });
    }
    const after = projection.add(level, name, change.delta);
    if (after > QUANTITY_LIMIT) {
      errors.push({ field: at("delta"), message: `The quantity can't be higher than 2,000,000,000 (${describeLevel(context, level)}).`, code: "INVALID_QUANTITY_TOO_HIGH" });
    } else if (after < -QUANTITY_LIMIT) {
      errors.push({ field: at("delta"), message: `The quantity can't be lower than -2,000,000,000 (${describeLevel(context, level)}).`, code: "INVALID_QUANTITY_TOO_LOW" });
    } else if (name !== "available" && after < 0) {
      // Only `available` may go negative (overselling); the unavailable states may not.
      errors.push({
        field: at("delta"),
        message: `${describeLevel(context, level)} has ${name} ${level.quantities[name]}; a delta of ${change.delta} would make it ${after}.`,
        code: "INVALID_QUANTITY_TOO_LOW",
      });
    }
    deltas.push({ itemId: item.id, locationId: location.id, name, delta: change.delta, ledgerDocumentUri: change.ledgerDocumentUri ?? null });
  });
  if (errors.length > 0) return { inventoryAdjustmentGroup: null, userErrors: errors };
  const group = store.applyInventory({ reason: input.reason, referenceDocumentUri: input.referenceDocumentUri ?? null, deltas });
  return { inventoryAdjustmentGroup: node.adjustmentGroup(group), userErrors: [] };
}

/* ---------------------------------------------------------------- move */

interface TerminalInput {
  locationId: string;
  name: string;
  changeFromQuantity?: number | null;
  ledgerDocumentUri?: string | null;
}

interface MoveInput {
  reason: string;
  referenceDocumentUri: string;
  changes: { inventoryItemId: string; quantity: number; from: TerminalInput; to: TerminalInput }[];
}

function move(args: Record<string, unknown>, context: EmulatorContext): unknown {
  const input = args.input as MoveInput;
  const { store } = context;
  const errors: UserError[] = [];
  if (!(INVENTORY_REASONS as readonly string[]).includes(input.reason)) {
    errors.push({ field: ["input", "reason"], message: `The reason "${input.reason}" is not an inventory reason.`, code: "INVALID_REASON" });
  }
  if (!isUri(input.referenceDocumentUri)) {
    errors.push({
      field: ["input", "referenceDocumentUri"],
      message: `The reference document URI "${input.referenceDocumentUri}" is not a valid URI.`,
      code: "INVALID_REFERENCE_DOCUMENT",
    });
  }
  const projection = new Projection();
  const deltas: InventoryDelta[] = [];
  input.changes.forEach((change, index) => {
    const at = (...rest: string[]): string[] => ["input", "changes", String(index), ...rest];
    const count = errors.length;
    if (change.quantity < 0) errors.push({ field: at("quantity"), message: "The quantity can't be negative.", code: "INVALID_QUANTITY_NEGATIVE" });
    if (change.quantity > QUANTITY_LIMIT) errors.push({ field: at("quantity"), message: "The quantity can't be higher than 2,000,000,000.", code: "INVALID_QUANTITY_TOO_HIGH" });
    const itemId = idOf(change.inventoryItemId, "InventoryItem");
    const item = itemId === null ? undefined : store.inventoryItems.get(itemId);
    if (!item) {
      errors.push({ field: at("inventoryItemId"), message: `The inventory item ${change.inventoryItemId} could not be found.`, code: "INVALID_INVENTORY_ITEM" });
    }
    const ends = (["from", "to"] as const).map((end) => {
      const terminal = change[end];
      const allowed = end === "from" ? MOVABLE_FROM : MOVABLE_TO;
      if (!has(terminal, "changeFromQuantity")) {
        errors.push({
          field: at(end, "changeFromQuantity"),
          message: "changeFromQuantity must be passed: the quantity you expect before the move, or null to skip the compare-and-swap check.",
          code: null,
        });
      }
      const locationId = idOf(terminal.locationId, "Location");
      const location = locationId === null ? undefined : store.locations.get(locationId);
      if (!location) errors.push({ field: at(end, "locationId"), message: `The location ${terminal.locationId} could not be found.`, code: "INVALID_LOCATION" });
      const nameOk = (allowed as readonly string[]).includes(terminal.name);
      if (!nameOk) {
        errors.push({
          field: at(end, "name"),
          message: `Units can't be moved ${end} "${terminal.name}"; use one of: ${allowed.join(", ")}.`,
          code: "INVALID_QUANTITY_NAME",
        });
      } else {
        const problem = ledgerProblem(terminal.name, terminal.ledgerDocumentUri);
        if (problem) errors.push({ field: at(end, "ledgerDocumentUri"), ...problem });
      }
      return { terminal, location, name: nameOk ? (terminal.name as StoredQuantityName) : null };
    });
    const [from, to] = ends as [(typeof ends)[number], (typeof ends)[number]];
    if (from.location && to.location && from.location.id !== to.location.id) {
      errors.push({ field: at("to", "locationId"), message: "The quantities can't be moved between different locations.", code: "DIFFERENT_LOCATIONS" });
    }
    if (from.terminal.name === to.terminal.name) {
      errors.push({ field: at("to", "name"), message: `The quantity can't be moved from "${from.terminal.name}" to itself.`, code: "SAME_QUANTITY_NAME" });
    }
    if (errors.length > count || !item || !from.location || !from.name || !to.name) return;
    const level = store.level(item.id, from.location.id);
    if (!level) {
      throw notEmulated(`inventoryMoveQuantities at a location where the item is not stocked (${change.inventoryItemId} at ${from.terminal.locationId})`);
    }
    for (const [end, side] of [["from", from], ["to", to]] as const) {
      const expected = side.terminal.changeFromQuantity;
      const name = side.name as StoredQuantityName;
      if (typeof expected === "number" && expected !== level.quantities[name]) {
        errors.push({
          field: at(end, "changeFromQuantity"),
          message: `${describeLevel(context, level)} has ${name} ${level.quantities[name]}, not the ${expected} the move expected.`,
          code: "CHANGE_FROM_QUANTITY_STALE",
        });
      }
    }
    const left = projection.add(level, from.name, -change.quantity);
    const right = projection.add(level, to.name, change.quantity);
    if (left < 0) {
      errors.push({
        field: at("quantity"),
        message: `${describeLevel(context, level)} has ${from.name} ${level.quantities[from.name]}; moving ${change.quantity} would leave ${left}.`,
        code: "INVALID_QUANTITY_NEGATIVE",
      });
    }
    if (right > QUANTITY_LIMIT) {
      errors.push({ field: at("quantity"), message: "The quantity can't be higher than 2,000,000,000.", code: "INVALID_QUANTITY_TOO_HIGH" });
    }
    deltas.push(
      { itemId: item.id, locationId: level.locationId, name: from.name, delta: -change.quantity, ledgerDocumentUri: from.terminal.ledgerDocumentUri ?? null },
      { itemId: item.id, locationId: level.locationId, name: to.name, delta: change.quantity, ledgerDocumentUri: to.terminal.ledgerDocumentUri ?? null },
    );
  });
  if (errors.length > 0) return { inventoryAdjustmentGroup: null, userErrors: errors };
  const group = store.applyInventory({ reason: input.reason, referenceDocumentUri: input.referenceDocumentUri, deltas });
  return { inventoryAdjustmentGroup: node.adjustmentGroup(group), userErrors: [] };
}

export const inventoryAdjustQuantities = idempotent("inventoryAdjustQuantities", adjust);
export const inventoryMoveQuantities = idempotent("inventoryMoveQuantities", move);
