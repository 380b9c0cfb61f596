import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, type UserConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

// Laid out like Shopify's Remix app template (vite.config.ts).
// Node 22 has fetch, Request and Response built in: no installGlobals().

// The Shopify CLI passes the tunnel URL as HOST; the Remix server treats HOST
// as the interface to bind to. Move it to SHOPIFY_APP_URL, as the template does.
if (process.env.HOST && (!process.env.SHOPIFY_APP_URL || process.env.SHOPIFY_APP_URL === process.env.HOST)) {
  process.env.SHOPIFY_APP_URL = process.env.HOST;
  delete process.env.HOST;
}

const host = new URL(process.env.SHOPIFY_APP_URL || "http://localhost").hostname;

// HMR: plain ws on localhost; behind the CLI's tunnel, wss through port 443.
const hmrConfig =
  host === "localhost"
    ? { protocol: "ws", host: "localhost", port: 64999, clientPort: 64999 }
    : { protocol: "wss", host, port: Number.parseInt(process.env.FRONTEND_PORT ?? "", 10) || 8002, clientPort: 443 };

export default defineConfig({
  server: {
    allowedHosts: [host],
    cors: { preflightContinue: true },
    port: Number(process.env.PORT || 3000),
    hmr: hmrConfig,
    fs: {
      // https://vitejs.dev/config/server-options.html#server-fs-allow
      allow: ["app", "node_modules"],
    },
  },
  plugins: [
    remix({
      ignoredRouteFiles: ["**/.*"],
      // The v3 flags Remix 2.17 has. v3_routeConfig stays off: routes are the
      // flat files under app/routes (it would need an app/routes.ts).
      // v3_singleFetch stays off as in the template: loaders return json().
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: false,
        v3_routeConfig: false,
      },
    }),
    tsconfigPaths(),
  ],
  build: {
    assetsInlineLimit: 0,
  },
  optimizeDeps: {
    include: ["@shopify/app-bridge-react", "@shopify/polaris"],
  },
}) satisfies UserConfig;
