/**
 * How a discount candidate names the promotions in it, and how the app reads that name back
 * from an order. Shared by the discount Function (writes the candidate `message`) and the app
 * (reads the order's discount application `title`, which carries the message, to count uses and
 * budgets per promotion: app/services/promotions/counters.server.ts).
 *
 *   "spring15"                          one promotion: all of the allocated amount is its own
 *   "vip5 3.00 + off10-100 10.00"       several: each with its amount (presentment currency)
 *   "spring15 + flash-2"                several without amounts (product candidates that carry
 *                                       stacked line-level promotions): the allocated amount is
 *                                       split evenly by largest remainder
 *
 * Promotion ids are [A-Za-z0-9][A-Za-z0-9_.-]* (validate.ts), so " + " and " " cannot occur in
 * one. The shopper sees this text at checkout as the discount's label.
 */

export const MESSAGE_SEPARATOR = " + ";

export interface MessagePart {
  promotionId: string;
  /** Minor units, when the message states the amount. */
  amountCents?: number;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const AMOUNT = /^\d+(\.\d{1,3})?$/;

/**
 * The promotions a discount application's title names, or null when the title is not one of
 * ours (another discount, a code, a title a merchant typed). `exponent` is the currency's
 * minor-unit exponent (2 for USD).
 */
export function parsePromotionMessage(title: string | null | undefined, exponent = 2): MessagePart[] | null {
  if (typeof title !== "string" || title.length === 0) return null;
  const parts: MessagePart[] = [];
  for (const raw of title.split(MESSAGE_SEPARATOR)) {
    const words = raw.split(" ");
    if (words.length > 2 || !ID.test(words[0]!)) return null;
    const part: MessagePart = { promotionId: words[0]! };
    if (words.length === 2) {
      const amount = words[1]!;
      if (!AMOUNT.test(amount)) return null;
      const [whole, fraction = ""] = amount.split(".");
      if (fraction.length > exponent) return null;
      part.amountCents = Number(whole) * 10 ** exponent + (fraction ? Number(fraction.padEnd(exponent, "0")) : 0);
    }
    parts.push(part);
  }
  return parts;
}
