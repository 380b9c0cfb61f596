/**
 * The Admin client for work outside a request (jobs, syncs, processing after a
 * webhook's acknowledgement): the shop's offline session from the session
 * table, over graphql-request (adminClientFromToken).
 */
import type { PrismaClient } from "@prisma/client";
import { forShop } from "../db/scoped.server";
import { adminClientFromToken, type AdminClient, type AdminClientOptions } from "./client.server";

export class OfflineSessionMissingError extends Error {
  override name = "OfflineSessionMissingError";
}

/** Shopify's id for a shop's offline session (the library's `getOfflineId`). */
export function offlineSessionId(shop: string): string {
  return `offline_${shop}`;
}

export async function offlineAdminClient(
  prisma: PrismaClient,
  shop: string,
  options: AdminClientOptions = {},
): Promise<AdminClient> {
  const session = await forShop(prisma, shop).session.findFirst({
    where: { id: offlineSessionId(shop), isOnline: false },
    select: { accessToken: true },
  });
  if (!session?.accessToken) {
    throw new OfflineSessionMissingError(`No offline session for ${shop}: the app must be installed (or the demo set up) first`);
  }
  return adminClientFromToken({ shop, accessToken: session.accessToken, ...options });
}
