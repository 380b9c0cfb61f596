/**
 * Refund timing strategies, named: the RMA stage at which the refund is due.
 * A stage that is skipped counts as passed (a parcel received without a
 * carrier scan still triggers `onInTransit`).
 */
import { STAGE, type RmaStatus } from "./machine";
import type { RefundTiming } from "./policy";

export const REFUND_TRIGGER: Record<RefundTiming, RmaStatus> = {
  onApproval: "approved",
  onInTransit: "in_transit",
  onReceipt: "received",
  onInspection: "inspected",
};

export const TIMING_LABEL: Record<RefundTiming, string> = {
  onApproval: "on approval",
  onInTransit: "when the carrier reports the parcel in transit",
  onReceipt: "on receipt",
  onInspection: "after inspection",
};

export type RefundDue = { due: true; why: string } | { due: false; why: string };

export function refundDue(timing: RefundTiming, status: RmaStatus, alreadyRefunded: boolean): RefundDue {
  if (alreadyRefunded) return { due: false, why: "already refunded" };
  const stage = STAGE[status];
  if (stage === null) return { due: false, why: `a ${status} return is not refunded` };
  const trigger = REFUND_TRIGGER[timing];
  const triggerStage = STAGE[trigger] as number;
  return stage >= triggerStage
    ? { due: true, why: `strategy ${timing}: refund ${TIMING_LABEL[timing]}; the return is ${status}` }
    : { due: false, why: `strategy ${timing}: refund ${TIMING_LABEL[timing]}; the return is only ${status}` };
}
