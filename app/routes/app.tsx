import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { PolarisVizProvider } from "@shopify/polaris-viz";
import { Banner, Box } from "@shopify/polaris";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppNavigation } from "~/components/AppNavigation";
import { VIZ_THEMES } from "~/components/VizCharts";
import { adminContext } from "~/services/admin-context.server";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: polarisStyles },
  { rel: "stylesheet", href: polarisVizStyles },
];

// Every /app/* page is behind the admin session: no session → /auth/login,
// an expired or missing session token → the library's bounce / token exchange.
// The local demo (npm run demo) renders the same pages outside Shopify's iframe.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, mode } = await adminContext(request);

  return json({ apiKey: process.env.SHOPIFY_API_KEY || "", shop, mode });
};

export default function App() {
  const { apiKey, shop, mode } = useLoaderData<typeof loader>();

  if (mode === "demo") {
    return (
      <AppProvider isEmbeddedApp={false} apiKey={apiKey}>
        <AppNavigation />
        <Box paddingInline="400" paddingBlockStart="200">
          <Banner tone="info" title={`Local demo: ${shop}`}>
            This is the local store emulator, not a Shopify store. Pages render outside Shopify&apos;s admin, without App Bridge.
          </Banner>
        </Box>
        <PolarisVizProvider defaultTheme="Light" themes={VIZ_THEMES}>
          <Outlet />
        </PolarisVizProvider>
      </AppProvider>
    );
  }

  return (
    <AppProvider isEmbeddedApp apiKey={apiKey}>
      <AppNavigation />
      <PolarisVizProvider defaultTheme="Light" themes={VIZ_THEMES}>
        <Outlet />
      </PolarisVizProvider>
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses so that their headers are included in the response.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => {
  return boundary.headers(headersArgs);
};
