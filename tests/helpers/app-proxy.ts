/**
 * A query string as Shopify's app proxy forwards it: shop, path_prefix, timestamp,
 * logged_in_customer_id and any extra parameters, signed over all of them the way Shopify
 * does (parameters sorted by name, repeated ones joined with commas, HMAC-SHA256 hex with the
 * app secret; the library's testConfig uses API_SECRET_KEY).
 */
import { createHmac } from "node:crypto";
import { API_SECRET_KEY, TEST_SHOP } from "@shopify/shopify-api/test-helpers";

export interface ProxyQuery {
  shop?: string;
  customer?: string;
  /** Extra parameters, signed too (a name may repeat). */
  extra?: [string, string][];
  /** Change the signature's first hex digit: a request the library must refuse. */
  tamper?: boolean;
}

export function signedProxyQuery(init: ProxyQuery = {}): URLSearchParams {
  const query: [string, string][] = [
    ["shop", init.shop ?? TEST_SHOP],
    ["path_prefix", "/apps/peakguard"],
    ["timestamp", String(Math.floor(Date.now() / 1000))],
    ["logged_in_customer_id", init.customer ?? ""],
    ...(init.extra ?? []),
  ];
  const grouped = new Map<string, string[]>();
  for (const [k, v] of query) grouped.set(k, [...(grouped.get(k) ?? []), v]);
  const message = [...grouped.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v.join(",")}`).join("");
  const signature = createHmac("sha256", API_SECRET_KEY).update(message).digest("hex");
  return new URLSearchParams([...query, ["signature", init.tamper ? signature.replace(/^./, (c) => (c === "0" ? "1" : "0")) : signature]]);
}
