/**
 * The Peak page's readiness checklist: each item a live value judged ok / warn / fail, with
 * the sentence that says why. Pure: app/services/peak/page.server.ts gathers the values.
 */
import type { Verdict } from "./drill";
import { describeCap, type QueueCap } from "./queue";

export type ReadinessStatus = "ok" | "warn" | "fail";

export interface ReadinessItem {
  key: string;
  label: string;
  status: ReadinessStatus;
  value: string;
  detail: string;
}

/** Shopify's function limits the headroom is measured against [docs]. */
export const FUNCTION_LIMITS = { instructions: 11_000_000, inputBytes: 64_000, metafieldBytes: 10_000 } as const;
/** Share of a limit above which headroom is a warning. */
export const HEADROOM_WARN = 0.7;

export const SWITCH_TEST_KINDS = ["payment", "delivery", "promotion", "region"] as const;
export type SwitchTestKind = (typeof SWITCH_TEST_KINDS)[number];

export interface ReadinessInput {
  now: Date;
  /** Kill switches must have been tested within this many days. */
  testDays: number;
  drill: {
    passed: boolean;
    startedAt: Date;
    verdicts: Verdict[];
    ackP99: number | null;
    lagP99: number | null;
    lost: number;
    checkout: { function: string; wallP99: number | null; instructionsP99: number | null; inputBytesP99: number | null }[];
  } | null;
  caches: {
    /** When the mirror (products, variants, orders) was last written, and how many variants it holds. */
    mirrorSyncedAt: Date | null;
    variants: number;
    /** The kill-switch metafield as last published. */
    metafield: { ok: boolean; rev: number; bytes: number; at: Date } | null;
    /** The checkout validation's ATP copy as stored (over: its figures did not fit, no ATP rule can be read). */
    checkoutAtp?: { bytes: number; over: boolean } | null;
  };
  queue: { cap: QueueCap; backlog: number };
  /** Last time a switch of each kind was flipped AND the simulated checkout honoured it. */
  switchTests: Record<SwitchTestKind, Date | null>;
  codeFreeze: { open: { endsAt: Date; reason: string }[]; next: { startsAt: Date; endsAt: Date; reason: string } | null };
  customizations: { kind: string; enabled: boolean }[] | null;
  declaredMarkets: number;
}

const DAY = 86_400_000;
const n = (v: number) => v.toLocaleString("en-US");
const pct = (used: number, limit: number) => `${Math.round((used / limit) * 100)}%`;
const ago = (now: Date, then: Date) => {
  const ms = now.getTime() - then.getTime();
  if (ms < 3_600_000) return `${Math.max(0, Math.round(ms / 60_000))} min ago`;
  if (ms < 2 * DAY) return `${Math.round(ms / 3_600_000)} h ago`;
  return `${Math.round(ms / DAY)} days ago`;
};

function headroomStatus(used: number | null, limit: number): ReadinessStatus {
  if (used === null) return "warn";
  if (used > limit) return "fail";
  return used > limit * HEADROOM_WARN ? "warn" : "ok";
}

const worst = (statuses: ReadinessStatus[]): ReadinessStatus => (statuses.includes("fail") ? "fail" : statuses.includes("warn") ? "warn" : "ok");

export function readiness(input: ReadinessInput): ReadinessItem[] {
  const items: ReadinessItem[] = [];
  const { now, drill } = input;

  // 1. the last drill
  if (!drill) {
    items.push({ key: "drill", label: "Last peak drill", status: "fail", value: "never run", detail: "Run `npm run drill` (1.5× the configured peak against the store emulator); its report appears here." });
  } else {
    const stale = now.getTime() - drill.startedAt.getTime() > input.testDays * DAY;
    const failed = drill.verdicts.filter((v) => !v.ok).map((v) => `${v.name} ${v.actual} (target ${v.target})`);
    items.push({
      key: "drill",
      label: "Last peak drill",
      status: !drill.passed ? "fail" : stale ? "warn" : "ok",
      value: `${drill.passed ? "passed" : "failed"} ${ago(now, drill.startedAt)}: ack p99 ${drill.ackP99 ?? "n/a"} ms, lag p99 ${drill.lagP99 ?? "n/a"} ms, ${drill.lost} lost`,
      detail: failed.length > 0 ? `Failed: ${failed.join("; ")}.` : stale ? `Older than ${input.testDays} days: run it again before the peak.` : "Every target met.",
    });
  }

  // 2. caches prewarmed
  const { caches } = input;
  const mirrorFresh = caches.mirrorSyncedAt !== null && now.getTime() - caches.mirrorSyncedAt.getTime() < DAY && caches.variants > 0;
  const metafieldOk = caches.metafield?.ok === true;
  items.push({
    key: "caches",
    label: "Caches prewarmed",
    status: mirrorFresh && metafieldOk ? "ok" : caches.variants === 0 ? "fail" : "warn",
    value: `mirror: ${n(caches.variants)} variants${caches.mirrorSyncedAt ? `, written ${ago(now, caches.mirrorSyncedAt)}` : ""}; kill-switch metafield: ${caches.metafield ? `rev ${caches.metafield.rev}, ${n(caches.metafield.bytes)} B, ${caches.metafield.ok ? "confirmed" : "NOT confirmed"}` : "never written"}`,
    detail: [
      mirrorFresh ? null : "Run a reconcile so the mirror is current before the peak.",
      metafieldOk ? null : "Publish the kill-switch metafield (any flip, or Publish again) so every function reads a confirmed value.",
    ]
      .filter(Boolean)
      .join(" ") || "The mirror was written within a day and the functions read a confirmed kill-switch value.",
  });

  // 3. queue caps
  items.push({
    key: "queue",
    label: "Queue caps",
    status: input.queue.backlog >= input.queue.cap.cap ? "fail" : input.queue.backlog >= input.queue.cap.cap * HEADROOM_WARN ? "warn" : "ok",
    value: `webhook backlog ${n(input.queue.backlog)} / cap ${n(input.queue.cap.cap)}`,
    detail: describeCap(input.queue.cap),
  });

  // 4. kill switches tested
  const cutoff = now.getTime() - input.testDays * DAY;
  const untested = SWITCH_TEST_KINDS.filter((k) => !input.switchTests[k] || input.switchTests[k]!.getTime() < cutoff);
  items.push({
    key: "switch-tests",
    label: `Kill switches tested in the last ${input.testDays} days`,
    status: untested.length === 0 ? "ok" : untested.length === SWITCH_TEST_KINDS.length ? "fail" : "warn",
    value: SWITCH_TEST_KINDS.map((k) => `${k}: ${input.switchTests[k] ? ago(now, input.switchTests[k]!) : "never"}`).join(" · "),
    detail:
      untested.length === 0
        ? "Each kind was flipped and a simulated checkout honoured it."
        : `Flip and restore a ${untested.join(", ")} switch (a test: the receipt shows the checkout honouring it). Promotions count when the metafield was confirmed.`,
  });

  // 5. function headroom
  const fnStatuses: ReadinessStatus[] = [];
  const fnValues: string[] = [];
  for (const c of drill?.checkout ?? []) {
    fnStatuses.push(headroomStatus(c.instructionsP99, FUNCTION_LIMITS.instructions), headroomStatus(c.inputBytesP99, FUNCTION_LIMITS.inputBytes));
    fnValues.push(
      `${c.function}: ${c.instructionsP99 === null ? "n/a" : `${n(c.instructionsP99)} instr (${pct(c.instructionsP99, FUNCTION_LIMITS.instructions)})`}, ${c.inputBytesP99 === null ? "n/a" : `${n(c.inputBytesP99)} B in (${pct(c.inputBytesP99, FUNCTION_LIMITS.inputBytes)})`}`
    );
  }
  const mfBytes = caches.metafield?.bytes ?? null;
  fnStatuses.push(mfBytes === null ? "ok" : headroomStatus(mfBytes, FUNCTION_LIMITS.metafieldBytes));
  const copy = caches.checkoutAtp ?? null;
  if (copy) fnStatuses.push(copy.over ? "fail" : headroomStatus(copy.bytes, FUNCTION_LIMITS.metafieldBytes));
  items.push({
    key: "headroom",
    label: "Function headroom",
    status: fnValues.length === 0 ? "warn" : worst(fnStatuses),
    value: [
      ...fnValues,
      `kill-switch metafield ${mfBytes === null ? "not written" : `${n(mfBytes)} B (${pct(mfBytes, FUNCTION_LIMITS.metafieldBytes)} of 10,000)`}`,
      ...(copy ? [`checkout ATP copy ${copy.over ? "OVER its size: no ATP figure reaches checkout (Checkout rules page)" : `${n(copy.bytes)} B (${pct(copy.bytes, FUNCTION_LIMITS.metafieldBytes)} of 10,000)`}`] : []),
    ].join(" · "),
    detail: `Limits: ${n(FUNCTION_LIMITS.instructions)} instructions, ${n(FUNCTION_LIMITS.inputBytes)} B input, ${n(FUNCTION_LIMITS.metafieldBytes)} B per metafield read; warn above ${HEADROOM_WARN * 100}%. Instruction and input figures are the last drill's checkout-simulator p99s (QuickJS-in-Wasm proxy).`,
  });

  // 6. code freeze
  const { codeFreeze } = input;
  items.push({
    key: "code-freeze",
    label: "Code-freeze window",
    status: codeFreeze.open.length > 0 || codeFreeze.next ? "ok" : "warn",
    value:
      codeFreeze.open.length > 0
        ? `in effect until ${codeFreeze.open[0]!.endsAt.toISOString()} (${codeFreeze.open[0]!.reason})`
        : codeFreeze.next
          ? `next: ${codeFreeze.next.startsAt.toISOString()} → ${codeFreeze.next.endsAt.toISOString()} (${codeFreeze.next.reason})`
          : "none scheduled",
    detail: codeFreeze.open.length > 0 ? "No deploys or configuration changes; kill switches stay available." : "Schedule the code freeze around the peak below.",
  });

  // 7. the functions are live, and the guard has something to check against
  const customizations = input.customizations;
  const allOn = customizations !== null && customizations.length > 0 && customizations.every((c) => c.enabled);
  items.push({
    key: "functions",
    label: "Kill-switch functions active",
    status: customizations === null ? "warn" : allOn ? "ok" : "fail",
    value: customizations === null ? "unknown (the Admin API did not answer)" : customizations.map((c) => `${c.kind}: ${c.enabled ? "on" : "off"}`).join(", "),
    detail: allOn ? "The payment and delivery customizations run our functions at checkout." : "Activate them below: until then a payment or delivery switch hides nothing.",
  });
  items.push({
    key: "declared",
    label: "Methods declared per market",
    status: input.declaredMarkets > 0 ? "ok" : "fail",
    value: `${input.declaredMarkets} market(s)`,
    detail: input.declaredMarkets > 0 ? "The last-method guard checks flips against them." : "Declare each market's payment methods and delivery options: payment and delivery switches are refused until then.",
  });
  return items;
}
