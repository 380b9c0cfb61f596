import type { LoaderFunctionArgs } from "@remix-run/node";
import { AreaPlaceholder } from "~/components/AreaPlaceholder";
import { adminContext } from "~/services/admin-context.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await adminContext(request);
  return null;
};

export default function Inventory() {
  return <AreaPlaceholder area="inventory" />;
}
