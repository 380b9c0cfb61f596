/**
 * POST /api/reservations — a storefront's soft hold, through Shopify's app proxy
 * (/apps/peakguard/reservations on the shop's domain). Contract and authentication:
 * app/services/reservations/api.server.ts.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { appProxyIdentity, createHold } from "~/services/reservations/api.server";
import { startInventoryJobs } from "~/services/inventory/jobs.server";

const deps = () => ({ prisma, authenticate: appProxyIdentity((request) => authenticate.public.appProxy(request)) });

export const action = async ({ request }: ActionFunctionArgs) => {
  void startInventoryJobs();
  return createHold(deps(), request);
};

export const loader = async ({ request }: LoaderFunctionArgs) => createHold(deps(), request);
