/** The drill report as text for the terminal. */
import type { DrillResults, DrillTargets, Summary, Verdict } from "../../app/domain/peak/drill";

export interface DrillReportDoc {
  config: Record<string, unknown>;
  targets: DrillTargets;
  results: DrillResults;
  verdicts: Verdict[];
  passed: boolean;
}

const ms = (v: number | null) => (v === null ? "n/a" : `${v.toFixed(1)} ms`);
const line = (name: string, s: Summary) => `  ${name.padEnd(28)} n=${String(s.count).padStart(6)}  p50 ${ms(s.p50).padStart(10)}  p99 ${ms(s.p99).padStart(10)}  max ${ms(s.max).padStart(10)}`;

export function formatReport(doc: DrillReportDoc): string {
  const r = doc.results;
  const out: string[] = [];
  out.push("");
  out.push(`Peak drill: ${doc.passed ? "PASSED" : "FAILED"}`);
  out.push(`  ${Math.round(r.ordersPerMinute)} orders/min for ${(r.durationMs / 1000).toFixed(1)} s: ${r.orders.created} orders, ${r.orders.cancelled} cancelled, ${r.orders.returned} returned, ${r.orders.refunded} refunded, ${r.orders.inventoryUpdates} restocks`);
  out.push(`  webhooks: ${r.webhooks.events} events, ${r.webhooks.attempts} delivery attempts (${r.webhooks.duplicates} duplicates), refused ${JSON.stringify(r.webhooks.refused)}, dead ${r.webhooks.dead}`);
  out.push(line("ack (HTTP answer)", r.ack));
  out.push(line("processing lag", r.lag));
  out.push(line("ATP read", r.atp) + (r.atp.note ? `  (${r.atp.note})` : ""));
  for (const c of r.checkout) {
    out.push(c.note ? `  checkout: ${c.function}: not measured (${c.note})` : line(`checkout: ${c.function}`, c.wallMs) + `  instructions p99 ${c.instructions.p99?.toLocaleString("en-US") ?? "n/a"}${c.errors ? `, ${c.errors} errors` : ""}`);
  }
  out.push(`  loss: ${r.loss.emitted} emitted, ${r.loss.logged} in the app's log, ${r.loss.lost.length + r.loss.neverAttempted} lost${r.loss.lost.length ? ` (${r.loss.lost.slice(0, 5).join(", ")}${r.loss.lost.length > 5 ? ", …" : ""})` : ""}, ${r.loss.undelivered.length} still being retried`);
  out.push(`  processing: ${r.processing.processed} processed, ${r.processing.unprocessed} unprocessed, ${r.processing.dead} dead`);
  for (const [error, n] of Object.entries(r.processing.errors).slice(0, 5)) out.push(`    ${n} × ${error}`);
  out.push(`  backpressure: ${r.backpressure.note}; ${r.backpressure.refusals} refusals (503)`);
  for (const note of r.notes) out.push(`  note: ${note}`);
  out.push("");
  for (const v of doc.verdicts) out.push(`  ${v.ok ? "ok  " : "FAIL"} ${v.name.padEnd(24)} ${v.actual.padEnd(22)} target ${v.target}`);
  return out.join("\n");
}
