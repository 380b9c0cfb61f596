/**
 * The simulator's result as text for the terminal (`npm run checkout`), and as JSON
 * (`--json`): the shopper's view first, then the per-function table against Shopify's limits.
 */
import { SHOPIFY_LIMITS } from "../../functions/sandbox";
import type { CheckoutResult } from "./run";

const n = (value: number): string => value.toLocaleString("en-US");

function table(rows: string[][], rightAligned: ReadonlySet<number> = new Set()): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}

export function formatCheckout(result: CheckoutResult, options: { cartName?: string } = {}): string {
  const { shopper, cart, state } = result;
  const out: string[] = [];
  const buyer = cart.buyer
    ? cart.buyer.customerId !== null
      ? `customer ${cart.buyer.customerId}${cart.buyer.isAuthenticated ? " (logged in)" : ""}`
      : cart.buyer.email ?? cart.buyer.phone ?? "guest"
    : "guest";
  const where = cart.retailLocationId !== null
    ? `POS at ${state.snapshot.locations.get(cart.retailLocationId)?.name ?? cart.retailLocationId}`
    : cart.address
      ? `ship to ${[cart.address.city, cart.address.provinceCode, cart.address.countryCode].filter(Boolean).join(", ")}`
      : "no address yet";
  out.push(`Checkout${options.cartName ? ` ${options.cartName}` : ""} — ${state.snapshot.shop.myshopifyDomain} · ${shopper.lines.length} line(s) · ${shopper.currency} · ${buyer} · ${where} · shop time ${state.nowWall}`);
  out.push("");

  const shown = shopper.lines.length > 12 ? [...shopper.lines.slice(0, 10)] : shopper.lines;
  const lineRows = [["#", "item", "qty", "unit", "total", "after discounts", "discounts"]];
  for (const line of shown) {
    lineRows.push([
      line.id.replace("gid://shopify/CartLine/", ""),
      `${line.title}${line.variantTitle ? ` / ${line.variantTitle}` : ""}`,
      String(line.quantity),
      line.unitPrice.formatted,
      line.originalTotal.formatted,
      line.finalTotal.formatted,
      line.discounts.map((d) => `−${d.amount.formatted} ${d.title} (${d.discountClass.toLowerCase()})`).join("; "),
    ]);
  }
  out.push(...table(lineRows, new Set([2, 3, 4, 5])).map((l) => `  ${l}`));
  if (shown.length < shopper.lines.length) out.push(`  … ${shopper.lines.length - shown.length} more lines (--json for all)`);
  out.push("");

  const money: string[][] = [];
  if (shopper.linesTotal.cents !== shopper.subtotal.cents) money.push(["Items", shopper.linesTotal.formatted]);
  money.push(["Subtotal", shopper.subtotal.formatted]);
  for (const d of shopper.orderDiscounts) money.push([`Discount: ${d.title}${d.code ? ` (${d.code})` : ""}`, `−${d.amount.formatted}`]);
  if (shopper.shipping) {
    const s = shopper.shipping;
    money.push([`Shipping${s.option ? ` (${s.option})` : " (not yet chosen)"}`, s.original.cents !== s.cost.cents ? `${s.cost.formatted} (was ${s.original.formatted})` : s.cost.formatted]);
  }
  money.push(["Total (taxes not simulated)", shopper.total.formatted]);
  if (shopper.totalSavings.cents > 0) money.push(["You save", shopper.totalSavings.formatted]);
  out.push(...table(money, new Set([1])).map((l) => `  ${l}`));
  out.push("");

  if (shopper.discountCodes.length > 0) {
    out.push(`Discount codes: ${shopper.discountCodes.map((c) => `${c.code} ${c.status}${c.message ? ` ("${c.message}")` : ""}`).join(", ")}`);
  }
  if (shopper.validationErrors.length > 0) {
    out.push("Validation errors:");
    for (const e of shopper.validationErrors) out.push(`  [${e.target}] ${e.message}  — ${e.by}`);
  }
  out.push(shopper.checkoutBlocked ? `Checkout: BLOCKED by ${shopper.blockedBy.join(", ")}` : "Checkout: can complete");

  for (const group of shopper.deliveryGroups) {
    const options = group.options.map((o) => {
      const price = o.discountedCost.cents !== o.cost.cents ? `${o.discountedCost.formatted} (was ${o.cost.formatted})` : o.cost.formatted;
      return `${o.selected ? "(•)" : "( )"} ${o.title}${o.title !== o.originalTitle ? ` [was "${o.originalTitle}"]` : ""} ${price}`;
    });
    out.push(`Delivery: ${options.join("  ") || "no options (no address)"}`);
    for (const h of group.hidden) out.push(`  hidden: ${h.title} — ${h.hiddenBy}`);
  }
  out.push(`Payment: ${shopper.paymentMethods.map((p) => `${p.name}${p.name !== p.originalName ? ` [was "${p.originalName}"]` : ""}`).join(", ") || "none"}`);
  for (const h of shopper.hiddenPaymentMethods) out.push(`  hidden: ${h.name} (${h.placements.join(", ")}) — ${h.hiddenBy}`);
  for (const t of shopper.paymentTerms) out.push(`  payment terms: ${JSON.stringify(t.terms)} — ${t.by}`);
  for (const r of shopper.orderReviews) out.push(`  order review: ${r.reason} — ${r.by}`);
  for (const f of shopper.fulfillment) {
    const stock = f.inventoryLocations.map((l) => l.name).join(", ") || "no location has stock";
    const ranking = f.ranking ? f.ranking.map((r) => `${r.rank}. ${r.name}`).join("  ") : "no ranking (Shopify's default routing)";
    out.push(`Fulfillment ${f.handle}: stocked at ${stock}; ranking: ${ranking}`);
  }
  for (const c of shopper.fulfillmentConstraints) out.push(`Constraint ${c.operation}: ${JSON.stringify(c.detail)} — ${c.by}`);
  if (shopper.notes.length > 0) {
    out.push("Notes:");
    for (const note of shopper.notes) out.push(`  - ${note}`);
  }
  out.push("");

  out.push("Functions (instructions: QuickJS-in-Wasm proxy; budget includes start-up)");
  if (result.runs.length === 0) out.push("  none ran");
  else {
    const rows = [["extension", "target", "owner", "status", "instructions", "start-up", "budget", "used", "input B", "output B"]];
    for (const r of result.runs) {
      rows.push([
        r.extension,
        r.target,
        `${r.owner.title}${r.owner.source !== "store" ? ` (${r.owner.source})` : ""}`,
        r.status,
        n(r.instructions),
        n(r.startupInstructions),
        r.limits ? n(r.limits.budget) : "-",
        r.limits ? `${(r.limits.budgetUsed * 100).toFixed(1)}%` : "-",
        `${n(r.inputBytes)}`,
        `${n(r.outputBytes)}`,
      ]);
    }
    out.push(...table(rows, new Set([4, 5, 6, 7, 8, 9])).map((l) => `  ${l}`));
    out.push(`  limits: ${n(SHOPIFY_LIMITS.instructions)} instructions up to 200 lines (scaled above), input ${n(SHOPIFY_LIMITS.inputBytes)} B, output ${n(SHOPIFY_LIMITS.outputBytes)} B`);
    for (const r of result.runs) {
      for (const e of r.errors) out.push(`  ! ${r.extension} ${r.target}: ${e}`);
      for (const log of r.logs) out.push(`  log ${r.extension}: ${log}`);
    }
  }
  for (const s of result.skipped) out.push(`  skipped ${s.extension} ${s.target}: ${s.reason}`);
  return out.join("\n");
}

/** The JSON form: the cart, the shopper view, every run (inputs and outputs included), what was skipped. */
export function checkoutJson(result: CheckoutResult): unknown {
  return { cart: result.cart, shopper: result.shopper, runs: result.runs, skipped: result.skipped };
}
