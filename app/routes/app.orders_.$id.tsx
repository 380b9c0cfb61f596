import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, IndexTable, Layout, List, Page, Text, type BadgeProps } from "@shopify/polaris";
import { adminContext, prisma } from "~/services/admin-context.server";
import { forShop } from "~/services/db/scoped.server";
import { reconcileOrder } from "~/services/orders/drift.server";
import { loadOrderDetail, readOrdersAction } from "~/services/orders/page.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  const detail = params.id ? await loadOrderDetail(forShop(prisma, shop), params.id) : null;
  if (!detail) throw new Response(`No order ${params.id ?? ""} in the state machine of ${shop}`, { status: 404 });
  return json(detail);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, admin } = await adminContext(request);
  const read = readOrdersAction(await request.formData());
  if (!read.ok || read.value.intent !== "reconcile") return json({ ok: false as const, message: read.ok ? "only reconcile is done here" : read.message }, { status: 400 });
  const result = await reconcileOrder(forShop(prisma, shop), shop, admin, { orderId: read.value.orderId, idempotencyKey: read.value.key });
  if (!result.ok) return json({ ok: false as const, message: result.message }, { status: 422 });
  return json({ ok: true as const, message: `${result.value.message}${result.replayed ? " (already done)" : ""}` });
};

const OUTCOME_TONE: Record<string, BadgeProps["tone"]> = { applied: "success", unchanged: undefined, superseded: "attention", duplicate: undefined, refused: "critical" };

export default function OrderTimeline() {
  const d = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  return (
    <Page title={`Order ${d.orderName}`} titleMetadata={<Badge tone="info">{d.state.replace("_", " ")}</Badge>} backAction={{ content: "Orders", url: "/app/orders" }}>
      <Layout>
        <Layout.Section>
          <Card padding="0">
            <Box padding="400">
              <Text as="h2" variant="headingMd">
                Timeline
              </Text>
            </Box>
            <IndexTable
              resourceName={{ singular: "event", plural: "events" }}
              itemCount={d.timeline.length}
              selectable={false}
              headings={[{ title: "When" }, { title: "Source" }, { title: "Outcome" }, { title: "Rows taken" }, { title: "Message" }]}
            >
              {d.timeline.map((entry, index) => (
                <IndexTable.Row id={entry.id} key={entry.id} position={index}>
                  <IndexTable.Cell>
                    <time dateTime={entry.occurredAt}>{entry.occurredAt.replace("T", " ").slice(0, 19)}</time>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{entry.source}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Badge tone={OUTCOME_TONE[entry.outcome]}>{entry.outcome}</Badge>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{entry.steps.map((s) => `${s.from} → ${s.to} (${s.event})`).join(", ") || "—"}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" variant="bodySm" breakWord>
                      {entry.message}
                    </Text>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Reconcile with Shopify
                </Text>
                <fetcher.Form method="post">
                  <input type="hidden" name="intent" value="reconcile" />
                  <input type="hidden" name="orderId" value={d.orderId} />
                  <input type="hidden" name="idempotencyKey" value={d.reconcileKey} />
                  <Button submit loading={fetcher.state !== "idle"}>
                    Read Shopify&apos;s statuses and apply them
                  </Button>
                </fetcher.Form>
                {fetcher.data && <Banner tone={fetcher.data.ok ? "success" : "critical"}>{fetcher.data.message}</Banner>}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Returns
                </Text>
                {d.returns.length === 0 ? (
                  <Text as="p" tone="subdued">
                    None.
                  </Text>
                ) : (
                  <List>
                    {d.returns.map((r) => (
                      <List.Item key={r.id}>
                        <Link to={`/app/returns/${r.id}`}>{r.rmaNumber}</Link> · {r.status}
                      </List.Item>
                    ))}
                  </List>
                )}
                <Text as="p" variant="bodySm" tone="subdued">
                  Captured {d.capturedAt?.slice(0, 10) ?? "—"} · fulfilled {d.fulfilledAt?.slice(0, 10) ?? "—"}
                </Text>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
