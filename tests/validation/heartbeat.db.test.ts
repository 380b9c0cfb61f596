import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/server";
import { readSeedFile } from "../../emulator/store";
import { beatAllCheckoutClocks } from "~/services/validation/heartbeat.server";
import { recordInstall } from "~/services/shops.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

const seed = readSeedFile(path.resolve(__dirname, "../../emulator/seed/default.json"));
const SHOP = seed.shop.myshopifyDomain;
const UNTOKENED = "no-token-yet.myshopify.com";
let db: TestDatabase;
let emulator: RunningEmulator;

beforeAll(async () => {
  db = await createTestDatabase();
  emulator = await startEmulator({ seed, appUrl: "http://127.0.0.1:9", apiSecret: "s", accessToken: "tok", webhooks: { enabled: false } });
  process.env.PEAKGUARD_ADMIN_API_URL = emulator.url;
  await recordInstall(db.prisma, SHOP, null);
  await recordInstall(db.prisma, UNTOKENED, null);
  await db.prisma.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, accessToken: "tok" } });
});
afterAll(async () => {
  delete process.env.PEAKGUARD_ADMIN_API_URL;
  await emulator.close();
  await db.close();
});

describe("the checkout clock heartbeat over every installed shop", () => {
  it("skips a shop without an offline session quietly, and writes nothing for a shop without a checkout validation", async () => {
    const logged: string[] = [];
    expect(await beatAllCheckoutClocks(db.prisma, new Date(), (m) => logged.push(m))).toEqual([]);
    expect(logged).toEqual([]);
  });

  it("reports a shop whose Admin API fails, and goes on", async () => {
    const logged: string[] = [];
    await db.prisma.session.update({ where: { id: `offline_${SHOP}` }, data: { accessToken: "revoked" } });
    expect(await beatAllCheckoutClocks(db.prisma, new Date(), (m) => logged.push(m))).toEqual([]);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(`clock heartbeat for ${SHOP} failed`);
  });
});
