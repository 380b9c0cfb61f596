import { Links, Meta, Outlet, Scripts, ScrollRestoration } from "@remix-run/react";

// As in Shopify's Remix template, minus the Inter stylesheet from Shopify's CDN:
// a render-blocking link to a host that may be unreachable. Polaris falls back
// to the system font stack.
export default function App() {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <Outlet />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}
