/**
 * The payment and delivery customizations that run our kill-switch functions, created and
 * activated from the admin (the Peak page's "Activate" button; the drill does it too).
 *
 * Idempotent: each kind lists the shop's customizations, finds the one whose function has our
 * handle, and creates it (enabled) when missing or activates it when disabled. Nothing else
 * is touched. The ids are kept in PeakSettings for the page.
 */
import {
  DeliveryCustomizationActivation,
  DeliveryCustomizationCreate,
  DeliveryCustomizations,
  PaymentCustomizationActivation,
  PaymentCustomizationCreate,
  PaymentCustomizations,
} from "../../../graphql/operations";
import type { AdminClient } from "../admin/client.server";
import { loadSettings, type ScopedTx } from "./repository.server";

export const KILL_SWITCH_FUNCTIONS = {
  payment: { handle: "payment-kill-switch", title: "Peakguard: payment kill switches" },
  delivery: { handle: "delivery-kill-switch", title: "Peakguard: delivery kill switches" },
} as const;

export type CustomizationKind = keyof typeof KILL_SWITCH_FUNCTIONS;

export interface CustomizationStatus {
  kind: CustomizationKind;
  id: string | null;
  enabled: boolean;
  /** What this call did: found it enabled, activated it, created it, or (status only) found none. */
  action: "active" | "activated" | "created" | "missing";
}

interface Found {
  id: string;
  enabled: boolean;
}

async function find(admin: AdminClient, kind: CustomizationKind): Promise<Found | null> {
  const handle = KILL_SWITCH_FUNCTIONS[kind].handle;
  const nodes =
    kind === "payment"
      ? (await admin.request(PaymentCustomizations, { first: 100 })).paymentCustomizations.nodes
      : (await admin.request(DeliveryCustomizations, { first: 100 })).deliveryCustomizations.nodes;
  const ours = nodes.filter((n) => n.shopifyFunction.handle === handle);
  return ours.find((n) => n.enabled) ?? ours[0] ?? null;
}

/** Where our customizations stand, without changing anything. */
export async function customizationStatus(admin: AdminClient): Promise<CustomizationStatus[]> {
  const out: CustomizationStatus[] = [];
  for (const kind of ["payment", "delivery"] as const) {
    const found = await find(admin, kind);
    out.push({ kind, id: found?.id ?? null, enabled: found?.enabled ?? false, action: found ? "active" : "missing" });
  }
  return out;
}

/** Create or activate both customizations; returns what was done for each. */
export async function ensureKillSwitchCustomizations(admin: AdminClient, db: ScopedTx, shop: string): Promise<CustomizationStatus[]> {
  const out: CustomizationStatus[] = [];
  for (const kind of ["payment", "delivery"] as const) {
    const { handle, title } = KILL_SWITCH_FUNCTIONS[kind];
    const found = await find(admin, kind);
    let status: CustomizationStatus;
    if (found?.enabled) status = { kind, id: found.id, enabled: true, action: "active" };
    else if (found) {
      if (kind === "payment") await admin.mutate(PaymentCustomizationActivation, { ids: [found.id], enabled: true }, "paymentCustomizationActivation");
      else await admin.mutate(DeliveryCustomizationActivation, { ids: [found.id], enabled: true }, "deliveryCustomizationActivation");
      status = { kind, id: found.id, enabled: true, action: "activated" };
    } else {
      const input = { functionHandle: handle, title, enabled: true };
      const id =
        kind === "payment"
          ? (await admin.mutate(PaymentCustomizationCreate, { paymentCustomization: input }, "paymentCustomizationCreate")).paymentCustomization?.id
          : (await admin.mutate(DeliveryCustomizationCreate, { deliveryCustomization: input }, "deliveryCustomizationCreate")).deliveryCustomization?.id;
      status = { kind, id: id ?? null, enabled: true, action: "created" };
    }
    out.push(status);
  }
  await loadSettings(db, shop);
  await db.peakSettings.update({
    where: { shop },
    data: { paymentCustomizationId: out[0]?.id ?? null, deliveryCustomizationId: out[1]?.id ?? null },
  });
  return out;
}
