/**
 * Which checkout probe the Peak page's flips use: the live emulator's checkout simulator in
 * the local demo (loopback emulator only), none in production (the receipt then stops at the
 * metafield read back, and says so).
 */
import type { PrismaClient } from "@prisma/client";
import type { Session } from "@shopify/shopify-api";
import { demoConfig } from "../admin-context.server";
import { forShop } from "../db/scoped.server";
import { demoProbe, type CheckoutProbe } from "../kill-switches/probe.server";
import { catalogOf, loadSettings } from "../kill-switches/repository.server";

export function peakProbe(prisma: PrismaClient, shop: string): CheckoutProbe | null {
  const demo = demoConfig();
  if (!demo || demo.shop !== shop) return null;
  return demoProbe(demo.adminApiUrl, async () => catalogOf(await loadSettings(forShop(prisma, shop), shop)));
}

/** Who flips: the staff member of an online session, else what the session is. */
export function actorOf(session: Session, mode: "embedded" | "demo"): string {
  const user = session.onlineAccessInfo?.associated_user;
  if (user?.email) return user.email;
  if (user?.id) return `staff ${user.id}`;
  return mode === "demo" ? "demo staff (offline session)" : "staff (offline session)";
}
