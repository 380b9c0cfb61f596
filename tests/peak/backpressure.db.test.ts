import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { queueCapFromEnv, webhookBackpressure } from "~/services/peak/backpressure.server";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(async () => {
  await db.reset();
});
afterAll(async () => {
  await db.close();
});

async function backlog(n: number, status = "received") {
  await db.prisma.webhookEvent.createMany({
    data: Array.from({ length: n }, (_, i) => ({ shop: "a.myshopify.com", topic: "orders/create", eventKey: `${status}-${i}`, eventKeySource: "event-id", rawBody: "{}", status })),
  });
}

describe("webhookBackpressure", () => {
  it("lets deliveries through below the cap and answers 503 + Retry-After at it, counting every shop's unprocessed events", async () => {
    let now = 0;
    await backlog(2);
    await backlog(5, "processed");
    expect(await webhookBackpressure(db.prisma, { cap: 3, now: () => now })).toBeNull();
    await backlog(1, "retrying");
    // Sampled: the count is reused within sampleMs …
    expect(await webhookBackpressure(db.prisma, { cap: 3, now: () => now })).toBeNull();
    // … and refreshed after it.
    now += 1_000;
    const shed = await webhookBackpressure(db.prisma, { cap: 3, now: () => now, retryAfterSeconds: 12 });
    expect(shed?.status).toBe(503);
    expect(shed?.headers.get("Retry-After")).toBe("12");
    expect(await shed?.text()).toContain("backlog 3 is at the cap of 3");
  });

  it("reads the cap from PEAKGUARD_WEBHOOK_BACKLOG_CAP, ignoring nonsense", () => {
    expect(queueCapFromEnv({ PEAKGUARD_WEBHOOK_BACKLOG_CAP: "250" }).cap).toBe(250);
    expect(queueCapFromEnv({ PEAKGUARD_WEBHOOK_BACKLOG_CAP: "lots" }).cap).toBe(5_000);
    expect(queueCapFromEnv({}).cap).toBe(5_000);
  });
});
