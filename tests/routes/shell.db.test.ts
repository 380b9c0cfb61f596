/**
 * The shell against the app's real configuration (app/shopify.server.ts,
 * configured from the env vitest.config.ts sets): unauthenticated requests,
 * the landing page and the login form.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "../helpers/db";
import { browserRequest, call, closeTestDatabase, CURL_UA, formPost, installTestDatabase } from "./support";

let db: TestDatabase;
let routes: {
  app: typeof import("~/routes/app");
  index: typeof import("~/routes/_index/route");
  login: typeof import("~/routes/auth.login/route");
  /** Area pages: placeholders or real pages, each behind the admin login. */
  areas: Record<string, { loader: (args: LoaderFunctionArgs) => unknown }>;
};

beforeAll(async () => {
  db = await installTestDatabase();
  routes = {
    app: await import("~/routes/app"),
    index: await import("~/routes/_index/route"),
    login: await import("~/routes/auth.login/route"),
    areas: {
      "/app/promotions": await import("~/routes/app.promotions"),
      "/app/checkout-rules": await import("~/routes/app.checkout-rules"),
      "/app/inventory": await import("~/routes/app.inventory"),
      "/app/returns": await import("~/routes/app.returns"),
      "/app/peak": await import("~/routes/app.peak"),
    },
  };
});
afterAll(() => closeTestDatabase(db));

describe("GET /app without a session", () => {
  it("GIVEN a browser WHEN it opens /app with no shop or session token THEN it is sent to /auth/login", async () => {
    const response = await call(routes.app.loader, browserRequest("/app"));
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/auth/login");
  });

  it("answers a bot-like user agent (curl) with 410 Gone instead of starting auth", async () => {
    const response = await call(routes.app.loader, browserRequest("/app", { headers: { "user-agent": CURL_UA } }));
    expect(response.status).toBe(410);
  });

  it.each(["/app/promotions", "/app/checkout-rules", "/app/inventory", "/app/returns", "/app/peak"])(
    "%s is behind the same login",
    async (path) => {
      const area = routes.areas[path];
      if (!area) throw new Error(`no route module for ${path}`);
      const response = await call(area.loader, browserRequest(path));
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/auth/login");
    },
  );
});

describe("landing page", () => {
  it("shows the login form when the app has a login path", async () => {
    const response = await call(routes.index.loader, browserRequest("/"));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ showForm: true });
  });

  it("sends a request that names a shop on to /app, keeping its parameters", async () => {
    const response = await call(routes.index.loader, browserRequest("/?shop=peakguard-demo.myshopify.com&host=abc"));
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/app?shop=peakguard-demo.myshopify.com&host=abc");
  });
});

describe("/auth/login", () => {
  it("GET without a shop shows the empty form", async () => {
    const response = await call(routes.login.loader, browserRequest("/auth/login"));
    expect(await response.json()).toEqual({ errors: {} });
  });

  it("POST without a shop asks for the shop domain", async () => {
    const response = await call(routes.login.action, formPost("/auth/login", { shop: "" }));
    expect(await response.json()).toEqual({ errors: { shop: "Please enter your shop domain to log in" } });
  });

  it("POST with something that is not a shop domain says so", async () => {
    const response = await call(routes.login.action, formPost("/auth/login", { shop: "not a shop!" }));
    expect(await response.json()).toEqual({ errors: { shop: "Please enter a valid shop domain to log in" } });
  });

  it("POST with a shop name sends the merchant to that shop's install page for this app", async () => {
    const response = await call(routes.login.action, formPost("/auth/login", { shop: "peakguard-demo" }));
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(
      `https://admin.shopify.com/store/peakguard-demo/oauth/install?client_id=${process.env.SHOPIFY_API_KEY}`,
    );
  });
});
