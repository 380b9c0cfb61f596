import { Card, EmptyState, Layout, Page } from "@shopify/polaris";

/**
 * The admin areas that exist in the navigation but are not built yet.
 * Each says, in one sentence, what it will do. Keep this honest: an area
 * leaves this list when its page does something.
 */
export const AREAS = {
  promotions: {
    title: "Promotions",
    description:
      "Promotion stacking: each promotion gets a priority, the promotions it stacks with, exclusions and caps, applied in an explicit order the merchant can read.",
  },
  checkoutRules: {
    title: "Checkout rules",
    description: "Drop validation: checkout rules, run as a Shopify cart validation function, that enforce a product drop's limits at checkout.",
  },
  inventory: {
    title: "Inventory",
    description: "Multi-location available-to-promise, reservations that hold stock while a checkout completes, and named routing strategies for choosing the fulfilling location.",
  },
  returns: {
    title: "Returns",
    description: "An RMA workflow: return requests moving through an explicit state machine, with the refund timing policy named, not implied.",
  },
  peak: {
    title: "Peak",
    description: "Kill switches to turn features off during peak traffic, and the readiness drill to rehearse them before the big day.",
  },
} as const satisfies Record<string, { title: string; description: string }>;

export type Area = keyof typeof AREAS;

// An outline "under construction" frame, inline so it renders offline (no CDN image).
const PLACEHOLDER_IMAGE = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="226" height="226" viewBox="0 0 226 226">' +
    '<rect x="33" y="53" width="160" height="120" rx="12" fill="#f1f1f1" stroke="#8a8a8a" stroke-width="4" stroke-dasharray="12 8"/>' +
    '<path d="M63 93h100M63 113h70M63 133h85" stroke="#b5b5b5" stroke-width="8" stroke-linecap="round"/>' +
    "</svg>",
)}`;

export function AreaPlaceholder({ area }: { area: Area }) {
  const { title, description } = AREAS[area];
  return (
    <Page title={title}>
      <Layout>
        <Layout.Section>
          <Card>
            <EmptyState heading={`${title}: not built yet`} image={PLACEHOLDER_IMAGE}>
              <p>{description}</p>
            </EmptyState>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
