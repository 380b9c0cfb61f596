/**
 * Route-test plumbing: a migrated test database installed as the app's database
 * (app/db.server.ts reads globalThis.__peakguardDatabase), a browser user agent
 * (the library answers 410 Gone to bot-like agents), and calling a route's
 * loader or action the way Remix does, thrown Responses included.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

export const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
export const CURL_UA = "curl/8.5.0";

export const APP_ORIGIN = "https://peakguard.test";

/** Opens a fresh migrated database and makes it the one `~/db.server` hands out. Call before importing routes. */
export async function installTestDatabase(): Promise<TestDatabase> {
  if (globalThis.__peakguardDatabase) throw new Error("an app database is already open in this test file");
  const db = await createTestDatabase();
  globalThis.__peakguardDatabase = {
    prisma: db.prisma,
    target: { kind: "pglite", dataDir: null },
    describe: `test database (${db.kind})`,
    close: () => db.close(),
  };
  return db;
}

export async function closeTestDatabase(db: TestDatabase | undefined): Promise<void> {
  globalThis.__peakguardDatabase = undefined;
  await db?.close();
}

export function browserRequest(url: string, init: RequestInit = {}): Request {
  const headers = new Headers(init.headers);
  if (!headers.has("user-agent")) headers.set("user-agent", BROWSER_UA);
  return new Request(new URL(url, APP_ORIGIN), { ...init, headers });
}

export function formPost(url: string, fields: Record<string, string>, headers: HeadersInit = {}): Request {
  return browserRequest(url, { method: "POST", body: new URLSearchParams(fields), headers });
}

type RouteFunction = (args: LoaderFunctionArgs & ActionFunctionArgs) => unknown;

/** Runs a loader/action; a thrown Response (redirects, 410…) is returned like a returned one. */
export async function call(route: RouteFunction, request: Request): Promise<Response> {
  try {
    const result = await route({ request, params: {}, context: {} });
    if (result instanceof Response) return result;
    return Response.json(result);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
