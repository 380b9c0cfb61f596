/**
 * The production server (`npm start`): what remix-serve runs — compression, the built client
 * assets (immutable, 1 year) and public/ (1 hour), morgan's "tiny" request log and Remix's
 * request handler — plus one front door: webhook deliveries go straight to their route's
 * action (./server/webhooks.js), before Express and Remix's route matching, which cost more
 * CPU than receiving the delivery itself. Under `shopify app dev` the Vite dev server runs the
 * same routes through Remix.
 *
 *   node server.js [build/server/index.js]      (PORT, default 3000; HOST, default every interface)
 */
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { installGlobals } from "@remix-run/node";
import compression from "compression";
import express from "express";
import morgan from "morgan";
import { webhookFastPath } from "./server/webhooks.js";

process.env.NODE_ENV = process.env.NODE_ENV ?? "production";
process.setSourceMapsEnabled(true);

const buildPath = path.resolve(process.argv[2] ?? "build/server/index.js");
const build = await import(pathToFileURL(buildPath).href);
// As remix-serve: Remix's fetch globals unless the build uses single fetch.
installGlobals({ nativeFetch: build.future.v3_singleFetch });

const app = express();
app.disable("x-powered-by");
app.use(compression());
app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));
app.use(morgan("tiny"));
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

const webhooks = webhookFastPath(build);
const server = http.createServer((req, res) => {
  if (!webhooks(req, res)) app(req, res);
});

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || undefined;
server.listen(port, host, () => console.log(`[peakguard] http://${host ?? "localhost"}:${port}`));
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => server.close((error) => error && console.error(error)));
}
