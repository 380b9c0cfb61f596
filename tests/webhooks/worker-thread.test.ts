/**
 * The receiving side's handle on the webhook worker thread: restarted when it dies, and when it
 * cannot even start (its module gone, e.g. a build replaced under the running server) processing
 * falls back to this process instead of stopping.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { WebhookWorkerThread } from "~/services/webhooks/worker-thread.server";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peakguard-worker-thread-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A thread module that says it is ready, then exits after `exitAfterMs` (or stays). */
function threadModule(name: string, exitAfterMs: number | null): URL {
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    `import { parentPort, workerData } from "node:worker_threads";
if (workerData?.role === "peakguard-webhook-worker") {
  parentPort.postMessage("ready");
  ${exitAfterMs === null ? "parentPort.on('message', () => {});" : `setTimeout(() => process.exit(0), ${exitAfterMs});`}
}
`,
  );
  return pathToFileURL(file);
}

const until = async (predicate: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!predicate() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return predicate();
};

describe("WebhookWorkerThread", () => {
  it("GIVEN a thread module that is gone THEN after 3 failed starts it processes in this process, and kicks reach that worker", async () => {
    const logs: string[] = [];
    let kicks = 0;
    let fallbacks = 0;
    const handle = new WebhookWorkerThread(pathToFileURL(path.join(dir, "missing-server-build.js")), {
      fallback: async () => {
        fallbacks += 1;
        return { kick: () => void (kicks += 1) };
      },
      restartMs: 10,
      log: (message) => logs.push(message),
    }).start();
    try {
      expect(await until(() => handle.mode === "in-process")).toBe(true);
      expect(logs.filter((l) => l.includes("starting it again"))).toHaveLength(2);
      expect(logs.some((l) => /could not start 3 times in a row .*missing-server-build\.js.*processing in this process instead/.test(l))).toBe(true);
      expect(await until(() => kicks === 1)).toBe(true); // the fallback is kicked once at once: stored events wait for it
      handle.kick();
      expect(await until(() => kicks === 2)).toBe(true);
      expect(fallbacks).toBe(1);
    } finally {
      await handle.stop();
    }
  });

  it("GIVEN a thread that started and then died THEN it is started again, never counted as a failed start", async () => {
    const logs: string[] = [];
    let fallbacks = 0;
    const handle = new WebhookWorkerThread(threadModule("dies.mjs", 20), {
      fallback: async () => {
        fallbacks += 1;
        return { kick: () => undefined };
      },
      restartMs: 10,
      log: (message) => logs.push(message),
    }).start();
    try {
      expect(await until(() => logs.filter((l) => l.includes("starting it again")).length >= 4)).toBe(true);
      expect(fallbacks).toBe(0);
      expect(handle.mode).toBe("thread");
    } finally {
      await handle.stop();
    }
  });

  it("GIVEN a healthy thread THEN it stays a thread and nothing is logged", async () => {
    const logs: string[] = [];
    const handle = new WebhookWorkerThread(threadModule("stays.mjs", null), {
      fallback: async () => ({ kick: () => undefined }),
      restartMs: 10,
      log: (message) => logs.push(message),
    }).start();
    try {
      handle.kick();
      handle.kick();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(handle.mode).toBe("thread");
      expect(logs).toEqual([]);
    } finally {
      await handle.stop();
    }
  });
});
