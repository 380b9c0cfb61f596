/**
 * Wasm instruction counting by static instrumentation (binaryen).
 *
 * Shopify meters a function by the Wasm instructions it executes (function-runner uses
 * wasmtime fuel: one unit per operator; `nop`, `drop`, `block`, `loop`, `else`, `end`,
 * `return` and `unreachable` are free). We reproduce that meter on any module:
 *
 * - add an exported mutable i64 global (INSTRUCTION_COUNTER_EXPORT), starting at 0;
 * - split every block body (and every loop body, if arm and function body) into straight-line
 *   segments, a segment ending after any child that may leave it early (br, br_if, br_table,
 *   return, unreachable) or that opens nested control flow (block, loop, if);
 * - at the start of each segment add to the counter the number of operators the segment
 *   executes outside its nested bodies, which are counted on their own when they run.
 *
 * Exact on every path that completes a segment; when a nested body branches out of a
 * segment, the operators after it in that segment are counted although they did not run
 * (a handful per early exit). Deterministic: the same module and input give the same count.
 */
import type binaryenModule from "binaryen";

type Binaryen = typeof binaryenModule;
type ExpressionRef = number;

/** Name of the exported i64 global holding the executed-instruction count. */
export const INSTRUCTION_COUNTER_EXPORT = "__peakguard_instructions";
/** Bump when the algorithm changes: it is part of the on-disk cache key. */
export const INSTRUMENTATION_VERSION = 1;

// binaryen.js has these per-expression helpers at runtime; its .d.ts does not declare them.
interface BinaryenHelpers {
  Block: {
    getNumChildren(block: ExpressionRef): number;
    getChildAt(block: ExpressionRef, index: number): ExpressionRef;
    insertChildAt(block: ExpressionRef, index: number, child: ExpressionRef): void;
  };
  If: {
    getCondition(expr: ExpressionRef): ExpressionRef;
    getIfTrue(expr: ExpressionRef): ExpressionRef;
    getIfFalse(expr: ExpressionRef): ExpressionRef;
    setIfTrue(expr: ExpressionRef, arm: ExpressionRef): void;
    setIfFalse(expr: ExpressionRef, arm: ExpressionRef): void;
  };
  Loop: {
    getBody(expr: ExpressionRef): ExpressionRef;
    setBody(expr: ExpressionRef, body: ExpressionRef): void;
  };
  Function: {
    getBody(func: number): ExpressionRef;
    setBody(func: number, body: ExpressionRef): void;
  };
}

interface Cost {
  /** Operators executed by this expression outside nested block/loop/if bodies. */
  flat: number;
  /** True if control may leave the enclosing segment inside this expression. */
  boundary: boolean;
}

export interface InstrumentResult {
  wasm: Uint8Array<ArrayBuffer>;
  functions: number;
  counterSites: number;
}

/** Instrument `wasm` (bytes) and return the new module's bytes. */
export function instrumentWasm(binaryen: Binaryen, wasm: Uint8Array): InstrumentResult {
  const B = binaryen;
  const H = binaryen as unknown as BinaryenHelpers;
  const module = B.readBinary(wasm);
  try {
    // The features emscripten's QuickJS build uses. Not `All`: newer proposals (compact
    // imports, overlong call_indirect) change the binary encoding and Node would refuse it.
    module.setFeatures(
      B.Features.MutableGlobals |
        B.Features.NontrappingFPToInt |
        B.Features.SignExt |
        B.Features.BulkMemory |
        B.Features.BulkMemoryOpt |
        B.Features.Multivalue
    );
    const counter = INSTRUCTION_COUNTER_EXPORT;
    module.addGlobal(counter, B.i64, true, module.i64.const(0n));
    module.addGlobalExport(counter, counter);

    let counterSites = 0;
    const increment = (n: number): ExpressionRef => {
      counterSites++;
      return module.global.set(counter, module.i64.add(module.global.get(counter, B.i64), module.i64.const(BigInt(n))));
    };

    const sum = (refs: readonly ExpressionRef[]): Cost => {
      let flat = 0;
      let boundary = false;
      for (const ref of refs) {
        if (!ref) continue;
        const cost = visit(ref);
        flat += cost.flat;
        boundary ||= cost.boundary;
      }
      return { flat, boundary };
    };

    /** Instrument a block's child list in place. */
    const instrumentBlock = (block: ExpressionRef): void => {
      const count = H.Block.getNumChildren(block);
      const inserts: { at: number; cost: number }[] = [];
      let start = 0;
      let pending = 0;
      for (let i = 0; i < count; i++) {
        const cost = visit(H.Block.getChildAt(block, i));
        pending += cost.flat;
        if (cost.boundary) {
          if (pending > 0) inserts.push({ at: start, cost: pending });
          start = i + 1;
          pending = 0;
        }
      }
      if (pending > 0) inserts.push({ at: start, cost: pending });
      for (let k = inserts.length - 1; k >= 0; k--) {
        const { at, cost } = inserts[k]!;
        H.Block.insertChildAt(block, at, increment(cost));
      }
    };

    /** A body that runs on its own (loop body, if arm, function body): returns its replacement. */
    const instrumentBody = (body: ExpressionRef): ExpressionRef => {
      if (B.getExpressionId(body) === B.BlockId) {
        instrumentBlock(body);
        return body;
      }
      const cost = visit(body);
      if (cost.flat === 0) return body;
      const type = B.getExpressionType(body);
      return module.block(null, [increment(cost.flat), body], type === B.unreachable ? B.auto : type);
    };

    const visit = (expr: ExpressionRef): Cost => {
      const id = B.getExpressionId(expr);
      switch (id) {
        case B.BlockId:
          instrumentBlock(expr);
          return { flat: 0, boundary: true };
        case B.LoopId:
          H.Loop.setBody(expr, instrumentBody(H.Loop.getBody(expr)));
          return { flat: 0, boundary: true };
        case B.IfId: {
          const condition = visit(H.If.getCondition(expr));
          H.If.setIfTrue(expr, instrumentBody(H.If.getIfTrue(expr)));
          const ifFalse = H.If.getIfFalse(expr);
          if (ifFalse) H.If.setIfFalse(expr, instrumentBody(ifFalse));
          return { flat: 1 + condition.flat, boundary: true };
        }
        case B.BreakId:
        case B.SwitchId: {
          const info = B.getExpressionInfo(expr) as binaryenModule.BreakInfo;
          return { flat: 1 + sum([info.value, info.condition]).flat, boundary: true };
        }
        case B.ReturnId:
          return { flat: sum([(B.getExpressionInfo(expr) as binaryenModule.ReturnInfo).value]).flat, boundary: true };
        case B.UnreachableId:
          return { flat: 0, boundary: true };
        case B.NopId:
          return { flat: 0, boundary: false };
        case B.DropId:
          return sum([(B.getExpressionInfo(expr) as binaryenModule.DropInfo).value]);
        default: {
          const inner = sum(operands(B, expr, id));
          return { flat: 1 + inner.flat, boundary: inner.boundary };
        }
      }
    };

    const functions = module.getNumFunctions();
    for (let i = 0; i < functions; i++) {
      const func = module.getFunctionByIndex(i);
      const body = H.Function.getBody(func);
      if (!body) continue; // imported function
      H.Function.setBody(func, instrumentBody(body));
    }

    if (!module.validate()) throw new Error("binaryen: the instrumented module does not validate");
    const out = new Uint8Array(module.emitBinary());
    if (!WebAssembly.validate(out))
      throw new Error("instrumentWasm: the emitted module is not valid Wasm for this engine");
    return { wasm: out, functions, counterSites };
  } finally {
    module.dispose();
  }
}

/** Operands of a non-control expression, in evaluation order. */
function operands(B: Binaryen, expr: ExpressionRef, id: number): ExpressionRef[] {
  const info = B.getExpressionInfo(expr) as unknown as Record<string, unknown>;
  const refs = (...keys: string[]) => keys.map((k) => info[k] as ExpressionRef);
  switch (id) {
    case B.ConstId:
    case B.LocalGetId:
    case B.GlobalGetId:
    case B.MemorySizeId:
    case B.DataDropId:
    case B.AtomicFenceId:
      return [];
    case B.CallId:
      return info.operands as ExpressionRef[];
    case B.CallIndirectId:
      return [...(info.operands as ExpressionRef[]), info.target as ExpressionRef];
    case B.LocalSetId:
    case B.GlobalSetId:
    case B.UnaryId:
      return refs("value");
    case B.LoadId:
      return refs("ptr");
    case B.StoreId:
      return refs("ptr", "value");
    case B.BinaryId:
      return refs("left", "right");
    case B.SelectId:
      return refs("ifTrue", "ifFalse", "condition");
    case B.MemoryGrowId:
      return refs("delta");
    case B.MemoryCopyId:
      return refs("dest", "source", "size");
    case B.MemoryFillId:
      return refs("dest", "value", "size");
    case B.MemoryInitId:
      return refs("dest", "offset", "size");
    default:
      // The QuickJS build we instrument uses none of the other operators (SIMD, atomics,
      // exceptions, GC, tables). Refuse rather than miscount if a new build does.
      throw new Error(`instrumentWasm: unsupported expression id ${id}`);
  }
}
