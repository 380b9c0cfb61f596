import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../services/webhooks/receive.server";

export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "inventory_items/delete");
