/**
 * Webhook handlers of the inventory area (catalog and inventory mirror, ATP,
 * transfers and shipments in transit, locations, bulk reconcile). Owned by
 * the inventory issue; entries are kept in the log until it is built.
 */
import { keptForLaterArea, type AreaHandlers } from "../webhooks/handler-types";

type InventoryTopic =
  | "inventory_items/create" | "inventory_items/update" | "inventory_items/delete"
  | "inventory_levels/connect" | "inventory_levels/update" | "inventory_levels/disconnect"
  | "inventory_transfers/add_items" | "inventory_transfers/cancel" | "inventory_transfers/complete"
  | "inventory_transfers/ready_to_ship" | "inventory_transfers/remove_items"
  | "inventory_transfers/update_item_quantities" | "inventory_transfers/updated"
  | "inventory_shipments/add_items" | "inventory_shipments/create" | "inventory_shipments/delete"
  | "inventory_shipments/mark_in_transit" | "inventory_shipments/receive_items"
  | "inventory_shipments/remove_items" | "inventory_shipments/update_item_quantities"
  | "inventory_shipments/update_tracking" | "locations/create" | "locations/update" | "locations/delete"
  | "locations/activate" | "locations/deactivate" | "bulk_operations/finish";

export const inventoryHandlers: AreaHandlers<InventoryTopic> = {
  "inventory_items/create": keptForLaterArea("inventory (ATP)"),
  "inventory_items/update": keptForLaterArea("inventory (ATP)"),
  "inventory_items/delete": keptForLaterArea("inventory (ATP)"),
  "inventory_levels/connect": keptForLaterArea("inventory (ATP)"),
  "inventory_levels/update": keptForLaterArea("inventory (ATP)"),
  "inventory_levels/disconnect": keptForLaterArea("inventory (ATP)"),
  "inventory_transfers/add_items": keptForLaterArea("inventory transfers (ATP)"),
  "inventory_transfers/cancel": keptForLaterArea("inventory transfers (ATP)"),
  "inventory_transfers/complete": keptForLaterArea("inventory transfers (ATP)"),
  "inventory_transfers/ready_to_ship": keptForLaterArea("inventory transfers (ATP)"),
  "inventory_transfers/remove_items": keptForLaterArea("inventory transfers (ATP)"),
  "inventory_transfers/update_item_quantities": keptForLaterArea("inventory transfers (ATP)"),
  "inventory_transfers/updated": keptForLaterArea("inventory transfers (ATP)"),
  "inventory_shipments/add_items": keptForLaterArea("inventory shipments (ATP)"),
  "inventory_shipments/create": keptForLaterArea("inventory shipments (ATP)"),
  "inventory_shipments/delete": keptForLaterArea("inventory shipments (ATP)"),
  "inventory_shipments/mark_in_transit": keptForLaterArea("inventory shipments (ATP)"),
  "inventory_shipments/receive_items": keptForLaterArea("inventory shipments (ATP)"),
  "inventory_shipments/remove_items": keptForLaterArea("inventory shipments (ATP)"),
  "inventory_shipments/update_item_quantities": keptForLaterArea("inventory shipments (ATP)"),
  "inventory_shipments/update_tracking": keptForLaterArea("inventory shipments (ATP)"),
  "locations/create": keptForLaterArea("locations (ATP, routing)"),
  "locations/update": keptForLaterArea("locations (ATP, routing)"),
  "locations/delete": keptForLaterArea("locations (ATP, routing)"),
  "locations/activate": keptForLaterArea("locations (ATP, routing)"),
  "locations/deactivate": keptForLaterArea("locations (ATP, routing)"),
  "bulk_operations/finish": keptForLaterArea("bulk reconcile (catalog sync)"),
};
