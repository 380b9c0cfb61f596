/**
 * The drill's loss check against a real run: a few seconds of a drop through the emulator into
 * the receiver and worker (in-process, on the test database), once clean and once with one
 * orders/create delivery acknowledged without reaching the app — that run must report the
 * event lost and fail.
 */
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { judge } from "~/domain/peak/drill";
import { readSeedFile } from "../../emulator/store";
import { runDrill } from "../../bench/drill/harness";
import { inProcessApp } from "../../bench/drill/in-process-app";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

const seed = readSeedFile(path.resolve(__dirname, "../../emulator/seed/default.json"));
const targets = { ordersPerMinute: 300, ackP99Ms: 10_000, lagP99Ms: 60_000, lost: 0 };
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

const drill = (injectDrops: number) =>
  runDrill({
    seed,
    ordersPerMinute: 300,
    durationMs: 2_000,
    startApp: inProcessApp(db.prisma),
    webhooks: { duplicateProbability: 0.2, reorderWindowMs: 100, seed: 3 },
    injectDrops,
    drainTimeoutMs: 30_000,
    checkout: null,
    warmUpOrders: 5,
  });

describe("the drill's loss check", () => {
  it("GIVEN every delivery reaches the app THEN nothing is lost and the loss verdict passes", { timeout: 90_000 }, async () => {
    const { results } = await drill(0);
    expect(results.orders.created).toBeGreaterThanOrEqual(5);
    expect(results.webhooks.events).toBeGreaterThan(results.orders.created);
    expect(results.loss).toMatchObject({ lost: [], undelivered: [], neverAttempted: 0 });
    expect(results.loss.logged).toBe(results.webhooks.events);
    expect(results.lag.count).toBe(results.webhooks.events);
    expect(judge(results, targets).verdicts.find((v) => v.name === "events lost")?.ok).toBe(true);
  });

  it("GIVEN one orders/create is acknowledged but never stored THEN the drill reports it lost and fails", { timeout: 90_000 }, async () => {
    const { results } = await drill(1);
    expect(results.loss.lost).toHaveLength(1);
    expect(results.notes.join("\n")).toContain(results.loss.lost[0]);
    const verdict = judge(results, targets);
    expect(verdict.passed).toBe(false);
    expect(verdict.verdicts.find((v) => v.name === "events lost")).toMatchObject({ ok: false, actual: "1" });
  });
});
