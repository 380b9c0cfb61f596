/**
 * The lint rules the house relies on, checked through ESLint's own API against
 * eslint.config.js: if a rule is dropped or an ignore pattern widened, this fails.
 */
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: path.resolve(__dirname, "../..") });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? "(fatal)");
}

describe("eslint.config.js", () => {
  it("forbids @ts-ignore and @ts-nocheck", async () => {
    expect(await ruleIds("// @ts-ignore\nexport const a: number = 1;\n", "app/lint-probe.ts")).toContain(
      "@typescript-eslint/ban-ts-comment",
    );
    expect(await ruleIds("// @ts-nocheck\nexport const a = 1;\n", "app/lint-probe.ts")).toContain(
      "@typescript-eslint/ban-ts-comment",
    );
  });

  it("allows @ts-expect-error only with a reason", async () => {
    expect(await ruleIds("// @ts-expect-error\nexport const a: number = '1';\n", "app/lint-probe.ts")).toContain(
      "@typescript-eslint/ban-ts-comment",
    );
    expect(
      await ruleIds("// @ts-expect-error the fixture is deliberately mistyped\nexport const a: number = '1';\n", "app/lint-probe.ts"),
    ).toEqual([]);
  });

  it("allows _-prefixed unused arguments and those before a used one; reports an unused last argument", async () => {
    expect(await ruleIds("export function f(_request: unknown, value: number) { return value; }\n", "app/lint-probe.ts")).toEqual([]);
    expect(await ruleIds("export function f(request: unknown, value: number) { return value; }\n", "app/lint-probe.ts")).toEqual(
      [],
    );
    expect(await ruleIds("export function f(value: number, unused: number) { return value; }\n", "app/lint-probe.ts")).toContain(
      "@typescript-eslint/no-unused-vars",
    );
  });

  it("applies the react-hooks rules to components", async () => {
    const code = [
      'import { useState } from "react";',
      "export function C({ on }: { on: boolean }) {",
      "  if (on) { const [v] = useState(0); return <p>{v}</p>; }",
      "  return null;",
      "}",
      "",
    ].join("\n");
    expect(await ruleIds(code, "app/components/LintProbe.tsx")).toContain("react-hooks/rules-of-hooks");
  });

  it("ignores build output, dependencies, generated code and local data", async () => {
    for (const file of [
      "build/server/index.js",
      "node_modules/react/index.js",
      "graphql/generated/admin.types.ts",
      "extensions/some-function/dist/function.js",
      "extensions/some-function/generated/api.ts",
      ".cache/x.js",
      "data/pglite/x.js",
    ]) {
      expect(await eslint.isPathIgnored(file), file).toBe(true);
    }
    for (const file of ["app/root.tsx", "tests/lint/eslint-config.test.ts", "extensions/some-function/src/index.ts", "vite.config.ts"]) {
      expect(await eslint.isPathIgnored(file), file).toBe(false);
    }
  });
});
