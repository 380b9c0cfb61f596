/**
 * Every webhook topic Peakguard subscribes to (shopify.app.toml), with the
 * issue area that consumes it. One route file per topic:
 * app/routes/webhooks.<topic with "/" → ".">.tsx, serving /webhooks/<topic>.
 * tests/config/app-toml.test.ts keeps this list, the toml and the routes equal.
 */
export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;

export const SUBSCRIBED_TOPICS = [
  // app lifecycle
  "app/uninstalled",
  "app/scopes_update",
  // orders and money
  "orders/create",
  "orders/updated",
  "orders/paid",
  "orders/cancelled",
  "orders/fulfilled",
  "orders/partially_fulfilled",
  "orders/edited",
  "orders/delete",
  "refunds/create",
  "disputes/create",
  "disputes/update",
  // returns
  "returns/request",
  "returns/approve",
  "returns/decline",
  "returns/cancel",
  "returns/close",
  "returns/reopen",
  "returns/process",
  "returns/update",
  "reverse_fulfillment_orders/dispose",
  // catalog and inventory
  "products/create",
  "products/update",
  "products/delete",
  "inventory_items/create",
  "inventory_items/update",
  "inventory_items/delete",
  "inventory_levels/connect",
  "inventory_levels/update",
  "inventory_levels/disconnect",
  "inventory_transfers/add_items",
  "inventory_transfers/cancel",
  "inventory_transfers/complete",
  "inventory_transfers/ready_to_ship",
  "inventory_transfers/remove_items",
  "inventory_transfers/update_item_quantities",
  "inventory_transfers/updated",
  "inventory_shipments/add_items",
  "inventory_shipments/create",
  "inventory_shipments/delete",
  "inventory_shipments/mark_in_transit",
  "inventory_shipments/receive_items",
  "inventory_shipments/remove_items",
  "inventory_shipments/update_item_quantities",
  "inventory_shipments/update_tracking",
  "locations/create",
  "locations/update",
  "locations/delete",
  "locations/activate",
  "locations/deactivate",
  "customers/create",
  "customers/update",
  "customers/delete",
  "bulk_operations/finish",
] as const;

export type ComplianceTopic = (typeof COMPLIANCE_TOPICS)[number];
export type SubscribedTopic = (typeof SUBSCRIBED_TOPICS)[number];
export type WebhookTopic = SubscribedTopic | ComplianceTopic;

export const ALL_TOPICS: readonly WebhookTopic[] = [...SUBSCRIBED_TOPICS, ...COMPLIANCE_TOPICS];

/** "orders/create" → "ORDERS_CREATE", the form authenticate.webhook reports and the Admin API's enum uses. */
export function topicEnum(topic: string): string {
  return topic.replace(/[/.]/g, "_").toUpperCase();
}

/** "orders/create" → "app/routes/webhooks.orders.create.tsx". */
export function routeFileFor(topic: string): string {
  return `app/routes/webhooks.${topic.replace("/", ".")}.tsx`;
}

export function isKnownTopic(topic: string): topic is WebhookTopic {
  return (ALL_TOPICS as readonly string[]).includes(topic);
}
