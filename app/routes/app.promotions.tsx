import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Card, IndexTable, Layout, Link, Page, Text, type BadgeProps } from "@shopify/polaris";
import prisma from "~/db.server";
import { adminContext } from "~/services/admin-context.server";
import { NEW_ID } from "~/services/promotions/constants";
import { loadListPage } from "~/services/promotions/page.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin } = await adminContext(request);
  return json(await loadListPage({ prisma, admin, shop, now: new Date() }));
};

const STATUS_TONE: Record<string, BadgeProps["tone"]> = {
  ACTIVE: "success",
  SCHEDULED: "info",
  EXPIRED: undefined,
};

export default function Promotions() {
  const { discounts, zone, deployed } = useLoaderData<typeof loader>();
  return (
    <Page
      title="Promotions"
      subtitle="Promotion sets with explicit priority and stacking, run at checkout by one discount function"
      primaryAction={{ content: "New promotion set", url: `/app/promotions/${NEW_ID}`, disabled: !deployed }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {!deployed && (
              <Banner tone="warning" title="The promotion-stacking function is not deployed to this shop">
                Deploy the app (shopify app deploy) before creating a promotion set: Shopify refuses a discount whose function it does not know.
              </Banner>
            )}
            <Card padding="0">
              <Box padding="400">
                <Text as="p" variant="bodySm" tone="subdued">
                  Times are shown in the shop&apos;s zone, {zone}. Each set is one automatic discount in Shopify; its promotions, their order and who stacks with whom are set inside it.
                </Text>
              </Box>
              <IndexTable
                resourceName={{ singular: "promotion set", plural: "promotion sets" }}
                itemCount={discounts.length}
                selectable={false}
                emptyState={
                  <Box padding="400">
                    <Text as="p" tone="subdued">
                      No promotion sets yet.
                    </Text>
                  </Box>
                }
                headings={[{ title: "Title" }, { title: "Status" }, { title: "Promotions", alignment: "end" }, { title: "Classes" }, { title: "Updated (shop time)" }]}
              >
                {discounts.map((d, index) => (
                  <IndexTable.Row id={d.id} key={d.id} position={index}>
                    <IndexTable.Cell>
                      <Link url={`/app/promotions/${encodeURIComponent(d.id)}`} removeUnderline>
                        {d.title}
                      </Link>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Badge tone={STATUS_TONE[d.status]}>{d.status.toLowerCase()}</Badge>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>
                        {d.promotions ? `${d.promotions.enabled} of ${d.promotions.total} on` : "unreadable"}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{d.classes.map((c) => c.toLowerCase()).join(", ")}</IndexTable.Cell>
                    <IndexTable.Cell>{d.updatedAt ? <time dateTime={d.updatedAt}>{d.updatedShop}</time> : "—"}</IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
