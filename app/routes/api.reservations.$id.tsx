/**
 * GET /api/reservations/:id — a reservation's state; POST — extend or release it.
 * Through Shopify's app proxy; contract: app/services/reservations/api.server.ts.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { appProxyIdentity, reservationById } from "~/services/reservations/api.server";

const deps = () => ({ prisma, authenticate: appProxyIdentity((request) => authenticate.public.appProxy(request)) });

export const loader = async ({ request, params }: LoaderFunctionArgs) => reservationById(deps(), request, params.id);

export const action = async ({ request, params }: ActionFunctionArgs) => reservationById(deps(), request, params.id);
