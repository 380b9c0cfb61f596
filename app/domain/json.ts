/**
 * Metafield values as functions and the admin receive them: the metafield's jsonValue (already
 * parsed) or its value (a JSON string). Pure and dependency-free: functions import it.
 */

/** What readMetafieldJson answers for a string that is not JSON. */
export const UNPARSABLE: unique symbol = Symbol();

/** The parsed value: a string is parsed (UNPARSABLE when it is not JSON), anything else is returned as it is. Never throws. */
export function readMetafieldJson(json: unknown): unknown {
  if (typeof json !== "string") return json;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return UNPARSABLE;
  }
}
