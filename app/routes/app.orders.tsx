import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, DataTable, IndexTable, InlineStack, Layout, List, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { adminContext, prisma } from "~/services/admin-context.server";
import { forShop } from "~/services/db/scoped.server";
import { planOverdueCaptures, runCompensation } from "~/services/orders/compensation.server";
import { reconcileOrder } from "~/services/orders/drift.server";
import { loadOrdersOverview, readOrdersAction } from "~/services/orders/page.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin } = await adminContext(request);
  return json({ shop, ...(await loadOrdersOverview(forShop(prisma, shop), admin)) });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, admin, session } = await adminContext(request);
  const db = forShop(prisma, shop);
  const read = readOrdersAction(await request.formData());
  if (!read.ok) return json({ ok: false as const, message: read.message }, { status: 400 });
  const form = read.value;
  if (form.intent === "sweep") {
    const planned = await planOverdueCaptures(db, shop, new Date(), form.deadlineHours);
    const fresh = planned.filter((p) => p.ok && !p.alreadyPlanned).length;
    return json({ ok: true as const, message: `${planned.length} captured order(s) past ${form.deadlineHours} h without fulfilment; ${fresh} newly planned` });
  }
  const result =
    form.intent === "reconcile"
      ? await reconcileOrder(db, shop, admin, { orderId: form.orderId, idempotencyKey: form.key })
      : await runCompensation(db, shop, admin, { compensationId: form.compensationId, idempotencyKey: form.key, actor: `staff:${session.id}`, now: new Date() });
  if (!result.ok) return json({ ok: false as const, message: result.message }, { status: result.code === "in_progress" ? 409 : 422 });
  return json({ ok: true as const, message: `${result.value.message}${result.replayed ? " (already done: this button was clicked before)" : ""}` });
};

function KeyedButton({ fields, label, tone }: { fields: Record<string, string>; label: string; tone?: "critical" }) {
  const fetcher = useFetcher<typeof action>();
  return (
    <fetcher.Form method="post">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <BlockStack gap="100" inlineAlign="end">
        <Button submit size="slim" tone={tone} loading={fetcher.state !== "idle"}>
          {label}
        </Button>
        {fetcher.data && (
          <Text as="p" variant="bodySm" tone={fetcher.data.ok ? "success" : "critical"}>
            {fetcher.data.message}
          </Text>
        )}
      </BlockStack>
    </fetcher.Form>
  );
}

function Sweep() {
  const fetcher = useFetcher<typeof action>();
  const [hours, setHours] = useState("72");
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="sweep" />
      <InlineStack gap="200" blockAlign="end">
        <TextField label="Fulfilment deadline (hours)" name="deadlineHours" type="number" value={hours} onChange={setHours} autoComplete="off" />
        <Button submit loading={fetcher.state !== "idle"}>
          Find captures without fulfilment
        </Button>
      </InlineStack>
      {fetcher.data && <Banner tone={fetcher.data.ok ? "info" : "critical"}>{fetcher.data.message}</Banner>}
    </fetcher.Form>
  );
}

export default function Orders() {
  const d = useLoaderData<typeof loader>();
  return (
    <Page title="Orders" subtitle="The order state machine: drift against Shopify, compensations, refusals" backAction={{ content: "Returns", url: "/app/returns" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <InlineStack gap="200" wrap>
                {d.counts
                  .filter((c) => c.count > 0)
                  .map((c) => (
                    <Badge key={c.state}>{`${c.state.replace("_", " ")}: ${c.count}`}</Badge>
                  ))}
              </InlineStack>
            </Card>
            <Card padding="0">
              <Box padding="400">
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">
                    Drift: the mirror next to Shopify&apos;s statuses
                  </Text>
                  <Text as="p" variant="bodySm" tone="subdued">
                    The 20 most recently changed orders, read live. Reconcile applies Shopify&apos;s copy through the transition table, once per click.
                  </Text>
                  {d.driftError && <Banner tone="warning">{d.driftError}</Banner>}
                </BlockStack>
              </Box>
              <IndexTable
                resourceName={{ singular: "order", plural: "orders" }}
                itemCount={d.drift.length}
                selectable={false}
                headings={[{ title: "Order" }, { title: "Mirror" }, { title: "Shopify" }, { title: "Returns" }, { title: "Differences" }, { title: "" }]}
              >
                {d.drift.map((row, index) => (
                  <IndexTable.Row id={row.orderId} key={row.orderId} position={index}>
                    <IndexTable.Cell>
                      <Link to={`/app/orders/${encodeURIComponent(row.orderId)}`}>{row.orderName ?? row.orderId}</Link>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{row.mirrorState}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Badge tone={row.drifted ? "warning" : "success"}>{row.shopifyState}</Badge>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{row.returnStatus ?? "—"}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" variant="bodySm" tone={row.drifted ? "caution" : "subdued"}>
                        {row.differences.join("; ") || "in step"}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      {row.drifted && !row.missing && <KeyedButton label="Reconcile" fields={{ intent: "reconcile", orderId: row.orderId, idempotencyKey: row.reconcileKey }} />}
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Compensating actions
                </Text>
                <List>
                  {d.rules.map((rule) => (
                    <List.Item key={rule.id}>
                      <Text as="span" fontWeight="semibold">
                        {rule.trigger} from {rule.states.join("/")} → {rule.action}
                      </Text>
                      : {rule.description}
                    </List.Item>
                  ))}
                </List>
                <Sweep />
                {d.compensations.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No compensation planned.
                  </Text>
                ) : (
                  d.compensations.map((c) => (
                    <InlineStack key={c.id} align="space-between" blockAlign="start" gap="300" wrap={false}>
                      <BlockStack gap="100">
                        <Text as="p" fontWeight="semibold">
                          {c.ruleId} · {c.status}
                        </Text>
                        <Text as="p" variant="bodySm" tone="subdued">
                          {c.reason}
                        </Text>
                        {c.error && (
                          <Text as="p" variant="bodySm" tone="critical">
                            {c.error}
                          </Text>
                        )}
                      </BlockStack>
                      {(c.status === "planned" || c.status === "failed") && (
                        <KeyedButton label={c.action === "void_and_cancel" ? "Void and cancel" : "Cancel and refund"} tone="critical" fields={{ intent: "compensate", compensationId: c.id, idempotencyKey: c.runKey }} />
                      )}
                    </InlineStack>
                  ))
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Recent refusals
                </Text>
                {d.refusals.length === 0 ? (
                  <Text as="p" tone="subdued">
                    None: every event fit the table.
                  </Text>
                ) : (
                  <List>
                    {d.refusals.map((r) => (
                      <List.Item key={`${r.orderId}-${r.recordedAt}`}>{r.message}</List.Item>
                    ))}
                  </List>
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Transition table
                </Text>
                <DataTable columnContentTypes={["text", "text", "text"]} headings={["From", "To", "Event"]} rows={d.table.map((row) => [row.from, row.to, row.event])} />
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
