/**
 * A store emulator with our kill-switch functions declared, an Admin client on it, and the
 * checkout-simulator probe over its store: what the kill-switch service tests share.
 */
import path from "node:path";
import { buildFunction } from "../../functions/build";
import { startEmulator, type RunningEmulator } from "../../emulator/server";
import { readSeedFile } from "../../emulator/store";
import type { SeedFile } from "../../emulator/model";
import { simulateCheckout } from "../../emulator/checkout/run";
import type { MethodCatalog } from "~/domain/kill-switches/switches";
import { adminClientFromToken, type AdminClient } from "~/services/admin/client.server";
import { simulatorProbe, type CheckoutProbe } from "~/services/kill-switches/probe.server";

export const TOKEN = "shpat_kill_switches";

export function seedWithFunctions(): SeedFile {
  const seed = readSeedFile(path.resolve(__dirname, "../../emulator/seed/default.json"));
  return {
    ...seed,
    functions: [
      ...(seed.functions ?? []),
      { id: "01JPEAKPAYMENT000000000001", title: "Peakguard payment kill switches", apiType: "payment_customization", handle: "payment-kill-switch" },
      { id: "01JPEAKDELIVERY00000000001", title: "Peakguard delivery kill switches", apiType: "delivery_customization", handle: "delivery-kill-switch" },
    ],
  };
}

/** us: Shop Pay + PayPal, standard + express; eu: Klarna + PayPal, dhl + local pickup. */
export const CATALOG: MethodCatalog = {
  markets: [
    {
      handle: "us",
      countries: ["US"],
      payment: ["Shop Pay", "PayPal"],
      delivery: [
        { handle: "standard", title: "Standard", type: "SHIPPING" },
        { handle: "express", title: "Express", type: "SHIPPING" },
      ],
    },
    {
      handle: "eu",
      countries: ["DE", "FR"],
      payment: ["Klarna", "PayPal"],
      delivery: [
        { handle: "dhl", title: "DHL", type: "SHIPPING" },
        { handle: "pick-up", title: "Pick up in store", type: "PICK_UP" },
      ],
    },
  ],
};

let built: Promise<unknown> | null = null;
/** dist/function.js of both functions (the simulator runs the bundles as built). */
export function buildKillSwitchFunctions(): Promise<unknown> {
  built ??= Promise.all([buildFunction("payment-kill-switch"), buildFunction("delivery-kill-switch")]);
  return built;
}

export interface KillSwitchStore {
  emulator: RunningEmulator;
  admin: AdminClient;
  probe: CheckoutProbe;
}

export async function startKillSwitchStore(catalog: () => Promise<MethodCatalog> = async () => CATALOG): Promise<KillSwitchStore> {
  await buildKillSwitchFunctions();
  const emulator = await startEmulator({ seed: seedWithFunctions(), appUrl: "http://127.0.0.1:9", apiSecret: "x", accessToken: TOKEN, webhooks: { enabled: false } });
  const admin = adminClientFromToken({ shop: emulator.store.shop.myshopifyDomain, accessToken: TOKEN, endpoint: emulator.graphqlUrl });
  const probe = simulatorProbe({ catalog, store: async () => ({ store: emulator.store }), simulate: simulateCheckout });
  return { emulator, admin, probe };
}
