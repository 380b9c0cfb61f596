/**
 * A minimal HTTP front for the app's webhook receiver, so the emulator can
 * deliver real HTTP webhooks to it in tests (Remix is not needed for that:
 * the routes only call receiveWebhook).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { PrismaClient } from "@prisma/client";
import { ApiVersion, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { testConfig } from "@shopify/shopify-app-remix/test-helpers";
import { receiveWebhookWith } from "~/services/webhooks/receive.server";
import { isKnownTopic } from "~/services/webhooks/topics";

export interface AppWebhookServer {
  url: string;
  secret: string;
  statuses: number[];
  close(): Promise<void>;
}

export async function startAppWebhookServer(prisma: PrismaClient, secret = "e2e-secret"): Promise<AppWebhookServer> {
  const shopify = shopifyApp(testConfig({ apiVersion: ApiVersion.October26, apiSecretKey: secret, logger: { level: LogSeverity.Error } }));
  const statuses: number[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const topic = (req.url ?? "").replace(/^\/webhooks\//, "");
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const request = new Request(`http://app.test${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) });
    let response: Response;
    try {
      response = isKnownTopic(topic)
        ? await receiveWebhookWith({ prisma, authenticateWebhook: (r) => shopify.authenticate.webhook(r), worker: { kick: () => undefined } }, request, topic)
        : new Response("unknown topic", { status: 404 });
    } catch (thrown) {
      response = thrown instanceof Response ? thrown : new Response(String(thrown), { status: 500 });
    }
    statuses.push(response.status);
    res.writeHead(response.status);
    res.end(await response.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    secret,
    statuses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
