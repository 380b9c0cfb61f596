/**
 * GET /api/availability?skus=A,B,… — how many of each SKU the storefront can promise now
 * (drop pages, carts), through Shopify's app proxy like /api/reservations. Contract:
 * availabilityResponse in app/services/inventory/availability.server.ts.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { availabilityResponse } from "~/services/inventory/availability.server";
import { appProxyIdentity } from "~/services/reservations/api.server";

const deps = () => ({ prisma, authenticate: appProxyIdentity((request) => authenticate.public.appProxy(request)) });

export const loader = async ({ request }: LoaderFunctionArgs) => availabilityResponse(deps(), request);
