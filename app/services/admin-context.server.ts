/**
 * Who is asking, for every admin page: the shop, its session and an
 * AdminClient.
 *
 * Inside Shopify's admin (the normal case) this is `authenticate.admin`:
 * session token, token exchange, bounce — the library's flow.
 *
 * The local demo (`npm run demo`) runs the same pages outside Shopify's iframe
 * against the local store emulator, with the demo shop's offline session. It
 * is on only when PEAKGUARD_DEMO_SHOP is set AND PEAKGUARD_ADMIN_API_URL
 * points at a loopback address, so it can never open a real store's data
 * without Shopify's authentication.
 */
import type { Session } from "@shopify/shopify-api";
import prisma from "../db.server";
import { authenticate, sessionStorage } from "../shopify.server";
import { adminClientFromRemix, adminClientFromToken, ADMIN_API_URL_ENV, type AdminClient } from "./admin/client.server";
import { offlineSessionId } from "./admin/offline.server";
import { assertShopDomain } from "./db/scoped.server";

export type AdminMode = "embedded" | "demo";

export interface AdminContext {
  shop: string;
  session: Session;
  admin: AdminClient;
  mode: AdminMode;
}

export interface DemoConfig {
  shop: string;
  adminApiUrl: string;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export function demoConfig(env: Record<string, string | undefined> = process.env): DemoConfig | null {
  const shop = env.PEAKGUARD_DEMO_SHOP?.trim();
  if (!shop) return null;
  assertShopDomain(shop);
  const base = env[ADMIN_API_URL_ENV]?.trim();
  let host = "";
  try {
    host = base ? new URL(base).hostname : "";
  } catch {
    host = "";
  }
  if (!base || !LOOPBACK.has(host)) {
    throw new Error(
      `PEAKGUARD_DEMO_SHOP=${shop} needs ${ADMIN_API_URL_ENV} to point at the local store emulator on a loopback address (got ${base ? `"${base}"` : "nothing"})`,
    );
  }
  return { shop, adminApiUrl: base };
}

export async function adminContext(request: Request): Promise<AdminContext> {
  const demo = demoConfig();
  if (demo) {
    const session = await sessionStorage.loadSession(offlineSessionId(demo.shop));
    if (!session?.accessToken) {
      throw new Response(`The demo shop ${demo.shop} has no offline session: start it with "npm run demo"`, { status: 503 });
    }
    return {
      shop: demo.shop,
      session,
      admin: adminClientFromToken({ shop: demo.shop, accessToken: session.accessToken }),
      mode: "demo",
    };
  }
  const { session, admin } = await authenticate.admin(request);
  return { shop: session.shop, session, admin: adminClientFromRemix(admin), mode: "embedded" };
}

/** The database client pages use, re-exported so routes have one import for their context. */
export { prisma };
