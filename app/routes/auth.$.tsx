import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";

// /auth/* : the library answers OAuth callbacks, the session-token bounce page
// and exit-iframe; anything that reaches past it is authenticated and renders nothing.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);

  return null;
};
