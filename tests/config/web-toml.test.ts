import fs from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const web = parse(fs.readFileSync(path.join(ROOT, "shopify.web.toml"), "utf8")) as {
  name?: string;
  roles?: string[];
  webhooks_path?: string;
  commands?: { dev?: string };
};
const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

describe("shopify.web.toml (what `shopify app dev` runs)", () => {
  it("serves the admin and the webhooks from one web process", () => {
    expect(web.roles?.sort()).toEqual(["backend", "frontend"]);
  });

  it("prepares the database with the package's own setup script, then starts Remix's Vite dev server", () => {
    const dev = web.commands?.dev ?? "";
    const npmScripts = [...dev.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
    expect(npmScripts).toEqual(["setup"]);
    for (const name of npmScripts) expect(scripts[name], `npm script ${name}`).toBeDefined();
    expect(scripts.setup).toContain("prisma migrate deploy");
    expect(dev).toMatch(/remix vite:dev$/);
  });

  it("points webhooks_path at a webhook route that exists", () => {
    const route = (web.webhooks_path ?? "").replace(/^\//, "").replace(/\//g, ".");
    expect(fs.existsSync(path.join(ROOT, "app/routes", `${route}.tsx`))).toBe(true);
  });
});
