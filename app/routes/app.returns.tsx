import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  IndexTable,
  InlineStack,
  Layout,
  List,
  Page,
  Select,
  Text,
  TextField,
  type BadgeProps,
} from "@shopify/polaris";
import { useRef, useState } from "react";
import { toDecimalString } from "~/domain/money";
import { ITEM_CONDITIONS, RETURN_REASONS } from "~/domain/returns/policy";
import { adminContext, prisma } from "~/services/admin-context.server";
import { forShop } from "~/services/db/scoped.server";
import { createStaffReturn, planStaffReturn, type ReturnsContext } from "~/services/returns/actions.server";
import { STATUS_FILTERS } from "~/domain/returns/machine";
import { loadNewReturn, loadQueue, readNewReturn, readQueueFilters } from "~/services/returns/page.server";
import { readReturnableOrder } from "~/services/returns/shopify.server";

async function returnsContext(request: Request): Promise<ReturnsContext> {
  const { shop, admin, session } = await adminContext(request);
  const who = session.onlineAccessInfo?.associated_user?.email ?? session.id;
  return { db: forShop(prisma, shop), shop, admin, actor: `staff:${who}`, now: new Date() };
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const ctx = await returnsContext(request);
  const url = new URL(request.url);
  const queue = await loadQueue(ctx.db, readQueueFilters(url));
  const orderRef = url.searchParams.get("order");
  const newReturn = orderRef ? await loadNewReturn(ctx, orderRef) : null;
  return json({ shop: ctx.shop, ...queue, newReturn });
};

/** New staff return: "check" plans it (eligibility, fees, Shopify's numbers); "create" requests it, once per key. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const ctx = await returnsContext(request);
  const form = await request.formData();
  const orderId = form.get("orderId");
  if (typeof orderId !== "string" || orderId === "") return json({ ok: false as const, message: "orderId is missing", plan: null }, { status: 400 });
  const order = await readReturnableOrder(ctx.admin, orderId);
  if (!order) return json({ ok: false as const, message: `Shopify has no order ${orderId}`, plan: null }, { status: 404 });
  const read = readNewReturn(form, order.returnable);
  if (!read.ok) return json({ ok: false as const, message: read.message, plan: null }, { status: 400 });
  if (form.get("intent") === "check") {
    const plan = await planStaffReturn(ctx, orderId, read.value.lines);
    return json({ ok: true as const, message: plan?.eligibility.summary ?? "", plan });
  }
  const result = await createStaffReturn(ctx, { orderId, lines: read.value.lines, idempotencyKey: read.value.key });
  if (!result.ok) return json({ ok: false as const, message: result.message, plan: null }, { status: result.code === "not_eligible" ? 422 : 409 });
  return json({ ok: true as const, message: `${result.value.message}${result.replayed ? " (already done: this form was submitted before)" : ""}`, plan: null, caseId: result.value.caseId });
};

const STATUS_TONE: Record<string, BadgeProps["tone"]> = {
  requested: "attention",
  approved: "info",
  in_transit: "info",
  received: "info",
  inspected: "warning",
  closed: "success",
  declined: "critical",
  cancelled: undefined,
};


/** Polaris fields are controlled: these keep their own value and submit it under `name`. */
function FormSelect(props: { label: string; name: string; options: { label: string; value: string }[]; initial?: string }) {
  const [value, setValue] = useState(props.initial ?? props.options[0]?.value ?? "");
  return <Select label={props.label} name={props.name} options={props.options} value={value} onChange={setValue} />;
}

function FormNumber(props: { label: string; name: string; min?: number; max?: number; initial?: string }) {
  const [value, setValue] = useState(props.initial ?? "0");
  return <TextField label={props.label} name={props.name} type="number" min={props.min} max={props.max} value={value} onChange={setValue} autoComplete="off" />;
}

function FormText(props: { label: string; name: string }) {
  const [value, setValue] = useState("");
  return <TextField label={props.label} name={props.name} value={value} onChange={setValue} autoComplete="off" />;
}

function money(minor: number | null, currency: string | null): string {
  return minor === null ? "—" : `${toDecimalString(minor, currency ?? "USD")} ${currency ?? ""}`.trim();
}

function Filters() {
  const [params] = useSearchParams();
  const [q, setQ] = useState(params.get("q") ?? "");
  const [status, setStatus] = useState(params.get("status") ?? "open");
  const [source, setSource] = useState(params.get("source") ?? "all");
  return (
    <Form method="get">
      <InlineStack gap="300" blockAlign="end" wrap>
        <Select label="Status" name="status" options={STATUS_FILTERS.map((s) => ({ label: s.replace("_", " "), value: s }))} value={status} onChange={setStatus} />
        <Select
          label="Source"
          name="source"
          options={[
            { label: "any", value: "all" },
            { label: "staff-created", value: "staff" },
            { label: "from Shopify (customer or Shopify admin)", value: "shopify" },
          ]}
          value={source}
          onChange={setSource}
        />
        <TextField label="RMA number or order" name="q" value={q} onChange={setQ} autoComplete="off" />
        <Button submit>Filter</Button>
      </InlineStack>
    </Form>
  );
}

function NewReturn() {
  const { newReturn } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const [params] = useSearchParams();
  const [orderRef, setOrderRef] = useState(params.get("order") ?? "");
  const busy = fetcher.state !== "idle";
  const intent = useRef<HTMLInputElement>(null);
  const order = newReturn?.order ?? null;
  const plan = fetcher.data && "plan" in fetcher.data ? fetcher.data.plan : null;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          New return
        </Text>
        <Form method="get">
          <InlineStack gap="200" blockAlign="end">
            <TextField label="Order (name or id)" name="order" value={orderRef} onChange={setOrderRef} autoComplete="off" />
            <Button submit>Find order</Button>
          </InlineStack>
        </Form>
        {newReturn?.error && <Banner tone="warning">{newReturn.error}</Banner>}
        {order && order.returnable.length > 0 && (
          <fetcher.Form method="post">
            <input type="hidden" name="orderId" value={order.id} />
            <input type="hidden" name="idempotencyKey" value={newReturn?.idempotencyKey ?? ""} />
            <BlockStack gap="300">
              {order.returnable.map((item, index) => {
                const line = order.lines.find((l) => l.lineItemId === item.lineItemId);
                return (
                  <InlineStack key={item.fulfillmentLineItemId} gap="200" blockAlign="end" wrap>
                    <Box minWidth="180px">
                      <Text as="p">
                        {line?.title ?? item.lineItemId} {line?.sku ? `(${line.sku})` : ""} — {item.quantity} returnable
                      </Text>
                    </Box>
                    <FormNumber label="Units" name={`quantity.${index}`} min={0} max={item.quantity} />
                    <FormSelect label="Reason" name={`reason.${index}`} options={RETURN_REASONS.map((r) => ({ label: r.toLowerCase().replace(/_/g, " "), value: r }))} initial="UNWANTED" />
                    <FormSelect label="Condition" name={`condition.${index}`} options={ITEM_CONDITIONS.map((c) => ({ label: c, value: c }))} initial="unknown" />
                    <FormText label="Note" name={`note.${index}`} />
                  </InlineStack>
                );
              })}
              <input type="hidden" name="intent" ref={intent} defaultValue="check" />
              <InlineStack gap="200">
                <Button submit loading={busy} onClick={() => intent.current && (intent.current.value = "check")}>
                  Check eligibility and refund
                </Button>
                <Button submit variant="primary" loading={busy} onClick={() => intent.current && (intent.current.value = "create")}>
                  Create return
                </Button>
              </InlineStack>
            </BlockStack>
          </fetcher.Form>
        )}
        {fetcher.data && <Banner tone={fetcher.data.ok ? "success" : "critical"}>{fetcher.data.message}</Banner>}
        {plan && (
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              {plan.eligibility.eligible ? "Eligible" : "Not eligible"} — {plan.eligibility.market.id} window {plan.eligibility.market.windowDays} days
            </Text>
            <List>
              {plan.eligibility.lines.flatMap((line) =>
                line.checks.map((check) => (
                  <List.Item key={`${line.lineItemId}-${check.rule}`}>
                    {check.ok ? "✓" : "✗"} {check.rule}: {check.message}
                  </List.Item>
                )),
              )}
              {plan.lines.map((line) => (
                <List.Item key={`fee-${line.fulfillmentLineItemId}`}>
                  {line.sku ?? line.title}: {line.feeWhy}
                </List.Item>
              ))}
              <List.Item>Return shipping: {plan.shippingFee.why}</List.Item>
            </List>
            {plan.preview && (
              <BlockStack gap="100">
                {plan.preview.explanation.map((sentence) => (
                  <Text as="p" key={sentence} tone="subdued">
                    {sentence}
                  </Text>
                ))}
                {plan.preview.warnings.map((warning) => (
                  <Banner key={warning.message} tone="warning">
                    {warning.message}
                  </Banner>
                ))}
              </BlockStack>
            )}
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}

export default function Returns() {
  const { rows, counts, policy, shop } = useLoaderData<typeof loader>();
  return (
    <Page title="Returns" subtitle={shop} secondaryActions={[{ content: "Orders: timeline and drift", url: "/app/orders" }]}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <InlineStack gap="200" wrap>
                  {Object.entries(counts).map(([status, n]) => (
                    <Badge key={status} tone={STATUS_TONE[status]}>{`${status.replace("_", " ")}: ${n}`}</Badge>
                  ))}
                </InlineStack>
                <Filters />
              </BlockStack>
            </Card>
            <Card padding="0">
              <IndexTable
                resourceName={{ singular: "return", plural: "returns" }}
                itemCount={rows.length}
                selectable={false}
                emptyState={
                  <Box padding="400">
                    <Text as="p" tone="subdued">
                      No returns match these filters.
                    </Text>
                  </Box>
                }
                headings={[{ title: "RMA" }, { title: "Order" }, { title: "Status" }, { title: "Shopify" }, { title: "Source" }, { title: "Units", alignment: "end" }, { title: "Eligibility" }, { title: "Refunded", alignment: "end" }]}
              >
                {rows.map((row, index) => (
                  <IndexTable.Row id={row.id} key={row.id} position={index}>
                    <IndexTable.Cell>
                      <Link to={`/app/returns/${row.id}`}>{row.rmaNumber}</Link>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{row.orderName}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Badge tone={STATUS_TONE[row.status]}>{row.status.replace("_", " ")}</Badge>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{row.shopifyStatus ?? "—"}</IndexTable.Cell>
                    <IndexTable.Cell>{row.source}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>
                        {row.units}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" tone={row.eligible === false ? "critical" : "subdued"} truncate>
                        {row.eligibilitySummary ?? "—"}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>
                        {money(row.refundMinor, row.currencyCode)}
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
            <NewReturn />
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Policy {policy.source === "default" ? "(default)" : ""}
                </Text>
                {policy.problems.length > 0 && <Banner tone="critical">The stored policy is unreadable ({policy.problems.join("; ")}): the default applies.</Banner>}
                <Text as="p">Refund timing: {policy.refundTiming} — {policy.refundTimingLabel}</Text>
                <Text as="p">Windows: {policy.windows.join(", ")}</Text>
                <Text as="p">Final sale tags: {policy.finalSaleTags.join(", ") || "none"}</Text>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
