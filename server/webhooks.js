/**
 * Webhook deliveries straight to their route's action, for the production server (../server.js).
 *
 * Every app/routes/webhooks.*.tsx route is a static path with an action and nothing else
 * (`action = ({ request }) => receiveWebhook(request, topic)`). Under remix-serve each delivery
 * also went through Express (compression, static-file lookups, morgan), Remix's request
 * handler and its route matcher, which flattens and ranks the whole route tree per request:
 * about 70% of the receiving thread's CPU in the peak drill, for an answer that is a bare 200.
 * Here a POST whose path is exactly one of those routes' paths calls that route module's action
 * with a Request built from the Node request, as Remix would call it (params {}, context {}), and
 * writes its Response; anything else is not handled (the caller hands it to Remix). A thrown
 * Response is answered as Remix answers it for a resource route; any other error is logged and
 * answered 500, so Shopify delivers again. Under `shopify app dev` (Vite) the same actions run
 * through Remix: the behaviour is the route's either way. Deliveries get no morgan line: the
 * event log (WebhookEvent) records each one, with its delivery count.
 */

/**
 * @typedef {{ id: string; parentId?: string; path?: string; index?: boolean; module: { action?: (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => unknown } }} BuildRoute
 * @typedef {{ routes: Record<string, BuildRoute>; basename?: string }} ServerBuildLike
 */

/**
 * The full URL path of a route (its own path joined to its parents'), or null for a pathless
 * or index route. Relative paths only, as in the app's flat routes.
 * @param {Record<string, BuildRoute>} routes
 * @param {string} id
 * @returns {string | null}
 */
export function routePath(routes, id) {
  const own = routes[id];
  if (!own || own.index || !own.path) return null;
  const parts = [];
  for (let route = own; route; route = route.parentId ? routes[route.parentId] : undefined) {
    if (route.path) parts.unshift(route.path.replace(/^\/+|\/+$/g, ""));
  }
  return `/${parts.filter(Boolean).join("/")}`;
}

/**
 * The webhook routes of a server build: full path → action. Only static paths under /webhooks/
 * whose module has an action (a dynamic segment or splat is left to Remix's matcher).
 * @param {ServerBuildLike} build
 * @returns {Map<string, NonNullable<BuildRoute["module"]["action"]>>}
 */
export function webhookActions(build) {
  const base = (build.basename ?? "/").replace(/\/+$/, "");
  const actions = new Map();
  for (const id of Object.keys(build.routes)) {
    const action = build.routes[id].module?.action;
    const path = routePath(build.routes, id);
    if (!action || !path || !path.startsWith("/webhooks/") || /[:*]/.test(path)) continue;
    actions.set(`${base}${path}`, action);
  }
  return actions;
}

/**
 * Writes a fetch Response to a Node response (status, headers — repeated Set-Cookie kept —
 * and body).
 * @param {import("node:http").ServerResponse} res
 * @param {Response} response
 */
async function send(res, response) {
  /** @type {Record<string, string | string[]>} */
  const headers = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = typeof response.headers.getSetCookie === "function" ? response.headers.getSetCookie() : [];
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  const body = response.body === null ? null : Buffer.from(await response.arrayBuffer());
  if (!("content-length" in headers) && response.status !== 204 && response.status !== 304) headers["content-length"] = String(body?.length ?? 0);
  res.writeHead(response.status, response.statusText || undefined, headers);
  res.end(body ?? undefined);
}

/**
 * @param {unknown} value
 * @returns {value is Response}
 */
function isResponse(value) {
  return value !== null && typeof value === "object" && typeof (/** @type {Response} */ (value).status) === "number" && typeof (/** @type {Response} */ (value).headers?.get) === "function";
}

/**
 * A Node request handler for webhook deliveries: returns true when it took the request (its
 * answer is then written), false when the request is not a delivery to a webhook route.
 * @param {ServerBuildLike} build
 * @param {{ onError?: (error: unknown, request: Request) => void; Request?: typeof Request }} [options]
 * @returns {(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => boolean}
 */
export function webhookFastPath(build, options = {}) {
  const actions = webhookActions(build);
  const onError = options.onError ?? ((error) => console.error("[webhooks]", error));
  return (req, res) => {
    if (req.method !== "POST" || !req.url) return false;
    const query = req.url.indexOf("?");
    const action = actions.get(query === -1 ? req.url : req.url.slice(0, query));
    if (!action) return false;
    /** @type {Buffer[]} */
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("error", () => res.destroy());
    req.on("end", () => {
      const RequestClass = options.Request ?? globalThis.Request;
      const headers = new Headers();
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
      const request = new RequestClass(`http://${req.headers.host ?? "localhost"}${req.url}`, { method: "POST", headers, body: Buffer.concat(chunks) });
      Promise.resolve()
        .then(() => action({ request, params: {}, context: {} }))
        .then(
          (result) => {
            if (isResponse(result)) return send(res, result);
            throw new Error(`the action for ${req.url} returned ${result === undefined ? "nothing" : typeof result}, not a Response`);
          },
          (thrown) => {
            if (!isResponse(thrown)) throw thrown;
            // As Remix marks a Response a resource route throws.
            thrown.headers.set("X-Remix-Catch", "yes");
            return send(res, thrown);
          },
        )
        .catch((error) => {
          onError(error, request);
          if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
          res.end("Unexpected Server Error");
        });
    });
    return true;
  };
}
