import tsconfigPaths from "vite-tsconfig-paths";
import { defineConfig } from "vitest/config";

// Tests never use the Remix Vite plugin: routes are imported as modules.
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["tests/**/*.test.ts", "tests/**/*.test.tsx", "app/**/*.test.ts", "extensions/*/tests/**/*.test.ts"],
    exclude: ["**/node_modules/**", "build/**"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    env: {
      SHOPIFY_API_KEY: "test-api-key",
      SHOPIFY_API_SECRET: "test-api-secret",
      SHOPIFY_APP_URL: "https://peakguard.test",
      SCOPES: "read_products",
      // Tests open their own databases (tests/helpers/db.ts); the app's default one is never touched.
      DATABASE_URL: "pglite:memory",
    },
  },
});
