/**
 * The app under drill without Remix: the receiver (receiveWebhookWith with verifyWebhook, as every
 * webhooks.<topic>.tsx route calls it, backlog cap included) behind node:http and the WebhookWorker
 * (in-process, one event at a time), all in the drill's process on the database it is given. Quick, for tests and for comparing against the built app; its ack times share the
 * drill's event loop, so the built app (app.ts) gives the honest numbers.
 */
import http from "node:http";
import type { PrismaClient } from "@prisma/client";
import { queueCapFromEnv } from "../../app/services/peak/backpressure.server";
import { WebhookWorker } from "../../app/services/webhooks/processor.server";
import { receiveWebhookWith, verifyWebhook } from "../../app/services/webhooks/receive.server";
import { isKnownTopic } from "../../app/services/webhooks/topics";
import type { AppUnderDrill, StartAppOptions } from "./harness";

export function inProcessApp(prisma: PrismaClient): (start: StartAppOptions) => Promise<AppUnderDrill> {
  return async (start) => {
    const worker = new WebhookWorker(prisma, { pollMs: 250 }).start();
    const cap = queueCapFromEnv().cap;
    const server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const topic = (req.url ?? "").replace(/^\/webhooks\//, "");
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) });
      let response: Response;
      try {
        response = isKnownTopic(topic)
          ? await receiveWebhookWith({ prisma, verify: (r, rawBody) => verifyWebhook(r, rawBody, start.apiSecret), worker }, request, topic)
          : new Response("unknown topic", { status: 404 });
      } catch (thrown) {
        response = thrown instanceof Response ? thrown : new Response(String(thrown), { status: 500 });
      }
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(await response.text());
    });
    await new Promise<void>((resolve) => server.listen(start.port, "127.0.0.1", resolve));
    return {
      url: `http://127.0.0.1:${start.port}`,
      prisma,
      backpressure: { cap, note: `the receiver answers 503 + Retry-After at ${cap} unprocessed events; the sender retries` },
      async close() {
        worker.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await worker.kick();
      },
    };
  };
}
