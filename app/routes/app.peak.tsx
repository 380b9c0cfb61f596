import { useState, type ReactNode } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  DataTable,
  Divider,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
  type BadgeProps,
} from "@shopify/polaris";
import { adminContext } from "~/services/admin-context.server";
import prisma from "~/db.server";
import { loadPeakPage, peakAction, type PeakActionResult } from "~/services/peak/page.server";
import { actorOf, peakProbe } from "~/services/peak/probe-context.server";
import { ensurePeakScheduler } from "~/services/peak/scheduler.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin } = await adminContext(request);
  void ensurePeakScheduler();
  return json(await loadPeakPage({ prisma, shop, admin, actor: "page", probe: peakProbe(prisma, shop) }));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, admin, session, mode } = await adminContext(request);
  const result: PeakActionResult = await peakAction({ prisma, shop, admin, actor: actorOf(session, mode), probe: peakProbe(prisma, shop) }, await request.formData());
  return json(result, { status: result.ok ? 200 : 422 });
};

const TONE: Record<string, BadgeProps["tone"]> = { ok: "success", warn: "warning", fail: "critical" };
const LABEL: Record<string, string> = { ok: "Ready", warn: "Check", fail: "Not ready" };

function Section({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  return (
    <Card>
      <BlockStack gap="300">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
          {subtitle && (
            <Text as="p" variant="bodySm" tone="subdued">
              {subtitle}
            </Text>
          )}
        </BlockStack>
        {children}
      </BlockStack>
    </Card>
  );
}

function Intent({ value }: { value: string }) {
  return <input type="hidden" name="intent" value={value} />;
}

const KINDS = [
  { label: "Payment method", value: "payment" },
  { label: "Delivery option", value: "delivery" },
  { label: "Promotion", value: "promotion" },
  { label: "Freeze all promotions", value: "freeze" },
  { label: "Region (country / market)", value: "region" },
];

function KillForm({ busy }: { busy: boolean }) {
  const [kind, setKind] = useState("payment");
  const [fields, setFields] = useState<Record<string, string>>({});
  const field = (name: string, label: string, help?: string) => (
    <TextField label={label} name={name} value={fields[name] ?? ""} onChange={(v) => setFields({ ...fields, [name]: v })} helpText={help} autoComplete="off" />
  );
  return (
    <Form method="post">
      <Intent value="kill" />
      <FormLayout>
        <Select label="Turn off" name="kind" options={KINDS} value={kind} onChange={setKind} />
        {kind === "payment" && (
          <FormLayout.Group>
            {field("name", "Payment method name", "As checkout shows it; a trailing * matches a prefix (Klarna*)")}
            {field("markets", "Only in markets", "Market handles, comma separated; empty = every market")}
          </FormLayout.Group>
        )}
        {kind === "delivery" && (
          <FormLayout.Group>
            {field("handle", "Handle")}
            {field("title", "Title", "Trailing * matches a prefix")}
            <Select
              label="Type"
              name="type"
              value={fields.type ?? ""}
              onChange={(v) => setFields({ ...fields, type: v })}
              options={[{ label: "any", value: "" }, ...["SHIPPING", "PICKUP_POINT", "RETAIL", "NONE"].map((t) => ({ label: t, value: t }))]}
            />
            {field("markets", "Only in markets", "Comma separated; empty = every market")}
          </FormLayout.Group>
        )}
        {kind === "promotion" && field("id", "Promotion id", "The id in the promotion set")}
        {kind === "region" && (
          <FormLayout.Group>
            {field("cc", "Country code", "Two letters, e.g. FR")}
            {field("market", "Market handle")}
            {field("language", "Message language", "e.g. en, fr, pt-BR")}
            {field("message", "Shopper message", "Shown at checkout; a default sentence otherwise")}
          </FormLayout.Group>
        )}
        <FormLayout.Group>
          {field("reason", "Reason (required, audited)")}
          {field("expiresInMinutes", "Restore automatically after (minutes)", "Empty: stays off until restored")}
        </FormLayout.Group>
        <Button submit variant="primary" tone="critical" loading={busy}>
          Turn off
        </Button>
      </FormLayout>
    </Form>
  );
}

function RestoreForm({ id, busy }: { id: string; busy: boolean }) {
  const [reason, setReason] = useState("");
  return (
    <Form method="post">
      <Intent value="restore" />
      <input type="hidden" name="switchId" value={id} />
      <InlineStack gap="200" blockAlign="end" wrap={false}>
        <TextField label="Reason" labelHidden placeholder="Why restore (audited)" name="reason" value={reason} onChange={setReason} autoComplete="off" />
        <Button submit loading={busy}>
          Restore
        </Button>
      </InlineStack>
    </Form>
  );
}

function SettingsForm({ settings, busy }: { settings: ReturnType<typeof useLoaderData<typeof loader>>["settings"]; busy: boolean }) {
  const [catalog, setCatalog] = useState(settings.catalogText);
  const [peak, setPeak] = useState(String(settings.peakOrdersPerMinute));
  const [days, setDays] = useState(String(settings.switchTestDays));
  return (
    <Form method="post">
      <Intent value="settings" />
      <FormLayout>
        <TextField
          label="Payment methods and delivery options per market"
          name="catalog"
          value={catalog}
          onChange={setCatalog}
          multiline={4}
          monospaced
          autoComplete="off"
          placeholder="us | US | Shop Pay, PayPal | standard:Standard:SHIPPING, express:Express:SHIPPING"
          helpText="One market a line: handle | countries | payment method names | delivery options as handle:title:type. The Admin API cannot list payment methods, so the last-method guard checks flips against this declaration."
        />
        <FormLayout.Group>
          <TextField label="Configured peak (orders/min)" name="peakOrdersPerMinute" type="number" value={peak} onChange={setPeak} autoComplete="off" helpText="npm run drill runs at 1.5× this" />
          <TextField label="Kill switches count as tested for (days)" name="switchTestDays" type="number" value={days} onChange={setDays} autoComplete="off" />
        </FormLayout.Group>
        <Button submit loading={busy}>
          Save settings
        </Button>
      </FormLayout>
    </Form>
  );
}

function FreezeForm({ busy }: { busy: boolean }) {
  const [scope, setScope] = useState("code");
  const [startsAt, setStartsAt] = useState("");
  const [endsAt, setEndsAt] = useState("");
  const [reason, setReason] = useState("");
  return (
    <Form method="post">
      <Intent value="freeze-add" />
      <FormLayout>
        <FormLayout.Group>
          <Select
            label="Freeze"
            name="scope"
            value={scope}
            onChange={setScope}
            options={[
              { label: "Code and configuration (no deploys)", value: "code" },
              { label: "Promotions (freeze switch on for the window)", value: "promotions" },
            ]}
          />
          <TextField label="From (shop time)" name="startsAt" type="datetime-local" value={startsAt} onChange={setStartsAt} autoComplete="off" />
          <TextField label="Until (shop time)" name="endsAt" type="datetime-local" value={endsAt} onChange={setEndsAt} autoComplete="off" />
        </FormLayout.Group>
        <TextField label="Reason" name="reason" value={reason} onChange={setReason} autoComplete="off" />
        <Button submit loading={busy}>
          Schedule
        </Button>
      </FormLayout>
    </Form>
  );
}

export default function Peak() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const drill = data.drills[0] ?? null;

  return (
    <Page title="Peak" subtitle={`${data.shop} · ${data.clock.label}`}>
      <Layout>
        {result && (
          <Layout.Section>
            <Banner tone={result.ok ? "success" : "critical"} title={result.ok ? "Done" : "Refused"}>
              <p>{result.message}</p>
            </Banner>
          </Layout.Section>
        )}
        {data.codeFreezeOpen && (
          <Layout.Section>
            <Banner tone="warning" title={`Code freeze until ${data.codeFreezeOpen.ends}`}>
              <p>{data.codeFreezeOpen.reason}. No deploys or configuration changes; kill switches stay available.</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <BlockStack gap="400">
            <Section title="Readiness" subtitle="Live values against the peak checklist">
              <BlockStack gap="300">
                {data.readiness.map((item) => (
                  <BlockStack key={item.key} gap="100">
                    <InlineStack gap="200" blockAlign="center">
                      <Badge tone={TONE[item.status]}>{LABEL[item.status]}</Badge>
                      <Text as="span" fontWeight="semibold">
                        {item.label}
                      </Text>
                    </InlineStack>
                    <Text as="p">{item.value}</Text>
                    <Text as="p" variant="bodySm" tone="subdued">
                      {item.detail}
                    </Text>
                  </BlockStack>
                ))}
              </BlockStack>
            </Section>

            <Section
              title="Kill switches"
              subtitle={`Every flip needs a reason, may expire, is audited, and is refused when a market would lose its last payment or delivery method. ${data.metafield ? `Metafield rev ${data.metafield.rev}, ${data.metafield.bytes} B, ${data.metafield.ok ? "confirmed" : "not confirmed"} (${data.metafield.at}).` : "Metafield not written yet."}`}
            >
              {data.switches.length === 0 ? (
                <Text as="p" tone="subdued">
                  Everything is on.
                </Text>
              ) : (
                <BlockStack gap="300">
                  {data.switches.map((s) => (
                    <InlineStack key={s.id} align="space-between" blockAlign="center" gap="400">
                      <BlockStack gap="050">
                        <Text as="p" fontWeight="semibold">
                          {s.description}
                        </Text>
                        <Text as="p" variant="bodySm" tone="subdued">
                          Off since {s.since} by {s.by}: {s.reason}
                          {s.expires ? ` · restores ${s.expires}` : " · until restored"}
                        </Text>
                      </BlockStack>
                      <RestoreForm id={s.id} busy={busy} />
                    </InlineStack>
                  ))}
                </BlockStack>
              )}
              <Divider />
              <KillForm busy={busy} />
              <Divider />
              <InlineStack gap="300" blockAlign="center">
                <Form method="post">
                  <Intent value="activate" />
                  <Button submit loading={busy}>
                    Create / activate the kill-switch functions
                  </Button>
                </Form>
                <Form method="post">
                  <Intent value="republish" />
                  <Button submit loading={busy}>
                    Publish again
                  </Button>
                </Form>
                <Text as="span" variant="bodySm" tone="subdued">
                  {data.customizations ? data.customizations.map((c) => `${c.kind}: ${c.enabled ? "active" : c.id ? "inactive" : "not created"}`).join(" · ") : "customization status unavailable"}
                </Text>
              </InlineStack>
            </Section>

            <Section title="What each market still offers" subtitle="The declared methods, after the switches that are on">
              {data.coverage.length === 0 ? (
                <Text as="p" tone="subdued">
                  No market declared yet (settings below).
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text"]}
                  headings={["Market", "Payment methods", "Delivery options"]}
                  rows={data.coverage.map((c) => [c.market, `${c.payment.remaining.join(", ") || "none"} (${c.payment.remaining.length}/${c.payment.declared.length})`, `${c.delivery.remaining.join(", ") || "none"} (${c.delivery.remaining.length}/${c.delivery.declared.length})`])}
                />
              )}
            </Section>

            <Section title="Audit log" subtitle="Who, when, why, before / after, and the propagation receipt">
              {data.audit.length === 0 ? (
                <Text as="p" tone="subdued">
                  No flips yet.
                </Text>
              ) : (
                <BlockStack gap="300">
                  {data.audit.map((a) => (
                    <BlockStack key={a.id} gap="050">
                      <InlineStack gap="200" blockAlign="center">
                        <Badge tone={a.action === "refused" ? "critical" : a.action === "kill" ? "warning" : "info"}>{a.action}</Badge>
                        <Text as="span" fontWeight="semibold">
                          {a.what}
                        </Text>
                        <Text as="span" variant="bodySm" tone="subdued">
                          {a.at} · {a.actor}
                          {a.rev !== null ? ` · rev ${a.rev}` : ""}
                        </Text>
                      </InlineStack>
                      <Text as="p" variant="bodySm">
                        Why: {a.reason}
                      </Text>
                      <Text as="p" variant="bodySm" tone="subdued">
                        Before → after: {a.before} → {a.after}
                      </Text>
                      {a.receipt && (
                        <Text as="p" variant="bodySm" tone={a.receiptOk ? "success" : "critical"}>
                          {a.receiptOk ? "Receipt ✓ " : "Receipt ✗ "}
                          {a.receipt}
                        </Text>
                      )}
                    </BlockStack>
                  ))}
                </BlockStack>
              )}
            </Section>

            <Section title="Last drill" subtitle="npm run drill: 1.5× the configured peak against the store emulator">
              {!drill ? (
                <Text as="p" tone="subdued">
                  No drill yet. Run npm run drill (the report lands here).
                </Text>
              ) : (
                <BlockStack gap="200">
                  <InlineStack gap="200" blockAlign="center">
                    <Badge tone={drill.passed ? "success" : "critical"}>{drill.passed ? "Passed" : "Failed"}</Badge>
                    <Text as="span">
                      {drill.startedLabel} · {Math.round(drill.results.ordersPerMinute)} orders/min for {Math.round(drill.results.durationMs / 1000)} s · {drill.results.webhooks.events} webhook events
                    </Text>
                  </InlineStack>
                  <DataTable
                    columnContentTypes={["text", "text", "text", "text"]}
                    headings={["Check", "Measured", "Target", ""]}
                    rows={drill.verdicts.map((v) => [v.name, v.actual, v.target, v.ok ? "✓" : "✗"])}
                  />
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                    headings={["Measure", "p50 (ms)", "p99 (ms)", "max (ms)"]}
                    rows={[
                      ["Webhook ack", drill.results.ack.p50 ?? "n/a", drill.results.ack.p99 ?? "n/a", drill.results.ack.max ?? "n/a"],
                      ["Processing lag", drill.results.lag.p50 ?? "n/a", drill.results.lag.p99 ?? "n/a", drill.results.lag.max ?? "n/a"],
                      ["ATP read", drill.results.atp.p50 ?? "n/a", drill.results.atp.p99 ?? "n/a", drill.results.atp.max ?? "n/a"],
                      ...drill.results.checkout.map((c) => [`Checkout: ${c.function}${c.note ? ` (not measured: ${c.note})` : ""}`, c.wallMs.p50 ?? "n/a", c.wallMs.p99 ?? "n/a", c.wallMs.max ?? "n/a"]),
                    ]}
                  />
                  <Text as="p" variant="bodySm" tone="subdued">
                    Lost: {drill.results.loss.lost.length + drill.results.loss.neverAttempted} of {drill.results.loss.emitted} events · refused deliveries: {JSON.stringify(drill.results.webhooks.refused)} · {drill.results.backpressure.note}
                  </Text>
                  {drill.results.notes.map((note) => (
                    <Text key={note} as="p" variant="bodySm" tone="subdued">
                      {note}
                    </Text>
                  ))}
                </BlockStack>
              )}
            </Section>

            <Section title="Freeze windows" subtitle={`Times in ${data.clock.timeZone}`}>
              {data.freezeWindows.length > 0 && (
                <BlockStack gap="200">
                  {data.freezeWindows.map((w) => (
                    <InlineStack key={w.id} align="space-between" blockAlign="center">
                      <Text as="span">
                        {w.open ? <Badge tone="attention">open</Badge> : null} {w.scope} freeze {w.starts} → {w.ends}: {w.reason} ({w.by})
                      </Text>
                      <Form method="post">
                        <Intent value="freeze-delete" />
                        <input type="hidden" name="windowId" value={w.id} />
                        <Button submit variant="plain" tone="critical">
                          Remove
                        </Button>
                      </Form>
                    </InlineStack>
                  ))}
                </BlockStack>
              )}
              <FreezeForm busy={busy} />
            </Section>

            <Section title="Settings" subtitle={`Webhook backlog cap: ${data.settings.backlogCap.toLocaleString("en-US")} (${data.settings.backlogCapEnv})`}>
              <SettingsForm settings={data.settings} busy={busy} />
            </Section>
            <Box paddingBlockEnd="400" />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
