/** The Shop row: installed / uninstalled, and the shop's timezone and currency once synced. */
import type { PrismaClient } from "@prisma/client";
import { assertShopDomain } from "./db/scoped.server";

/** afterAuth: the shop (re)installed the app; a pending data cleanup is cancelled. */
export async function recordInstall(prisma: PrismaClient, shop: string, scopes: string | null): Promise<void> {
  assertShopDomain(shop);
  await prisma.$transaction(async (tx) => {
    await tx.shop.upsert({
      where: { shop },
      create: { shop, scopes },
      update: { uninstalledAt: null, scopes },
    });
    await tx.shopCleanup.deleteMany({ where: { shop, doneAt: null } });
  });
}
