import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { routePath, webhookActions, webhookFastPath } from "../../server/webhooks.js";

type Action = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => unknown;

/** A server build's routes as Remix's Vite build lays them out for the app's flat routes. */
function buildWith(actions: Record<string, Action>, extra: Record<string, { path?: string; index?: boolean; parentId?: string; action?: Action }> = {}) {
  const routes: Record<string, { id: string; parentId?: string; path?: string; index?: boolean; module: { action?: Action } }> = {
    root: { id: "root", path: "", module: {} },
  };
  for (const [path, action] of Object.entries(actions)) {
    const id = `routes/${path.replace(/\//g, ".")}`;
    routes[id] = { id, parentId: "root", path, module: { action } };
  }
  for (const [id, route] of Object.entries(extra)) routes[id] = { id, parentId: route.parentId ?? "root", path: route.path, index: route.index, module: { action: route.action } };
  return { routes };
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server whose fast path is tried first; what it does not take is answered 299 "fallback". */
async function serve(build: ReturnType<typeof buildWith>, onError?: (error: unknown) => void): Promise<string> {
  const fast = webhookFastPath(build, { onError });
  const server = http.createServer((req, res) => {
    if (fast(req, res)) return;
    res.writeHead(299, { "content-type": "text/plain" });
    res.end(`fallback ${req.method} ${req.url}`);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("webhook routes of a server build", () => {
  it("maps each static /webhooks/ route with an action to its full path, and nothing else", () => {
    const create: Action = () => new Response(null);
    const build = buildWith(
      { "webhooks/orders/create": create, "webhooks/app/uninstalled": create },
      {
        "routes/webhooks.$topic": { path: "webhooks/:topic", action: create },
        "routes/webhooks.files.$": { path: "webhooks/files/*", action: create },
        "routes/webhooks.no-action": { path: "webhooks/no-action" },
        "routes/app.promotions": { path: "app/promotions", action: create },
        "routes/_index": { index: true, action: create },
      },
    );
    expect([...webhookActions(build).keys()].sort()).toEqual(["/webhooks/app/uninstalled", "/webhooks/orders/create"]);
    expect(webhookActions(build).get("/webhooks/orders/create")).toBe(create);
  });

  it("joins a nested route's path to its parents' and honours the build's basename", () => {
    const action: Action = () => new Response(null);
    const build = {
      basename: "/shop-app/",
      routes: {
        root: { id: "root", path: "", module: {} },
        "routes/webhooks": { id: "routes/webhooks", parentId: "root", path: "webhooks", module: {} },
        "routes/webhooks.orders.paid": { id: "routes/webhooks.orders.paid", parentId: "routes/webhooks", path: "orders/paid", module: { action } },
      },
    };
    expect(routePath(build.routes, "routes/webhooks.orders.paid")).toBe("/webhooks/orders/paid");
    expect(routePath(build.routes, "root")).toBeNull();
    expect([...webhookActions(build).keys()]).toEqual(["/shop-app/webhooks/orders/paid"]);
  });
});

describe("webhookFastPath", () => {
  it("hands the route's action the delivery as a Request (method, headers, raw body) and writes its Response", async () => {
    const seen: { method: string; topic: string | null; body: string; url: string; params: unknown }[] = [];
    const url = await serve(
      buildWith({
        "webhooks/orders/create": async ({ request, params }) => {
          seen.push({ method: request.method, topic: request.headers.get("x-shopify-topic"), body: await request.text(), url: new URL(request.url).pathname, params });
          return new Response("stored", { status: 200, headers: { "X-Peakguard-Webhook": "stored" } });
        },
      }),
    );
    const body = JSON.stringify({ id: 820982911946154500, note: "ünïcode ✓" });
    const response = await fetch(`${url}/webhooks/orders/create?shop=a`, { method: "POST", headers: { "X-Shopify-Topic": "orders/create", "Content-Type": "application/json" }, body });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-peakguard-webhook")).toBe("stored");
    expect(await response.text()).toBe("stored");
    expect(seen).toEqual([{ method: "POST", topic: "orders/create", body, url: "/webhooks/orders/create", params: {} }]);
  });

  it("answers an empty Response with content-length 0, not a chunked body", async () => {
    const url = await serve(buildWith({ "webhooks/orders/paid": () => new Response(null, { status: 200 }) }));
    const raw = await new Promise<string>((resolve, reject) => {
      const req = http.request(`${url}/webhooks/orders/paid`, { method: "POST" }, (res) => resolve(`${res.statusCode} ${res.headers["content-length"]} ${res.headers["transfer-encoding"] ?? "-"}`));
      req.on("error", reject);
      req.end("{}");
    });
    expect(raw).toBe("200 0 -");
  });

  it("answers a thrown Response as Remix does for a resource route (its status, X-Remix-Catch)", async () => {
    const url = await serve(
      buildWith({
        "webhooks/orders/create": () => {
          throw new Response(undefined, { status: 401, statusText: "Unauthorized" });
        },
      }),
    );
    const response = await fetch(`${url}/webhooks/orders/create`, { method: "POST", body: "{}" });
    expect(response.status).toBe(401);
    expect(response.statusText).toBe("Unauthorized");
    expect(response.headers.get("x-remix-catch")).toBe("yes");
  });

  it("answers 500 to any other error (so Shopify delivers again) and reports it", async () => {
    const errors: unknown[] = [];
    const url = await serve(
      buildWith({
        "webhooks/orders/create": async () => {
          throw new Error("database is down");
        },
        "webhooks/orders/paid": () => ({ not: "a response" }),
      }),
      (error) => errors.push(error),
    );
    const failed = await fetch(`${url}/webhooks/orders/create`, { method: "POST", body: "{}" });
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe("Unexpected Server Error");
    const odd = await fetch(`${url}/webhooks/orders/paid`, { method: "POST", body: "{}" });
    expect(odd.status).toBe(500);
    expect(errors.map((e) => (e as Error).message)).toEqual(["database is down", "the action for /webhooks/orders/paid returned object, not a Response"]);
  });

  it("leaves to Remix what is not a POST to a webhook route's exact path", async () => {
    let calls = 0;
    const url = await serve(
      buildWith({
        "webhooks/orders/create": () => {
          calls++;
          return new Response(null);
        },
      }),
    );
    const answers = await Promise.all([
      fetch(`${url}/webhooks/orders/create`).then((r) => r.text()),
      fetch(`${url}/webhooks/orders/create/`, { method: "POST", body: "{}" }).then((r) => r.text()),
      fetch(`${url}/webhooks/orders/delete`, { method: "POST", body: "{}" }).then((r) => r.text()),
      fetch(`${url}/app`, { method: "POST", body: "{}" }).then((r) => r.text()),
    ]);
    expect(answers).toEqual(["fallback GET /webhooks/orders/create", "fallback POST /webhooks/orders/create/", "fallback POST /webhooks/orders/delete", "fallback POST /app"]);
    expect(calls).toBe(0);
  });
});
