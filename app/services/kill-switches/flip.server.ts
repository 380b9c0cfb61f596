/**
 * Flipping kill switches: plan (domain), store with its audit row, publish the metafield,
 * then check a simulated checkout. Every flip — refused ones too — leaves an audit row with
 * who, when, why, the metafield state before and after, and the propagation receipt.
 *
 * Order, and why: the rows are the truth, so the switch and its audit row are written first,
 * in one transaction holding the shop's flip lock (the guard plans against a state no other
 * flip can change underneath it). The metafield is written after the commit; if that fails,
 * the switch stays recorded, the receipt says "not propagated", and the next publish (any
 * flip, the expiry job, the Peak page's "Publish again") writes the same rows again.
 */
import type { PrismaClient } from "@prisma/client";
import type { KillSwitches } from "~/domain/kill-switches/format";
import {
  describeTarget,
  planKill,
  planRestore,
  switchKey,
  toKillSwitches,
  type ActiveSwitch,
  type Refusal,
  type SwitchTarget,
} from "~/domain/kill-switches/switches";
import type { AdminClient } from "../admin/client.server";
import { forShop } from "../db/scoped.server";
import type { CheckoutCheck, CheckoutProbe } from "./probe.server";
import { publishKillSwitches, type PublishReceipt } from "./publish.server";
import { asJson, catalogOf, loadActiveSwitches, lockSettings, type ScopedTx } from "./repository.server";

export interface PropagationReceipt {
  publish: PublishReceipt;
  /** The next simulated checkout, or why none ran. */
  checkout: CheckoutCheck | { ran: false; detail: string };
}

export interface FlipDeps {
  prisma: PrismaClient;
  admin: AdminClient;
  shop: string;
  /** Staff's email or name; "expiry" / "schedule" for jobs. */
  actor: string;
  /** The shop's IANA zone (expiry dates in the metafield). */
  timeZone: string;
  probe?: CheckoutProbe | null;
  now?: () => Date;
}

export type FlipResult =
  | { ok: true; switchId: string; auditId: string; description: string; receipt: PropagationReceipt }
  | (Refusal & { auditId: string });

const stateJson = (ks: KillSwitches) => asJson({ ...ks, rev: undefined });

async function audit(
  db: ScopedTx,
  shop: string,
  row: { actor: string; action: string; switchId?: string | null; switchKey: string; reason: string; before: KillSwitches; after: KillSwitches; at: Date }
): Promise<string> {
  const created = await db.killSwitchAudit.create({
    data: {
      shop,
      at: row.at,
      actor: row.actor,
      action: row.action,
      switchId: row.switchId ?? null,
      switchKey: row.switchKey,
      reason: row.reason,
      before: stateJson(row.before),
      after: stateJson(row.after),
    },
  });
  return created.id;
}

/** Publish, probe, and store the receipt on the audit rows of this flip. */
async function propagate(deps: FlipDeps, auditIds: string[], probeTarget: { target: SwitchTarget; off: boolean } | null): Promise<PropagationReceipt> {
  const db = forShop(deps.prisma, deps.shop);
  const now = (deps.now ?? (() => new Date()))();
  const publish = await publishKillSwitches(db, deps.shop, deps.admin, now);
  let checkout: PropagationReceipt["checkout"];
  if (!publish.ok) checkout = { ran: false, detail: "not checked: the metafield was not confirmed" };
  else if (!probeTarget) checkout = { ran: false, detail: "nothing to check" };
  else if (!deps.probe) checkout = { ran: false, detail: "no checkout simulator here (it runs in the demo, the drill and the tests; Shopify's checkout reads the same metafield)" };
  else {
    try {
      checkout = await deps.probe({ shop: deps.shop, target: probeTarget.target, off: probeTarget.off, active: await loadActiveSwitches(db) });
    } catch (error) {
      checkout = { ran: false, detail: `checkout simulation failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  const receipt: PropagationReceipt = { publish, checkout };
  if (auditIds.length > 0) {
    await db.killSwitchAudit.updateMany({ where: { id: { in: auditIds } }, data: { rev: publish.rev, receipt: asJson(receipt) } });
  }
  return receipt;
}

export interface KillInput {
  target: SwitchTarget;
  reason: unknown;
  expiresAt: Date | null;
}

/** Turn a switch on. A refusal is audited (action "refused") and returned, never thrown. */
export async function killSwitch(deps: FlipDeps, input: KillInput): Promise<FlipResult> {
  const now = (deps.now ?? (() => new Date()))();
  const db = forShop(deps.prisma, deps.shop);
  const planned = await db.$transaction(async (tx) => {
    const settings = await lockSettings(tx, deps.shop);
    const active = await loadActiveSwitches(tx);
    const plan = planKill({ active, catalog: catalogOf(settings), timeZone: deps.timeZone, now }, input.target, input.reason, input.expiresAt);
    const reason = typeof input.reason === "string" ? input.reason.trim() : "";
    if (!plan.ok) {
      const current = toKillSwitches(active, 0, deps.timeZone);
      const auditId = await audit(tx, deps.shop, { actor: deps.actor, action: "refused", switchKey: switchKey(input.target), reason: `${plan.code}: ${plan.message}${reason ? ` (asked: ${reason})` : ""}`, before: current, after: current, at: now });
      return { ...plan, auditId };
    }
    const row = await tx.killSwitch.create({
      data: { shop: deps.shop, kind: plan.target.kind, key: plan.key, target: asJson(plan.target.entry), reason, createdBy: deps.actor, createdAt: now, expiresAt: plan.expiresAt },
    });
    const auditId = await audit(tx, deps.shop, { actor: deps.actor, action: "kill", switchId: row.id, switchKey: plan.key, reason, before: plan.before, after: plan.after, at: now });
    return { ok: true as const, switchId: row.id, auditId, target: plan.target };
  });
  if (!planned.ok) return planned;
  const receipt = await propagate(deps, [planned.auditId], { target: planned.target, off: true });
  return { ok: true, switchId: planned.switchId, auditId: planned.auditId, description: describeTarget(planned.target), receipt };
}

/** Turn a switch back off (restore what it hid). */
export async function restoreSwitch(deps: FlipDeps, switchId: string, reason: unknown): Promise<FlipResult> {
  const now = (deps.now ?? (() => new Date()))();
  const db = forShop(deps.prisma, deps.shop);
  const planned = await db.$transaction(async (tx) => {
    await lockSettings(tx, deps.shop);
    const active = await loadActiveSwitches(tx);
    const plan = planRestore({ active, catalog: { markets: [] }, timeZone: deps.timeZone, now }, switchId, reason);
    if (!plan.ok) {
      const current = toKillSwitches(active, 0, deps.timeZone);
      const auditId = await audit(tx, deps.shop, { actor: deps.actor, action: "refused", switchId, switchKey: `restore:${switchId}`, reason: `${plan.code}: ${plan.message}`, before: current, after: current, at: now });
      return { ...plan, auditId };
    }
    const text = String(reason).trim();
    await tx.killSwitch.updateMany({ where: { id: switchId, restoredAt: null }, data: { restoredAt: now, restoredBy: deps.actor, restoreReason: text } });
    const auditId = await audit(tx, deps.shop, { actor: deps.actor, action: "restore", switchId, switchKey: switchKey(plan.restored.target), reason: text, before: plan.before, after: plan.after, at: now });
    return { ok: true as const, auditId, target: plan.restored.target };
  });
  if (!planned.ok) return planned;
  const receipt = await propagate(deps, [planned.auditId], { target: planned.target, off: false });
  return { ok: true, switchId, auditId: planned.auditId, description: describeTarget(planned.target), receipt };
}

/**
 * Restore every switch whose expiry has passed (actor "expiry"), then publish once.
 * Returns what was restored; publishes nothing when nothing expired.
 */
export async function restoreExpiredSwitches(deps: FlipDeps): Promise<{ restored: ActiveSwitch[]; receipt: PropagationReceipt | null }> {
  const now = (deps.now ?? (() => new Date()))();
  const db = forShop(deps.prisma, deps.shop);
  const { restored, auditIds } = await db.$transaction(async (tx) => {
    await lockSettings(tx, deps.shop);
    let active = await loadActiveSwitches(tx);
    const due = active.filter((s) => s.expiresAt !== null && s.expiresAt.getTime() <= now.getTime());
    const ids: string[] = [];
    for (const sw of due) {
      const before = toKillSwitches(active, 0, deps.timeZone);
      active = active.filter((s) => s.id !== sw.id);
      const text = `expired at ${sw.expiresAt!.toISOString()}`;
      await tx.killSwitch.updateMany({ where: { id: sw.id, restoredAt: null }, data: { restoredAt: now, restoredBy: deps.actor, restoreReason: text } });
      ids.push(await audit(tx, deps.shop, { actor: deps.actor, action: "expire", switchId: sw.id, switchKey: switchKey(sw.target), reason: text, before, after: toKillSwitches(active, 0, deps.timeZone), at: now }));
    }
    return { restored: due, auditIds: ids };
  });
  if (restored.length === 0) return { restored, receipt: null };
  const receipt = await propagate(deps, auditIds, restored.length === 1 ? { target: restored[0]!.target, off: false } : null);
  return { restored, receipt };
}

/** Publish again without a flip (the Peak page's button, or after a failed write). Audited as "publish". */
export async function republish(deps: FlipDeps, reason: string): Promise<PropagationReceipt> {
  const now = (deps.now ?? (() => new Date()))();
  const db = forShop(deps.prisma, deps.shop);
  const current = toKillSwitches(await loadActiveSwitches(db), 0, deps.timeZone);
  const auditId = await audit(db, deps.shop, { actor: deps.actor, action: "publish", switchKey: "*", reason, before: current, after: current, at: now });
  return propagate(deps, [auditId], null);
}

