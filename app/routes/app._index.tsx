import type { ReactNode } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  Divider,
  IndexTable,
  InlineError,
  InlineStack,
  Layout,
  Page,
  Text,
  type BadgeProps,
} from "@shopify/polaris";
import prisma from "~/db.server";
import { loadDashboard, readRetryForm, type DashboardEvent } from "~/services/dashboard.server";
import { retryDeadEvent } from "~/services/webhooks/processor.server";
import { adminContext } from "~/services/admin-context.server";
import { forShop } from "~/services/db/scoped.server";
import { loadChargebackCard, saveBudget } from "~/services/orders/disputes.server";
import { readBudgetForm } from "~/domain/orders/chargebacks";
import { ChargebackBudgetCard } from "~/components/ChargebackBudgetCard";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  const dashboard = await loadDashboard(prisma, shop);
  const chargebacks = await loadChargebackCard(forShop(prisma, shop), {
    now: new Date(),
    timeZone: dashboard.clock.timeZone,
    shopCurrency: dashboard.shopRow?.currency ?? null,
  });
  return json({ ...dashboard, chargebacks });
};

const text = (form: FormData, name: string): string | null => {
  const value = form.get(name);
  return typeof value === "string" ? value : null;
};

/** Retry: put one dead-lettered event of this shop back in the queue. Budget: set the monthly chargeback budget. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await adminContext(request);
  const body = await request.formData();
  if (body.get("intent") === "budget") {
    const db = forShop(prisma, shop);
    const currency = (await db.shop.findFirst({ select: { currencyCode: true } }))?.currencyCode ?? null;
    const read = readBudgetForm({ amount: text(body, "amount"), maxDisputes: text(body, "maxDisputes"), maxFraudCancellations: text(body, "maxFraudCancellations") }, currency);
    if (!read.ok) return json({ ok: false as const, message: "The budget was not saved: check the fields", errors: read.errors }, { status: 400 });
    await saveBudget(db, shop, read.budget);
    return json({ ok: true as const, message: "Budget saved", errors: {} });
  }
  const form = readRetryForm(body);
  if (!form.ok) {
    return json({ ok: false as const, message: "The retry request is incomplete", errors: form.errors }, { status: 400 });
  }

  const result = await retryDeadEvent(prisma, shop, form.eventId);
  if (!result.ok) {
    return json(
      { ok: false as const, code: result.code, message: result.message, errors: {} },
      { status: result.code === "not_found" ? 404 : 409 },
    );
  }
  return json({ ok: true as const, eventId: form.eventId, message: "Queued for another attempt" });
};

const STATUS_TONE: Record<string, BadgeProps["tone"]> = {
  received: "info",
  processing: "attention",
  processed: "success",
  retrying: "warning",
  dead: "critical",
};

function StatusBadge({ status, count }: { status: string; count?: number }) {
  return <Badge tone={STATUS_TONE[status]}>{count === undefined ? status : `${status}: ${count}`}</Badge>;
}

function RetryButton({ eventId }: { eventId: string }) {
  const fetcher = useFetcher<typeof action>();
  const busy = fetcher.state !== "idle";
  const failure = fetcher.data && !fetcher.data.ok ? fetcher.data : null;
  const fieldError = failure ? Object.values(failure.errors).find(Boolean) : undefined;

  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="retry" />
      <input type="hidden" name="eventId" value={eventId} />
      <BlockStack gap="100" inlineAlign="end">
        <Button submit loading={busy} accessibilityLabel={`Retry event ${eventId}`}>
          Retry
        </Button>
        {failure && <InlineError fieldID={`retry-${eventId}`} message={fieldError ?? failure.message} />}
      </BlockStack>
    </fetcher.Form>
  );
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function DeadLetter({ event }: { event: DashboardEvent }) {
  return (
    <InlineStack align="space-between" blockAlign="start" gap="400" wrap={false}>
      <BlockStack gap="100">
        <Text as="p" fontWeight="semibold">
          {event.topic}
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          Received {event.receivedAtLabel} · {plural(event.attempts, "attempt")} · {plural(event.deliveries, "delivery", "deliveries")}
        </Text>
        {event.lastError && (
          <Text as="p" variant="bodySm" tone="critical" breakWord>
            {event.lastError}
          </Text>
        )}
      </BlockStack>
      <RetryButton eventId={event.id} />
    </InlineStack>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <InlineStack align="space-between" gap="200">
      <Text as="span" tone="subdued">
        {label}
      </Text>
      <Text as="span">{children}</Text>
    </InlineStack>
  );
}

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const { webhooks, mirror, shopRow, clock } = data;
  // Known statuses in lifecycle order (the loader builds counts in that order), then any others.
  const statusCounts = [...Object.entries(webhooks.counts), ...Object.entries(webhooks.otherStatuses)];

  return (
    <Page title="Peakguard" subtitle={data.shop}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Webhook health
                </Text>
                <InlineStack gap="200">
                  {statusCounts.map(([status, count]) => (
                    <StatusBadge key={status} status={status} count={count} />
                  ))}
                </InlineStack>
                <Text as="p" variant="bodySm" tone="subdued">
                  {webhooks.total} events logged for this shop.
                </Text>
                <Divider />
                <Text as="h3" variant="headingSm">
                  Dead letters
                </Text>
                {webhooks.dead.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No dead-lettered events.
                  </Text>
                ) : (
                  <BlockStack gap="300">
                    {webhooks.counts.dead > webhooks.dead.length && (
                      <Text as="p" variant="bodySm" tone="subdued">
                        Showing the {webhooks.dead.length} most recent of {webhooks.counts.dead}.
                      </Text>
                    )}
                    {webhooks.dead.map((event) => (
                      <DeadLetter key={event.id} event={event} />
                    ))}
                  </BlockStack>
                )}
              </BlockStack>
            </Card>

            <Card padding="0">
              <Box padding="400">
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">
                    Recent events
                  </Text>
                  <Text as="p" variant="bodySm" tone="subdued">
                    {clock.label}
                  </Text>
                </BlockStack>
              </Box>
              <IndexTable
                resourceName={{ singular: "event", plural: "events" }}
                itemCount={webhooks.recent.length}
                selectable={false}
                emptyState={
                  <Box padding="400">
                    <Text as="p" tone="subdued">
                      No webhook events yet.
                    </Text>
                  </Box>
                }
                headings={[
                  { title: "Topic" },
                  { title: "Received" },
                  { title: "Status" },
                  { title: "Attempts", alignment: "end" },
                  { title: "Outcome" },
                  { title: "Last error" },
                ]}
              >
                {webhooks.recent.map((event, index) => (
                  <IndexTable.Row id={event.id} key={event.id} position={index}>
                    <IndexTable.Cell>{event.topic}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <time dateTime={event.receivedAt}>{event.receivedAtLabel}</time>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <StatusBadge status={event.status} />
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>
                        {event.attempts}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{event.outcome ?? "—"}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" tone={event.lastError ? "critical" : "subdued"} truncate>
                        {event.lastError ?? "—"}
                      </Text>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            </Card>
          </BlockStack>
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <ChargebackBudgetCard card={data.chargebacks} shopCurrency={shopRow?.currency ?? null} />

            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Mirror
                </Text>
                <Fact label="Products">
                  {mirror.products}
                  {mirror.deletedProducts > 0 ? ` (+${mirror.deletedProducts} deleted)` : ""}
                </Fact>
                <Fact label="Variants">{mirror.variants}</Fact>
                <Fact label="Orders">{mirror.orders}</Fact>
                <Fact label="Customers">{mirror.customers}</Fact>
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Shop
                </Text>
                {shopRow ? (
                  <>
                    <Fact label="Status">
                      <Badge tone={shopRow.installed ? "success" : "critical"}>
                        {shopRow.installed ? "Installed" : "Uninstalled"}
                      </Badge>
                    </Fact>
                    <Fact label="Installed">{shopRow.installedAtLabel}</Fact>
                    {shopRow.uninstalledAtLabel && <Fact label="Uninstalled">{shopRow.uninstalledAtLabel}</Fact>}
                    <Fact label="Time zone">{shopRow.timezone ?? "not synced yet"}</Fact>
                    <Fact label="Currency">{shopRow.currency ?? "not synced yet"}</Fact>
                  </>
                ) : (
                  <Text as="p" tone="subdued">
                    No install recorded for {data.shop} yet.
                  </Text>
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
