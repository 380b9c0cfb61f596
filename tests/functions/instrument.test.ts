/**
 * The instruction counter against hand-counted Wasm: one unit per operator, free `block`,
 * `loop`, `end`, `else`, `nop`, `drop`, `return`, `unreachable` (wasmtime's fuel rule, which
 * Shopify's function-runner reports).
 */
import binaryen from "binaryen";
import { beforeAll, describe, expect, it } from "vitest";

import { INSTRUCTION_COUNTER_EXPORT, instrumentWasm } from "../../functions/instrument-wasm";

const WAT = `
(module
  ;; per iteration with n > 0: local.get, i32.eqz, br_if (3) + 2 × (local.get, local.get/const, add/sub, local.set) (8) + br (1)
  ;; last check: 3; then local.get: 1  →  12n + 4
  (func $sum (export "sum") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $acc))

  ;; condition + if: 4; then-arm: 3; else-arm: 1  →  negative 7, otherwise 5
  (func $abs (export "abs") (param $x i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $x) (i32.const 0))
      (then (i32.sub (i32.const 0) (local.get $x)))
      (else (local.get $x))))

  ;; local.get, call, local.get, call, add (5) + the two calls
  (func $twice (export "twice") (param $x i32) (result i32)
    (i32.add (call $abs (local.get $x)) (call $abs (local.get $x))))

  ;; local.get + if (2); taken: i32.const (return is free) → 3; not taken: const (drop, nop free) + const → 4
  (func $early (export "early") (param $x i32) (result i32)
    (if (local.get $x) (then (return (i32.const 7))))
    (drop (i32.const 1))
    (nop)
    (i32.const 9))
)`;

type Exports = {
  sum(n: number): number;
  abs(x: number): number;
  twice(x: number): number;
  early(x: number): number;
  [INSTRUCTION_COUNTER_EXPORT]: WebAssembly.Global;
};

let exports: Exports;

function measure(call: () => number): { value: number; instructions: number } {
  const counter = exports[INSTRUCTION_COUNTER_EXPORT];
  const before = counter.value as bigint;
  const value = call();
  return { value, instructions: Number((counter.value as bigint) - before) };
}

beforeAll(() => {
  const source = binaryen.parseText(WAT);
  const original = new Uint8Array(source.emitBinary());
  source.dispose();
  const { wasm } = instrumentWasm(binaryen, original);
  exports = new WebAssembly.Instance(new WebAssembly.Module(wasm)).exports as unknown as Exports;
});

describe("instrumentWasm", () => {
  it("exports a mutable i64 counter starting at 0", () => {
    expect(exports[INSTRUCTION_COUNTER_EXPORT]).toBeInstanceOf(WebAssembly.Global);
    expect(exports[INSTRUCTION_COUNTER_EXPORT].value).toBe(0n);
  });

  it.each([0, 1, 5, 100])("counts a loop exactly: sum(%i) = 12n + 4", (n) => {
    const { value, instructions } = measure(() => exports.sum(n));
    expect(value).toBe((n * (n + 1)) / 2);
    expect(instructions).toBe(12 * n + 4);
  });

  it("counts only the arm of an if that runs", () => {
    expect(measure(() => exports.abs(-3))).toEqual({ value: 3, instructions: 7 });
    expect(measure(() => exports.abs(3))).toEqual({ value: 3, instructions: 5 });
  });

  it("counts calls and what the callee runs", () => {
    expect(measure(() => exports.twice(-2))).toEqual({ value: 4, instructions: 5 + 7 + 7 });
  });

  it("stops counting at an early return", () => {
    expect(measure(() => exports.early(1))).toEqual({ value: 7, instructions: 3 });
    expect(measure(() => exports.early(0))).toEqual({ value: 9, instructions: 4 });
  });
});
