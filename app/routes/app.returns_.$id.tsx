import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  InlineStack,
  Layout,
  List,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState, type ReactNode } from "react";
import { toDecimalString } from "~/domain/money";
import { GRADES } from "~/domain/returns/disposition";
import { ITEM_CONDITIONS } from "~/domain/returns/policy";
import { adminContext, prisma } from "~/services/admin-context.server";
import { forShop } from "~/services/db/scoped.server";
import { advanceReturn, approveReturn, declineReturn, processReturn, regradeUnits, type ReturnsContext } from "~/services/returns/actions.server";
import { loadReturnDetail, readReturnAction } from "~/services/returns/page.server";

async function returnsContext(request: Request): Promise<ReturnsContext> {
  const { shop, admin, session } = await adminContext(request);
  const who = session.onlineAccessInfo?.associated_user?.email ?? session.id;
  return { db: forShop(prisma, shop), shop, admin, actor: `staff:${who}`, now: new Date() };
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const ctx = await returnsContext(request);
  const detail = params.id ? await loadReturnDetail(ctx, params.id) : null;
  if (!detail) throw new Response(`No return ${params.id ?? ""} in ${ctx.shop}`, { status: 404 });
  return json(detail);
};

/** Every staff action goes through its service with the form's idempotency key: a double click acts once. */
export const action = async ({ request, params }: ActionFunctionArgs) => {
  const ctx = await returnsContext(request);
  const caseId = params.id ?? "";
  const row = await ctx.db.returnCase.findFirst({ where: { id: caseId }, select: { lines: true } });
  if (!row) return json({ ok: false as const, message: `No return ${caseId} in ${ctx.shop}` }, { status: 404 });
  const read = readReturnAction(await request.formData(), Array.isArray(row.lines) ? row.lines.length : 0);
  if (!read.ok) return json({ ok: false as const, message: read.message }, { status: 400 });
  const form = read.value;
  const result =
    form.intent === "approve"
      ? await approveReturn(ctx, { caseId, idempotencyKey: form.key })
      : form.intent === "decline"
        ? await declineReturn(ctx, { caseId, idempotencyKey: form.key, reason: form.reason, note: form.note })
        : form.intent === "process"
          ? await processReturn(ctx, { caseId, idempotencyKey: form.key, lines: form.lines, locationId: form.locationId })
          : form.intent === "regrade"
            ? await regradeUnits(ctx, { caseId, idempotencyKey: form.key, line: form.line, to: form.to, quantity: form.quantity, locationId: form.locationId })
            : await advanceReturn(ctx, { caseId, idempotencyKey: form.key, event: form.intent });
  if (!result.ok) return json({ ok: false as const, message: result.message }, { status: result.code === "in_progress" ? 409 : 422 });
  return json({ ok: true as const, message: `${result.value.message}${result.replayed ? " (already done: this form was submitted before)" : ""}` });
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

function ActionForm({ intent, idempotencyKey, children, label, tone }: { intent: string; idempotencyKey: string; children?: ReactNode; label: string; tone?: "critical" }) {
  const fetcher = useFetcher<typeof action>();
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      <BlockStack gap="200">
        {children}
        <InlineStack>
          <Button submit loading={fetcher.state !== "idle"} tone={tone} variant={tone ? undefined : "primary"}>
            {label}
          </Button>
        </InlineStack>
        {fetcher.data && <Banner tone={fetcher.data.ok ? "success" : "critical"}>{fetcher.data.message}</Banner>}
      </BlockStack>
    </fetcher.Form>
  );
}

function DeclineFields() {
  const [reason, setReason] = useState("OTHER");
  const [note, setNote] = useState("");
  return (
    <InlineStack gap="200" wrap>
      <Select
        label="Reason (Shopify's)"
        name="reason"
        value={reason}
        onChange={setReason}
        options={[
          { label: "Final sale", value: "FINAL_SALE" },
          { label: "Return period ended", value: "RETURN_PERIOD_ENDED" },
          { label: "Other", value: "OTHER" },
        ]}
      />
      <TextField label="Note to the customer (required)" name="note" value={note} onChange={setNote} autoComplete="off" />
    </InlineStack>
  );
}

function LocationSelect({ locations }: { locations: { id: string; name: string }[] }) {
  const [value, setValue] = useState(locations[0]?.id ?? "");
  return locations.length > 0 ? (
    <Select label="Restock at" name="locationId" value={value} onChange={setValue} options={locations.map((l) => ({ label: l.name, value: l.id }))} />
  ) : (
    <TextField label="Restock at (Location gid)" name="locationId" value={value} onChange={setValue} autoComplete="off" />
  );
}

export default function ReturnDetail() {
  const d = useLoaderData<typeof loader>();
  const currency = d.currencyCode ?? "USD";
  const money = (minor: number | null) => (minor === null ? "—" : toDecimalString(minor, currency));
  const can = (event: string) => d.allowed.includes(event);
  const awaiting = d.lines.some((line) => line.awaitingRegrade > 0);
  return (
    <Page
      title={d.rmaNumber}
      subtitle={`Order ${d.orderName} · ${d.source === "staff" ? "created by staff" : "from Shopify"}`}
      titleMetadata={<Badge tone={d.status === "declined" ? "critical" : d.status === "closed" ? "success" : "info"}>{d.status.replace("_", " ")}</Badge>}
      backAction={{ content: "Returns", url: "/app/returns" }}
      secondaryActions={[{ content: "Order timeline", url: `/app/orders/${encodeURIComponent(d.orderId)}` }]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {d.previewError && <Banner tone="warning">{d.previewError}</Banner>}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Lines
                </Text>
                <DataTable
                  columnContentTypes={["text", "numeric", "text", "text", "numeric", "text", "text"]}
                  headings={["Item", "Units", "Reason", "Condition", "Restocking fee %", "Graded", "Customer note"]}
                  rows={d.lines.map((line) => [
                    line.title ?? line.sku ?? line.lineItemId ?? "item",
                    line.quantity,
                    line.reason.toLowerCase().replace(/_/g, " "),
                    line.condition,
                    line.restockingFeePercent,
                    GRADES.filter((g) => line.graded[g] > 0)
                      .map((g) => `${line.graded[g]} ${g}`)
                      .join(", ") + (line.awaitingRegrade > 0 ? ` (${line.awaitingRegrade} await a grade)` : ""),
                    line.customerNote ?? "",
                  ])}
                />
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Refund preview
                </Text>
                <Text as="p" tone="subdued">
                  Refund timing: {d.refundTiming} ({d.refundTimingLabel}). {d.refundDue}.
                  {d.refundedAt ? ` Refunded ${money(d.refundMinor)} ${currency} on ${d.refundedAt.slice(0, 10)}.` : ""}
                </Text>
                {d.preview ? (
                  <>
                    <DataTable
                      columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                      headings={["Item", "Units", "Price", "Order discount share", "Shopify's subtotal", "Shopify's tax", "Restocking fee"]}
                      rows={d.preview.lines.map((line) => [
                        line.title,
                        line.quantity,
                        money(line.grossMinor),
                        money(line.discountMinor),
                        money(line.shopifyNetMinor),
                        money(line.taxMinor),
                        money(line.restockingFeeMinor),
                      ])}
                      totals={["", "", money(d.preview.totals.grossMinor), money(d.preview.totals.discountMinor), "", money(d.preview.totals.taxMinor), money(d.preview.totals.restockingFeesMinor)]}
                      showTotalsInFooter
                    />
                    <Text as="p" fontWeight="semibold">
                      Refund: {money(d.preview.totals.refundMinor)} {currency} (return shipping fee {money(d.preview.totals.returnShippingFeeMinor)}; fees {d.preview.totals.feesOn === "shopify" ? "on Shopify's return" : "taken off the refund"})
                    </Text>
                    {d.preview.explanation.map((sentence) => (
                      <Text as="p" key={sentence} tone="subdued">
                        {sentence}
                      </Text>
                    ))}
                    {d.preview.warnings.map((warning) => (
                      <Banner key={warning.message} tone="warning">
                        {warning.message}
                      </Banner>
                    ))}
                  </>
                ) : (
                  <Text as="p" tone="subdued">
                    Nothing left to refund on this return.
                  </Text>
                )}
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="400">
                <Text as="h2" variant="headingMd">
                  Actions
                </Text>
                {can("approve") && <ActionForm intent="approve" idempotencyKey={d.keys.approve} label="Approve" />}
                {can("decline") && (
                  <ActionForm intent="decline" idempotencyKey={d.keys.decline} label="Decline" tone="critical">
                    <DeclineFields />
                  </ActionForm>
                )}
                {can("ship") && <ActionForm intent="ship" idempotencyKey={d.keys.ship} label="Carrier reports in transit" />}
                {can("receive") && <ActionForm intent="receive" idempotencyKey={d.keys.receive} label="Mark received" />}
                {(can("inspect") || can("receive")) && d.status !== "requested" && (
                  <ActionForm intent="process" idempotencyKey={d.keys.process} label="Inspect and process">
                    {d.lines.map((line, index) => (
                      <InlineStack key={`${line.returnLineItemId ?? index}`} gap="200" blockAlign="end" wrap>
                        <Text as="span">
                          {line.sku ?? line.title ?? `line ${index + 1}`} ({line.quantity})
                        </Text>
                        <FormSelect label="Condition" name={`condition.${index}`} options={ITEM_CONDITIONS.map((c) => ({ label: c, value: c }))} initial={line.condition} />
                        {GRADES.map((grade) => (
                          <FormNumber key={grade} label={grade} name={`${grade}.${index}`} min={0} initial={grade === "resell" ? String(line.quantity) : "0"} />
                        ))}
                      </InlineStack>
                    ))}
                    <LocationSelect locations={d.locations} />
                  </ActionForm>
                )}
                {awaiting && (
                  <ActionForm intent="regrade" idempotencyKey={d.keys.regrade} label="Re-grade refurbished units">
                    <InlineStack gap="200" wrap>
                      <FormSelect
                        label="Line"
                        name="line"
                        options={d.lines.flatMap((line, index) => (line.awaitingRegrade > 0 ? [{ label: `${line.sku ?? index + 1} (${line.awaitingRegrade} waiting)`, value: String(index) }] : []))}
                      />
                      <FormSelect label="Final grade" name="to" options={[{ label: "resell", value: "resell" }, { label: "scrap", value: "scrap" }]} />
                      <FormNumber label="Units" name="quantity" min={1} initial="1" />
                      <LocationSelect locations={d.locations} />
                    </InlineStack>
                  </ActionForm>
                )}
                {d.allowed.length === 0 && !awaiting && (
                  <Text as="p" tone="subdued">
                    This return is {d.status}: nothing more to do.
                  </Text>
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
                  Eligibility at intake
                </Text>
                {d.eligibility ? (
                  <>
                    <Text as="p" tone={d.eligibility.eligible ? "success" : "critical"}>
                      {d.eligibility.summary}
                    </Text>
                    <List>
                      {d.eligibility.lines.flatMap((line) =>
                        line.checks.map((check) => (
                          <List.Item key={`${line.lineItemId}-${check.rule}`}>
                            {check.ok ? "✓" : "✗"} {check.rule}: {check.message}
                          </List.Item>
                        )),
                      )}
                    </List>
                  </>
                ) : (
                  <Text as="p" tone="subdued">
                    Not checked.
                  </Text>
                )}
                {d.declineReason && (
                  <Text as="p">
                    Declined: {d.declineReason} — {d.declineNote}
                  </Text>
                )}
                <Text as="p" tone="subdued">
                  Shopify status: {d.shopifyStatus ?? "unknown"}
                </Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Restocks (for ATP)
                </Text>
                {d.restocks.length === 0 ? (
                  <Text as="p" tone="subdued">
                    None yet.
                  </Text>
                ) : (
                  <List>
                    {d.restocks.map((r) => (
                      <List.Item key={`${r.occurredAt}-${r.sku}-${r.locationId}-${r.quantity}`}>
                        {r.quantity} × {r.sku ?? "item"} at {d.locations.find((l) => l.id === r.locationId)?.name ?? r.locationId} ({r.via.replace("_", " ")})
                      </List.Item>
                    ))}
                  </List>
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Audit trail
                </Text>
                <List>
                  {d.audit.map((entry) => (
                    <List.Item key={`${entry.at}-${entry.action}-${entry.detail.length}`}>
                      <Text as="span" variant="bodySm">
                        {entry.at.replace("T", " ").slice(0, 19)} · {entry.actor} · {entry.action}: {entry.detail}
                      </Text>
                    </List.Item>
                  ))}
                </List>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
