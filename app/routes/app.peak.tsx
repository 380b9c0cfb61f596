import type { LoaderFunctionArgs } from "@remix-run/node";
import { AreaPlaceholder } from "~/components/AreaPlaceholder";
import { authenticate } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return null;
};

export default function Peak() {
  return <AreaPlaceholder area="peak" />;
}
