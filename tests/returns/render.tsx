/**
 * Server-renders a route's component with given loader data, inside Polaris and
 * a static data router (Remix's hooks read the router; its Link and Form read a
 * minimal Remix context). For checking what a page shows, without a browser.
 */
import type { ComponentType } from "react";
import { renderToString } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { UNSAFE_RemixContext } from "@remix-run/react";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";

const REMIX_CONTEXT = {
  manifest: { routes: {}, entry: { imports: [], module: "" }, url: "", version: "" },
  routeModules: {},
  future: {},
  isSpaMode: false,
};

export async function renderRoute(Component: ComponentType, path: string, loaderData: unknown): Promise<string> {
  // What the browser gets: the loader's JSON.
  const data = JSON.parse(JSON.stringify(loaderData)) as Record<string, unknown>;
  const handler = createStaticHandler([{ id: "route", path, loader: () => data, Component }]);
  const context = await handler.query(new Request(`https://peakguard.test${path}`));
  if (context instanceof Response) throw new Error(`the route answered ${context.status}`);
  const router = createStaticRouter(handler.dataRoutes, context);
  const html = renderToString(
    <UNSAFE_RemixContext.Provider value={REMIX_CONTEXT as never}>
      <AppProvider i18n={en}>
        <StaticRouterProvider router={router} context={context} hydrate={false} />
      </AppProvider>
    </UNSAFE_RemixContext.Provider>,
  );
  // Text content, tags stripped, entities for the characters the pages use decoded.
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/&gt;/g, ">")
    .replace(/&lt;/g, "<")
    .replace(/\s+/g, " ");
}
