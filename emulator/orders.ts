/**
 * Order mutations over GraphQL: orderCancel (a Job on Shopify; the emulator
 * cancels at once and answers the job as done) and the `job(id:)` query.
 *
 * orderCancel: `restock` puts the unfulfilled units back (committed → available);
 * a refund (`refundMethod: { originalPaymentMethodsRefund: true }` or the
 * deprecated `refund: true`) gives a paid order back what is left on those units
 * and its shipping (refunds/create), and voids an authorized one. An order with
 * fulfilled units is refused: cancel its fulfillments first, as in the admin.
 */
import type { EmulatorContext } from "./context";
import { gid, idOf } from "./ids";
import type { R } from "./resolve";
import { notEmulated, type ResolverMap } from "./schema";

interface OrderCancelError {
  field: string[] | null;
  message: string;
  code: string | null;
}

const orderCancel: R = (_s, args, context) => {
  const { store } = context;
  const fail = (error: OrderCancelError): unknown => ({ job: null, orderCancelUserErrors: [error], userErrors: [{ field: error.field, message: error.message }] });
  const refundMethod = args.refundMethod as { originalPaymentMethodsRefund?: boolean | null; storeCreditRefund?: unknown } | null | undefined;
  if (refundMethod?.storeCreditRefund != null) throw notEmulated("orderCancel refunds to store credit (refundMethod.storeCreditRefund)");
  const orderId = idOf(args.orderId, "Order");
  const order = orderId === null ? undefined : store.orders.get(orderId);
  if (!order) return fail({ field: ["orderId"], message: `Order ${String(args.orderId)} does not exist.`, code: "NOT_FOUND" });
  if (order.cancelledAt) return fail({ field: ["orderId"], message: `Order ${order.name} is already cancelled.`, code: "INVALID" });
  if (order.lineItems.some((line) => line.fulfilledQuantity > 0)) {
    return fail({ field: ["orderId"], message: `Order ${order.name} has fulfilled items; cancel its fulfillments before cancelling the order.`, code: "INVALID" });
  }
  const refund = refundMethod?.originalPaymentMethodsRefund === true || args.refund === true;
  store.cancelOrder(order.id, { reason: args.reason as never, restock: args.restock === true, refund });
  const job = { id: store.nextId(), kind: "orderCancel" as const, orderId: order.id };
  store.jobs.set(job.id, job);
  return { job: { id: gid("Job", job.id), done: true }, orderCancelUserErrors: [], userErrors: [] };
};

export const orderMutations: Record<string, R> = { orderCancel };

export const orderTypeResolvers: ResolverMap<EmulatorContext> = {
  QueryRoot: {
    job: (_s, args, context) => {
      const id = idOf(args.id, "Job");
      const job = id === null ? undefined : context.store.jobs.get(id);
      return job ? { id: gid("Job", job.id), done: true } : null;
    },
  },
};
