/**
 * Every fixture of every function extension: extensions/*\/tests/fixtures/*.json is validated
 * against the extension's schema.graphql and input query, then run through the built bundle
 * in the sandbox; the output must equal the fixture's. New extensions are picked up here
 * without editing this file.
 */
import { beforeAll, describe, expect, it } from "vitest";

import { buildFunction } from "../../functions/build";
import {
  discoverFixtures,
  loadFunctionFixture,
  runFixture,
  validateFixture,
  type FunctionFixture,
} from "../../functions/fixtures";

const discovered = await discoverFixtures();
const withFixtures = discovered.filter((d) => d.files.length > 0);

describe("fixture discovery", () => {
  it("finds at least one function extension with fixtures", () => {
    expect(withFixtures.length).toBeGreaterThan(0);
  });

  it.each(discovered.map((d) => [d.extension.name, d.files.length] as const))(
    "%s has fixtures (%i)",
    (_name, count) => {
      expect(count).toBeGreaterThan(0);
    }
  );
});

describe.each(withFixtures.map((d) => [d.extension.name, d] as const))("%s fixtures", (_name, { extension, files }) => {
  beforeAll(async () => {
    await buildFunction(extension);
  });

  it.each(files.map((file) => [file.slice(extension.directory.length + 1), file] as const))(
    "%s: valid against schema.graphql and the input query, output as expected",
    async (_relative, file) => {
      const fixture = await loadFunctionFixture(file);
      const result = await runFixture(extension, fixture);

      expect(result.validation.errors).toEqual([]);
      expect(result.run.error).toBeUndefined();
      expect(result.run.output).toEqual(fixture.expectedOutput);
      expect(result.limitViolations).toEqual([]);
      expect(result.problems).toEqual([]);
    }
  );
});

describe("fixture validation can fail", () => {
  const first = withFixtures[0];
  let fixture: FunctionFixture;

  beforeAll(async () => {
    if (!first) throw new Error("no fixtures discovered");
    await buildFunction(first.extension);
    fixture = await loadFunctionFixture(first.files[0]!);
  });

  const clone = (): FunctionFixture => structuredClone(fixture);

  it("rejects an input field that is not in the schema", async () => {
    const bad = clone();
    (bad.input as Record<string, unknown>).notInTheSchema = 1;
    const validation = await validateFixture(first!.extension, bad);
    expect(validation.ok).toBe(false);
    expect(validation.errors.join("\n")).toMatch(/notInTheSchema/);
  });

  it("rejects an output operation that is not in the schema", async () => {
    const bad = clone();
    bad.expectedOutput = { ...bad.expectedOutput, notAnOutputField: true };
    const validation = await validateFixture(first!.extension, bad);
    expect(validation.ok).toBe(false);
    expect(validation.errors.join("\n")).toMatch(/^output: .*notAnOutputField/m);
  });

  it("rejects an input query that selects a field the schema does not have", async () => {
    const validation = await validateFixture(first!.extension, fixture, {
      inputQuerySource: "query Input { cart { notACartField } }",
    });
    expect(validation.ok).toBe(false);
    expect(validation.errors.join("\n")).toMatch(/^input query: .*notACartField/m);
  });

  it("rejects a fixture whose export does not match the toml", async () => {
    const bad = { ...clone(), export: "some-other-export" };
    const validation = await validateFixture(first!.extension, bad);
    expect(validation.errors).toContainEqual(expect.stringMatching(/^fixture: export "some-other-export"/));
  });

  it("fails a run whose output differs from the expected output", async () => {
    const bad = clone();
    bad.expectedOutput = { ...bad.expectedOutput, notWhatTheFunctionWrites: true };
    const result = await runFixture(first!.extension, bad);
    expect(result.outputMatches).toBe(false);
    expect(result.problems.join("\n")).toMatch(/output differs/);
  });
});
