/**
 * The floor measured against itself (ratio 1.00): the baseline figures per cart size.
 * Real functions' bench.ts files follow the same shape (see functions/bench-spec.ts).
 */
import { benchCart, defineBenchmarks } from "../../functions/bench-spec";

export default defineBenchmarks([
  {
    target: "cart.lines.discounts.generate.run",
    label: "floor",
    input: (lines) => benchCart(lines),
  },
]);
