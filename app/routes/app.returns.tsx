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
  useIndexResourceState,
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
import { reasonLabel } from "~/domain/returns/analytics";
import { AGE_FILTERS, readSlaForm, type SlaFieldErrors, type SlaState } from "~/domain/returns/sla";
import { dashboardClock } from "~/services/dashboard.server";
import { ReturnRateChart, ReturnReasonsChart } from "~/components/VizCharts";
import { adminContext, prisma } from "~/services/admin-context.server";
import { forShop } from "~/services/db/scoped.server";
import { createStaffReturn, planStaffReturn, type ReturnsContext } from "~/services/returns/actions.server";
import { STATUS_FILTERS } from "~/domain/returns/machine";
import {
  bulkApprove,
  loadNewReturn,
  loadQueue,
  loadReturnAnalytics,
  readBulkApprove,
  readNewReturn,
  readQueueFilters,
  saveSla,
} from "~/services/returns/page.server";
import type { BulkApproveResult } from "~/services/returns/page.server";
import { readReturnableOrder } from "~/services/returns/shopify.server";

async function returnsContext(request: Request): Promise<ReturnsContext> {
  const { shop, admin, session } = await adminContext(request);
  const who = session.onlineAccessInfo?.associated_user?.email ?? session.id;
  return { db: forShop(prisma, shop), shop, admin, actor: `staff:${who}`, now: new Date() };
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const ctx = await returnsContext(request);
  const url = new URL(request.url);
  const queue = await loadQueue(ctx.db, readQueueFilters(url), ctx.now);
  const orderRef = url.searchParams.get("order");
  const newReturn = orderRef ? await loadNewReturn(ctx, orderRef) : null;
  const shopRow = await ctx.db.shop.findFirst({ select: { ianaTimezone: true } });
  const analytics = await loadReturnAnalytics(ctx.db, { now: ctx.now, timeZone: dashboardClock(shopRow?.ianaTimezone).timeZone });
  return json({ shop: ctx.shop, ...queue, newReturn, analytics });
};

type ActionData =
  | { kind: "bulk"; ok: boolean; message: string; results: BulkApproveResult[] }
  | { kind: "sla"; ok: boolean; message: string; errors: SlaFieldErrors };

const text = (form: FormData, name: string): string | null => {
  const value = form.get(name);
  return typeof value === "string" ? value : null;
};

/**
 * bulkApprove: each selected return through the idempotent approve action (one key per return per batch).
 * sla: the decision SLA. Otherwise the new staff return: "check" plans it (eligibility, fees, Shopify's
 * numbers); "create" requests it, once per key.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  const ctx = await returnsContext(request);
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "bulkApprove") {
    const read = readBulkApprove(form);
    if (!read.ok) return json<ActionData>({ kind: "bulk", ok: false, message: read.message, results: [] }, { status: 400 });
    const results = await bulkApprove(ctx, read.value);
    const approved = results.filter((r) => r.ok).length;
    const message = `${approved} of ${results.length} approved${results.some((r) => r.replayed) ? " (some already were, under this same request)" : ""}`;
    return json<ActionData>({ kind: "bulk", ok: approved === results.length, message, results });
  }
  if (intent === "sla") {
    const read = readSlaForm({ decision: text(form, "decision"), unit: text(form, "unit"), dueSoonPercent: text(form, "dueSoonPercent") });
    if (!read.ok) return json<ActionData>({ kind: "sla", ok: false, message: "The SLA was not saved: check the fields", errors: read.errors }, { status: 400 });
    const saved = await saveSla(ctx.db, ctx.shop, read.sla);
    if (!saved.ok) return json<ActionData>({ kind: "sla", ok: false, message: saved.message, errors: {} }, { status: 409 });
    return json<ActionData>({ kind: "sla", ok: true, message: `SLA saved: ${read.sla.decisionHours} h to decide, due soon after ${read.sla.dueSoonPercent}%`, errors: {} });
  }
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

const SLA_TONE: Record<SlaState, BadgeProps["tone"]> = { within: "success", due_soon: "warning", breached: "critical" };
const SLA_LABEL: Record<SlaState, string> = { within: "within SLA", due_soon: "due soon", breached: "SLA breached" };


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
  const [reason, setReason] = useState(params.get("reason") ?? "all");
  const [sla, setSla] = useState(params.get("sla") ?? "all");
  const [age, setAge] = useState(params.get("age") ?? "any");
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
        <Select label="Reason" name="reason" options={[{ label: "any", value: "all" }, ...RETURN_REASONS.map((r) => ({ label: reasonLabel(r), value: r }))]} value={reason} onChange={setReason} />
        <Select
          label="Decision SLA"
          name="sla"
          options={[
            { label: "any", value: "all" },
            { label: "breached", value: "breached" },
            { label: "due soon", value: "due_soon" },
            { label: "within", value: "within" },
          ]}
          value={sla}
          onChange={setSla}
        />
        <Select
          label="Requested"
          name="age"
          options={AGE_FILTERS.map((a) => ({ label: a === "any" ? "any time" : `over ${a.replace("d", "")} day${a === "1d" ? "" : "s"} ago`, value: a }))}
          value={age}
          onChange={setAge}
        />
        <TextField label="RMA number or order" name="q" value={q} onChange={setQ} autoComplete="off" />
        <Button submit>Filter</Button>
      </InlineStack>
    </Form>
  );
}

function SlaSettings() {
  const { policy } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<ActionData>();
  const inDays = policy.sla.decisionHours % 24 === 0;
  const [decision, setDecision] = useState(String(inDays ? policy.sla.decisionHours / 24 : policy.sla.decisionHours));
  const [unit, setUnit] = useState(inDays ? "days" : "hours");
  const [dueSoon, setDueSoon] = useState(String(policy.sla.dueSoonPercent));
  const result = fetcher.data?.kind === "sla" ? fetcher.data : null;
  const errors = result && !result.ok ? result.errors : {};
  return (
    <Card>
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value="sla" />
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            Decision SLA {policy.slaSource === "default" ? "(default)" : ""}
          </Text>
          <Text as="p" variant="bodySm" tone="subdued">
            How long a return request may wait for approve or decline. Decided requests are off the clock.
          </Text>
          <InlineStack gap="200" wrap={false} blockAlign="end">
            <TextField label="Decide within" name="decision" value={decision} onChange={setDecision} autoComplete="off" inputMode="numeric" error={errors.decision} />
            <Select label="Unit" name="unit" options={[{ label: "hours", value: "hours" }, { label: "days", value: "days" }]} value={unit} onChange={setUnit} error={errors.unit} />
          </InlineStack>
          <TextField label="Due soon after (% of the SLA)" name="dueSoonPercent" value={dueSoon} onChange={setDueSoon} autoComplete="off" inputMode="numeric" error={errors.dueSoonPercent} />
          <InlineStack align="end">
            <Button submit loading={fetcher.state !== "idle"}>
              Save SLA
            </Button>
          </InlineStack>
          {result && (result.ok || Object.keys(errors).length === 0) && <Banner tone={result.ok ? "success" : "critical"}>{result.message}</Banner>}
        </BlockStack>
      </fetcher.Form>
    </Card>
  );
}

function Analytics() {
  const { analytics } = useLoaderData<typeof loader>();
  const totalUnits = analytics.reasons.reduce((sum, r) => sum + r.units, 0);
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Return rate by week
          </Text>
          <Text as="p" variant="bodySm" tone="subdued">
            Share of the orders placed each week (from Monday, {analytics.timeZone}) that have a return so far: {analytics.ordersCounted} order{analytics.ordersCounted === 1 ? "" : "s"} in the
            mirror over 12 weeks. Recent weeks read low while their returns are still to come.
          </Text>
        </BlockStack>
        <ReturnRateChart weeks={analytics.weeks} />
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Return reasons
          </Text>
          <Text as="p" variant="bodySm" tone="subdued">
            Units per reason in {analytics.returnsCounted} return{analytics.returnsCounted === 1 ? "" : "s"} requested over 12 weeks ({totalUnits} unit{totalUnits === 1 ? "" : "s"}; cancelled requests left out).
          </Text>
        </BlockStack>
        <ReturnReasonsChart reasons={analytics.reasons.map((r) => ({ label: reasonLabel(r.reason), units: r.units }))} />
      </BlockStack>
    </Card>
  );
}

function Queue() {
  const { rows, bulkKey } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<ActionData>();
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(rows, { resourceFilter: (row) => row.approvable });
  const bulk = fetcher.data?.kind === "bulk" ? fetcher.data : null;
  const approve = () => {
    const data = new FormData();
    data.append("intent", "bulkApprove");
    data.append("bulkKey", bulkKey);
    for (const id of selectedResources) data.append("caseId", id);
    fetcher.submit(data, { method: "post" });
    clearSelection();
  };
  return (
    <BlockStack gap="300">
      {bulk && (
        <Banner tone={bulk.ok ? "success" : bulk.results.length === 0 ? "critical" : "warning"} title={bulk.message}>
          {bulk.results.length > 0 && (
            <List>
              {bulk.results.map((r) => (
                <List.Item key={r.caseId}>
                  {r.ok ? "✓" : "✗"} {r.rmaNumber ?? r.caseId}: {r.message}
                </List.Item>
              ))}
            </List>
          )}
        </Banner>
      )}
      <Card padding="0">
        <IndexTable
          resourceName={{ singular: "return", plural: "returns" }}
          itemCount={rows.length}
          selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
          onSelectionChange={handleSelectionChange}
          promotedBulkActions={[{ content: fetcher.state !== "idle" ? "Approving…" : "Approve selected", onAction: approve, disabled: fetcher.state !== "idle" }]}
          loading={fetcher.state !== "idle"}
          emptyState={
            <Box padding="400">
              <Text as="p" tone="subdued">
                No returns match these filters.
              </Text>
            </Box>
          }
          headings={[
            { title: "RMA" },
            { title: "Order" },
            { title: "Status" },
            { title: "Age" },
            { title: "Shopify" },
            { title: "Source" },
            { title: "Reasons" },
            { title: "Units", alignment: "end" },
            { title: "Eligibility" },
            { title: "Refunded", alignment: "end" },
          ]}
        >
          {rows.map((row, index) => (
            <IndexTable.Row id={row.id} key={row.id} position={index} selected={selectedResources.includes(row.id)} disabled={!row.approvable}>
              <IndexTable.Cell>
                <Link to={`/app/returns/${row.id}`}>{row.rmaNumber}</Link>
              </IndexTable.Cell>
              <IndexTable.Cell>{row.orderName}</IndexTable.Cell>
              <IndexTable.Cell>
                <Badge tone={STATUS_TONE[row.status]}>{row.status.replace("_", " ")}</Badge>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <InlineStack gap="100" wrap={false} blockAlign="center">
                  <Text as="span" numeric>
                    {row.age.ageLabel}
                  </Text>
                  {row.age.state && <Badge tone={SLA_TONE[row.age.state]}>{SLA_LABEL[row.age.state]}</Badge>}
                </InlineStack>
              </IndexTable.Cell>
              <IndexTable.Cell>{row.shopifyStatus ?? "—"}</IndexTable.Cell>
              <IndexTable.Cell>{row.source}</IndexTable.Cell>
              <IndexTable.Cell>{row.reasons.map(reasonLabel).join(", ") || "—"}</IndexTable.Cell>
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
  const { counts, slaCounts, policy, shop } = useLoaderData<typeof loader>();
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
                  {slaCounts.breached > 0 && <Badge tone="critical">{`SLA breached: ${slaCounts.breached}`}</Badge>}
                  {slaCounts.dueSoon > 0 && <Badge tone="warning">{`due soon: ${slaCounts.dueSoon}`}</Badge>}
                </InlineStack>
                <Filters />
              </BlockStack>
            </Card>
            <Queue />
            <Analytics />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <NewReturn />
            <SlaSettings />
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Policy {policy.source === "default" ? "(default)" : ""}
                </Text>
                {policy.problems.length > 0 && <Banner tone="critical">The stored policy is unreadable ({policy.problems.join("; ")}): the default applies.</Banner>}
                <Text as="p">Refund timing: {policy.refundTiming} — {policy.refundTimingLabel}</Text>
                <Text as="p">Windows: {policy.windows.join(", ")}</Text>
                <Text as="p">Final sale tags: {policy.finalSaleTags.join(", ") || "none"}</Text>
                <Text as="p">{`Decision SLA: ${policy.sla.decisionHours} h (due soon after ${policy.sla.dueSoonPercent}%)`}</Text>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
