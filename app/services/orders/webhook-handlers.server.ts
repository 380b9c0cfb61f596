/**
 * Webhook handlers of the orders area: the order mirror now; the order state
 * machine, refunds, disputes and the RMA workflow (returns/*, reverse
 * fulfillment orders) as they are built. Owned by the orders/returns issue.
 */
import { keptForLaterArea, type AreaHandlers, type Handler } from "../webhooks/handler-types";
import { deleteOrder, orderFromWebhook, writeOrder } from "../mirror/orders.server";

type OrderTopic =
  | "orders/create" | "orders/updated" | "orders/paid" | "orders/cancelled" | "orders/fulfilled"
  | "orders/partially_fulfilled" | "orders/edited" | "orders/delete" | "refunds/create"
  | "disputes/create" | "disputes/update" | "returns/request" | "returns/approve" | "returns/decline"
  | "returns/cancel" | "returns/close" | "returns/reopen" | "returns/process" | "returns/update"
  | "reverse_fulfillment_orders/dispose";

const mirrorOrderFromWebhook: Handler = ({ db, shop, payload }) => writeOrder(db, shop, orderFromWebhook(payload), "webhook");

export const orderHandlers: AreaHandlers<OrderTopic> = {
  "orders/create": mirrorOrderFromWebhook,
  "orders/updated": mirrorOrderFromWebhook,
  "orders/paid": mirrorOrderFromWebhook,
  "orders/cancelled": mirrorOrderFromWebhook,
  "orders/fulfilled": mirrorOrderFromWebhook,
  "orders/partially_fulfilled": mirrorOrderFromWebhook,
  "orders/edited": keptForLaterArea("order edits (order state machine)"),
  "orders/delete": ({ db, payload }) => deleteOrder(db, payload),
  "refunds/create": keptForLaterArea("refunds (order state machine)"),
  "disputes/create": keptForLaterArea("disputes (order state machine)"),
  "disputes/update": keptForLaterArea("disputes (order state machine)"),
  "returns/request": keptForLaterArea("returns (RMA)"),
  "returns/approve": keptForLaterArea("returns (RMA)"),
  "returns/decline": keptForLaterArea("returns (RMA)"),
  "returns/cancel": keptForLaterArea("returns (RMA)"),
  "returns/close": keptForLaterArea("returns (RMA)"),
  "returns/reopen": keptForLaterArea("returns (RMA)"),
  "returns/process": keptForLaterArea("returns (RMA)"),
  "returns/update": keptForLaterArea("returns (RMA)"),
  "reverse_fulfillment_orders/dispose": keptForLaterArea("returns (RMA)"),
};
