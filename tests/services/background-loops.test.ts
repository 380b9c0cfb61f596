import type { PrismaClient } from "@prisma/client";
import { afterEach, describe, expect, it } from "vitest";
import { startTimedPasses } from "../../app/services/background-pass.server";
import { InventoryJobs } from "../../app/services/inventory/jobs.server";
import { PeakScheduler } from "../../app/services/peak/scheduler.server";

/** A client whose shop-list reads fail while `down` is true (the database unreachable), else answer nothing to do. */
function flakyDatabase() {
  const state = { down: true, reads: 0 };
  const read = async () => {
    state.reads += 1;
    if (state.down) throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
    return [];
  };
  const prisma = { shop: { findMany: read }, killSwitch: { findMany: read }, freezeWindow: { findMany: read } } as unknown as PrismaClient;
  return { prisma, state };
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on("unhandledRejection", onUnhandled);
afterEach(() => {
  unhandled.length = 0;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** While the database is down each pass's error is reported; once it is back the loop reads again and reports nothing more; nothing is left unhandled. */
async function expectOutageSurvived(state: { down: boolean; reads: number }, errors: unknown[]): Promise<void> {
  await sleep(60);
  expect(errors.length).toBeGreaterThan(0);
  expect((errors[0] as Error).message).toContain("ECONNREFUSED");
  state.down = false;
  await sleep(15); // a pass already started while down may still report
  const failed = errors.length;
  const readsBefore = state.reads;
  await sleep(60);
  expect(state.reads).toBeGreaterThan(readsBefore);
  expect(errors.length).toBe(failed);
  expect(unhandled).toEqual([]);
}

describe("background loops survive a database outage", () => {
  it("the peak scheduler logs a failed tick and keeps ticking (no unhandled rejection)", async () => {
    const { prisma, state } = flakyDatabase();
    const errors: unknown[] = [];
    const scheduler = new PeakScheduler(prisma, { pollMs: 10, onError: (e) => errors.push(e) }).start();
    try {
      await expectOutageSurvived(state, errors);
    } finally {
      scheduler.stop();
    }
  });

  it("the inventory jobs log a failed pass and keep running (no unhandled rejection)", async () => {
    const { prisma, state } = flakyDatabase();
    const errors: unknown[] = [];
    const jobs = new InventoryJobs(prisma, { intervalMs: 10, onPassError: (e) => errors.push(e) }).start();
    try {
      await expectOutageSurvived(state, errors);
    } finally {
      jobs.stop();
    }
  });

  it("timed passes (promotion counters, checkout heartbeat) log a failed pass, keep going and never overlap", async () => {
    const { state } = flakyDatabase();
    const errors: unknown[] = [];
    let running = 0;
    let overlapped = false;
    const timer = startTimedPasses({
      everyMs: 5,
      failure: "test pass failed",
      onError: (e) => errors.push(e),
      pass: async () => {
        running += 1;
        overlapped ||= running > 1;
        state.reads += 1;
        await sleep(12); // longer than the interval: the passes due meanwhile are skipped
        running -= 1;
        if (state.down) throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
      },
    });
    try {
      await expectOutageSurvived(state, errors);
      expect(overlapped).toBe(false);
    } finally {
      clearInterval(timer);
    }
  });
});
