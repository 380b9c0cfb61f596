import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { addDocumentResponseHeaders } from "./shopify.server";
import { webhookWorker } from "./services/webhooks/receive.server";
import { isWebhookWorkerThread, runWebhookWorkerThread } from "./services/webhooks/worker-thread.server";

// The webhook worker's own thread (PostgreSQL, built server) loads this server build too:
// there it runs the worker loop and nothing else below (./services/webhooks/worker-thread.server.ts).
if (isWebhookWorkerThread()) {
  void runWebhookWorkerThread().catch((error: unknown) => console.error("[webhooks] worker thread did not start", error));
} else {
  bootServer();
}

function bootServer() {
  // Process stored webhook events from server start: events left by a previous
  // process (crashed mid-processing, or due for retry) are picked up without
  // waiting for the next delivery. PEAKGUARD_WEBHOOK_WORKER (auto | thread |
  // in-process | off) says where: off leaves them to another process.
  void webhookWorker().catch((error: unknown) => console.error("[webhooks] worker did not start", error));
  // Inventory jobs (reservation expiry, restocks, ATP publishing, periodic bulk reconcile);
  // PEAKGUARD_INVENTORY_JOBS=off disables them in this process.
  void import("./services/inventory/jobs.server")
    .then((jobs) => jobs.startInventoryJobs())
    .catch((error: unknown) => console.error("[inventory] jobs did not start", error));
  // Promotion use counters to customer and discount metafields (every 10 s; PEAKGUARD_PROMOTION_JOBS=off).
  void import("./services/promotions/jobs.server")
    .then((promotions) => promotions.startPromotionJobs())
    .catch((error: unknown) => console.error("[promotions] jobs did not start", error));
  // Kill-switch expiry and scheduled promotion freezes (every 30 s).
  void import("./services/peak/scheduler.server")
    .then((peak) => peak.ensurePeakScheduler())
    .catch((error: unknown) => console.error("[peak] scheduler did not start", error));
  // The checkout validation's clock heartbeat (every 60 s; PEAKGUARD_CHECKOUT_HEARTBEAT=off).
  void import("./services/validation/heartbeat.server")
    .then((heartbeat) => heartbeat.startCheckoutHeartbeat())
    .catch((error: unknown) => console.error("[validation] clock heartbeat did not start", error));
}

export const streamTimeout = 5000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  // Content-Security-Policy frame-ancestors for the shop, App Bridge preload link.
  addDocumentResponseHeaders(request, responseHeaders);
  // Bots get the whole document at once; browsers get the shell as soon as it is ready.
  const callbackName = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";

  return new Promise<Response>((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error: unknown) {
        reject(error);
      },
      onError(error: unknown) {
        responseStatusCode = 500;
        console.error(error);
      },
    });

    // Abort rendering still pending after streamTimeout (plus a second for rejected boundaries to flush).
    setTimeout(abort, streamTimeout + 1000);
  });
}
