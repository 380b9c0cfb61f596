/**
 * The checkout simulator: a cart file against the store, every activated Function run in
 * Shopify's order, and what the shopper would see.
 *
 *   const result = await simulateCheckout({ cart, store });          // or snapshot / dump
 *   result.shopper      what the shopper sees (view.ts)
 *   result.runs         per function run: owner, input, output, instructions, bytes, limits, errors
 *   result.skipped      extensions/targets that did not run, and why
 *
 * Order (one checkout pass; each phase's functions read the state the phase started with,
 * then their operations apply in owner order):
 *   1. cart validations            cart.validations.generate.run           → validation errors
 *   2. discounts                   cart.lines.discounts.generate.run       (discounts with PRODUCT/ORDER class)
 *                                  cart.delivery-options.discounts.generate.run (SHIPPING class)
 *                                  → applied product → order → shipping (apply.ts)
 *   3. payment customizations      cart.payment-methods.transform.run      → hide / rename / move
 *   4. delivery customizations     cart.delivery-options.transform.run     → hide / rename / move
 *   5. order routing               cart.fulfillment-groups.location-rankings.generate.run → rankings
 *   6. fulfillment constraints     cart.fulfillment-constraints.generate.run → constraints
 * Validations and discount functions see the cart before discounts; later phases see line
 * and cart totals after them. `*.fetch` targets (network access) are not simulated.
 *
 * Which functions run: an extension runs once per owner the store has for it (its
 * `functions[].handle` → discounts / validations / customizations with that functionId;
 * enabled ones; discounts inside their startsAt/endsAt window). An extension without an
 * owner is skipped unless forced (`functions: [handle]` in the cart file or the options) or
 * given an owner override (`functionOwners` / `ownerOverrides`), which replaces the store's.
 */
import { stat } from "node:fs/promises";

import { buildFunction, listFunctionExtensions, type FunctionExtension, type FunctionTarget } from "../../functions/build";
import { checkLimits, countCartLines, runFunction, SHOPIFY_LIMITS, type LimitCheck } from "../../functions/sandbox";
import type { Store } from "../store";
import {
  applyDeliveryCustomization,
  applyDiscounts,
  applyFulfillmentConstraints,
  applyLocationRankings,
  applyPaymentCustomization,
  applyValidation,
  DELIVERY_DISCOUNT_TARGET,
  LINES_DISCOUNT_TARGET,
  type DiscountRunOutput,
} from "./apply";
import { parseCartFile, type CartFile, type FunctionOwnerOverride } from "./cart";
import { buildFunctionInput, targetInfo, validateOutput, type FunctionApi, type MetafieldRead, type ResolverOverrides } from "./input";
import { NO_COMBINATIONS, StoreSnapshot, type FunctionOwner, type OwnerKind, type StoreDump } from "./snapshot";
import { resolveCart, type CheckoutState } from "./state";
import { shopperView, type ShopperView } from "./view";
import { wallToUtcMs } from "./values";

export interface SimulateOptions {
  /** The cart: a parsed CartFile or raw JSON (checked with parseCartFile). */
  cart: CartFile | unknown;
  /** Names the cart in errors (a file path). */
  cartSource?: string;
  /** The store: one of store / snapshot / dump. */
  store?: Store;
  snapshot?: StoreSnapshot;
  dump?: StoreDump;
  /** Function extensions to consider (default: every one under extensions/). */
  extensions?: readonly FunctionExtension[];
  /** Handles to run even without an owner in the store (added to the cart file's `functions`). */
  functions?: readonly string[];
  /** Owners by extension handle, over the cart file's `functionOwners` and the store's owners. */
  ownerOverrides?: Record<string, FunctionOwnerOverride>;
  /** Build (typegen + esbuild) each extension before running it. Default false: run dist/function.js as built. */
  build?: boolean;
  /** Epoch ms for "now" when the cart file has no `now` (default Date.now). */
  clock?: () => number;
  /** Tests: replace input resolvers / change inputs before validation (see input.ts). */
  resolverOverrides?: ResolverOverrides;
  transformInput?: (input: Record<string, unknown>, run: { extension: string; target: string }) => Record<string, unknown>;
}

export interface FunctionRunReport {
  extension: string;
  handle: string;
  api: FunctionApi;
  target: string;
  export: string;
  owner: { title: string; gid: string | null; source: FunctionOwner["source"] };
  /** ok: ran and its operations were applied; error: see errors (nothing applied). */
  status: "ok" | "error";
  input: Record<string, unknown> | null;
  variables: Record<string, unknown>;
  output: unknown;
  inputBytes: number;
  outputBytes: number;
  instructions: number;
  startupInstructions: number;
  /** Length of the @scaleLimits lists in the input (cart lines). */
  cartLines: number;
  limits: LimitCheck | null;
  /** Everything that went wrong, prefixed: "input", "input validation", "run", "output", "limit". */
  errors: string[];
  metafieldReads: MetafieldRead[];
  logs: string[];
}

export interface SkippedFunction {
  extension: string;
  target: string;
  reason: string;
}

export interface CheckoutResult {
  cart: CartFile;
  shopper: ShopperView;
  runs: FunctionRunReport[];
  skipped: SkippedFunction[];
  /** The final checkout state (for tests and tools). */
  state: CheckoutState;
}

const PHASES: readonly (readonly string[])[] = [
  ["cart.validations.generate.run", "purchase.validation.run"],
  [LINES_DISCOUNT_TARGET, DELIVERY_DISCOUNT_TARGET],
  ["cart.payment-methods.transform.run", "purchase.payment-customization.run"],
  ["cart.delivery-options.transform.run", "purchase.delivery-customization.run"],
  ["cart.fulfillment-groups.location-rankings.generate.run"],
  ["cart.fulfillment-constraints.generate.run"],
];

interface PlannedRun {
  extension: FunctionExtension;
  target: FunctionTarget;
  owner: FunctionOwner;
}

export async function simulateCheckout(options: SimulateOptions): Promise<CheckoutResult> {
  const cart = isCartFile(options.cart) ? options.cart : parseCartFile(options.cart, options.cartSource);
  const snapshot = options.snapshot ?? (options.dump ? new StoreSnapshot(options.dump) : options.store ? StoreSnapshot.fromStore(options.store) : undefined);
  if (!snapshot) throw new Error("simulateCheckout: pass store, snapshot or dump");
  const clock = options.clock ?? Date.now;
  const state = resolveCart(snapshot, cart, { clock });
  const nowMs = cart.now ? wallToUtcMs(cart.now, snapshot.shop.ianaTimezone) : clock();

  const extensions = options.extensions ?? (await listFunctionExtensions());
  const forced = new Set([...cart.functions, ...(options.functions ?? [])]);
  const overrides = { ...cart.functionOwners, ...(options.ownerOverrides ?? {}) };
  const known = new Set(extensions.map((e) => e.handle));
  const skipped: SkippedFunction[] = [];
  // The caller's own list must name real extensions; a cart file's may name ones not in play.
  for (const handle of [...(options.functions ?? []), ...Object.keys(options.ownerOverrides ?? {})]) {
    if (!known.has(handle)) throw new Error(`functions: no function extension with handle "${handle}" (have: ${[...known].join(", ") || "none"})`);
  }
  for (const handle of new Set([...cart.functions, ...Object.keys(cart.functionOwners)])) {
    if (!known.has(handle)) skipped.push({ extension: handle, target: "-", reason: `the cart file names function ${handle}, which is not among the extensions simulated` });
  }
  const planned: PlannedRun[] = [];
  for (const extension of extensions) {
    for (const target of extension.targets) {
      const info = targetInfo(target.target);
      if (!info) {
        skipped.push({ extension: extension.name, target: target.target, reason: `target ${target.target} is not simulated (fetch targets need network access)` });
        continue;
      }
      const owners = ownersFor(snapshot, extension, info.ownerKind, forced, overrides[extension.handle], nowMs);
      if (owners.length === 0) {
        skipped.push({
          extension: extension.name,
          target: target.target,
          reason: `not activated: the store has no enabled ${info.ownerKind} for function ${extension.handle} (force it with functions: ["${extension.handle}"])`,
        });
        continue;
      }
      for (const owner of owners) {
        if (target.target === LINES_DISCOUNT_TARGET && !owner.discountClasses.some((c) => c === "PRODUCT" || c === "ORDER")) {
          skipped.push({ extension: extension.name, target: target.target, reason: `${owner.title} has no PRODUCT or ORDER class` });
          continue;
        }
        if (target.target === DELIVERY_DISCOUNT_TARGET && !owner.discountClasses.includes("SHIPPING")) {
          skipped.push({ extension: extension.name, target: target.target, reason: `${owner.title} has no SHIPPING class` });
          continue;
        }
        planned.push({ extension, target, owner });
      }
    }
  }

  // A build that fails (an extension mid-edit) fails that extension's runs, not the checkout.
  const buildErrors = new Map<string, string>();
  if (options.build) {
    for (const extension of new Set(planned.map((p) => p.extension))) {
      try {
        await buildFunction(extension);
      } catch (error) {
        buildErrors.set(extension.directory, error instanceof Error ? error.message : String(error));
      }
    }
  }

  const runs: FunctionRunReport[] = [];
  for (const phase of PHASES) {
    const phaseRuns = planned.filter((p) => phase.includes(p.target.target));
    const reports: { plan: PlannedRun; report: FunctionRunReport; operations: Record<string, unknown>[] | null }[] = [];
    // Every function of a phase reads the state the phase started with.
    for (const plan of phaseRuns) reports.push({ plan, ...(await runOne(plan, state, options, buildErrors.get(plan.extension.directory))) });
    const discountOutputs: DiscountRunOutput[] = [];
    for (const { plan, report, operations } of reports) {
      runs.push(report);
      if (plan.owner.kind === "validation" && report.status === "error" && plan.owner.blockOnFailure) {
        state.blockedBy.push(`${plan.owner.title} (the function failed and blockOnFailure is on)`);
      }
      if (!operations) continue;
      switch (plan.owner.kind) {
        case "validation":
          applyValidation(state, plan.owner, operations);
          break;
        case "discount":
          discountOutputs.push({ owner: plan.owner, target: plan.target.target as DiscountRunOutput["target"], operations });
          break;
        case "paymentCustomization":
          applyPaymentCustomization(state, plan.owner, operations);
          break;
        case "deliveryCustomization":
          applyDeliveryCustomization(state, plan.owner, operations);
          break;
        case "locationRule":
          applyLocationRankings(state, plan.owner, operations);
          break;
        case "fulfillmentConstraintRule":
          applyFulfillmentConstraints(state, plan.owner, operations);
          break;
      }
    }
    if (discountOutputs.length > 0) applyDiscounts(state, discountOutputs);
  }

  return { cart, shopper: shopperView(state), runs, skipped, state };
}

function isCartFile(value: unknown): value is CartFile {
  return value !== null && typeof value === "object" && Array.isArray((value as CartFile).functions) && typeof (value as CartFile).buyerJourneyStep === "string" && "functionOwners" in value;
}

function ownersFor(
  snapshot: StoreSnapshot,
  extension: FunctionExtension,
  kind: OwnerKind,
  forced: Set<string>,
  override: FunctionOwnerOverride | undefined,
  nowMs: number,
): FunctionOwner[] {
  const base = { kind, gid: null, enabled: true, blockOnFailure: false, triggeringDiscountCode: null };
  if (override) return [ownerFromOverride(snapshot, extension.handle, kind, override)];
  const owners = snapshot.ownersFor(extension.handle, kind).filter((owner) => {
    if (!owner.enabled) return false;
    const window = StoreSnapshot.discountWindow(owner);
    return !window || (Date.parse(window.startsAt) <= nowMs && (window.endsAt === null || nowMs < Date.parse(window.endsAt)));
  });
  if (owners.length > 0 || !forced.has(extension.handle)) return owners;
  return [
    {
      ...base,
      title: extension.handle,
      source: "forced",
      metafields: [],
      discountClasses: kind === "discount" ? ["PRODUCT", "ORDER", "SHIPPING"] : [],
      combinesWith: { ...NO_COMBINATIONS },
    },
  ];
}

/**
 * The owner a caller's override describes (metafield namespaces resolved like the store's:
 * `$app` → `app--<app id>`). Discounts default to all three classes and no combinations.
 */
export function ownerFromOverride(snapshot: StoreSnapshot, handle: string, kind: OwnerKind, override: FunctionOwnerOverride): FunctionOwner {
  return {
    kind,
    gid: null,
    enabled: true,
    title: override.title ?? handle,
    source: "override",
    metafields: override.metafields.map((m) => ({ ...m, namespace: snapshot.resolveNamespace(m.namespace) })),
    discountClasses: kind === "discount" ? [...(override.discountClasses ?? ["PRODUCT", "ORDER", "SHIPPING"])] : [],
    combinesWith: override.combinesWith ?? { ...NO_COMBINATIONS },
    triggeringDiscountCode: override.triggeringDiscountCode ?? null,
    blockOnFailure: override.blockOnFailure ?? false,
  };
}

async function runOne(
  plan: PlannedRun,
  state: CheckoutState,
  options: SimulateOptions,
  buildError?: string,
): Promise<{ report: FunctionRunReport; operations: Record<string, unknown>[] | null }> {
  const { extension, target, owner } = plan;
  const info = targetInfo(target.target);
  const report: FunctionRunReport = {
    extension: extension.name,
    handle: extension.handle,
    api: info?.api ?? "discount",
    target: target.target,
    export: target.export,
    owner: { title: owner.title, gid: owner.gid, source: owner.source },
    status: "error",
    input: null,
    variables: {},
    output: null,
    inputBytes: 0,
    outputBytes: 0,
    instructions: 0,
    startupInstructions: 0,
    cartLines: 0,
    limits: null,
    errors: [],
    metafieldReads: [],
    logs: [],
  };
  const built = await buildFunctionInput({
    extension,
    target,
    state,
    owner,
    overrides: options.resolverOverrides,
    transformInput: options.transformInput ? (input) => options.transformInput?.(input, { extension: extension.name, target: target.target }) ?? input : undefined,
  });
  report.variables = built.variables;
  report.metafieldReads = built.metafieldReads;
  report.input = built.input;
  report.errors.push(...built.errors.map((e) => `input: ${e}`));
  report.errors.push(...built.validationErrors.map((e) => `input validation (a simulator bug): ${e}`));
  for (const read of built.metafieldReads) {
    if (read.bytes > SHOPIFY_LIMITS.metafieldValueBytes) {
      report.errors.push(`limit: metafield ${read.namespace}.${read.key} on ${read.owner} is ${read.bytes} bytes, over the ${SHOPIFY_LIMITS.metafieldValueBytes} a function may read`);
    }
  }
  if (!built.input || built.errors.length > 0 || built.validationErrors.length > 0) return { report, operations: null };

  if (buildError) {
    report.errors.push(`build: ${buildError}`);
    return { report, operations: null };
  }
  const bundlePresent = await stat(extension.bundlePath).then(
    () => true,
    () => false,
  );
  if (!bundlePresent) {
    report.errors.push(`run: no bundle at ${extension.bundlePath}: build it first (npx tsx functions/build.ts ${extension.name})`);
    return { report, operations: null };
  }
  const run = await runFunction({ bundlePath: extension.bundlePath, exportName: target.export, input: built.input });
  report.output = run.output;
  report.inputBytes = run.inputBytes;
  report.outputBytes = run.outputBytes;
  report.instructions = run.instructions;
  report.startupInstructions = run.startupInstructions;
  report.logs = run.logs;
  report.cartLines = countCartLines(built.input);
  report.limits = checkLimits(run, report.cartLines);
  report.errors.push(...report.limits.violations.map((v) => `limit: ${v}`));
  if (run.error) {
    report.errors.push(`run: ${run.error}`);
    return { report, operations: null };
  }
  const outputErrors = await validateOutput(extension, target, run.output);
  report.errors.push(...outputErrors);
  // Shopify discards the output of a run that broke a limit or returned an invalid result.
  if (report.errors.length > 0) return { report, operations: null };
  report.status = "ok";
  const operations = (run.output as { operations?: unknown }).operations;
  return { report, operations: Array.isArray(operations) ? (operations as Record<string, unknown>[]) : [] };
}
