/**
 * The app under drill: the BUILT app (build/server/index.js under server.js, the production
 * shape: `npm start`'s server — webhook deliveries straight to their route's action, the rest
 * through Express and Remix —, the HMAC check, the receiver, and — on PostgreSQL — the WebhookWorker
 * in its own thread, app/services/webhooks/worker-thread.server.ts) as its own process, on its
 * own PostgreSQL database, installed for the emulator's shop with an offline session the
 * emulator accepts. Its CPU is read per thread from /proc (the drill reports it).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { openDatabase } from "../../app/db.server";
import { offlineSessionId } from "../../app/services/admin/offline.server";
import { resolveDatabaseTarget } from "../../app/services/db/database-url";
import { forShop } from "../../app/services/db/scoped.server";
import { queueCapFromEnv } from "../../app/services/peak/backpressure.server";
import { recordInstall } from "../../app/services/shops.server";
import { DATABASE_CPU, threadCpu, type AppUnderDrill, type StartAppOptions } from "./harness";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export function run(command: string, args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(command, args, { cwd: ROOT, env, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.status}`);
}

export interface BuiltAppOptions {
  databaseUrl: string;
  /** PEAKGUARD_WEBHOOK_BACKLOG_CAP for the app; null: the app's default (or the environment's). */
  backlogCap: number | null;
  /** Extra environment for the app process. */
  env?: Record<string, string>;
  log?: (message: string) => void;
}

/**
 * CPU used so far by the PostgreSQL backends serving `databaseUrl`'s database on this machine
 * (processes titled "postgres: … <database> …"; a backend that has exited is not counted), or
 * null when none can be read (another machine, no /proc).
 */
export function postgresBackendCpu(databaseUrl: string): number | null {
  let name: string;
  try {
    name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  } catch {
    return null;
  }
  if (!name) return null;
  let total = 0;
  let found = false;
  for (const pid of fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      const title = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!title.startsWith("postgres:") || !title.split(" ").includes(name)) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) * 10;
      found = true;
    } catch {
      // gone meanwhile
    }
  }
  return found ? total : null;
}

/** Migrates the database, installs the shop, starts the built app; resolves when it answers. */
export function builtApp(options: BuiltAppOptions): (start: StartAppOptions) => Promise<AppUnderDrill> {
  return async (start) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: options.databaseUrl };
    run("npx", ["prisma", "migrate", "deploy"], env);
    if (!fs.existsSync(path.join(ROOT, "build/server/index.js"))) run("npx", ["remix", "vite:build"], env);

    const database = openDatabase(resolveDatabaseTarget(options.databaseUrl));
    await recordInstall(database.prisma, start.shop, null);
    const id = offlineSessionId(start.shop);
    await forShop(database.prisma, start.shop).session.upsert({
      where: { id },
      create: { id, shop: start.shop, state: "drill", isOnline: false, accessToken: start.accessToken, scope: "drill" },
      update: { accessToken: start.accessToken, isOnline: false },
    });

    const url = `http://127.0.0.1:${start.port}`;
    const cap = options.backlogCap ?? queueCapFromEnv().cap;
    const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, "server.js"), "./build/server/index.js"], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        ...env,
        ...options.env,
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: String(start.port),
        SHOPIFY_API_KEY: "peakguard-drill",
        SHOPIFY_API_SECRET: start.apiSecret,
        SHOPIFY_APP_URL: url,
        PEAKGUARD_DEMO_SHOP: start.shop,
        PEAKGUARD_ADMIN_API_URL: start.emulatorUrl,
      },
    });
    let exited: number | null = null;
    child.once("exit", (code) => (exited = code ?? 1));
    for (let i = 0; i < 240 && exited === null; i++) {
      const up = await fetch(`${url}/app`, { headers: { "User-Agent": "Mozilla/5.0 peakguard-drill" } }).then(
        (r) => r.status < 500,
        () => false
      );
      if (up) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    if (exited !== null) throw new Error(`the app exited (${exited}) before answering`);
    options.log?.(`built app (pid ${child.pid}) on ${url}, database ${database.describe}`);
    return {
      url,
      prisma: database.prisma,
      backpressure: { cap, note: `the receiver answers 503 + Retry-After at ${cap} unprocessed events; the sender retries` },
      cpu: () => {
        const app = child.pid ? threadCpu(child.pid) : null;
        if (!app) return null;
        const backends = postgresBackendCpu(options.databaseUrl);
        return backends === null ? app : [...app, { thread: DATABASE_CPU, cpuMs: backends }];
      },
      async close() {
        if (exited === null) {
          const gone = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
          if (exited === null) child.kill("SIGKILL");
        }
        await database.close();
      },
    };
  };
}
