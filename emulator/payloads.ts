/**
 * Webhook payloads, shaped like Shopify's REST-style webhook bodies: snake_case,
 * numeric ids next to `admin_graphql_api_id`, amounts as two-decimal strings,
 * timestamps in the shop's time zone with offset. Fields the store does not model
 * are left out rather than invented.
 */
import { gid, moneyString, restTime } from "./ids";
import type {
  CustomerRecord,
  DiscountRecord,
  DispositionRecord,
  InventoryItemRecord,
  InventoryLevelRecord,
  LocationRecord,
  OrderRecord,
  ProductRecord,
  RefundRecord,
  ReturnRecord,
  ReverseFulfillmentOrderRecord,
} from "./model";
import { currentQuantity, orderTotals, refundedTotal, unfulfilled } from "./model";
import type { Store } from "./store";

type Payload = Record<string, unknown>;

function at(store: Store, iso: string | null): string | null {
  return iso === null ? null : restTime(Date.parse(iso), store.shop.ianaTimezone);
}

function moneySet(store: Store, cents: number): Payload {
  const money = { amount: moneyString(cents), currency_code: store.shop.currencyCode };
  return { shop_money: money, presentment_money: money };
}

export function product(store: Store, record: ProductRecord): Payload {
  const variants = store.variantsOf(record);
  return {
    admin_graphql_api_id: gid("Product", record.id),
    created_at: at(store, record.createdAt),
    handle: record.handle,
    id: record.id,
    product_type: record.productType,
    title: record.title,
    updated_at: at(store, record.updatedAt),
    vendor: record.vendor,
    status: record.status.toLowerCase(),
    tags: record.tags.join(", "),
    variants: variants.map((variant) => {
      const item = store.inventoryItems.get(variant.inventoryItemId);
      return {
        admin_graphql_api_id: gid("ProductVariant", variant.id),
        barcode: variant.barcode,
        compare_at_price: variant.compareAtPrice === null ? null : moneyString(variant.compareAtPrice),
        created_at: at(store, variant.createdAt),
        id: variant.id,
        inventory_policy: variant.inventoryPolicy.toLowerCase(),
        position: variant.position,
        price: moneyString(variant.price),
        product_id: record.id,
        sku: variant.sku,
        taxable: variant.taxable,
        title: variant.title,
        updated_at: at(store, variant.updatedAt),
        inventory_item_id: variant.inventoryItemId,
        inventory_quantity: item?.tracked ? store.availableTotal(variant.inventoryItemId) : 0,
      };
    }),
    variant_gids: variants.map((variant) => ({
      admin_graphql_api_id: gid("ProductVariant", variant.id),
      updated_at: new Date(Date.parse(variant.updatedAt)).toISOString(),
    })),
  };
}

export function productDeleted(record: ProductRecord): Payload {
  return { id: record.id };
}

export function inventoryLevel(store: Store, level: InventoryLevelRecord): Payload {
  return {
    inventory_item_id: level.itemId,
    location_id: level.locationId,
    available: level.quantities.available,
    updated_at: at(store, level.updatedAt),
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${level.locationId}?inventory_item_id=${level.itemId}`,
  };
}

export function inventoryItem(store: Store, item: InventoryItemRecord): Payload {
  const variant = store.variants.get(item.variantId);
  return {
    id: item.id,
    sku: variant?.sku ?? null,
    created_at: at(store, item.createdAt),
    updated_at: at(store, item.updatedAt),
    requires_shipping: item.requiresShipping,
    tracked: item.tracked,
    admin_graphql_api_id: gid("InventoryItem", item.id),
  };
}

export function location(store: Store, record: LocationRecord): Payload {
  return {
    id: record.id,
    name: record.name,
    address1: record.address.address1,
    address2: record.address.address2,
    city: record.address.city,
    zip: record.address.zip,
    province: record.address.province,
    country: record.address.countryCode,
    phone: record.address.phone,
    created_at: at(store, record.createdAt),
    updated_at: at(store, record.updatedAt),
    country_code: record.address.countryCode,
    country_name: record.address.country,
    province_code: record.address.provinceCode,
    active: record.isActive,
    admin_graphql_api_id: gid("Location", record.id),
  };
}

function lineItem(store: Store, order: OrderRecord, line: OrderRecord["lineItems"][number]): Payload {
  const fulfillable = order.cancelledAt ? 0 : unfulfilled(line);
  return {
    id: line.id,
    admin_graphql_api_id: gid("LineItem", line.id),
    current_quantity: currentQuantity(line),
    fulfillable_quantity: fulfillable,
    fulfillment_status: line.fulfilledQuantity === 0 ? null : unfulfilled(line) === 0 ? "fulfilled" : "partial",
    name: line.variantTitle ? `${line.title} - ${line.variantTitle}` : line.title,
    price: moneyString(line.price),
    price_set: moneySet(store, line.price),
    product_id: line.productId,
    quantity: line.quantity,
    sku: line.sku,
    title: line.title,
    variant_id: line.variantId,
    variant_title: line.variantTitle,
    vendor: line.vendor,
  };
}

function orderCustomer(store: Store, customerId: number | null): Payload | null {
  const record = customerId === null ? undefined : store.customers.get(customerId);
  if (!record) return null;
  return {
    id: record.id,
    email: record.email,
    first_name: record.firstName,
    last_name: record.lastName,
    phone: record.phone,
    created_at: at(store, record.createdAt),
    updated_at: at(store, record.updatedAt),
    tags: record.tags.join(", "),
    admin_graphql_api_id: gid("Customer", record.id),
  };
}

/** customers/create, customers/update. */
export function customer(store: Store, record: CustomerRecord): Payload {
  return {
    id: record.id,
    email: record.email,
    created_at: at(store, record.createdAt),
    updated_at: at(store, record.updatedAt),
    first_name: record.firstName,
    last_name: record.lastName,
    note: record.note,
    tags: record.tags.join(", "),
    currency: store.shop.currencyCode,
    phone: record.phone,
    admin_graphql_api_id: gid("Customer", record.id),
  };
}

export function order(store: Store, record: OrderRecord): Payload {
  const totals = orderTotals(record);
  return {
    id: record.id,
    admin_graphql_api_id: gid("Order", record.id),
    cancel_reason: record.cancelReason === null ? null : record.cancelReason.toLowerCase(),
    cancelled_at: at(store, record.cancelledAt),
    created_at: at(store, record.createdAt),
    currency: store.shop.currencyCode,
    email: record.email,
    financial_status: record.financialStatus.toLowerCase(),
    fulfillment_status:
      record.fulfillmentStatus === "FULFILLED" ? "fulfilled" : record.fulfillmentStatus === "PARTIALLY_FULFILLED" ? "partial" : null,
    name: record.name,
    number: record.number - 1000,
    order_number: record.number,
    processed_at: at(store, record.processedAt),
    subtotal_price: moneyString(totals.subtotal),
    subtotal_price_set: moneySet(store, totals.subtotal),
    tags: record.tags.join(", "),
    test: record.test,
    total_discounts: moneyString(totals.discounts),
    total_discounts_set: moneySet(store, totals.discounts),
    total_price: moneyString(totals.total),
    total_price_set: moneySet(store, totals.total),
    total_shipping_price_set: moneySet(store, totals.shipping),
    total_tax: moneyString(totals.tax),
    total_tax_set: moneySet(store, totals.tax),
    updated_at: at(store, record.updatedAt),
    customer: orderCustomer(store, record.customerId),
    line_items: record.lineItems.map((line) => lineItem(store, record, line)),
    refunds: record.refunds.map((one) => refundBody(store, record, one)),
    total_refunded_set: moneySet(store, refundedTotal(record)),
  };
}

function refundBody(store: Store, orderRecord: OrderRecord, record: RefundRecord): Payload {
  return {
    id: record.id,
    admin_graphql_api_id: gid("Refund", record.id),
    created_at: at(store, record.createdAt),
    note: record.note,
    order_id: orderRecord.id,
    processed_at: at(store, record.createdAt),
    restock: record.lines.some((line) => line.restockType !== "no_restock"),
    return: record.returnId === null ? null : { id: record.returnId, admin_graphql_api_id: gid("Return", record.returnId) },
    refund_line_items: record.lines.map((line) => {
      const item = orderRecord.lineItems.find((candidate) => candidate.id === line.lineItemId);
      return {
        id: line.id,
        line_item_id: line.lineItemId,
        location_id: line.locationId,
        quantity: line.quantity,
        restock_type: line.restockType,
        subtotal: moneyString(line.subtotal),
        subtotal_set: moneySet(store, line.subtotal),
        total_tax: moneyString(line.totalTax),
        total_tax_set: moneySet(store, line.totalTax),
        line_item: item ? lineItem(store, orderRecord, item) : null,
      };
    }),
    transactions: orderRecord.transactions
      .filter((t) => record.transactionIds.includes(t.id))
      .map((t) => ({
        id: t.id,
        admin_graphql_api_id: gid("OrderTransaction", t.id),
        amount: moneyString(t.amount),
        created_at: at(store, t.createdAt),
        currency: store.shop.currencyCode,
        kind: "refund",
        order_id: orderRecord.id,
        parent_id: t.parentId,
        processed_at: at(store, t.processedAt),
        status: t.status.toLowerCase(),
        test: t.test,
      })),
  };
}

export function refund(store: Store, orderRecord: OrderRecord, record: RefundRecord): Payload {
  return refundBody(store, orderRecord, record);
}

export function shop(store: Store): Payload {
  const record = store.shop;
  return {
    id: record.id,
    name: record.name,
    email: record.email,
    domain: record.myshopifyDomain,
    myshopify_domain: record.myshopifyDomain,
    created_at: at(store, record.createdAt),
    updated_at: at(store, record.updatedAt),
    currency: record.currencyCode,
    iana_timezone: record.ianaTimezone,
    plan_display_name: record.plan.publicDisplayName,
  };
}

export function bulkOperationFinish(
  store: Store,
  record: { id: number; status: string; errorCode: string | null; createdAt: string; completedAt: string | null },
): Payload {
  return {
    admin_graphql_api_id: gid("BulkOperation", record.id),
    completed_at: at(store, record.completedAt),
    created_at: at(store, record.createdAt),
    error_code: record.errorCode === null ? null : record.errorCode.toLowerCase(),
    status: record.status.toLowerCase(),
    type: "query",
  };
}

/* ---------------------------------------------------------------- returns */

function ref(type: string, id: number): Payload {
  return { id, admin_graphql_api_id: gid(type, id) };
}

/**
 * returns/request, returns/approve, returns/process and returns/update: the
 * return with its lines (fulfillment line item and order line item ids), fees
 * and status. Exchanges are not emulated, so their lists are empty.
 */
export function returnBody(store: Store, record: ReturnRecord): Payload {
  const orderRecord = store.orders.get(record.orderId);
  return {
    id: record.id,
    admin_graphql_api_id: gid("Return", record.id),
    name: record.name,
    status: record.status.toLowerCase(),
    order: orderRecord ? ref("Order", orderRecord.id) : null,
    order_id: record.orderId,
    created_at: at(store, record.createdAt),
    updated_at: at(store, record.updatedAt),
    total_return_line_items: record.lines.length,
    return_line_items: record.lines.map((line) => ({
      ...ref("ReturnLineItem", line.id),
      fulfillment_line_item: { ...ref("FulfillmentLineItem", line.fulfillmentLineItemId), line_item: ref("LineItem", line.lineItemId) },
      quantity: line.quantity,
      processed_quantity: line.processedQuantity,
      return_reason: line.returnReason.toLowerCase(),
      return_reason_note: line.returnReasonNote,
      customer_note: line.customerNote,
      restocking_fee: line.restockingFee ? { ...ref("RestockingFee", line.restockingFee.id), percentage: line.restockingFee.percentage } : null,
    })),
    return_shipping_fees: record.shippingFees.map((fee) => ({ ...ref("ReturnShippingFee", fee.id), price: moneySet(store, fee.amount) })),
    total_exchange_line_items: 0,
    exchange_line_items: [],
  };
}

/** returns/decline, returns/cancel, returns/close, returns/reopen: the return's id, order and new status. */
export function returnStatus(store: Store, record: ReturnRecord): Payload {
  return {
    id: record.id,
    admin_graphql_api_id: gid("Return", record.id),
    order_id: record.orderId,
    status: record.status.toLowerCase(),
    ...(record.status === "DECLINED" && record.decline
      ? { decline: { reason: record.decline.reason.toLowerCase(), note: record.decline.note } }
      : {}),
  };
}

/** reverse_fulfillment_orders/dispose: the dispositions one call made. */
export function reverseFulfillmentOrderDispose(
  store: Store,
  record: ReverseFulfillmentOrderRecord,
  made: { lineId: number; disposition: DispositionRecord }[],
): Payload {
  return {
    id: record.id,
    admin_graphql_api_id: gid("ReverseFulfillmentOrder", record.id),
    order_id: record.orderId,
    total_dispositions: made.length,
    dispositions: made.map(({ lineId, disposition }) => ({
      reverse_fulfillment_order_line_item: ref("ReverseFulfillmentOrderLineItem", lineId),
      reverse_delivery_line_item: null,
      type: disposition.type.toLowerCase(),
      location: disposition.locationId === null ? null : ref("Location", disposition.locationId),
      quantity: disposition.quantity,
    })),
  };
}

/* -------------------------------------------------------------- discounts */

/** discounts/create, discounts/update. */
export function discount(store: Store, record: DiscountRecord, status: string): Payload {
  return {
    admin_graphql_api_id: gid("DiscountAutomaticNode", record.id),
    title: record.title,
    status,
    created_at: at(store, record.createdAt),
    updated_at: at(store, record.updatedAt),
  };
}

/** discounts/delete. */
export function discountDeleted(store: Store, id: number): Payload {
  return { admin_graphql_api_id: gid("DiscountAutomaticNode", id), deleted_at: at(store, store.now()) };
}
